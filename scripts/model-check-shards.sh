#!/usr/bin/env bash
# Explores a program's schedules in N shards side by side, as N tasks of any job runner
# would (GNU parallel, a Kubernetes indexed Job, a Slurm array: each task runs one
# `wasmc run --model-check --shard I/N --report ...`), then merges their reports.
#
# Usage: scripts/model-check-shards.sh N DIR WASMC [FLAGS...] MODULE [-- ARGS...]
#   N       shards (processes) to run at once
#   DIR     where the reports go: DIR/shard-I.json, and DIR/merged.json
#   WASMC   the wasmc command
#   the rest: what `wasmc run --model-check` takes (flags, the module, -- its arguments)
# Prints the merged report. Exit status: 0 if no run failed, 1 if one did, 2 if a shard
# could not run.
set -uo pipefail
if [ $# -lt 4 ]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
n=$1 dir=$2 wasmc=$3
shift 3
mkdir -p "$dir"
pids=()
for ((i = 0; i < n; i++)); do
  "$wasmc" run --model-check --shard "$i/$n" --report "$dir/shard-$i.json" "$@" \
    >"$dir/shard-$i.txt" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}"
  s=$?
  # 0: no failure, 1: failures found; anything else: the shard did not run.
  if [ "$s" -gt 1 ] || [ ! -s "$dir/shard-$i.json" ]; then
    echo "error: shard $i/$n ended with status $s:" >&2
    cat "$dir/shard-$i.txt" >&2
    status=2
  fi
done
[ "$status" -eq 0 ] || exit "$status"
reports=()
for ((i = 0; i < n; i++)); do reports+=("$dir/shard-$i.json"); done
"$wasmc" run --merge "${reports[@]}" --report "$dir/merged.json"
