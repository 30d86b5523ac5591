"""Parquet snapshots of published versions, for analysts, and ``hub export``.

One folder per version (``snapshots/v000012/``) with one Parquet file per table and a
``manifest.json``. Written to a temporary folder and renamed, so a snapshot is whole or absent.
Snapshots never contain confidential addresses (that table is not exported) and carry BSNs masked
(``foundation.privacy.mask_bsn``) unless an export asks for them explicitly.
"""

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from foundation.errors import StoreError
from foundation.privacy import mask_bsn
from hub.store.columns import arrow_array, arrow_type, data_columns, typed
from hub.store.engine import driver_cursor
from hub.store.versions import current_version_id, live_version_ids
from schemas.store import VIEWED_TABLES, versions

STREAM_ROWS = 100_000


def snapshot_folder(root: Path, version_id: int) -> Path:
    return root / f"v{version_id:06d}"


def arrow_schema(table: sa.Table) -> pa.Schema:
    """The Parquet schema of a store table, with column comments as field docs."""
    return pa.schema(
        [
            pa.field(c.name, arrow_type(c.type), nullable=c.nullable,
                     metadata={"doc": c.comment} if c.comment else None)
            for c in data_columns(table)
        ]
    )


def _to_arrow(values: list[Any], column: sa.Column[Any]) -> pa.Array:
    """Database or Python values of one column as an Arrow array of the column's type."""
    type_ = arrow_type(column.type)
    if pa.types.is_timestamp(type_):
        stamps = pd.to_datetime(pd.Series(values, dtype=object), utc=True, format="ISO8601")
        return pa.Array.from_pandas(stamps.dt.as_unit("us"), type=type_)
    if pa.types.is_date32(type_):
        stamps = pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601")
        return pa.Array.from_pandas(stamps.dt.as_unit("s"), type=pa.timestamp("s")).cast(type_)
    if pa.types.is_boolean(type_):
        return pa.array([None if v is None else bool(v) for v in values], type=type_)
    return pa.array(values, type=type_)


def _batch(columns: dict[str, list[Any]], table: sa.Table, include_bsn: bool) -> pa.RecordBatch:
    if "bsn" in columns and not include_bsn:
        columns = {**columns, "bsn": [mask_bsn(v) for v in columns["bsn"]]}
    schema = arrow_schema(table)
    arrays = [_to_arrow(columns[c.name], c) for c in data_columns(table)]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _write_from_db(conn: sa.Connection, table: sa.Table, version_id: int, path: Path,
                   include_bsn: bool) -> int:
    """Stream one table's rows of a version from the database into a Parquet file."""
    names = [c.name for c in data_columns(table)]
    version = sa.literal(int(version_id), literal_execute=True)
    query = sa.select(*(table.c[n] for n in names)).where(table.c.version_id == version).order_by(
        *table.primary_key.columns
    )
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    rows = 0
    cursor = driver_cursor(conn)
    try:
        cursor.execute(sql)
        with pq.ParquetWriter(path, arrow_schema(table)) as writer:
            while chunk := cursor.fetchmany(STREAM_ROWS):
                columns = dict(zip(names, (list(v) for v in zip(*chunk, strict=True)), strict=True))
                writer.write_batch(_batch(columns, table, include_bsn))
                rows += len(chunk)
            if rows == 0:
                writer.write_table(arrow_schema(table).empty_table())
    finally:
        cursor.close()
    return rows


def masked_bsn(values: pd.Series) -> pd.Series:
    """:func:`foundation.privacy.mask_bsn` for a whole column (Arrow string kernels, no loop)."""
    text = values.astype("str").str.strip()
    text = text.where(text != "")
    return text.str.slice(stop=-2).str.replace(r"(?s).", "*", regex=True) + text.str.slice(-2)


def write_frames(frames: dict[str, pd.DataFrame], version_id: int, out: Path,
                 as_loaded: bool = False) -> dict[str, int]:
    """Write a version straight from the frames just published (no read-back): same content.

    Each frame is converted column by column to Arrow (:mod:`hub.store.columns`), no Python
    values in between. ``as_loaded``: the frames are publishing's typed rows in key order
    already, used as they are (a second typed copy of a million rows cost a gigabyte).
    """
    counts = {}
    for table in VIEWED_TABLES:
        frame = frames[table.name]
        if not as_loaded:
            keys = [c.name for c in table.primary_key.columns if c.name in frame.columns]
            if keys and len(frame):
                frame = frame.sort_values(keys, kind="stable")  # the order an export reads in
            frame = typed(frame, table)
        arrays = []
        for column in data_columns(table):
            if column.name == "version_id":
                arrays.append(pa.array(np.full(len(frame), version_id, dtype=np.int32)))
            elif column.name == "bsn":
                arrays.append(arrow_array(masked_bsn(frame["bsn"]), column))
            else:
                arrays.append(arrow_array(frame[column.name], column))
        pq.write_table(pa.Table.from_arrays(arrays, schema=arrow_schema(table)),
                       out / f"{table.name}.parquet", row_group_size=STREAM_ROWS * 10)
        counts[table.name] = len(frame)
    return counts


