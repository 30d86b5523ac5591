"""Which files are new in the partners' drop folders, compared with what a sensor saw before.

Pure logic for the drop-folder sensor: the cursor is a JSON object ``{partner: {file name:
"<mtime_ns>:<size>"}}`` of the files seen on the last tick. A file is new when its name is not in
the cursor or its modification time or size changed (a re-delivery under the same name). Hidden
and temporary files (``.name``, ``*.tmp``, ``*.part``) are ignored: a partner still uploading must
not trigger a run on half a file.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload", ".partial")


@dataclass(frozen=True)
class DropScan:
    """The outcome of one scan: partners with new files, and the cursor to store."""

    new_files: dict[str, dict[str, str]]
    """``{partner: {file name: signature}}`` of the deliveries not seen before."""
    cursor: str

    def run_key(self, partner: str) -> str:
        """A run key unique to these deliveries, so each one starts exactly one run."""
        digest = hashlib.sha256(
            json.dumps(self.new_files[partner], sort_keys=True).encode()
        ).hexdigest()[:16]
        return f"{partner}:{digest}"


def file_signature(path: Path) -> str:
    """Name-independent identity of a delivery: modification time and size."""
    stat = path.stat()
    return f"{stat.st_mtime_ns}:{stat.st_size}"


def list_drop_folder(folder: Path) -> dict[str, str]:
    """``{file name: signature}`` of the deliveries waiting in one drop folder."""
    if not folder.is_dir():
        return {}
    found = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith(".") or path.name.endswith(IGNORED_SUFFIXES):
            continue
        found[path.name] = file_signature(path)
    return found


def scan_drop_folders(folders: Mapping[str, Path], cursor: str | None) -> DropScan:
    """Compare the drop folders with the cursor of the previous tick."""
    seen: dict[str, dict[str, str]] = json.loads(cursor) if cursor else {}
    current = {partner: list_drop_folder(folder) for partner, folder in sorted(folders.items())}
    new_files = {}
    for partner, files in current.items():
        before = seen.get(partner, {})
        fresh = {name: sig for name, sig in files.items() if before.get(name) != sig}
        if fresh:
            new_files[partner] = fresh
    return DropScan(new_files=new_files, cursor=json.dumps(current, sort_keys=True))
