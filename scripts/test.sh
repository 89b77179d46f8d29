#!/usr/bin/env bash
# Run the test suite (pytest), doing all set-up first. SQLite by default; set
# RECYCLIC_TEST_DATABASE_URL (and RECYCLIC_TEST_REDIS_URL) to run it on PostgreSQL (+ Redis).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh
exec .venv/bin/python -m pytest "$@"
