"""Fast, type-faithful bulk loading of DataFrames into store tables.

Columns are converted once, vectorised, by the table's column types. PostgreSQL then gets
``COPY ... FROM STDIN`` (psycopg2 ``copy_expert``) and SQLite gets the driver's ``executemany``
with plain tuples, both inside the caller's transaction; other databases get Core executemany.
Row by row SQLAlchemy parameter handling cost more than the database itself at a million rows.
SQLite values are written in the text forms SQLAlchemy itself uses, so reading them back through
SQLAlchemy gives the same types on every backend.
"""

import csv
import io
from collections.abc import Iterator

import numpy as np
import pandas as pd
import sqlalchemy as sa

CHUNK_ROWS = 50_000
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"
"""SQLAlchemy's storage format for DateTime on SQLite (naive; the store writes UTC)."""


def _none_where(values: list, missing: np.ndarray) -> list:
    if missing.any():
        for i in np.flatnonzero(missing):
            values[i] = None
    return values


def column_values(series: pd.Series, type_: sa.types.TypeEngine, dialect: str) -> list:
    """One column as a list of Python values for ``dialect`` (None for missing)."""
    if isinstance(type_, sa.Boolean):
        flags = series.astype("boolean")
        return _none_where(flags.fillna(False).astype(bool).tolist(), flags.isna().to_numpy())
    if isinstance(type_, sa.Integer):
        numbers = pd.to_numeric(series, errors="raise").astype("Int64")
        return _none_where(numbers.fillna(0).astype("int64").tolist(), numbers.isna().to_numpy())
    if isinstance(type_, sa.Float):
        numbers = pd.to_numeric(series, errors="coerce").astype("float64")
        return _none_where(numbers.tolist(), numbers.isna().to_numpy())
    if isinstance(type_, sa.DateTime):
        stamps = pd.to_datetime(series, utc=True)
        missing = stamps.isna().to_numpy()
        if dialect == "sqlite":
            text = stamps.dt.tz_convert("UTC").dt.strftime(SQLITE_DATETIME)
            return _none_where(text.tolist(), missing)
        if dialect == "postgresql":
            text = stamps.dt.tz_convert("UTC").dt.strftime(SQLITE_DATETIME + "+00:00")
            return _none_where(text.tolist(), missing)
        return _none_where(list(stamps.dt.to_pydatetime()), missing)
    if isinstance(type_, sa.Date):
        stamps = pd.to_datetime(series.astype(object), errors="coerce")
        missing = stamps.isna().to_numpy()
        if dialect in ("sqlite", "postgresql"):
            return _none_where(stamps.dt.strftime("%Y-%m-%d").tolist(), missing)
        return _none_where(list(stamps.dt.date), missing)
    missing = series.isna().to_numpy()
    if not pd.api.types.is_string_dtype(series):
        series = series.map(lambda v: v if isinstance(v, str) else str(v), na_action="ignore")
    text = series.astype(object)
    missing = missing | (text == "").to_numpy()
    return _none_where(text.tolist(), missing)


def _is_generated(table: sa.Table, column: sa.Column) -> bool:
    single_int_pk = len(table.primary_key.columns) == 1 and isinstance(column.type, sa.Integer)
    return column.primary_key and single_int_pk and column.autoincrement in (True, "auto")


def prepare(frame: pd.DataFrame, table: sa.Table, dialect: str,
            **constants: object) -> dict[str, list]:
    """Column name -> values, in table order; absent columns are None, generated ids left out."""
    n = len(frame)
    out: dict[str, list] = {}
    for column in table.columns:
        if column.name in constants:
            value = constants[column.name]
            out[column.name] = column_values(pd.Series([value] * n, dtype=object), column.type,
                                             dialect) if value is not None else [None] * n
        elif column.name in frame.columns:
            out[column.name] = column_values(frame[column.name], column.type, dialect)
        elif not _is_generated(table, column):
            out[column.name] = [None] * n
    return out


def _row_chunks(columns: dict[str, list], size: int) -> Iterator[list[tuple]]:
    n = len(next(iter(columns.values()))) if columns else 0
    for start in range(0, n, size):
        yield list(zip(*(values[start:start + size] for values in columns.values()), strict=True))


def insert_frame(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame,
                 **constants: object) -> int:
    """Insert all rows of ``frame`` into ``table`` within ``conn``'s transaction; returns rows."""
    if frame is None or frame.empty:
        return 0
    dialect = conn.dialect.name
    if dialect == "postgresql" and conn.dialect.driver != "psycopg2":
        dialect = "other"
    # Converted chunk by chunk: Python objects for a million rows at once would cost gigabytes.
    for start in range(0, len(frame), CHUNK_ROWS):
        columns = prepare(frame.iloc[start:start + CHUNK_ROWS], table, dialect, **constants)
        names = list(columns)
        rows = next(_row_chunks(columns, CHUNK_ROWS))
        if dialect == "postgresql":
            _copy_postgres(conn, table, names, rows)
        elif dialect == "sqlite":
            quoted = ", ".join('"' + name + '"' for name in names)
            sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" * len(names))})'
            cursor = conn.connection.dbapi_connection.cursor()
            try:
                cursor.executemany(sql, rows)
            finally:
                cursor.close()
        else:
            conn.execute(table.insert(), [dict(zip(names, row, strict=True)) for row in rows])
    return len(frame)


def _copy_postgres(conn: sa.Connection, table: sa.Table, names: list[str],
                   rows: list[tuple]) -> None:
    quoted = ", ".join(f'"{c}"' for c in names)
    sql = f'COPY "{table.name}" ({quoted}) FROM STDIN WITH (FORMAT csv)'
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    buffer.seek(0)
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.copy_expert(sql, buffer)
    finally:
        cursor.close()
