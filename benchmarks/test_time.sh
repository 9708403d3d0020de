#!/usr/bin/env bash
# Wall time of `make test` (set DATABASE_URL/REDIS_URL to measure on PostgreSQL and Redis).
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
make .venv/bin/activate >/dev/null
start=$(date +%s.%N)
make test PYTEST_ARGS="${PYTEST_ARGS:---create-db}" | tail -3
end=$(date +%s.%N)
printf 'make test: %.1f s on %s cores\n' "$(echo "$end - $start" | bc)" "$(nproc)"