def _manifest(info: sa.Row[Any], counts: dict[str, int], include_bsn: bool) -> str:
    return json.dumps(
        {
            "version_id": info.version_id,
            "run_id": info.run_id,
            "published_at": info.published_at.isoformat() if info.published_at else None,
            "config_version": info.config_version,
            "bsn": "clear" if include_bsn else "masked",
            "confidential_addresses": "not exported",
            "rows": counts,
        },
        indent=2,
        sort_keys=True,
    )


def _swap_in(tmp: Path, out: Path) -> None:
    """Replace ``out`` by ``tmp`` (renames only, so ``out`` is never half-written)."""
    if out.exists():
        old = out.parent / f".{out.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out)


def remove_leftovers(root: Path) -> int:
    """Delete half-written snapshot folders (``.v000012.tmp``, ``.v000012.old``) that a run
    killed while publishing left behind; they hold personal data no version owns. Returns how
    many. Called before each snapshot is written and by erasure."""
    if not root.is_dir():
        return 0
    count = 0
    for leftover in root.glob(".v*"):
        if leftover.is_dir() and leftover.name.endswith((".tmp", ".old")):
            shutil.rmtree(leftover, ignore_errors=True)
            count += 1
    return count


def _fresh_tmp(out: Path) -> Path:
    tmp = out.parent / f".{out.name}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    return tmp


def _version_info(conn: sa.Connection, version_id: int) -> sa.Row[Any]:
    return conn.execute(sa.select(versions).where(versions.c.version_id == version_id)).one()


def export_version(
    engine: sa.Engine, out: Path, version_id: int | None = None, include_bsn: bool = False
) -> dict[str, int]:
    """Write one version (default: the published one) to ``out`` as Parquet; returns row counts.

    ``out`` is replaced whole: files go to a sibling temporary folder that is renamed at the end.
    """
    out = Path(out)
    with engine.connect() as conn:
        version_id = version_id if version_id is not None else current_version_id(conn)
        if version_id is None:
            raise StoreError("nothing is published yet: run the pipeline first",
                             origin=engine.url.render_as_string(hide_password=True))
        live = live_version_ids(conn)
        if version_id not in live:
            kept = ", ".join(map(str, live)) or "none"
            raise StoreError(f"version {version_id} is not kept in the store (kept: {kept})",
                             field="version")
        info = _version_info(conn, version_id)
        tmp = _fresh_tmp(out)
        counts = {
            t.name: _write_from_db(conn, t, version_id, tmp / f"{t.name}.parquet", include_bsn)
            for t in VIEWED_TABLES
        }
    (tmp / "manifest.json").write_text(_manifest(info, counts, include_bsn), encoding="utf-8")
    _swap_in(tmp, out)
    return counts


def write_snapshot(engine: sa.Engine, root: Path, version_id: int,
                   frames: dict[str, pd.DataFrame] | None = None,
                   as_loaded: bool = False) -> Path:
    """The analysts' snapshot of ``version_id`` under ``root`` (BSNs masked).

    With ``frames`` (the rows just published) nothing is read back from the database;
    ``as_loaded``: they are publishing's typed rows in key order (:func:`write_frames`).
    """
    folder = snapshot_folder(root, version_id)
    root.mkdir(parents=True, exist_ok=True)
    remove_leftovers(root)
    if frames is None:
        export_version(engine, folder, version_id)
        return folder
    return finish_snapshot(engine, start_snapshot(root, version_id, frames, as_loaded))


@dataclass(frozen=True)
class PendingSnapshot:
    """Snapshot files written to a temporary folder, not yet put in place."""

    root: Path
    version_id: int
    tmp: Path
    counts: dict[str, int]


def start_snapshot(root: Path, version_id: int, frames: dict[str, pd.DataFrame],
                   as_loaded: bool = False) -> PendingSnapshot:
    """Write the Parquet files of a version that is still loading into a temporary folder.

    Publishing runs this in a thread while the database loads (Arrow and SQLite both release
    the GIL); :func:`finish_snapshot` puts the folder in place once the version is published.
    """
    root.mkdir(parents=True, exist_ok=True)
    remove_leftovers(root)
    tmp = _fresh_tmp(snapshot_folder(root, version_id))
    return PendingSnapshot(root, version_id, tmp, write_frames(frames, version_id, tmp,
                                                               as_loaded))


def finish_snapshot(engine: sa.Engine, pending: PendingSnapshot) -> Path:
    """Add the manifest of the published version and rename the folder into place."""
    with engine.connect() as conn:
        info = _version_info(conn, pending.version_id)
    (pending.tmp / "manifest.json").write_text(_manifest(info, pending.counts, False),
                                               encoding="utf-8")
    folder = snapshot_folder(pending.root, pending.version_id)
    _swap_in(pending.tmp, folder)
    return folder


def discard_snapshot(pending: PendingSnapshot) -> None:
    """Remove the files of a snapshot whose version was not published."""
    shutil.rmtree(pending.tmp, ignore_errors=True)


def remove_snapshots(root: Path, version_ids: list[int]) -> None:
    for version_id in version_ids:
        shutil.rmtree(snapshot_folder(root, version_id), ignore_errors=True)
