"""Matching's "no id" ('') and a missing value mean the same everywhere."""

import pandas as pd
import pyarrow as pa

from foundation.ids import NO_ID, has_id, has_id_arrow, ids_or_none

VALUES = ["H-1", NO_ID, None, "H-2"]


def test_no_id_and_missing_are_both_no_id_in_pandas_and_arrow() -> None:
    expected = [True, False, False, True]
    assert has_id(pd.Series(VALUES, dtype="str")).tolist() == expected
    assert has_id_arrow(pa.array(VALUES, type=pa.string())).to_pylist() == expected


def test_the_store_keeps_none_as_missing() -> None:
    out = ids_or_none(pd.Series(VALUES, dtype="str"))
    assert out.isna().tolist() == [False, True, True, False]
