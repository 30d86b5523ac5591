"""The search index finds people the way staff type them, and shows no more than needed."""

import pandas as pd
import pytest

from hub.web.search.index import PERSON_COLUMNS, Query, SearchIndex
from hub.web.search.parse import QueryError, parse_birth_date, parse_bsn, parse_postcode

PEOPLE = [
    # person_id, bsn, first, prefix, surname, birth, postcode, number, city, secret, sources
    ("P-JAN", "123456782", "Jan Pieter", "van der", "Berg", "2014-03-07", "1501AB", 12,
     "Zaandam", False, "veilig_thuis,rvdk"),
    ("P-JAN2", None, "Jan", "van den", "Berg", "2014", "1501AB", 14, "Zaandam", False, "rvdk"),
    ("P-FATMA", "111222333", "Fatma", None, "Çelik", "1985-04", None, None, None, True,
     "blijf_groep"),
    ("P-MO", None, "Mohammed", None, "El Amrani", "1980-01-01", "1441CD", 3, "Purmerend", False,
     "jbra"),
    ("P-IJ", None, "Sanne", None, "Bijl", "1999-12-31", "1531AA", 1, "Wormer", False, "wss"),
    ("P-DBL", None, "Eva", None, "Jansen-de Vries", "2001-05-05", "1505XY", 8, "Zaandam",
     False, "ldh"),
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    rows = [dict(zip(["person_id", "bsn", "first_names", "surname_prefix", "surname",
                      "birth_date", "postcode", "house_number", "city",
                      "has_confidential_address", "sources"], p, strict=True)) for p in PEOPLE]
    frame = pd.DataFrame(rows).assign(household_id="H-1", sex="X")[list(PERSON_COLUMNS)]
    extra = pd.DataFrame({"person_id": ["P-MO"], "bsn": ["999999990"]})  # a source's BSN
    return SearchIndex(frame, extra, version_id=1)


def _ids(index: SearchIndex, **criteria) -> list[str]:
    return [h.person_id for h in index.search(Query(**criteria)).hits]


@pytest.mark.parametrize(
    ("typed", "wanted"),
    [("Jan van der Berg", "P-JAN"), ("jan v.d. berg", "P-JAN"), ("Berg, Jan", "P-JAN"),
     ("Jan Bregh", "P-JAN"), ("Jan Brg", "P-JAN"), ("fatma celik", "P-FATMA"),
     ("Fatima Çelik", "P-FATMA"), ("Mohamed Amrani", "P-MO"), ("Muhammad el-Amrani", "P-MO"),
     ("Sanne Byl", "P-IJ"), ("de Vries", "P-DBL"), ("Eva Jansen", "P-DBL")],
)
def test_names_are_found_despite_typing(index: SearchIndex, typed: str, wanted: str) -> None:
    assert wanted in _ids(index, name=typed)


def test_first_name_narrows_and_ranks(index: SearchIndex) -> None:
    assert set(_ids(index, name="Berg")) == {"P-JAN", "P-JAN2"}
    assert _ids(index, name="Fatma Berg") == []
    assert _ids(index, name="Vries Berg") == []  # unrelated words do not match


def test_exact_criteria_combine_with_and(index: SearchIndex) -> None:
    assert _ids(index, bsn="123456782") == ["P-JAN"]
    assert _ids(index, bsn="999999990") == ["P-MO"]  # found through a source record's BSN
    assert _ids(index, name="Berg", birth_date="2014-03-07") == ["P-JAN", "P-JAN2"]  # 2014 fits
    assert _ids(index, birth_date="1985-04-12") == ["P-FATMA"]  # partial date is compatible
    assert _ids(index, postcode="1501AB", house_number=14) == ["P-JAN2"]
    assert set(_ids(index, postcode="1501")) == {"P-JAN", "P-JAN2"}
    assert _ids(index, name="Berg", bsn="111222333") == []


def test_hits_show_only_what_is_needed(index: SearchIndex) -> None:
    result = index.search(Query(name="Çelik", limit=5))
    hit = result.hits[0]
    assert hit.city is None and hit.confidential_address
    assert hit.bsn_masked == "*******33"
    assert "111222333" not in repr(result)


def test_limit_keeps_the_total(index: SearchIndex) -> None:
    result = index.search(Query(name="Berg", limit=1))
    assert result.total == 2 and len(result.hits) == 1


@pytest.mark.parametrize(("text", "iso"), [("7-3-2014", "2014-03-07"), ("2014-03-07", "2014-03-07"),
                                           ("03-2014", "2014-03"), ("2014", "2014")])
def test_birth_dates_in_dutch_and_iso_form(text: str, iso: str) -> None:
    assert parse_birth_date(text) == iso


@pytest.mark.parametrize(("parser", "text"), [(parse_birth_date, "31-02-2014"),
                                              (parse_birth_date, "yesterday"),
                                              (parse_bsn, "12345"), (parse_postcode, "AB1501")])
def test_bad_input_names_the_field_not_the_value(parser, text: str) -> None:
    with pytest.raises(QueryError) as error:
        parser(text)
    assert error.value.field and text not in str(error.value)


def test_the_typed_tussenvoegsel_ranks_first(index: SearchIndex) -> None:
    assert _ids(index, name="Jan van den Berg")[0] == "P-JAN2"
    assert _ids(index, name="Jan van der Berg")[0] == "P-JAN"
