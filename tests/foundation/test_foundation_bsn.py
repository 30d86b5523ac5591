"""The one BSN rule: stdnum's compact and elfproef, in scalar and vectorised form."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.nl import bsn as stdnum_bsn

from foundation.bsn import (
    compact_bsn,
    compact_bsns,
    is_valid_bsn,
    normalise_bsn,
    normalise_bsns,
    valid_bsns,
)


@pytest.mark.parametrize(("value", "expected"), [
    ("111.222.333", "111222333"),
    ("11122233", "011122233"),
    (11122233, "011122233"),
    ("1112 22-333", "111222333"),
    ("", ""),
    (None, ""),
    (float("nan"), ""),
], ids=["dots", "lost-zero", "number-cell", "space-and-dash", "empty", "none", "nan"])
def test_compact_drops_separators_and_restores_leading_zeros(value: object, expected: str) -> None:
    assert compact_bsn(value) == expected


def test_validity_is_the_elfproef() -> None:
    assert is_valid_bsn("111222333")
    assert is_valid_bsn(12345672)  # a number cell: 012345672
    assert is_valid_bsn("111.222.333")
    assert not is_valid_bsn("111222334")
    assert not is_valid_bsn("000000000")
    assert not is_valid_bsn("1112223330")


def test_normalise_keeps_the_digits_of_an_invalid_bsn_as_a_weak_hint() -> None:
    assert normalise_bsn("11122233") == ("011122233", False)
    assert normalise_bsn("111.222.333") == ("111222333", True)
    assert normalise_bsn("111222334") == ("111222334", False)
    assert normalise_bsn("") == ("", False)
    assert normalise_bsn("000") == ("", False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="0123456789 .-x", max_size=12), min_size=1, max_size=20))
def test_every_form_agrees_with_python_stdnum(values: list[str]) -> None:
    expected = [bool(stdnum_bsn.is_valid(v)) for v in values]
    series = pd.Series(values, dtype="str")
    assert valid_bsns(series).tolist() == expected
    assert normalise_bsns(series)[1].tolist() == expected
    assert [is_valid_bsn(v) for v in values] == expected
    assert [normalise_bsn(v)[1] for v in values] == expected
    numbers = normalise_bsns(series)[0].tolist()
    assert numbers == [int(normalise_bsn(v)[0]) if normalise_bsn(v)[0] else -1 for v in values]


def test_vectorised_compact_matches_the_scalar_one() -> None:
    values = pd.Series(["111.222.333", "11122233", None, "1 2"], dtype="str")
    assert compact_bsns(values).tolist()[:2] == ["111222333", "011122233"]
    assert pd.isna(compact_bsns(values).iloc[2])
    assert compact_bsns(values).iloc[3] == compact_bsn("1 2")
