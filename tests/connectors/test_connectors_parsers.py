"""Parsers for Dutch names, addresses and partial dates as partners write them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.addresses import AddressParseError, normalise_postcode, split_house_number
from connectors.dates import DateParseError, parse_full_date, parse_partial_date
from foundation.dutch_names import split_full_name, split_surname


@pytest.mark.parametrize("raw, expected", [
    ("Berg, van der", ("van der", "Berg")),
    ("van der Berg", ("van der", "Berg")),
    ("Van Der Berg", ("van der", "Berg")),
    ("Jansen-de Vries", (None, "Jansen-de Vries")),
    ("  Vries ,  de ", ("de", "Vries")),
    ("Berg", (None, "Berg")),
    ("", (None, None)),
    (None, (None, None)),
], ids=["comma", "prefix-first", "capitalised", "double-name", "spaces", "plain", "empty", "none"])
def test_split_surname(raw, expected):
    assert split_surname(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("Jan van der Berg", ("Jan", "van der", "Berg")),
    ("Jan Piet de Vries", ("Jan Piet", "de", "Vries")),
    ("Fatima Yilmaz", ("Fatima", None, "Yilmaz")),
    ("Berg, van der, Jan", ("Jan", "van der", "Berg")),
    ("Vries, de, Anna Maria", ("Anna Maria", "de", "Vries")),
    ("Yilmaz", (None, None, "Yilmaz")),
])
def test_split_full_name(raw, expected):
    assert split_full_name(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("12a-2", (12, "a", "2")),
    ("12", (12, None, None)),
    ("12 A", (12, "a", None)),
    ("12 bis", (12, None, "bis")),
    ("12-III", (12, None, "III")),
    ("7.0", (7, None, None)),
    ("", (None, None, None)),
])
def test_split_house_number(raw, expected):
    assert split_house_number(raw) == expected


@pytest.mark.parametrize("raw", ["twaalf", "a12", "12/a/b/c"])
def test_house_number_rejects_non_numbers(raw):
    with pytest.raises(AddressParseError):
        split_house_number(raw)


@pytest.mark.parametrize("raw, expected", [
    ("1501 ab", "1501AB"), ("1501AB", "1501AB"), (" 1501  Ab ", "1501AB"), ("", None),
])
def test_postcode_normalised(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["0501AB", "15011AB", "1501", "ABCDEF"])
def test_postcode_rejects_non_dutch(raw):
    with pytest.raises(AddressParseError):
        normalise_postcode(raw)


@pytest.mark.parametrize("raw, formats, expected", [
    ("07-03-2014", ("%d-%m-%Y",), "2014-03-07"),
    ("00-03-2014", ("%d-%m-%Y",), "2014-03"),
    ("00-00-2014", ("%d-%m-%Y",), "2014"),
    ("03-2014", ("%d-%m-%Y", "%m-%Y"), "2014-03"),
    ("2014", ("%d-%m-%Y", "%Y"), "2014"),
    ("20140307", ("%Y%m%d",), "2014-03-07"),
    ("2014-03-07", (), "2014-03-07"),
    ("2014-03", (), "2014-03"),
    ("2014-00-00", (), "2014"),
    ("2014-03-00", (), "2014-03"),
    ("20140000", ("%Y%m%d",), "2014"),
    ("03/00/2014", ("%m/%d/%Y",), "2014-03"),
    ("2014-03-07T10:00:00Z", (), "2014-03-07"),
    ("2014-03-07 00:00:00", (), "2014-03-07"),
    ("", ("%d-%m-%Y",), None),
], ids=lambda v: str(v))
def test_partial_dates_never_invent_day_or_month(raw, formats, expected):
    assert parse_partial_date(raw, formats) == expected


@pytest.mark.parametrize("raw", ["31-02-2014", "07/03/2014", "gisteren"])
def test_unparseable_date_raises(raw):
    with pytest.raises(DateParseError):
        parse_partial_date(raw, ("%d-%m-%Y",))


def test_full_date_refuses_partial_dates():
    with pytest.raises(DateParseError):
        parse_full_date("00-03-2024", ("%d-%m-%Y",))
    assert str(parse_full_date("01-03-2024", ("%d-%m-%Y",))) == "2024-03-01"


@given(prefix=st.sampled_from(["van", "van der", "de", "ter", "van 't", "in het"]),
       surname=st.text(alphabet="abcdefghijklmnopqrstuvwxyzéöüç", min_size=2, max_size=12))
def test_both_ways_of_writing_a_prefixed_surname_agree(prefix, surname):
    surname = surname.capitalize()
    assert split_surname(f"{surname}, {prefix}") == split_surname(f"{prefix} {surname}") == (
        prefix, surname)
