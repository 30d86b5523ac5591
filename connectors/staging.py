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
from hub.settings import Settings

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

    Within ``rows`` the last row per key wins, as it does over already staged rows.
    """
    key = KEYS[dataset]
    path = staging_path(settings, partner, dataset)
    remove_keys = set(remove_keys)
    if not replace and path.exists() and rows.empty and not remove_keys:
        # Nothing new and nothing to remove: the file stays byte for byte as it is, so what
        # depends on its bytes (the validation verdicts, see expectations/partner.py) stays too.
        return path
    new = to_table(rows, dataset)
    if not replace and path.exists():
        old = pq.read_table(path, schema=SCHEMAS[dataset])
        drop = set(rows[key].tolist()) | remove_keys
        if drop:
            keep = pc.invert(pc.is_in(old[key], pa.array(sorted(drop))))
            old = old.filter(keep)
        new = pa.concat_tables([old, new])
    new = _last_per_key(new, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(new, tmp)
    tmp.replace(path)
    return path


def _last_per_key(table: pa.Table, key: str) -> pa.Table:
    if table.num_rows == 0:
        return table
    keys = table[key].to_pylist()
    last = {k: i for i, k in enumerate(keys)}
    if len(last) == len(keys):
        return table
    return table.take(sorted(last.values()))
