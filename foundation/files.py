"""Owner-only files and folders for everything the hub keeps under ``HUB_HOME``.

Staging, quarantine, state, validated rows, the SQLite store, snapshots and Data Docs hold
personal data (BSNs, names, birth dates): no other account on the machine may read them. Two
means, both here: :func:`restrict_new_files` sets the process umask to 077 at every entry point
(the ``hub`` CLI, the Dagster code location), so whatever a library creates (SQLite, Dagster,
Great Expectations) is owner-only too; and :func:`private_dir` / :func:`private_write` are used
by the hub's own writers, which also tighten folders and files that exist from before.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
UMASK = 0o077


def restrict_new_files() -> None:
    """Make every file and folder this process creates from now on owner-only (umask 077)."""
    os.umask(UMASK)


def private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents owner-only (0700); tighten ``path`` if it exists."""
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
    if path.is_dir() and (path.stat().st_mode & 0o777) != DIR_MODE:
        try:
            os.chmod(path, DIR_MODE)
        except PermissionError:  # not ours (a shared mount): leave it, the files are 0600
            pass
    return path


def private_file(path: Path) -> Path:
    """Tighten an existing file to owner-only (0600)."""
    os.chmod(path, FILE_MODE)
    return path


@contextmanager
def private_write(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` to write; on success it replaces ``path``
    atomically as an owner-only file (a crash leaves the old file whole and no half file)."""
    private_dir(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    try:
        yield tmp
        os.chmod(tmp, FILE_MODE)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
