"""What goes to review and why: the reason "same valid BSN in different persons" only when the
two records really hold one BSN (a contested BSN marks all pairs of its record, also those with
another BSN); no pair between two persons the engine already knows to be two people."""

import numpy as np
import pandas as pd

from matching import link
from matching.review import held_apart, review_rows, shares_bsn, two_people


def test_a_contested_bsn_is_not_shared_with_a_different_bsn() -> None:
    bsn_left = np.array([7, 7, 7, -1])
    bsn_right = np.array([7, 9, 7, -1])  # pair 1: BSNs differ; pair 3: none known
    evidence = np.array([True, True, False, True])  # level 'contested' on pairs 0, 1 and 3
    assert shares_bsn(bsn_left, bsn_right, evidence).tolist() == [True, False, False, False]


def test_review_reason_follows_the_shared_bsn() -> None:
    left, right = np.array([0, 2]), np.array([1, 3])
    labels = np.array([0, 1, 2, 3])  # every pair ended in two persons
    shared = shares_bsn(np.array([5, 5]), np.array([5, 6]), np.array([True, True]))
    rows, reasons = review_rows(left, right, np.array([20.0, 20.0]), labels, 10.0, 0.0, shared, [])
    assert dict(zip(rows.tolist(), reasons.tolist(), strict=True)) == {
        0: "same_valid_bsn_in_different_persons"}


def test_persons_held_apart_by_a_contrary_pair_are_found() -> None:
    # review rows: persons (0, 1), (2, 3), (1, 0) and a row inside one person (4, 4)
    label_l, label_r = np.array([0, 2, 1, 4]), np.array([1, 3, 0, 4])
    # the engine keeps person 1 apart from person 0 (e.g. father and son, decades apart)
    held = held_apart(label_l, label_r, np.array([1, 4]), np.array([0, 4]))
    assert held.tolist() == [True, False, True, False]


def test_nothing_is_held_apart_without_contrary_pairs() -> None:
    held = held_apart(np.array([0]), np.array([1]), np.zeros(0, np.int64), np.zeros(0, np.int64))
    assert held.tolist() == [False]


def _father_son_and(make_persons, third: dict) -> pd.DataFrame:
    """Pieter Mulder and his son Pieter at one address, each with his own BSN, and a record."""
    return make_persons(
        dict(source="a", source_record_id="f1", first_names="Pieter", surname="Mulder",
             birth_date="1950-04-04", postcode="1501AB", house_number=1, sex="M",
             bsn="111222333", role="parent"),
        dict(source="a", source_record_id="s1", first_names="Pieter", surname="Mulder",
             birth_date="1984-09-17", postcode="1501AB", house_number=1, sex="M",
             bsn="123456782", role="child"),
        {**dict(source="b", source_record_id="x", first_names="Pieter", surname="Mulder",
                postcode="1501AB", house_number=1, sex="M"), **third},
    )


def test_a_pair_between_father_and_son_is_not_sent(make_persons) -> None:
    """The son's record (his BSN with one digit mistyped) also fits the father on name and
    address, but father and son are two people by their birth dates and BSNs: a steward has
    nothing to decide, so the refused pair is not sent (it was, as conflict_with_cluster_member)."""
    result = link(_father_son_and(make_persons, dict(bsn="123456783")))
    person = result.assignments.set_index("source_record_id")["person_id"]
    assert person["x"] == person["s1"] != person["f1"]
    assert result.review.empty


def test_a_record_that_fits_father_and_son_alike_is_still_sent(make_persons) -> None:
    """Without its BSN the record fits both: which one it is remains a steward's decision."""
    result = link(_father_son_and(make_persons, {}))
    named = set(result.review["left_record_id"]) | set(result.review["right_record_id"])
    assert {"x", "f1", "s1"} <= named


def test_the_sons_record_with_his_fathers_bsn_is_still_sent(make_persons) -> None:
    """A record that is the son in all but its BSN (the father's, copied by a clerk) is kept
    apart from both, and the son's pair is a steward's decision: the father is held apart from
    the son, the record is not."""
    result = link(_father_son_and(make_persons, dict(bsn="111222333",
                                                     birth_date="1984-09-17")))
    person = result.assignments.set_index("source_record_id")["person_id"]
    assert person["x"] != person["s1"]
    pairs = {frozenset(p) for p in zip(result.review["left_record_id"],
                                       result.review["right_record_id"], strict=True)}
    assert frozenset({"s1", "x"}) in pairs


def test_what_shows_two_people_and_what_only_cannot_rule_out_twins() -> None:
    weight = np.array([-3.0, -20.0, 2.0, 15.0, 0.0, -30.0, 2.0])
    guard = np.array([False, True, False, False, False, False, False])
    distinct = np.array([False, False, True, True, False, False, False])
    dossier = np.array([False, False, False, False, True, False, False])
    shown = two_people(weight, guard, distinct, dossier, match_weight=4.0)
    # 0: twin-like without a guard (a replaced given name in a names-and-dates file) and
    # 5: a badly corrupted record of one person score low, but show no second person;
    # 3: two valid BSNs on a pair that is otherwise one person (a mistyped BSN) is for a
    # steward; 6: an uncertain pair says nothing either way
    assert shown.tolist() == [False, True, True, False, True, False, False]
