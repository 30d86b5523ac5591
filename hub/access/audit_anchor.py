"""The audit chain's head, noted outside the database: an append-only file per day.

A keyed chain proves that no entry was changed or inserted, but not that the newest entries
still exist: deleting the end of the chain (or emptying the table) leaves a shorter chain that is
perfectly valid. So every new entry also appends ``seq hash at`` to
``HUB_AUDIT_ANCHOR_DIR/<store>/head-YYYY-MM-DD.log`` (default ``HUB_HOME/audit``, files 0600,
folders 0700). :func:`marks` gives the newest line of each day file; ``hub audit verify`` fails
when the database no longer holds such an entry or holds a different one. ``<store>`` is a short
hash of the store's URL (without password), so several stores under one HUB_HOME keep separate
anchors. Put the folder on storage the database's users cannot write (another host, a WORM mount)
for protection against someone who can also write the hub's files.
"""

import hashlib
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from foundation.settings import get_settings

ENV_ANCHOR_DIR = "HUB_AUDIT_ANCHOR_DIR"
_made: set[Path] = set()


def store_identity(engine: sa.Engine) -> str:
    """A short, stable name for the store (a SQLite file by its absolute path)."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        url = url.set(database=str(Path(url.database).resolve()))
    text = url.render_as_string(hide_password=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def anchor_root() -> Path:
    """``HUB_AUDIT_ANCHOR_DIR``, default ``HUB_HOME/audit``."""
    configured = os.environ.get(ENV_ANCHOR_DIR)
    return Path(configured) if configured else get_settings().home / "audit"


def anchor_folder(engine: sa.Engine) -> Path:
    return anchor_root() / store_identity(engine)


def note(engine: sa.Engine, seq: int, entry_hash: str, at: str) -> None:
    """Append the new head to today's file (created owner-only)."""
    folder = anchor_folder(engine)
    if folder not in _made:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        _made.add(folder)
    day = datetime.now(UTC).date().isoformat()
    path = folder / f"head-{day}.log"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    except FileNotFoundError:  # the folder was removed meanwhile
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{seq} {entry_hash} {at}\n".encode("ascii"))
    finally:
        os.close(fd)


def marks(engine: sa.Engine) -> Mapping[int, tuple[str, str]]:
    """``{seq: (hash, file name)}``: the highest entry noted in each day file."""
    folder = anchor_folder(engine)
    found: dict[int, tuple[str, str]] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("head-*.log")):
        best: tuple[int, str] | None = None
        with path.open(encoding="ascii", errors="replace") as handle:
            for line in handle:
                parts = line.split()
                if len(parts) >= 2 and parts[0].isdigit() and (
                        best is None or int(parts[0]) > best[0]):
                    best = (int(parts[0]), parts[1])
        if best is not None:
            found[best[0]] = (best[1], path.name)
    return found
