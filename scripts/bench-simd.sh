#!/usr/bin/env bash
# The SIMD benchmark (issue 15), on demand, never in CI: the C program of the SIMD
# end-to-end test (compiler/tests/fixtures/c/simd.c: a 3x3 blur, a float dot product,
# min/max/sum statistics with wasm_simd128.h intrinsics, and an auto-vectorised histogram)
# built for wasm32-wasi with `clang -O2 -msimd128` and with `clang -O2`, each run by
#   wasmc (a linked executable)   and   `wasmtime run` (precompiled with `wasmtime compile`),
# after checking that all four print what the host's `cc -O2` build prints. hyperfine times
# the four commands in RUNS interleaved rounds (at least 5, after a warmup round) and the
# script prints the medians and the ratios SIMD/scalar and wasmc/wasmtime.
#
# Needs a release build (`cargo build --release`), clang with lld, wasi-libc and
# libclang-rt-dev-wasm32 (Debian packages), hyperfine (Debian package) and wasmtime 48
# (`cargo install wasmtime-cli@48.0.8 --locked`); missing Debian packages are installed with
# apt-get (run as root).
#
#   RUNS=5 scripts/bench-simd.sh [SIZE [ROUNDS]]     # default: a 2048x2048 image, 50 rounds
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
wasmc="$root/target/release/wasmc"
src="$root/compiler/tests/fixtures/c/simd.c"
runs="${RUNS:-5}"
size="${1:-2048}"
rounds="${2:-50}"
[ "$runs" -ge 5 ] || { echo "RUNS must be at least 5 (medians of 5 or more)" >&2; exit 1; }
if ! command -v hyperfine >/dev/null || ! command -v clang >/dev/null \
    || ! command -v wasm-ld >/dev/null || [ ! -e /usr/lib/wasm32-wasi/crt1.o ]; then
  apt-get update -qq && apt-get install -y -qq hyperfine clang lld wasi-libc libclang-rt-dev-wasm32
fi
command -v wasmtime >/dev/null || { echo "wasmtime not found on PATH (cargo install wasmtime-cli@48.0.8 --locked)" >&2; exit 1; }
[ -x "$wasmc" ] || { echo "build first: cargo build --release" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

cc -O2 -o "$work/native" "$src"
"$work/native" "$size" "$rounds" >"$work/expected"
for build in simd scalar; do
  flags=(-O2); [ $build = simd ] && flags+=(-msimd128)
  clang --target=wasm32-wasi "${flags[@]}" -o "$work/$build.wasm" "$src"
  "$wasmc" "$work/$build.wasm" -o "$work/$build"
  wasmtime compile "$work/$build.wasm" -o "$work/$build.cwasm"
  "$work/$build" "$size" "$rounds" | cmp -s - "$work/expected" \
    || { echo "wasmc's $build build prints something else than the native build" >&2; exit 1; }
  wasmtime run --allow-precompiled "$work/$build.cwasm" "$size" "$rounds" | cmp -s - "$work/expected" \
    || { echo "wasmtime's $build build prints something else than the native build" >&2; exit 1; }
done

# Interleaved rounds (A B C D, A B C D, ...): one hyperfine call per round, one run of each
# command, so a slow phase of this noisy machine weighs on all four alike.
cmds=("$work/simd $size $rounds" "$work/scalar $size $rounds"
  "wasmtime run --allow-precompiled $work/simd.cwasm $size $rounds"
  "wasmtime run --allow-precompiled $work/scalar.cwasm $size $rounds")
hyperfine -N --style none --runs 1 "${cmds[@]}" >/dev/null  # warmup
for i in $(seq "$runs"); do
  hyperfine -N --style none --runs 1 --export-json "$work/h$i.json" "${cmds[@]}" >/dev/null
done
# Medians in seconds, in command order: wasmc simd, wasmc scalar, wasmtime simd, wasmtime scalar.
mapfile -t m < <(python3 - "$work"/h*.json <<'PY'
import json, statistics, sys
runs = [json.load(open(f))["results"] for f in sys.argv[1:]]
for i in range(len(runs[0])):
    print(statistics.median(t for r in runs for t in r[i]["times"]))
PY
)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "simd.c $size $rounds, medians of $runs runs (seconds)"
printf '%-10s %10s %10s %12s\n' engine simd scalar simd/scalar
printf '%-10s %10.3f %10.3f %12s\n' wasmc "${m[0]}" "${m[1]}" "$(ratio "${m[0]}" "${m[1]}")"
printf '%-10s %10.3f %10.3f %12s\n' wasmtime "${m[2]}" "${m[3]}" "$(ratio "${m[2]}" "${m[3]}")"
printf '%-10s %10s %10s\n' wasmc/wt "$(ratio "${m[0]}" "${m[2]}")" "$(ratio "${m[1]}" "${m[3]}")"
