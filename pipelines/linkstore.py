"""Hand-over of one linking result between assets, as Parquet files under ``HUB_HOME/linking``.

``linked_persons`` computes the match once; ``household_summary`` and ``merged_registration`` read
it from here instead of receiving a large object through Dagster. Files are replaced atomically,
so a half-written result is never read; owner-only, like every file the hub keeps.
"""

import json
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from foundation.files import private_dir, private_write

FRAMES = ("assignments", "links", "review", "events", "household_links")
"""The DataFrame fields of ``matching.LinkResult`` (docs/contracts.md)."""


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, pd.DataFrame):
        return value.to_dict(orient="list")
    return str(value)


def _write_atomic(table: pa.Table, path: Path) -> None:
    with private_write(path) as tmp:
        pq.write_table(table, tmp)


def save_link_result(result: Any, folder: Path, fingerprint: str | None = None) -> Path:
    """Write a ``LinkResult``'s frames as Parquet and its stats and config version as JSON.

    ``fingerprint`` identifies the inputs it was computed from (see :func:`saved_fingerprint`).
    """
    private_dir(folder)
    for name in FRAMES:
        frame = getattr(result, name)
        _write_atomic(pa.Table.from_pandas(frame, preserve_index=False), folder / f"{name}.parquet")
    info = {"stats": result.stats, "config_version": result.config_version,
            "input_hash": fingerprint}
    with private_write(folder / "result.json") as tmp:
        tmp.write_text(json.dumps(info, default=_json_default, sort_keys=True), encoding="utf-8")
    return folder


def saved_info(folder: Path) -> dict[str, Any] | None:
    """Stats, config version and input fingerprint of the saved result (None if there is none)."""
    path = folder / "result.json"
    if not path.exists() or not all((folder / f"{n}.parquet").exists() for n in FRAMES):
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def save_decisions(decisions: pd.DataFrame | None, folder: Path) -> None:
    """Keep the steward decisions linking used, so publishing fingerprints the same ones."""
    private_dir(folder)
    frame = decisions if decisions is not None else pd.DataFrame()
    _write_atomic(pa.Table.from_pandas(frame, preserve_index=False), folder / "decisions.parquet")


def load_decisions(folder: Path) -> pd.DataFrame | None:
    """The decisions saved with the latest linking result (None if there were none)."""
    path = folder / "decisions.parquet"
    return pd.read_parquet(path) if path.exists() else None


def load_link_result(folder: Path, columns: dict[str, list[str]] | None = None) -> Any:
    """Read a saved result back as a ``matching.LinkResult``.

    ``columns`` optionally limits the columns read per frame (e.g. the household summary needs no
    explanations), which keeps memory low at a million records.
    """
    # lazy: matching (scipy, rapidfuzz) costs about 0.9 s to import: only when a result is read
    from matching import LinkResult

    info = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    values: dict[str, Any] = {
        name: pd.read_parquet(folder / f"{name}.parquet", columns=(columns or {}).get(name))
        for name in FRAMES
    }
    values["stats"] = info["stats"]
    values["config_version"] = info["config_version"]
    known = {f.name for f in fields(LinkResult)}
    return LinkResult(**{k: v for k, v in values.items() if k in known})
