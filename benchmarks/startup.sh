#!/usr/bin/env bash
# Time `make run` from a fresh clone of this repository to the first page served.
# Usage: bash benchmarks/startup.sh [--no-cache]
set -euo pipefail
repo=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
port=${PORT:-8765}
trap 'kill -- -$pid 2>/dev/null || true; rm -rf "$work"' EXIT
[ "${1:-}" = "--no-cache" ] && export PIP_NO_CACHE_DIR=1

git clone --quiet "$repo" "$work/portal"
cd "$work/portal"
start=$(date +%s.%N)
setsid make run PORT="$port" >"$work/make-run.log" 2>&1 &
pid=$!
until curl -fs -o /dev/null "http://127.0.0.1:$port/"; do
  kill -0 "$pid" 2>/dev/null || { echo "make run stopped:"; tail -20 "$work/make-run.log"; exit 1; }
  sleep 0.5
done
end=$(date +%s.%N)
printf 'make run, fresh clone to first page: %.1f s\n' "$(echo "$end - $start" | bc)"

# A second `make run` reuses the venv and the database and must duplicate nothing.
kill -- -"$pid"; wait "$pid" 2>/dev/null || true
start=$(date +%s.%N)
setsid make run PORT="$port" >"$work/make-run-2.log" 2>&1 &
pid=$!
until curl -fs -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.2; done
end=$(date +%s.%N)
printf 'make run, second time: %.1f s\n' "$(echo "$end - $start" | bc)"
