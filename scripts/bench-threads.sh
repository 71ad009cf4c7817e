#!/usr/bin/env bash
# The threads benchmarks (issue 28), on demand, never in CI. Builds the threaded C programs
# for wasm32-wasi-threads (Debian's clang and the sysroot of
# ../shared/toolchains/wasi-sysroot-threads.tgz) and natively (gcc -O2 -pthread), compiles
# the Wasm with wasmc, checks that both print the same, then times them with hyperfine (at
# least RUNS runs each, one warm-up, medians) and prints:
#   pool          ../shared/programs/c-wasi-threads/pool with 1 and 2 threads: speed-up
#                 (a 62 ms run, mostly start-up and the serial set-up of its array)
#   pool_scaled   the same task pool with enough work per task to dominate the run
#                 (scripts/bench/threads/pool_scaled.c): speed-up, 1 vs 2 threads
#   pingpong      100k wait/notify round trips between two threads: wasmc / native
#   atomic_add    200M uncontended i32.atomic.rmw.add (lock xadd): wasmc / native
# On a 2-core machine the speed-ups can only be read when nothing else runs.
#
# Needs a release build (`cargo build --release`), clang and wasm-ld (`apt-get install clang
# lld`), gcc and hyperfine (Debian packages; installed with apt-get when missing, as root).
#
#   RUNS=10 scripts/bench-threads.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
wasmc="$root/target/release/wasmc"
shared="$root/../shared"
runs="${RUNS:-10}"
[ "$runs" -ge 5 ] || { echo "RUNS must be at least 5 (medians of 5 or more)" >&2; exit 1; }
[ -x "$wasmc" ] || { echo "build first: cargo build --release" >&2; exit 1; }
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
command -v clang >/dev/null && command -v wasm-ld >/dev/null \
  || apt-get install -y -qq clang lld libclang-rt-dev-wasm32 >/dev/null
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
tar xzf "$shared/toolchains/wasi-sysroot-threads.tgz" -C "$work"

build() { # NAME SOURCE: $work/NAME (wasmc) and $work/NAME-native
  local name=$1 src=$2
  clang --target=wasm32-wasi-threads --sysroot="$work/sysroot-threads" -O2 -pthread \
    -ftls-model=local-exec "$src" -o "$work/$name.wasm" -Wl,--import-memory,--max-memory=134217728
  "$wasmc" "$work/$name.wasm" -o "$work/$name"
  gcc -O2 -pthread "$src" -o "$work/$name-native"
}
build pool "$shared/programs/c-wasi-threads/pool/pool.c"
for p in pool_scaled pingpong atomic_add; do build "$p" "$root/scripts/bench/threads/$p.c"; done
for cmd in "pool 1" "pool 2" "pool_scaled 1" "pool_scaled 2" pingpong atomic_add; do
  set -- $cmd
  a=$("$work/$1" "${@:2}"); b=$("$work/$1-native" "${@:2}")
  [ "$a" = "$b" ] || { echo "wasmc and native differ on $cmd" >&2; exit 1; }
done

# Medians (seconds) of the given commands, in order, one per line.
medians() {
  hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$work/h.json" "$@" >/dev/null
  python3 -c 'import json,sys; [print(r["median"]) for r in json.load(open(sys.argv[1]))["results"]]' "$work/h.json"
}
w=$work
printf '%-12s %-34s %10s %10s %8s\n' bench compares A_median B_median A/B
row() { printf '%-12s %-34s %10.4f %10.4f %8.2f\n' "$1" "$2" "$3" "$4" "$(echo "$3 / $4" | bc -l)"; }
mapfile -t m < <(medians "$w/pool 1" "$w/pool 2" "$w/pool-native 1" "$w/pool-native 2")
row pool "wasmc: 1 thread / 2 threads" "${m[0]}" "${m[1]}"
row pool "native: 1 thread / 2 threads" "${m[2]}" "${m[3]}"
mapfile -t m < <(medians "$w/pool_scaled 1" "$w/pool_scaled 2" "$w/pool_scaled-native 1" "$w/pool_scaled-native 2")
row pool_scaled "wasmc: 1 thread / 2 threads" "${m[0]}" "${m[1]}"
row pool_scaled "native: 1 thread / 2 threads" "${m[2]}" "${m[3]}"
mapfile -t m < <(medians "$w/pingpong" "$w/pingpong-native")
row pingpong "wasmc / native (100k round trips)" "${m[0]}" "${m[1]}"
mapfile -t m < <(medians "$w/atomic_add" "$w/atomic_add-native")
row atomic_add "wasmc / native (200M rmw.add)" "${m[0]}" "${m[1]}"
