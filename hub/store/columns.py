"""A frame as a store table's typed columns: one vectorised conversion shared by loading, row
hashes and Parquet snapshots.

:func:`typed` converts each column once by the table's SQLAlchemy type (strings with ``""`` as
missing, nullable integers, UTC timestamps, ...). The database loader, the row hash that lets a
publish keep unchanged rows in the database (``row_hash``) and the Arrow tables of the snapshots
all start from that one typed frame, so they agree on every value.
"""

from hashlib import blake2b
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from schemas.store import ROW_HASH

HASH_SEPARATOR = "\x1f"
"""ASCII unit separator between the fields of a row before hashing (never in partner data)."""
HASH_NULL = "\x00"
"""Stands for a missing value in the hashed text (differs from every written value)."""


def is_generated(table: sa.Table, column: sa.Column[Any]) -> bool:
    """True for an id the database assigns (single integer primary key)."""
    single_int_pk = len(table.primary_key.columns) == 1 and isinstance(column.type, sa.Integer)
    return column.primary_key and single_int_pk and column.autoincrement in (True, "auto")


def data_columns(table: sa.Table) -> list[sa.Column[Any]]:
    """The columns a publish writes and a snapshot holds: not generated ids, not ``row_hash``."""
    return [c for c in table.columns if c.name != ROW_HASH and not is_generated(table, c)]


def typed_column(series: pd.Series, type_: sa.types.TypeEngine[Any]) -> pd.Series:
    """One column converted to the pandas dtype that stands for ``type_`` (missing stays NA)."""
    if isinstance(type_, sa.Boolean):
        return series.astype("boolean")
    if isinstance(type_, sa.Integer):
        return pd.to_numeric(series, errors="raise").astype("Int64")
    if isinstance(type_, sa.Float):
        return pd.to_numeric(series, errors="coerce").astype("float64")
    if isinstance(type_, sa.DateTime):
        return pd.to_datetime(series, utc=True).dt.as_unit("us")
    if isinstance(type_, sa.Date):
        values = series if pd.api.types.is_datetime64_any_dtype(series) else series.astype(object)
        return pd.to_datetime(values, errors="coerce").dt.as_unit("us")
    if not pd.api.types.is_string_dtype(series) or series.dtype == object:
        series = series.map(lambda v: v if isinstance(v, str) else str(v), na_action="ignore")
    text = series.astype("str")
    return text.where(text != "")


def typed(frame: pd.DataFrame, table: sa.Table, **constants: object) -> pd.DataFrame:
    """``frame`` as the table's data columns (plus ``row_hash`` when present), in table order.

    ``constants`` fill a column with one value (e.g. ``version_id``); absent columns are missing.
    """
    n = len(frame)
    out = {}
    for column in data_columns(table):
        if column.name in constants:
            value = constants[column.name]
            series = pd.Series([value] * n if value is not None else [None] * n, dtype=object,
                               index=frame.index)
        elif column.name in frame.columns:
            series = frame[column.name]
        else:
            series = pd.Series([None] * n, dtype=object, index=frame.index)
        out[column.name] = typed_column(series, column.type)
    if ROW_HASH in frame.columns and ROW_HASH in table.columns:
        out[ROW_HASH] = frame[ROW_HASH].astype("Int64")
    return pd.DataFrame(out, index=frame.index)


def row_hashes(frame: pd.DataFrame, table: sa.Table) -> np.ndarray:
    """A 64-bit BLAKE2b hash (as int64) of each row's data columns except ``version_id``.

    Arrow joins the fields into one text per row and each text is hashed once: pandas' hash of
    each column cost more than the whole load it was meant to save.
    """
    names = [c.name for c in data_columns(table) if c.name != "version_id"]
    if frame.empty:
        return np.zeros(0, dtype=np.int64)
    parts = [_as_text(frame[name]) for name in names]
    joined = pc.binary_join_element_wise(*parts, HASH_SEPARATOR, null_handling="replace",
                                         null_replacement=HASH_NULL).cast(pa.binary())
    digests = b"".join(blake2b(text, digest_size=8).digest() for text in joined.to_pylist())
    return np.frombuffer(digests, dtype="<i8").copy()


def _as_text(series: pd.Series) -> pa.Array:
    array = pa.Array.from_pandas(series)
    if pa.types.is_timestamp(array.type):
        array = array.cast(pa.int64())
    return pc.cast(array, pa.string())


def arrow_type(type_: sa.types.TypeEngine[Any]) -> pa.DataType:
    """The Parquet/Arrow type of a store column."""
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


def arrow_array(series: pd.Series, column: sa.Column[Any]) -> pa.Array:
    """A typed column (see :func:`typed`) as an Arrow array of the column's Parquet type."""
    type_ = arrow_type(column.type)
    array = pa.Array.from_pandas(series)
    if pa.types.is_date32(type_):
        return array.cast(pa.timestamp("us")).cast(pa.date32())
    return array.cast(type_)
