"""Standardisation of Dutch names, BSNs, dates and addresses."""

import numpy as np
import pandas as pd
import pytest

from foundation.bsn import normalise_bsn, normalise_bsns
from matching.addresses import normalise_postcode, postcode_area
from matching.dates import parse_partial_date
from matching.names import first_name_key, fold, surname_cores, unglue


@pytest.mark.parametrize(
    ("raw", "folded"),
    [("Yılmaz", "yilmaz"), ("Çelik", "celik"), ("Şahin", "sahin"), ("Öztürk", "ozturk"),
     ("Doğan", "dogan"), ("İbrahim", "ibrahim"), ("François", "francois"), ("Dijkstra", "dykstra"),
     ("IJzerman", "yzerman"), ("Łukasz", "lukasz"), ("d'Ancona", "dancona")],
    ids=lambda v: v,
)
def test_fold_removes_diacritics_turkish_letters_and_ij(raw: str, folded: str) -> None:
    assert fold(raw) == folded


@pytest.mark.parametrize(
    ("prefix", "surname", "expected"),
    [
        ("van der", "Berg", ("van der", ["berg"])),
        ("", "Berg van der", ("van der", ["berg"])),
        ("v.d.", "Berg", ("van de", ["berg"])),
        ("V.", "Dijk", ("van", ["dyk"])),
        ("", "Jansen-de Vries", ("de", ["jansen", "vries"])),
        ("in 't", "Veld", ("in het", ["veld"])),
        ("", "El Amrani", ("el", ["amrani"])),
    ],
)
def test_split_surname_finds_tussenvoegsel_in_every_position(prefix, surname, expected) -> None:
    assert surname_cores(prefix, surname) == expected


def test_glued_tussenvoegsel_is_stripped_only_when_the_rest_is_a_known_surname() -> None:
    known = {"berg", "vries"}
    assert unglue("vanderberg", known) == "berg"
    assert unglue("devries", known) == "vries"
    assert unglue("dekker", known) == "dekker"


@pytest.mark.parametrize(
    ("a", "b"),
    [("Mohammed", "Mohamed"), ("Muhammad", "Mohamed"), ("Youssef", "Yusuf"),
     ("Khadija", "Hatice"), ("Meryem", "Maryam"), ("Sophia", "Sofia")],
)
def test_transliteration_variants_share_a_variant_key(a: str, b: str) -> None:
    assert first_name_key(a)[1] == first_name_key(b)[1]


def test_initials_are_recognised_and_not_taken_for_a_name() -> None:
    assert first_name_key("J.P.") == ("", "", "j", "j p")
    assert first_name_key("JP")[0] == ""
    assert first_name_key("İ.")[2] == "i"
    assert first_name_key("Jan Pieter")[:3] == ("jan", "jan", "j")


def test_bsn_gets_its_leading_zero_back_and_elfproef_decides_validity() -> None:
    assert normalise_bsn("11122233") == ("011122233", False)
    assert normalise_bsn("111.222.333") == ("111222333", True)
    assert normalise_bsn("111222334") == ("111222334", False)
    assert normalise_bsn("") == ("", False)


def test_vectorised_bsn_check_agrees_with_stdnum() -> None:
    rng = np.random.default_rng(3)
    values = [str(x) for x in rng.integers(1, 10**9, 5000)] + ["", "abc", "000000000", "1234"]
    digits, valid = normalise_bsns(pd.Series(values, dtype="str"))
    expected = [normalise_bsn(v) for v in values]
    assert valid.tolist() == [ok for _, ok in expected]
    assert digits.tolist() == [int(d) if d else -1 for d, _ in expected]


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [("2014-03-07", (2014, 3, 7)), ("2014-03", (2014, 3, 0)), ("2014", (2014, 0, 0)),
     ("", (0, 0, 0)), ("1500-01-01", (0, 0, 0)), ("2014-13-01", (2014, 0, 0))],
)
def test_partial_dates_never_invent_a_day_or_month(raw: str, parsed: tuple) -> None:
    assert parse_partial_date(raw) == parsed


def test_postcode_normalisation() -> None:
    assert normalise_postcode("1501 ab") == "1501AB"
    assert normalise_postcode("0501AB") == ""
    assert normalise_postcode("") == ""
    assert normalise_postcode("onbekend") == ""
    # a postcode abroad is still address evidence, not dropped as invalid
    assert normalise_postcode(" 2257 ") == "2257"
    assert normalise_postcode("sw1a 1aa") == "SW1A1AA"
    assert postcode_area("1501AB") == "1501"
    assert postcode_area("2257") == "2257"
