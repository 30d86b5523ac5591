"""The hub's one tussenvoegsel list, and splitting it off surnames and full names."""

import pytest

from foundation.dutch_names import PREFIX_WORDS, PREFIXES, split_full_name, split_surname


@pytest.mark.parametrize(("raw", "expected"), [
    ("di Stefano", ("di", "Stefano")),
    ("Del Piero", ("del", "Piero")),
    ("della Costa", ("della", "Costa")),
    ("d' Ancona", ("d'", "Ancona")),
    ("Berg, van der", ("van der", "Berg")),
    ("over de Brug", ("over de", "Brug")),
], ids=["di", "del", "della", "d-apostrophe", "comma-form", "over-de"])
def test_every_listed_prefix_is_split_off(raw: str, expected: tuple[str, str]) -> None:
    assert split_surname(raw) == expected


def test_full_name_with_a_romance_particle() -> None:
    assert split_full_name("Marco di Stefano") == ("Marco", "di", "Stefano")


def test_prefix_words_are_the_words_of_the_prefixes_without_apostrophes() -> None:
    words = {w.replace("'", "") for p in PREFIXES for w in p.split()}
    assert words <= PREFIX_WORDS
    assert {"t", "d", "vd", "della", "di", "del"} <= PREFIX_WORDS
    assert not any("'" in w for w in PREFIX_WORDS)
