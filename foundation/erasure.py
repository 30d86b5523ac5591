"""What an erasure names, and removing it from a tree of Parquet files: shared by every layer.

Each layer erases its own files (connectors their staging and archive, quarantine its files,
pipelines their hand-over files, the store its tables and snapshots); ``hub erase`` orchestrates.
The criterion and the Parquet scrub live here, at the bottom, so no layer needs another's module.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from foundation.errors import StoreError


@dataclass(frozen=True)
class Criterion:
    """What to erase of one source: ``record`` ids, all ``before`` a date, or an ``origin``."""

    source: str
    kind: str
    value: str
    record_ids: frozenset[str] = frozenset()
    before: datetime | None = None


def criterion(source: str, record_ids: Iterable[str] = (), before: date | None = None,
              origin: str | None = None) -> Criterion:
    """Exactly one of ``record_ids``, ``before`` or ``origin``."""
    ids = frozenset(str(r).strip() for r in record_ids if str(r).strip())
    given = [bool(ids), before is not None, bool(origin)]
    if sum(given) != 1:
        raise StoreError("give exactly one of --record, --before or --origin", partner=source)
    if ids:
        return Criterion(source, "record", ",".join(sorted(ids)), record_ids=ids)
    if before is not None:
        if before > datetime.now(UTC).date():
            raise StoreError("--before lies in the future: that would erase records "
                             "extracted tomorrow too", partner=source, field="before")
        moment = datetime(before.year, before.month, before.day, tzinfo=UTC)
        return Criterion(source, "before", before.isoformat(), before=moment)
    return Criterion(source, "origin", str(origin))


def origin_names(crit: Criterion) -> list[str]:
    """The origin as given and as a bare file name (stored origins are file names)."""
    return [crit.value, Path(crit.value).name]


def scrub_table(table: pa.Table, crit: Criterion, record_ids: set[str],
                case_ids: set[str]) -> pa.Table:
    """Rows of ``table`` without the erased records and cases (and ids stripped from lists).

    A quarantine row of the ``registrations`` dataset names its case in ``source_record_id``.
    """
    source = crit.source
    names = set(table.column_names)
    src_col = "source" if "source" in names else "partner" if "partner" in names else None
    keep = pa.array([True] * table.num_rows, type=pa.bool_())
    rids = pa.array(sorted(record_ids), pa.string())
    cids = pa.array(sorted(case_ids), pa.string())

    def drop(mask: pa.Array) -> None:
        nonlocal keep
        keep = pc.and_(keep, pc.invert(pc.fill_null(mask, False)))

    if src_col is not None:
        of_source = pc.equal(table[src_col].cast(pa.string()), source)
        if "source_record_id" in names:
            ids = table["source_record_id"].cast(pa.string())
            drop(pc.and_(of_source, pc.is_in(ids, rids)))
            if "dataset" in names:
                of_cases = pc.equal(table["dataset"].cast(pa.string()), "registrations")
                drop(pc.and_(pc.and_(of_source, of_cases), pc.is_in(ids, cids)))
        if "case_id" in names:
            drop(pc.and_(of_source, pc.is_in(table["case_id"].cast(pa.string()), cids)))
        if crit.kind == "origin" and "origin" in names:
            drop(pc.and_(of_source, pc.is_in(table["origin"].cast(pa.string()),
                                              pa.array(origin_names(crit)))))
        if crit.kind == "before" and "quarantined_at" in names:
            drop(pc.and_(of_source, pc.less(table["quarantined_at"],
                                            pa.scalar(crit.before, table["quarantined_at"].type))))
    for side in ("left", "right"):
        if {f"{side}_source", f"{side}_record_id"} <= names:
            drop(pc.and_(pc.equal(table[f"{side}_source"].cast(pa.string()), source),
                         pc.is_in(table[f"{side}_record_id"].cast(pa.string()), rids)))
    out = table.filter(keep)
    if "person_record_ids" in names and src_col is not None and out.num_rows:
        frame = out.to_pandas()
        of_source = frame[src_col].astype("str") == source
        frame.loc[of_source, "person_record_ids"] = frame.loc[of_source, "person_record_ids"].map(
            lambda ids: [i for i in ids if str(i) not in record_ids] if ids is not None else ids
        )
        out = pa.Table.from_pandas(frame, schema=out.schema, preserve_index=False)
    return out


def scrub_parquet_tree(root: Path, crit: Criterion, record_ids: set[str],
                       case_ids: set[str]) -> int:
    """Rewrite each Parquet file under ``root`` that holds erased rows; returns rows removed."""
    removed = 0
    if not root.is_dir():
        return 0
    for path in sorted(root.rglob("*.parquet")):
        table = pq.read_table(path)
        clean = scrub_table(table, crit, record_ids, case_ids)
        if clean.num_rows != table.num_rows or not clean.equals(table):
            tmp = path.with_suffix(".parquet.erasing")
            pq.write_table(clean, tmp)
            tmp.replace(path)
            removed += table.num_rows - clean.num_rows
    return removed
