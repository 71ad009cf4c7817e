#!/usr/bin/env bash
# Compile time and run time of the c-wasi benchmark programs: wasmc against `wasmtime`
# (one run each, on this machine). Needs a release build (`cargo build --release`) and
# `wasmtime` on PATH (`cargo install wasmtime-cli@48.0.8 --locked`).
#
#   scripts/bench-c-wasi.sh            # prints one row per program and the geometric means
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
wasmc="$root/target/release/wasmc"
programs="$root/../shared/programs/c-wasi"
command -v wasmtime >/dev/null || { echo "wasmtime not found on PATH" >&2; exit 1; }
[ -x "$wasmc" ] || { echo "build first: cargo build --release" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }

printf '%-14s %10s %10s %8s %10s %10s %8s\n' program wasmc_c wasmtime_c ratio wasmc_run wasmtime_run ratio
sum_c=0; sum_r=0; n=0
for name in binarytrees fannkuch nbody sha256 spectralnorm wordfreq; do
  dir="$programs/$name"
  args=$(sed -n '1s/.*-- *//p' "$dir/run.txt")
  t0=$(now); "$wasmc" "$dir/$name.wasm" -o "$work/$name" ; t1=$(now)
  wasmtime compile "$dir/$name.wasm" -o "$work/$name.cwasm"; t2=$(now)
  (cd "$dir" && "$work/$name" $args >/dev/null); t3=$(now)
  (cd "$dir" && wasmtime run --allow-precompiled "$work/$name.cwasm" $args >/dev/null); t4=$(now)
  wc=$(secs "$t0" "$t1"); tc=$(secs "$t1" "$t2"); wr=$(secs "$t2" "$t3"); tr=$(secs "$t3" "$t4")
  rc=$(echo "$wc / $tc" | bc -l); rr=$(echo "$wr / $tr" | bc -l)
  printf '%-14s %10.3f %10.3f %8.2f %10.3f %10.3f %8.2f\n' "$name" "$wc" "$tc" "$rc" "$wr" "$tr" "$rr"
  sum_c=$(echo "$sum_c + l($rc)" | bc -l); sum_r=$(echo "$sum_r + l($rr)" | bc -l); n=$((n + 1))
done
printf 'geometric mean ratio (wasmc / wasmtime): compile %.2f, run %.2f\n' \
  "$(echo "e($sum_c / $n)" | bc -l)" "$(echo "e($sum_r / $n)" | bc -l)"
