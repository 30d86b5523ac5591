"""Fast, type-faithful bulk loading of DataFrames into store tables.

PostgreSQL gets ``COPY ... FROM STDIN`` (psycopg2 ``copy_expert``) inside the caller's
transaction, an order of magnitude faster than INSERTs; other databases get Core executemany in
chunks. Values are converted by the table's column types first, so both paths store the same rows.
"""

import datetime as dt
import io
from collections.abc import Iterator

import numpy as np
import pandas as pd
import sqlalchemy as sa

CHUNK_ROWS = 50_000


def _convert(series: pd.Series, type_: sa.types.TypeEngine) -> pd.Series:
    """Python values (None for missing) fitting one column type."""
    if isinstance(type_, sa.Boolean):
        return series.astype("boolean").astype(object).where(series.notna(), None)
    if isinstance(type_, sa.Integer):
        values = pd.to_numeric(series, errors="raise").astype("Int64")
        return values.astype(object).where(values.notna(), None)
    if isinstance(type_, sa.Float):
        values = pd.to_numeric(series, errors="coerce").astype("float64")
        return values.astype(object).where(values.notna(), None)
    if isinstance(type_, sa.DateTime):
        values = pd.to_datetime(series, utc=True)
        return pd.Series(
            [None if pd.isna(v) else v.to_pydatetime() for v in values],
            index=series.index, dtype=object,
        )
    if isinstance(type_, sa.Date):
        return pd.Series([_as_date(v) for v in series], index=series.index, dtype=object)
    missing = series.isna()
    if not pd.api.types.is_string_dtype(series):
        series = series.map(lambda v: v if isinstance(v, str) else str(v), na_action="ignore")
    missing |= series.astype(object) == ""
    return series.astype(object).where(~missing, None)


def _as_date(value: object) -> dt.date | None:
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).date()
    return dt.date.fromisoformat(str(value)[:10])


def prepare(frame: pd.DataFrame, table: sa.Table, **constants: object) -> pd.DataFrame:
    """The frame's rows as Python values in the table's column order (missing columns are None)."""
    out = {}
    for column in table.columns:
        if column.name in constants:
            out[column.name] = pd.Series([constants[column.name]] * len(frame), dtype=object,
                                         index=frame.index)
        elif column.name in frame.columns:
            out[column.name] = _convert(frame[column.name], column.type)
        elif column.autoincrement is True or (column.primary_key and column.autoincrement == "auto"
                                               and isinstance(column.type, sa.Integer)
                                               and len(table.primary_key.columns) == 1):
            continue
        else:
            out[column.name] = pd.Series([None] * len(frame), dtype=object, index=frame.index)
    return pd.DataFrame(out, index=frame.index)


def _chunks(frame: pd.DataFrame, size: int) -> Iterator[pd.DataFrame]:
    for start in range(0, len(frame), size):
        yield frame.iloc[start:start + size]


def insert_frame(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame,
                 **constants: object) -> int:
    """Insert all rows of ``frame`` into ``table`` within ``conn``'s transaction; returns rows."""
    if frame.empty:
        return 0
    rows = prepare(frame, table, **constants)
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg2":
        _copy_postgres(conn, table, rows)
    else:
        for chunk in _chunks(rows, CHUNK_ROWS):
            conn.execute(table.insert(), chunk.to_dict(orient="records"))
    return len(rows)


def _copy_postgres(conn: sa.Connection, table: sa.Table, rows: pd.DataFrame) -> None:
    columns = ", ".join(f'"{c}"' for c in rows.columns)
    sql = f'COPY "{table.name}" ({columns}) FROM STDIN WITH (FORMAT csv)'
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        for chunk in _chunks(rows, CHUNK_ROWS * 4):
            buffer = io.StringIO()
            chunk.to_csv(buffer, index=False, header=False, na_rep="")
            buffer.seek(0)
            cursor.copy_expert(sql, buffer)
    finally:
        cursor.close()
