"""The BSN rule's elfproef gives python-stdnum's verdict for every 9-digit value."""

import numpy as np
import pandas as pd
from stdnum.nl import bsn as stdnum_bsn

from expectations.derived import bsn_elfproef


def test_elfproef_agrees_with_stdnum_and_leaves_malformed_values_open() -> None:
    rng = np.random.default_rng(3)
    numbers = [f"{n:09d}" for n in rng.integers(1, 999_999_999, 20_000)]
    valid_ones = [n for n in numbers if stdnum_bsn.is_valid(n)]
    assert len(valid_ones) > 1000  # about one in eleven passes the checksum
    values = pd.Series(numbers + ["12345678", "1234567890", "12345678a", None, ""],
                       dtype="str")
    verdict = bsn_elfproef(values)
    expected = [stdnum_bsn.is_valid(n) for n in numbers]
    assert verdict.iloc[:len(numbers)].astype(bool).tolist() == expected
    assert verdict.iloc[len(numbers):].isna().all()
