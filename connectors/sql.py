"""SQL connector: any SQLAlchemy URL, a table or a query, incremental by a watermark column.

Rows are streamed (server-side cursors where the driver has them) in chunks, ordered by the
watermark, so memory stays flat on large tables and the next run asks only ``WHERE col > :last``.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from connectors.config import DatasetConfig, PartnerConfig
from connectors.delivery import Delivery
from connectors.mapping import ORIGIN, ORIGIN_ROW
from connectors.state import decode_watermark, encode_watermark
from foundation.errors import SourceUnavailableError

CHUNK_SIZE = 20_000


def origin_name(dataset: DatasetConfig) -> str:
    """The origin recorded on rows: the table name, or ``query:<dataset>``."""
    return dataset.table or f"query:{dataset.name}"


def build_select(conn: sa.Connection, dataset: DatasetConfig, last: Any) -> sa.Select[Any]:
    """SELECT the dataset's rows after the watermark, ordered by it (or in source order).

    A table is reflected so that the driver's type conversion applies (dates come back as dates,
    also from SQLite); a query is wrapped as a subquery.
    """
    if dataset.table:
        schema, _, name = dataset.table.rpartition(".")
        table = sa.Table(name, sa.MetaData(), schema=schema or None, autoload_with=conn)
        select = sa.select(table)
        if dataset.watermark:
            if dataset.watermark not in table.c:
                raise sa.exc.NoSuchColumnError(f"watermark column {dataset.watermark}")
            column: sa.ColumnElement[Any] = table.c[dataset.watermark]
            if last is not None:
                select = select.where(column > sa.bindparam("last", last, type_=column.type))
            select = select.order_by(column)
        return select
    quote = conn.dialect.identifier_preparer.quote
    select = sa.select(sa.literal_column("*")).select_from(
        sa.text(f"({dataset.query}) AS hub_src"))
    if dataset.watermark:
        column = sa.literal_column(quote(dataset.watermark))
        if last is not None:
            select = select.where(column > sa.bindparam("last", last))
        select = select.order_by(column)
    return select


def read_sql(partner: PartnerConfig, dataset: DatasetConfig, state: dict[str, Any],
             chunk_size: int = CHUNK_SIZE) -> Iterator[Delivery]:
    """Yield the one delivery of a table or query (lazy chunks; watermark set when done)."""
    url = partner.connection["url"]
    origin = origin_name(dataset)
    last = decode_watermark(state.get("watermarks", {}).get(dataset.name))
    delivery = Delivery(origin=origin, chunks=iter(()), full=dataset.watermark is None)
    delivery.chunks = _chunks(url, partner.key, dataset, origin, last, chunk_size, delivery)
    yield delivery


def _chunks(url: str, partner: str, dataset: DatasetConfig, origin: str, last: Any,
            chunk_size: int, delivery: Delivery) -> Iterator[pd.DataFrame]:
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise SourceUnavailableError("database URL is not valid", partner=partner,
                                     origin=origin) from None
    database = parsed.database or ""
    if parsed.get_backend_name() == "sqlite" and database not in ("", ":memory:") \
            and not database.startswith("file:") and not Path(database).exists():
        # SQLite would silently create an empty database file
        raise SourceUnavailableError("SQLite database file does not exist", partner=partner,
                                     origin=database)
    try:
        engine = sa.create_engine(parsed)
    except Exception as exc:  # noqa: BLE001 - a bad URL or missing driver is a config problem
        raise SourceUnavailableError(f"cannot open database ({type(exc).__name__})",
                                     partner=partner, origin=origin) from None
    row = 0
    high = last
    try:
        with engine.connect() as conn:
            select = build_select(conn, dataset, last)
            result = conn.execution_options(stream_results=True, yield_per=chunk_size).execute(
                select)
            for part in result.partitions(chunk_size):
                frame = pd.DataFrame([tuple(r) for r in part], columns=list(result.keys()),
                                     dtype="object")
                frame[ORIGIN] = origin
                frame[ORIGIN_ROW] = range(row + 1, row + len(frame) + 1)
                row += len(frame)
                if dataset.watermark and len(frame):
                    high = frame[dataset.watermark].iloc[-1]
                yield frame
    except sa.exc.NoSuchTableError:
        raise SourceUnavailableError("table not found", partner=partner,
                                     origin=origin) from None
    except sa.exc.SQLAlchemyError as exc:
        cause = getattr(exc, "orig", None) or exc
        detail = str(cause).strip().splitlines()[0][:200] if str(cause).strip() else ""
        reason = f"{type(cause).__name__}: {detail}" if detail else type(cause).__name__
        raise SourceUnavailableError(f"database query failed ({reason})", partner=partner,
                                     origin=origin) from None
    finally:
        engine.dispose()
    if dataset.watermark:
        delivery.state = {"watermark": encode_watermark(high)}
