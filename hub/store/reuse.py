"""Keep unchanged rows inside the database when a new version is loaded.

Most rows of a new version equal the published version's: a partner corrected a few records, a few
cases closed. Every versioned row carries ``row_hash`` (:func:`hub.store.columns.row_hashes`), so a
publish reads only the published version's keys and hashes, copies the rows whose key and hash are
both unchanged with one ``INSERT ... SELECT`` (the values never pass through Python) and hands back
the rows that still have to be written. The copy runs in the loading transaction, so a crash
leaves it as incomplete as any other row of that version (see :mod:`hub.store.versions`).
"""

import numpy as np
import pandas as pd
import sqlalchemy as sa

from foundation.errors import StoreError
from hub.store.bulk import insert_frame
from hub.store.engine import driver_cursor
from schemas.store import ROW_HASH

MIN_KEPT_SHARE = 0.5
"""Copy only when at least this share of the published rows stays: otherwise writing everything
from memory is as fast and simpler."""


def key_columns(table: sa.Table) -> list[str]:
    """The primary key without ``version_id``: what identifies a row across versions."""
    return [c.name for c in table.primary_key.columns if c.name != "version_id"]


def published_hashes(conn: sa.Connection, table: sa.Table, version_id: int) -> pd.DataFrame:
    """Keys and row hashes of one version's rows (rows without a hash: ``<NA>``)."""
    names = [*key_columns(table), ROW_HASH]
    query = sa.select(*(table.c[n] for n in names)).where(
        table.c.version_id == sa.literal(int(version_id), literal_execute=True))
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = driver_cursor(conn)
    try:  # the driver's cursor: a million rows through SQLAlchemy's result cost seconds
        cursor.execute(sql)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    frame = pd.DataFrame(rows, columns=names)
    return frame.astype({**{k: "str" for k in names[:-1]}, ROW_HASH: "Int64"})


def unchanged_positions(old: pd.DataFrame, new: pd.DataFrame, keys: list[str]) -> tuple[
    np.ndarray, np.ndarray
]:
    """Positions in ``old`` and ``new`` of the rows with equal key and equal hash."""
    left = old[[*keys, ROW_HASH]].dropna(subset=[ROW_HASH]).assign(_old=lambda f: f.index)
    left = left.reset_index(drop=True)
    right = new[[*keys, ROW_HASH]].assign(_new=np.arange(len(new))).reset_index(drop=True)
    pairs = left.merge(right.astype({ROW_HASH: "Int64"}), on=ROW_HASH, suffixes=("", "_n"))
    same = np.ones(len(pairs), dtype=bool)
    for key in keys:  # a hash collision between different keys must not count as unchanged
        same &= (pairs[key] == pairs[f"{key}_n"]).to_numpy(dtype=bool, na_value=False)
    pairs = pairs[same]
    return pairs["_old"].to_numpy(), pairs["_new"].to_numpy()


def _exclusion_table(table: sa.Table, keys: list[str]) -> sa.Table:
    return sa.Table(
        f"publish_skip_{table.name}", sa.MetaData(),
        *(sa.Column(k, sa.String(getattr(table.c[k].type, "length", None)), primary_key=True)
          for k in keys),
        prefixes=["TEMPORARY"],
    )


def copy_unchanged(conn: sa.Connection, table: sa.Table, rows: pd.DataFrame, previous: int,
                   version_id: int) -> pd.DataFrame:
    """Copy ``previous``'s rows that ``rows`` repeats into ``version_id``; return the others.

    ``rows`` are typed (:func:`hub.store.columns.typed`) with ``row_hash`` set.
    """
    if rows.empty:
        return rows
    keys = key_columns(table)
    old = published_hashes(conn, table, previous)
    if old.empty:
        return rows
    old_kept, new_kept = unchanged_positions(old, rows, keys)
    if len(old_kept) == 0 or len(old_kept) < MIN_KEPT_SHARE * len(old):
        return rows
    dropped = np.ones(len(old), dtype=bool)
    dropped[old_kept] = False
    skip = _exclusion_table(table, keys)
    skip.create(conn)
    try:
        insert_frame(conn, skip, old.loc[dropped, keys])
        names = [c.name for c in table.columns]
        source = sa.select(
            *(sa.literal(int(version_id), sa.Integer).label(n) if n == "version_id"
              else table.c[n] for n in names)
        ).where(
            table.c.version_id == int(previous),
            ~sa.exists().where(*(skip.c[k] == table.c[k] for k in keys)),
        )
        copied = conn.execute(table.insert().from_select(names, source)).rowcount
    finally:
        skip.drop(conn)
    if copied != len(old_kept):
        raise StoreError(f"copied {copied} unchanged {table.name} rows, expected "
                         f"{len(old_kept)}; the version is not published", field=ROW_HASH)
    keep = np.ones(len(rows), dtype=bool)
    keep[new_kept] = False
    return rows.iloc[np.flatnonzero(keep)]
