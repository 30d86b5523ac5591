"""Durable quarantine: Parquet files per partner and run under ``HUB_HOME/quarantine``.

Files rather than a table so that extraction and validation can quarantine without the store
existing yet; the pipeline copies them into the store's quarantine table when it publishes. Rows
are masked before they are written, so neither the files nor the table hold a BSN or a secret
address in clear.
"""

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from foundation.files import private_write
from foundation.privacy import mask_record, mask_text
from foundation.quarantine_schema import QUARANTINE_COLUMNS, QUARANTINE_SCHEMA


def record_json(record: dict[str, Any]) -> str:
    """Serialise a held-back record (dates and NaN included) as JSON."""
    clean = {k: (None if _is_missing(v) else v) for k, v in record.items()}
    return json.dumps(clean, default=str, ensure_ascii=False, sort_keys=True)


def _is_missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def write_quarantine(
    root: Path, partner: str, run_id: str, stage: str, rows: pd.DataFrame, *, replace: bool = False,
    masked: pd.DataFrame | None = None,
) -> Path | None:
    """Append quarantined rows for one partner, run and stage; returns the file written.

    Only the masked form is stored (:func:`foundation.privacy.mask_record` on each record, BSN
    shapes masked in reasons): the source system keeps the original, and quarantine is read by
    every steward. Records must use canonical field names (connectors map raw rows first).

    ``rows`` must have the columns of :data:`QUARANTINE_SCHEMA` except partner, run_id, stage and
    quarantined_at, which are filled in here. With ``replace`` the rows replace what this run and
    stage held before (an empty ``rows`` then clears it), so a repeated validation does not double.
    ``masked``: rows as an earlier file of this partner stored them (masked already), written
    again with this run's id and time.
    """
    path = root / partner / f"{run_id}-{stage}.parquet"
    if replace:
        path.unlink(missing_ok=True)
    if rows.empty and (masked is None or masked.empty):
        return None
    frame = rows.copy()
    frame["record"] = masked_records(frame) if "record" in frame.columns else None
    if "reason" in frame.columns:
        frame["reason"] = frame["reason"].map(lambda v: mask_text(v) if isinstance(v, str) else v)
    if masked is not None and len(masked):
        carried = masked.drop(columns=["partner", "run_id", "stage", "quarantined_at"],
                              errors="ignore")
        frame = pd.concat([frame, carried], ignore_index=True) if len(frame) else carried.copy()
    frame["partner"] = partner
    frame["run_id"] = run_id
    frame["stage"] = stage
    frame["quarantined_at"] = pd.Timestamp(datetime.now(UTC))
    for column in QUARANTINE_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    table = pa.Table.from_pandas(
        frame[QUARANTINE_COLUMNS], schema=QUARANTINE_SCHEMA, preserve_index=False
    )
    if path.exists():
        table = pa.concat_tables([pq.read_table(path, schema=QUARANTINE_SCHEMA), table])
    with private_write(path) as tmp:
        pq.write_table(table, tmp)
    return path


REMASKED_MARKER = ".masked-v1"
"""Written into a partner's quarantine folder once its files hold only the masked form."""


def remask_partner(root: Path, partner: str,
                   convert: Callable[[dict[str, Any], str], dict[str, Any] | None]) -> int:
    """Rewrite a partner's quarantine files written before records were stored masked.

    ``convert(record, dataset)`` turns an old record (raw partner column names, clear values)
    into its canonical form, or None to withhold it; then every record is masked and every
    reason's BSN shapes too. Done once per partner (a marker file); returns files rewritten.
    """
    folder = root / partner
    marker = folder / REMASKED_MARKER
    if not folder.is_dir() or marker.exists():
        return 0
    rewritten = 0
    for path in sorted(folder.glob("*.parquet")):
        frame = pq.read_table(path, schema=QUARANTINE_SCHEMA).to_pandas()

        def fix(text: object, dataset: object) -> str | None:
            if not isinstance(text, str):
                return None
            record = convert(json.loads(text), str(dataset))
            return None if record is None else record_json(mask_record(record))

        records = [fix(t, d) for t, d in zip(frame["record"], frame["dataset"], strict=True)]
        reasons = [mask_text(r) if isinstance(r, str) else r for r in frame["reason"]]
        if records == frame["record"].tolist() and reasons == frame["reason"].tolist():
            continue
        frame["record"] = pd.Series(records, dtype="object")
        frame["reason"] = reasons
        table = pa.Table.from_pandas(frame[QUARANTINE_COLUMNS], schema=QUARANTINE_SCHEMA,
                                     preserve_index=False)
        with private_write(path) as tmp:
            pq.write_table(table, tmp)
        rewritten += 1
    with private_write(marker) as tmp:
        tmp.write_text(f"{rewritten} files re-masked\n", encoding="utf-8")
    return rewritten


def read_quarantine(
    root: Path, partner: str | None = None, run_id: str | None = None
) -> pd.DataFrame:
    """Read quarantined rows, optionally of one partner and/or run (stored masked)."""
    folders = [root / partner] if partner else sorted(p for p in root.glob("*") if p.is_dir())
    files = [f for folder in folders for f in sorted(folder.glob("*.parquet"))]
    if run_id:
        files = [f for f in files if f.name.startswith(f"{run_id}-")]
    if not files:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in QUARANTINE_COLUMNS})
    tables = [pq.read_table(f, schema=QUARANTINE_SCHEMA) for f in files]
    return pa.concat_tables(tables).to_pandas()


def masked_records(frame: pd.DataFrame) -> pd.Series:
    """The ``record`` column with BSN and confidential address masked (idempotent)."""

    def mask(text: object) -> str | None:
        if not isinstance(text, str):
            return None
        return json.dumps(mask_record(json.loads(text)), ensure_ascii=False, sort_keys=True)

    return frame["record"].map(mask)
