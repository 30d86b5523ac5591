"""The twin guard on evidence: one person under two given names links, twins stay apart.

A record whose given name was replaced (a roepnaam against the official name, a clerk's mistake,
FEBRL's corruption) agrees with the person's other records on identifier, surname, birth date and
address: twins agree on all of those except the identifier. So an equal identifier lifts the
guard, unless the data shows a second person (other sex, one dossier listing both, or a record
with the other given name that lacks this identifier: the co-twin, one of whose records carries
the other twin's BSN).
"""

import itertools

import numpy as np
import pytest

from matching import link
from matching.compare import compare
from matching.scoring import given_name_replaced
from matching.standardise import prepare

HOME = {"postcode": "1501AB", "house_number": 12, "surname": "Bakker", "birth_date": "2015-06-01"}


def _person_of(result, record: str) -> str:
    a = result.assignments
    return a.loc[a["source_record_id"] == record, "person_id"].item()


def _rows(make_persons, *rows: dict):
    return make_persons(*[{**HOME, **row} for row in rows])


@pytest.mark.parametrize("bsn", ["111222333", "1234567"], ids=["valid-bsn", "invalid-identifier"])
def test_replaced_given_name_with_agreeing_identifier_links(make_persons, bsn: str) -> None:
    persons = _rows(
        make_persons,
        dict(source="vt", source_record_id="a1", first_names="Daan", bsn=bsn, sex="M"),
        dict(source="jgb", source_record_id="a2", first_names="Daan", bsn=bsn, sex="M"),
        dict(source="rvdk", source_record_id="a3", first_names="Joshua", bsn=bsn, sex="M"),
    )
    result = link(persons)
    assert _person_of(result, "a1") == _person_of(result, "a3")
    assert result.assignments["person_id"].nunique() == 1
    assert result.stats["twin_guard_pairs"] == 0


def test_a_single_pair_with_a_replaced_given_name_links(make_persons) -> None:
    """FEBRL 4 shape: one original, one duplicate, no other record to compare with."""
    persons = _rows(
        make_persons,
        dict(source="a", source_record_id="1", first_names="Emily", bsn="1234567"),
        dict(source="b", source_record_id="1", first_names="Joshua", bsn="1234567"),
    )
    assert link(persons).assignments["person_id"].nunique() == 1


@pytest.mark.parametrize(
    ("bsn_daan", "bsn_sem"),
    [("111222333", "123456782"), (None, None), ("111222333", None)],
    ids=["different-bsns", "missing-bsns", "one-missing"],
)
def test_twins_without_a_shared_identifier_stay_apart(make_persons, bsn_daan, bsn_sem) -> None:
    persons = _rows(
        make_persons,
        dict(source="vt", source_record_id="d1", first_names="Daan", bsn=bsn_daan, sex="M"),
        dict(source="jgb", source_record_id="s1", first_names="Sem", bsn=bsn_sem, sex="M"),
        dict(source="rvdk", source_record_id="d2", first_names="Daan", bsn=bsn_daan, sex="M"),
        dict(source="rvdk", source_record_id="s2", first_names="Sem", bsn=bsn_sem, sex="M"),
    )
    result = link(persons)
    assert _person_of(result, "d1") == _person_of(result, "d2")
    assert _person_of(result, "s1") == _person_of(result, "s2")
    assert _person_of(result, "d1") != _person_of(result, "s1")


@pytest.mark.parametrize("own_bsn", ["123456782", None], ids=["own-bsn", "no-bsn"])
def test_twin_carrying_the_co_twins_bsn_stays_with_their_own_records(make_persons,
                                                                      own_bsn) -> None:
    """Sem's jgb record carries Daan's BSN; Sem's vt record (own BSN or none) shows a second
    person with that given name, so the shared BSN is no evidence that Sem is Daan."""
    persons = _rows(
        make_persons,
        dict(source="vt", source_record_id="d1", first_names="Daan", bsn="111222333", sex="M"),
        dict(source="rvdk", source_record_id="d2", first_names="Daan", bsn="111222333", sex="M"),
        dict(source="vt", source_record_id="s1", first_names="Sem", bsn=own_bsn, sex="M"),
        dict(source="jgb", source_record_id="s2", first_names="Sem", bsn="111222333", sex="M"),
    )
    result = link(persons)
    assert _person_of(result, "s2") != _person_of(result, "d1")
    assert _person_of(result, "s2") != _person_of(result, "d2")
    assert _person_of(result, "d1") == _person_of(result, "d2")


@pytest.mark.parametrize(
    "overrides",
    [dict(sex="V"), dict(source="vt", source_household_ref="F1")],
    ids=["boy-and-girl", "one-dossier"],
)
def test_shared_bsn_does_not_merge_twins_the_data_shows_as_two(make_persons,
                                                               overrides: dict) -> None:
    persons = _rows(
        make_persons,
        dict(source="vt", source_record_id="d1", first_names="Daan", bsn="111222333", sex="M",
             source_household_ref="F1"),
        {**dict(source="jgb", source_record_id="s1", first_names="Sanne", bsn="111222333",
                sex="M"), **overrides},
    )
    result = link(persons)
    assert _person_of(result, "d1") != _person_of(result, "s1")


def test_given_name_replaced_needs_an_equal_identifier_and_birth_date(make_persons) -> None:
    persons = _rows(
        make_persons,
        dict(source="a", source_record_id="1", first_names="Emily", bsn="111222333"),
        dict(source="b", source_record_id="1", first_names="Joshua", bsn="111222333"),
        dict(source="c", source_record_id="1", first_names="Joshua", bsn="111222333",
             birth_date="2012-09-09"),
        dict(source="d", source_record_id="1", first_names="Joshua", bsn="123456782"),
    )
    p = prepare(persons)
    left, right = (np.array(x) for x in zip(*itertools.combinations(range(4), 2), strict=True))
    replaced = dict(zip(zip(left.tolist(), right.tolist(), strict=True),
                        given_name_replaced(p, left, right, compare(p, left, right)).tolist(),
                        strict=True))
    assert not replaced[(0, 1)]  # record d shows a second Joshua with another BSN
    assert not replaced[(0, 2)]  # another birth date: a sibling's BSN
    first_three = np.array([0, 0, 1]), np.array([1, 2, 2])
    assert given_name_replaced(p, *first_three, compare(p, *first_three)).tolist() == [
        True, False, False]
