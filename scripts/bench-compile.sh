#!/usr/bin/env bash
# Compile time and peak memory of every shared module, and of a generated 100k-function
# module: `wasmc -c` (Wasm to object), `wasmc -o` (Wasm to linked executable) and
# `wasmtime compile`, medians of RUNS runs each (hyperfine, one warm-up run; the commands
# of a module are measured one after the other, in one run of this script), peak resident
# memory of one run (GNU time; for `wasmc -o` the larger of wasmc and the linker).
#
#   scripts/bench-compile.sh [RUNS]     # default 5; prints a Markdown table
#
# Needs a release build (`cargo build --release`), hyperfine and GNU time (Debian packages
# `hyperfine`, `time`) and `wasmtime` on PATH (`cargo install wasmtime-cli@48.0.8 --locked`).
# The compilation cache is off for the programs (`wasmc -o` without --cache); the prelinked
# runtime object is made in a scratch cache directory by the warm-up run, as it is once per
# wasmc build on a user's machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
wasmc="$root/target/release/wasmc"
programs="$root/../shared/programs"
runs=${1:-5}
for tool in hyperfine wasmtime python3; do
  command -v "$tool" >/dev/null || { echo "$tool not found on PATH" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "GNU time not found (apt-get install time)" >&2; exit 1; }
[ -x "$wasmc" ] || { echo "build first: cargo build --release" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export WASMC_CACHE_DIR="$work/cache"

generated="$work/generated-100k.wasm"
python3 "$root/scripts/bench/gen-module.py" 100000 "$generated"

# Median wall times (s) of the commands in hyperfine's JSON export, space-separated.
medians() {
  python3 -c 'import json,sys; print(" ".join("%.4f" % r["median"] for r in json.load(open(sys.argv[1]))["results"]))' "$1"
}
# Peak resident memory (MB) of one run of a command.
peak() {
  /usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null 2>&1 || true
  echo "$(( $(tail -n 1 "$work/rss") / 1024 ))"
}
ratio() { python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }

echo "| module | size KB | wasmc -c s | wasmc exe s | wasmtime s | -c / wt | exe / wt | wasmc -c MB | wasmc exe MB | wasmtime MB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for m in $(cd "$programs" && ls */*/*.wasm | sort) generated; do
  if [ "$m" = generated ]; then
    wasm="$generated"; name="generated (100k functions)"; r=$(( runs < 3 ? runs : 3 ))
  else
    wasm="$programs/$m"; name="${m%/*}"; r=$runs
  fi
  size=$(( $(stat -c %s "$wasm") / 1024 ))
  cmds=("$wasmc -c $wasm -o $work/m.o" "wasmtime compile $wasm -o $work/m.cwasm")
  # The generated module has no `_start`: no executable.
  [ "$m" = generated ] || cmds+=("$wasmc $wasm -o $work/m.exe")
  hyperfine -N --warmup 1 --runs "$r" --export-json "$work/h.json" "${cmds[@]}" >/dev/null 2>&1
  read -r t_obj t_wt t_exe _ <<<"$(medians "$work/h.json") - -"
  p_obj=$(peak "$wasmc" -c "$wasm" -o "$work/m.o")
  p_wt=$(peak wasmtime compile "$wasm" -o "$work/m.cwasm")
  if [ "$m" = generated ]; then
    p_exe=-; r_exe=-
  else
    p_exe=$(peak "$wasmc" "$wasm" -o "$work/m.exe"); r_exe=$(ratio "$t_exe" "$t_wt")
  fi
  echo "| $name | $size | $t_obj | $t_exe | $t_wt | $(ratio "$t_obj" "$t_wt") | $r_exe | $p_obj | $p_exe | $p_wt |"
done
