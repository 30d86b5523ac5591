"""The "no id" value: matching writes '' where a record has no household (a reporter who is no
member of one) or no person; the store, the pipeline and validation read it through here, so the
sentinel is decided once and a missing value means the same.
"""

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

NO_ID = ""
"""Matching's id for "none" (no household, no person)."""


def has_id(values: pd.Series) -> pd.Series:
    """True where an id is given: neither missing nor :data:`NO_ID`."""
    return values.notna() & (values != NO_ID)


def has_id_arrow(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """:func:`has_id` for Arrow string arrays (validation works in Arrow compute)."""
    return pc.and_(pc.is_valid(values), pc.not_equal(pc.fill_null(values, NO_ID), NO_ID))


def ids_or_none(values: pd.Series) -> pd.Series:
    """The ids with "none" (missing or :data:`NO_ID`) as a missing value, as the store keeps it."""
    return values.where(has_id(values), None)
