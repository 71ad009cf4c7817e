#!/usr/bin/env bash
# Start-up and warm-cache overhead (issue 13), medians of RUNS runs (hyperfine, one warm-up
# run each; all commands of a program in one run of this script):
#
# - `kotlin-wasi/shapes` and `c-wasi/hello` run as a wasmc executable (`./prog`), through
#   `wasmc run` with a warm compilation cache, through `wasmtime run` of the precompiled
#   `.cwasm` and through `wasmtime run` of the `.wasm` with Wasmtime's warm cache. The
#   overhead of `wasmc run` is its time less the executable's; Wasmtime's, `wasmtime run
#   X.wasm` less `wasmtime run X.cwasm`.
# - `c-wasi/hello`'s executable against the same C program compiled natively (`cc -O2`):
#   what a wasmc executable costs beyond the program's own work (process start-up,
#   dynamic linking, runtime initialisation, instantiation).
#
#   scripts/bench-startup.sh [RUNS]     # default 20; prints a Markdown table
#
# Needs a release build, hyperfine, cc and `wasmtime` on PATH.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
wasmc="$root/target/release/wasmc"
programs="$root/../shared/programs"
runs=${1:-20}
for tool in hyperfine wasmtime python3 cc; do
  command -v "$tool" >/dev/null || { echo "$tool not found on PATH" >&2; exit 1; }
done
[ -x "$wasmc" ] || { echo "build first: cargo build --release" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export WASMC_CACHE_DIR="$work/cache"

# Median wall times (ms) of the commands in hyperfine's JSON export, space-separated.
medians() {
  python3 -c 'import json,sys; print(" ".join("%.2f" % (r["median"] * 1000) for r in json.load(open(sys.argv[1]))["results"]))' "$1"
}
sub() { python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) - float(sys.argv[2])))" "$1" "$2"; }

echo "| program | ./prog ms | wasmc run ms | wasmc run overhead ms | wasmtime .cwasm ms | wasmtime .wasm ms | wasmtime overhead ms |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for p in kotlin-wasi/shapes c-wasi/hello; do
  name=${p#*/}
  wasm="$programs/$p/$name.wasm"
  wargs=(); rargs=(); targs=()
  if [ "$name" = hello ]; then
    wargs=(alpha beta); rargs=(--env GREETING_NAME=wasm); targs=(--env GREETING_NAME=wasm)
  fi
  "$wasmc" "$wasm" -o "$work/$name"
  wasmtime compile "$wasm" -o "$work/$name.cwasm"
  # Warm both caches.
  "$wasmc" run "${rargs[@]}" "$wasm" -- "${wargs[@]}" >/dev/null
  wasmtime run "${targs[@]}" "$wasm" "${wargs[@]}" >/dev/null
  WASMC_ENV_GREETING_NAME=wasm hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/h.json" \
    "$work/$name ${wargs[*]}" \
    "$wasmc run ${rargs[*]} $wasm -- ${wargs[*]}" \
    "wasmtime run ${targs[*]} --allow-precompiled $work/$name.cwasm ${wargs[*]}" \
    "wasmtime run ${targs[*]} $wasm ${wargs[*]}" >/dev/null
  read -r exe run cwasm twasm <<<"$(medians "$work/h.json")"
  echo "| $p | $exe | $run | $(sub "$run" "$exe") | $cwasm | $twasm | $(sub "$twasm" "$cwasm") |"
done

echo
echo "| c-wasi/hello | wasmc executable ms | native cc -O2 ms | start-up beyond the program's work ms |"
echo "|---|---:|---:|---:|"
cc -O2 -o "$work/hello-native" "$programs/c-wasi/hello/hello.c"
WASMC_ENV_GREETING_NAME=wasm GREETING_NAME=wasm hyperfine -N --warmup 3 --runs "$runs" \
  --export-json "$work/h.json" "$work/hello alpha beta" "$work/hello-native alpha beta" >/dev/null
read -r exe native <<<"$(medians "$work/h.json")"
echo "| hello alpha beta | $exe | $native | $(sub "$exe" "$native") |"
