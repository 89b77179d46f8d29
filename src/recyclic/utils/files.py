"""Private files: what Recyclic writes (database, recordings, exports, backups) is readable by
its own system user only — directories 0700, files 0600 — whatever the umask."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def ensure_private_dir(path: Path) -> None:
    """Create `path` and its missing parents as 0700 (existing parents are left alone)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for directory in reversed(missing):
        directory.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
        os.chmod(directory, PRIVATE_DIR_MODE)  # mkdir's mode is filtered by the umask


def make_private(path: Path) -> None:
    """Restrict an existing file to its owner."""
    os.chmod(path, PRIVATE_FILE_MODE)


def open_private(path: Path) -> int:
    """A new file descriptor on `path`, created 0600 (truncated if it exists)."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)


def create_private_file(path: Path) -> None:
    """Make sure `path` exists and is 0600 (the SQLite database before its first open)."""
    ensure_private_dir(path.parent)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE))
    make_private(path)
