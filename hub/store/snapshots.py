"""Parquet snapshots of published versions, for analysts, and ``hub export``.

One folder per version (``snapshots/v000012/``) with one Parquet file per table and a
``manifest.json``. Written to a temporary folder and renamed, so a snapshot is whole or absent.
Snapshots never contain confidential addresses (that table is not exported) and carry BSNs masked
(``hub.privacy.mask_bsn``) unless an export asks for them explicitly.
"""

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from hub.errors import StoreError
from hub.privacy import mask_bsn
from hub.store.versions import current_version_id
from schemas.store import VIEWED_TABLES, versions

STREAM_ROWS = 100_000


def snapshot_folder(root: Path, version_id: int) -> Path:
    return root / f"v{version_id:06d}"


def _arrow_type(type_: sa.types.TypeEngine) -> pa.DataType:
    if isinstance(type_, sa.Boolean):
        return pa.bool_()
    if isinstance(type_, sa.BigInteger):
        return pa.int64()
    if isinstance(type_, sa.Integer):
        return pa.int32()
    if isinstance(type_, sa.Float):
        return pa.float64()
    if isinstance(type_, sa.DateTime):
        return pa.timestamp("us", tz="UTC")
    if isinstance(type_, sa.Date):
        return pa.date32()
    return pa.string()


def arrow_schema(table: sa.Table) -> pa.Schema:
    """The Parquet schema of a store table, with column comments as field docs."""
    return pa.schema(
        [
            pa.field(c.name, _arrow_type(c.type), nullable=c.nullable,
                     metadata={"doc": c.comment} if c.comment else None)
            for c in table.columns
        ]
    )


def _utc(value: object) -> object:
    # SQLite returns naive datetimes; the store writes UTC.
    if hasattr(value, "tzinfo") and hasattr(value, "hour") and value.tzinfo is None:
        from datetime import UTC

        return value.replace(tzinfo=UTC)
    return value


def _write_table(conn: sa.Connection, table: sa.Table, version_id: int, path: Path,
                 include_bsn: bool) -> int:
    schema = arrow_schema(table)
    names = schema.names
    timestamp_columns = [c.name for c in table.columns if isinstance(c.type, sa.DateTime)]
    query = sa.select(table).where(table.c.version_id == version_id).order_by(
        *table.primary_key.columns
    )
    rows = 0
    with pq.ParquetWriter(path, schema) as writer:
        result = conn.execution_options(stream_results=True, yield_per=STREAM_ROWS).execute(query)
        for chunk in result.partitions():
            columns = {name: [row[i] for row in chunk] for i, name in enumerate(names)}
            if "bsn" in columns and not include_bsn:
                columns["bsn"] = [mask_bsn(v) for v in columns["bsn"]]
            for name in timestamp_columns:
                columns[name] = [_utc(v) for v in columns[name]]
            writer.write_table(pa.table(columns, schema=schema))
            rows += len(chunk)
        if rows == 0:
            writer.write_table(schema.empty_table())
    return rows


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
        info = conn.execute(sa.select(versions).where(versions.c.version_id == version_id)).one()
        tmp = out.parent / f".{out.name}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        counts = {
            t.name: _write_table(conn, t, version_id, tmp / f"{t.name}.parquet", include_bsn)
            for t in VIEWED_TABLES
        }
    manifest = {
        "version_id": version_id,
        "run_id": info.run_id,
        "published_at": info.published_at.isoformat() if info.published_at else None,
        "config_version": info.config_version,
        "bsn": "clear" if include_bsn else "masked",
        "confidential_addresses": "not exported",
        "rows": counts,
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True),
                                       encoding="utf-8")
    if out.exists():
        old = out.parent / f".{out.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out)
    return counts


def write_snapshot(engine: sa.Engine, root: Path, version_id: int) -> Path:
    """The analysts' snapshot of ``version_id`` under ``root`` (BSNs masked)."""
    folder = snapshot_folder(root, version_id)
    root.mkdir(parents=True, exist_ok=True)
    export_version(engine, folder, version_id)
    return folder


def remove_snapshots(root: Path, version_ids: list[int]) -> None:
    for version_id in version_ids:
        shutil.rmtree(snapshot_folder(root, version_id), ignore_errors=True)
