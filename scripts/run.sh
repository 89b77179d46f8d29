#!/usr/bin/env bash
# Run Recyclic with the embedded SQLite database and demo data, doing all set-up first.
# Extra arguments go to `recyclic serve` (e.g. --port 8080).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh
exec .venv/bin/recyclic serve --demo "$@"
