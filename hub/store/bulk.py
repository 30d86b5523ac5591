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
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from hub.store.columns import typed, typed_column
from hub.store.engine import driver_cursor

CHUNK_ROWS = 50_000
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"
"""SQLAlchemy's storage format for DateTime on SQLite (naive; the store writes UTC)."""


def _none_where(values: list[Any], missing: np.ndarray) -> list[Any]:
    if missing.any():
        for i in np.flatnonzero(missing):
            values[i] = None
    return values


def _stamps_as_text(stamps: pd.Series, fmt: str) -> list[Any]:
    """Timestamps as text, formatted once per distinct value (strftime per row cost seconds)."""
    codes, uniques = pd.factorize(stamps)
    text = np.array([*uniques.strftime(fmt).tolist(), None], dtype=object)
    return list(text[codes])  # code -1 (missing) picks the trailing None


def python_values(series: pd.Series, type_: sa.types.TypeEngine[Any], dialect: str) -> list[Any]:
    """One typed column (:func:`hub.store.columns.typed`) as Python values for ``dialect``."""
    if isinstance(type_, sa.Boolean):
        return _none_where(series.fillna(False).astype(bool).tolist(), series.isna().to_numpy())
    if isinstance(type_, sa.Integer):
        return _none_where(series.fillna(0).astype("int64").tolist(), series.isna().to_numpy())
    if isinstance(type_, sa.Float):
        return _none_where(series.tolist(), series.isna().to_numpy())
    if isinstance(type_, sa.DateTime):
        if dialect == "sqlite":
            return _stamps_as_text(series, SQLITE_DATETIME)
        if dialect == "postgresql":
            return _stamps_as_text(series, SQLITE_DATETIME + "+00:00")
        return _none_where(list(series.dt.to_pydatetime()), series.isna().to_numpy())
    if isinstance(type_, sa.Date):
        if dialect in ("sqlite", "postgresql"):
            return _stamps_as_text(series, "%Y-%m-%d")
        return _none_where(list(series.dt.date), series.isna().to_numpy())
    return list(series.to_numpy(dtype=object, na_value=None))


def column_values(series: pd.Series, type_: sa.types.TypeEngine[Any], dialect: str) -> list[Any]:
    """One column as a list of Python values for ``dialect`` (None for missing)."""
    return python_values(typed_column(series, type_), type_, dialect)


def prepare(frame: pd.DataFrame, table: sa.Table, dialect: str,
            **constants: object) -> dict[str, list[Any]]:
    """Column name -> values, in table order; absent columns are None, generated ids left out."""
    converted = typed(frame, table, **constants)
    return {
        name: python_values(converted[name], table.c[name].type, dialect)
        for name in converted.columns
    }


def _row_chunks(columns: dict[str, list[Any]], size: int) -> Iterator[list[tuple[Any, ...]]]:
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
            cursor = driver_cursor(conn)
            try:
                cursor.executemany(sql, rows)
            finally:
                cursor.close()
        else:
            conn.execute(table.insert(), [dict(zip(names, row, strict=True)) for row in rows])
    return len(frame)


def _copy_postgres(conn: sa.Connection, table: sa.Table, names: list[str],
                   rows: list[tuple[Any, ...]]) -> None:
    quoted = ", ".join(f'"{c}"' for c in names)
    sql = f'COPY "{table.name}" ({quoted}) FROM STDIN WITH (FORMAT csv)'
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    buffer.seek(0)
    cursor = driver_cursor(conn)
    try:
        cursor.copy_expert(sql, buffer)
    finally:
        cursor.close()
