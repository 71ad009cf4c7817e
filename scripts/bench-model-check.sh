#!/usr/bin/env bash
# The deterministic scheduler's and the model checker's benchmarks (issue 29), on demand,
# never in CI. Prints:
#   mc runs/s     runs per second of `WASMC_MODEL_CHECK=1` on the lost-update counter
#                 (compiler/tests/fixtures/model_check/racy.c: 2 threads x 10 increments),
#                 with 1 and with 2 jobs: the median of RUNS searches of MC_RUNS runs each
#   deterministic ../shared/programs/c-wasi-threads/pool and the task pool with more work
#                 per task (scripts/bench/threads/pool_scaled.c), 4 workers under
#                 WASMC_DETERMINISTIC=1 against 1 worker in the parallel mode (hyperfine
#                 medians of at least RUNS runs, one warm-up)
# Needs a release build (`cargo build --release`), clang and wasm-ld, hyperfine and
# python3 (installed with apt-get when missing, as root).
#
#   RUNS=10 MC_RUNS=20000 scripts/bench-model-check.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
wasmc="$root/target/release/wasmc"
shared="$root/../shared"
runs="${RUNS:-10}"
mc_runs="${MC_RUNS:-20000}"
[ "$runs" -ge 5 ] || { echo "RUNS must be at least 5 (medians of 5 or more)" >&2; exit 1; }
[ -x "$wasmc" ] || { echo "build first: cargo build --release" >&2; exit 1; }
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
command -v clang >/dev/null && command -v wasm-ld >/dev/null \
  || apt-get install -y -qq clang lld libclang-rt-dev-wasm32 >/dev/null
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
tar xzf "$shared/toolchains/wasi-sysroot-threads.tgz" -C "$work"

build() { # NAME SOURCE: $work/NAME, compiled by wasmc
  clang --target=wasm32-wasi-threads --sysroot="$work/sysroot-threads" -O2 -pthread \
    -ftls-model=local-exec "$2" -o "$work/$1.wasm" -Wl,--import-memory,--max-memory=134217728
  "$wasmc" "$work/$1.wasm" -o "$work/$1"
}
build racy "$root/compiler/tests/fixtures/model_check/racy.c"
build pool "$shared/programs/c-wasi-threads/pool/pool.c"
build pool_scaled "$root/scripts/bench/threads/pool_scaled.c"
for p in "pool 4" "pool_scaled 4"; do
  set -- $p
  a=$("$work/$1" 1); b=$(WASMC_DETERMINISTIC=1 "$work/$1" "$2")
  [ "$a" = "$b" ] || { echo "$1: 1 worker and 4 deterministic workers print different results" >&2; exit 1; }
done

# The model checker: runs/s of each search, from its JSON report; alternating 1 and 2 jobs.
for ((i = 0; i < runs; i++)); do
  for jobs in 1 2; do
    WASMC_MODEL_CHECK=1 WASMC_MC_JOBS=$jobs WASMC_MC_MAX_RUNS="$mc_runs" \
      WASMC_MC_REPORT="$work/r.json" "$work/racy" >/dev/null || [ $? -eq 1 ] # 1: it finds the bug
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["runs"]/r["seconds"])' \
      "$work/r.json" >>"$work/jobs$jobs"
  done
done
median() { sort -g "$1" | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf 'model checker, racy counter (2 threads x 10 increments), %s runs per search:\n' "$mc_runs"
printf '  --jobs 1: %8.0f runs/s (median of %s)\n' "$(median "$work/jobs1")" "$runs"
printf '  --jobs 2: %8.0f runs/s (median of %s)\n' "$(median "$work/jobs2")" "$runs"

medians() {
  hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$work/h.json" "$@" >/dev/null
  python3 -c 'import json,sys; [print(r["median"]) for r in json.load(open(sys.argv[1]))["results"]]' "$work/h.json"
}
printf '%-12s %-44s %10s %10s %8s\n' bench compares A_median B_median A/B
row() { printf '%-12s %-44s %10.4f %10.4f %8.2f\n' "$1" "$2" "$3" "$4" "$(echo "$3 / $4" | bc -l)"; }
for p in pool pool_scaled; do
  mapfile -t m < <(medians "env WASMC_DETERMINISTIC=1 $work/$p 4" "$work/$p 1")
  row "$p" "deterministic 4 workers / parallel 1 worker" "${m[0]}" "${m[1]}"
done
