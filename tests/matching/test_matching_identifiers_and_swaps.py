"""Identifiers that fail the elfproef, swapped given name and surname, and postcodes abroad."""

import numpy as np
import pytest

from matching import link
from matching.compare import compare, level_code
from matching.defaults import DEFAULT_M, DEFAULT_U
from matching.scoring import Model
from matching.standardise import prepare


def _person_of(result, record: str) -> str:
    a = result.assignments
    return a.loc[a["source_record_id"] == record, "person_id"].item()


def _levels(persons, field: int) -> list[int]:
    p = prepare(persons)
    left, right = np.array([0]), np.array([1])
    return compare(p, left, right)[:, field].tolist()


def test_swapped_given_name_and_surname_is_its_own_level(make_persons) -> None:
    persons = make_persons(
        dict(source="a", source_record_id="1", first_names="Mikhayla", surname="Hannagan"),
        dict(source="a", source_record_id="2", first_names="Hannagan", surname="Mikhayla"),
    )
    p = prepare(persons)
    levels = compare(p, np.array([0]), np.array([1]))
    assert levels[0, 1] == level_code("surname", "swapped_with_first_name")
    assert levels[0, 0] == -1  # the given name is not counted twice (nor twin-guarded)


def test_different_single_surnames_are_not_double_name_parts(make_persons) -> None:
    """A record without a surname must not make every single surname 'part of a double name'."""
    persons = make_persons(
        dict(source="a", source_record_id="1", first_names="Jan", surname="Smit"),
        dict(source="a", source_record_id="2", first_names="Piet", surname="Bakker"),
        dict(source="a", source_record_id="3", first_names="Kees", surname=None),
    )
    assert _levels(persons, 1) == [level_code("surname", "different")]


def test_an_equal_invalid_identifier_keeps_its_estimated_weight() -> None:
    model = Model(m=DEFAULT_M.copy(), u=DEFAULT_U.copy(), prior=0.0, iterations=0)
    weights = model.weights()
    bsn = 3
    assert weights[bsn, level_code("bsn", "equal_invalid") + 1] > 8.0
    assert weights[bsn, level_code("bsn", "one_digit") + 1] <= 4.0


def test_a_shared_invalid_identifier_does_not_merge_two_children(make_persons) -> None:
    """Lisa's record carries her brother's identifier, mistyped (fails the elfproef)."""
    home = {"postcode": "1501AB", "house_number": 12, "surname": "Bakker"}
    persons = make_persons(
        dict(source="vt", source_record_id="t1", first_names="Tim", birth_date="2016-04-04",
             bsn="111222334", **home),
        dict(source="jgb", source_record_id="l1", first_names="Lisa", birth_date="2012-09-09",
             bsn="111222334", **home),
    )
    result = link(persons)
    assert _person_of(result, "t1") != _person_of(result, "l1")


def test_records_abroad_link_on_identifier_and_foreign_postcode(make_persons) -> None:
    home = {"postcode": "2257", "house_number": 20, "city": "Penshurst"}
    persons = make_persons(
        dict(source="a", source_record_id="1", first_names="Mikhayla", surname="Hannagan",
             birth_date="1977-05-01", bsn="1030769", **home),
        dict(source="a", source_record_id="2", first_names="Hannagan", surname="Mikhayla",
             birth_date="1977-05-01", bsn="1030769", **home),
        dict(source="a", source_record_id="3", first_names="Mikhayla", surname="Hannaan",
             birth_date="1977-05-01", bsn="1030769", **home),
        dict(source="a", source_record_id="4", first_names="Domenique", surname="Paterson",
             birth_date="1916-10-17", bsn="4975843", **home),
    )
    result = link(persons)
    assert _person_of(result, "1") == _person_of(result, "2") == _person_of(result, "3")
    assert _person_of(result, "4") != _person_of(result, "1")
    p = prepare(persons)
    assert (p.address >= 0).all()  # the 4-digit postcode is kept as address evidence


@pytest.mark.parametrize(
    ("a", "b", "swap"),
    [(123456782, 123456728, True),  # last two digits swapped
     (4086030, 4086300, True),  # a 7-digit identifier (FEBRL), inner swap
     (123456782, 213456782, True),  # first two digits of nine
     (123456782, 124456783, False),  # two digits changed, not neighbours swapped
     (123456782, 132456872, False),  # two swaps
     (112, 112, False)],  # equal: no typo at all
    ids=["last", "short-identifier", "first", "two-changed", "two-swaps", "equal"],
)
def test_a_swap_of_neighbouring_digits_is_recognised(a, b, swap) -> None:
    from matching.compare import adjacent_swap

    assert adjacent_swap(np.array([a]), np.array([b])).tolist() == [swap]


def test_a_transposed_identifier_is_one_typo_not_another_person(make_persons) -> None:
    persons = make_persons(
        dict(source="a", source_record_id="1", bsn="111222333", first_names="Noor"),
        dict(source="b", source_record_id="1", bsn="111223233", first_names="Noor"),  # swap
        dict(source="c", source_record_id="1", bsn="111224433", first_names="Noor"),  # 2 changed
    )
    p = prepare(persons)
    levels = compare(p, np.array([0, 0]), np.array([1, 2]))[:, 3].tolist()
    assert levels[0] == level_code("bsn", "one_digit")
    assert levels[1] in (level_code("bsn", "different"), level_code("bsn", "both_valid_different"))


def test_identifiers_one_typo_apart_are_compared(make_persons) -> None:
    """'Phoebe Dixon' and 'Tro Dixn': both names wrong, only the identifier (one digit off, or
    two neighbouring digits swapped, or one digit dropped) still brings them together."""
    from matching.blocking import block

    persons = make_persons(
        dict(source="a", source_record_id="1", bsn="9639024", first_names="Phoebe",
             surname="Dixon"),
        dict(source="a", source_record_id="2", bsn="9659024", first_names="Tro", surname="Dixn"),
        dict(source="a", source_record_id="3", bsn="9369024", first_names="Ffion", surname="Xu"),
        dict(source="a", source_record_id="4", bsn="969024", first_names="Yara", surname="Lim"),
        dict(source="a", source_record_id="5", bsn="9631111", first_names="Ole", surname="Berg"),
    )
    p = prepare(persons)
    left, right, _, _ = block(p, ("bsn_typo",), max_block_size=40)
    record = np.array([str(k).split("\x1f")[1] for k in p.keys])
    found = {tuple(sorted(pair)) for pair in zip(record[left], record[right], strict=True)}
    # changed digit (1-2), swap (1-3), dropped digit (1-4, 2-4, 3-4); 2-3 share '969024' too;
    # 5 is three digits off everyone
    assert found == {("1", "2"), ("1", "3"), ("1", "4"), ("2", "3"), ("2", "4"), ("3", "4")}
