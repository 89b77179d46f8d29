#!/usr/bin/env bash
# Prepare .venv from the hash-pinned requirements.lock (idempotent, quick when up to date).
# Needs only Python >= 3.11 with venv and pip; uv is installed into .tools/ when missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-python3}"
if command -v uv >/dev/null 2>&1; then
  UV="$(command -v uv)"
else
  UV=".tools/bin/uv"
  if [ ! -x "$UV" ]; then
    echo "==> installing uv into .tools/ (pip)"
    "$PYTHON" -m venv .tools
    .tools/bin/python -m pip install --quiet --disable-pip-version-check "uv>=0.5"
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$UV" venv --quiet --python "$PYTHON" .venv
fi

# Bytecode is compiled here, once: uv does not by default, and a process that may not write
# `__pycache__` (the systemd units' read-only /srv, PYTHONDONTWRITEBYTECODE) would otherwise
# recompile every module at each start — half of `recyclic serve`'s start-up CPU.
# (The "bytecode" suffix makes environments installed before this rule compile once.)
stamp=".venv/.requirements.sha256"
wanted="$(sha256sum requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1) bytecode"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]; then
  echo "==> installing dependencies (requirements.lock, hashes checked)"
  VIRTUAL_ENV=.venv "$UV" pip sync --quiet --compile-bytecode --require-hashes requirements.lock
  VIRTUAL_ENV=.venv "$UV" pip install --quiet --no-deps -e .
  echo "$wanted" > "$stamp"
fi
# Our own code changes without the lock changing (a checkout): its bytecode is refreshed each
# time (only what changed is compiled: a few hundredths of a second when up to date).
.venv/bin/python -m compileall -q -j 0 src >/dev/null
