"""Canonical staging: one Parquet file per partner and dataset, the partner's current picture.

Writes are atomic (a temporary file renamed over the old one), so a crash never leaves half a file.
An incremental run upserts on the record key; rows of this run that turned out to be out of scope
are removed, so a person who moved out of the pilot's area is not kept.
"""

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from connectors.mapping import SCHEMAS, table_to_frame, to_table
from foundation.settings import Settings

KEYS = {"persons": "source_record_id", "registrations": "case_id"}


def staging_path(settings: Settings, partner: str, dataset: str) -> Path:
    """``HUB_HOME/staging/<partner>/<dataset>.parquet``."""
    return settings.staging / partner / f"{dataset}.parquet"


def read_staging(settings: Settings, partner: str, dataset: str) -> pd.DataFrame:
    """The partner's staged canonical rows (empty with the canonical columns when none yet)."""
    path = staging_path(settings, partner, dataset)
    if not path.exists():
        return table_to_frame(SCHEMAS[dataset].empty_table())
    return table_to_frame(pq.read_table(path, schema=SCHEMAS[dataset]))


def write_staging(settings: Settings, partner: str, dataset: str, rows: pd.DataFrame,
                  replace: bool = False, remove_keys: Iterable[str] = ()) -> Path:
    """Upsert ``rows`` into staging (or replace it wholly); returns the file written.

    Within ``rows`` the last row per key wins, as it does over already staged rows. A row whose
    content (``content_hash``) is already staged under its key keeps the staged row, lineage
    included (``extracted_at``, ``origin``, ``origin_row`` say where this content was first
    read), and the file is kept in key order: a source re-read with nothing changed (a full REST
    pull, an inclusive watermark) leaves the file byte for byte as it was, so the validation
    verdicts that depend on its bytes (pipelines/validation.py) stay valid.
    """
    key = KEYS[dataset]
    path = staging_path(settings, partner, dataset)
    remove_keys = set(remove_keys)
    if not replace and path.exists() and rows.empty and not remove_keys:
        return path  # nothing new, nothing to remove
    new = to_table(rows, dataset)
    old = pq.read_table(path, schema=SCHEMAS[dataset]) if path.exists() else None
    if old is not None and old.num_rows and new.num_rows:
        new = _keep_unchanged(old, _last_per_key(new, key), key)
    if not replace and old is not None:
        drop = set(rows[key].tolist()) | remove_keys
        kept = old
        if drop:
            kept = old.filter(pc.invert(pc.is_in(old[key], pa.array(sorted(drop)))))
        new = pa.concat_tables([kept, new])
    new = _last_per_key(new, key).sort_by(key)
    if old is not None and new.equals(old):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(new, tmp)
    tmp.replace(path)
    return path


def _keep_unchanged(old: pa.Table, new: pa.Table, key: str) -> pa.Table:
    """``new`` with every row whose key and content hash are staged replaced by the staged row."""
    def pairs(table: pa.Table) -> pa.Array:
        return pc.binary_join_element_wise(table[key].combine_chunks(),
                                           table["content_hash"].combine_chunks(), "\x1f")

    old_pairs, new_pairs = pairs(old), pairs(new)
    same = pc.fill_null(pc.is_in(new_pairs, value_set=old_pairs), False)
    if not pc.any(same).as_py():
        return new
    reused = old.filter(pc.fill_null(pc.is_in(old_pairs, value_set=new_pairs.filter(same)),
                                     False))
    return pa.concat_tables([reused, new.filter(pc.invert(same))])


def _last_per_key(table: pa.Table, key: str) -> pa.Table:
    if table.num_rows == 0:
        return table
    keys = table[key].to_pylist()
    last = {k: i for i, k in enumerate(keys)}
    if len(last) == len(keys):
        return table
    return table.take(sorted(last.values()))
