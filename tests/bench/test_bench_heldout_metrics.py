"""Blocking recall, review scores and twin shares on tiny hand-made cases; the suites keep tuning
and held-out data apart."""

import numpy as np
import pandas as pd
import pytest

from bench.febrl import IDENTIFYING_COLUMNS, LabelledData, names_and_dates
from bench.metrics import (
    BenchmarkError,
    blocking_recall,
    evaluate,
    review_scores,
    twin_pairs_total,
)
from bench.suites import HELD_OUT, TUNING, TUNING_SEED, suite_sets


def test_blocking_recall_counts_true_pairs_generated_by_any_rule() -> None:
    # persons: A = rows 0, 1, 2 (3 true pairs); B = rows 3, 4 (1 true pair); C = row 5
    truth = pd.Series(["A", "A", "A", "B", "B", "C"])
    # candidates: (0,1) true, (1,0) the same pair again, (2,5) false, (3,4) true, (4,4) no pair
    left = np.array([0, 1, 2, 3, 4])
    right = np.array([1, 0, 5, 4, 4])
    scores = blocking_recall(left, right, truth)
    assert (scores.candidate_pairs, scores.true_candidate_pairs, scores.true_pairs) == (3, 2, 4)
    assert scores.recall == pytest.approx(0.5)
    # (0,1) is the only true chain inside A: pairs (0,2), (1,2) are unreachable
    assert scores.reachable_pairs == 2 and scores.reachable == pytest.approx(0.5)


def test_reachable_pairs_follow_chains_of_true_candidate_pairs() -> None:
    # A = rows 0..3 (6 true pairs); candidates 0-1, 1-2, 2-3 chain them all; 3-4 is false
    truth = pd.Series(["A", "A", "A", "A", "B"])
    scores = blocking_recall(np.array([0, 1, 2, 3]), np.array([1, 2, 3, 4]), truth)
    assert (scores.true_candidate_pairs, scores.true_pairs) == (3, 6)
    assert scores.recall == pytest.approx(0.5)
    assert scores.reachable_pairs == 6 and scores.reachable == 1.0


def test_blocking_recall_missing_label_is_a_person_of_its_own() -> None:
    truth = pd.Series([None, None, "A", "A"], dtype=object)
    scores = blocking_recall(np.array([0, 2]), np.array([1, 3]), truth)
    assert (scores.true_candidate_pairs, scores.true_pairs) == (1, 1)
    assert scores.recall == 1.0


def test_blocking_recall_rejects_pairs_outside_the_records() -> None:
    with pytest.raises(BenchmarkError):
        blocking_recall(np.array([0]), np.array([7]), pd.Series(["A", "A"]))


def _truth() -> pd.DataFrame:
    return pd.DataFrame({
        "source": ["vt", "vt", "rvdk", "rvdk", "jgb"],
        "source_record_id": ["1", "2", "3", "4", "5"],
        "true_person_id": ["P", "P", "Q", "R", "P"],
    })


def _review(pairs: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["left_source", "left_record_id", "right_source",
                                        "right_record_id"])


def test_review_precision_and_load_on_a_hand_made_list() -> None:
    review = _review([("vt", "1", "jgb", "5"),     # same person P: a true match
                      ("rvdk", "3", "rvdk", "4"),  # Q and R: not a match
                      ("vt", "2", "rvdk", "3")])   # P and Q: not a match
    scores = review_scores(review, _truth(), missed_pairs=2)
    assert (scores.items, scores.true_items) == (3, 1)
    assert scores.precision == pytest.approx(1 / 3)
    assert scores.load == pytest.approx(3 / 5 * 1000)
    assert scores.missed_in_review == pytest.approx(0.5)


def test_empty_review_list_has_no_precision_and_no_load() -> None:
    scores = review_scores(_review([]), _truth(), missed_pairs=0)
    assert scores.load == 0.0 and scores.precision is None and scores.missed_in_review is None


def test_review_item_with_an_unknown_record_is_an_error() -> None:
    with pytest.raises(BenchmarkError, match="does not know"):
        review_scores(_review([("vt", "1", "vt", "99")]), _truth(), missed_pairs=0)


def test_twin_share_is_merged_twin_pairs_over_all_twin_pairs() -> None:
    # triplets T1, T2, T3 (3 pairs) and twins U1, U2 (1 pair); T1 and T2 merged
    truth = pd.DataFrame({
        "source": ["s"] * 6, "source_record_id": list("abcdef"),
        "true_person_id": ["T1", "T2", "T3", "U1", "U2", "T1"],
        "twin_group": ["t", "t", "t", "u", "u", "t"],
    })
    assert twin_pairs_total(truth["true_person_id"], truth["twin_group"]) == 4
    assignments = truth[["source", "source_record_id"]].assign(
        person_id=["x", "x", "y", "z", "w", "x"])
    ev = evaluate(assignments, truth, twin_column="twin_group")
    assert (ev.twins_merged, ev.twin_pairs) == (1, 4)
    assert ev.twins_merged_share == pytest.approx(0.25)


def test_names_and_dates_drops_identifier_and_address_and_can_shout() -> None:
    persons = pd.DataFrame({
        "source": ["a"], "source_record_id": ["1"], "bsn": ["1234567"],
        "first_names": ["gerda"], "surname_prefix": [None], "surname": ["bakker"],
        "birth_date": ["1973-12-23"], "sex": [None], "street": ["main street"],
        "house_number": pd.array([12], dtype="Int32"), "house_letter": [None],
        "house_number_suffix": [None], "postcode": ["4011"], "city": ["st james"],
        "municipality_code": [None], "address_confidential": [False],
        "source_household_ref": [None], "role": [None],
        "extracted_at": [pd.Timestamp("2026-01-01", tz="UTC")], "origin": ["x"],
        "origin_row": [1], "content_hash": ["h"],
    })
    data = LabelledData("febrl3", persons, pd.DataFrame())
    plain = names_and_dates(data)
    shouting = names_and_dates(data, upper=True)
    assert plain.name == "febrl3-names-dates" and shouting.name == "febrl3-names-dates-upper"
    for column in IDENTIFYING_COLUMNS:
        assert plain.persons[column].isna().all(), column
    assert plain.persons.loc[0, "birth_date"] == "1973-12-23"
    assert shouting.persons.loc[0, "first_names"] == "GERDA"
    assert shouting.persons.loc[0, "surname"] == "BAKKER"
    assert persons.loc[0, "bsn"] == "1234567"  # the original is left alone


def test_tuning_and_held_out_suites_do_not_share_a_data_set() -> None:
    tuning = suite_sets("tuning", 1000, 4000)
    held_out = suite_sets("heldout", 1000, 4000)
    assert {s.split for s in tuning} == {TUNING} and {s.split for s in held_out} == {HELD_OUT}
    assert not {s.name for s in tuning} & {s.name for s in held_out}
    assert not any(f"-s{TUNING_SEED}" in s.name for s in held_out)
    assert any(s.name.startswith("harsh-") for s in held_out)
    assert not any(s.name.startswith("harsh-") for s in tuning)
    assert {"febrl1", "febrl2", "febrl4-names-dates-upper"} <= {s.name for s in held_out}
    assert [s.name for s in suite_sets("all", 1000, 4000)] == [s.name for s in tuning + held_out]


def test_hub_blocking_recall_is_measured_on_the_engines_own_candidate_pairs() -> None:
    from bench import datasets
    from bench.metrics import pair_counts
    from bench.run_matching import _blocking
    from hub.demo import generate_population

    population = generate_population(40, seed=3, profile="harsh")
    truth = datasets.with_flags(datasets.with_twin_groups(population.truth))
    data = LabelledData("tiny-harsh", population.persons, truth)
    scores = _blocking("hub", data)
    assert scores is not None and scores.candidate_pairs > 0
    true_pairs = pair_counts(truth["true_person_id"], truth["true_person_id"]).true_pairs
    assert scores.true_pairs == true_pairs
    assert 0 < scores.true_candidate_pairs <= true_pairs
    assert _blocking("splink", data) is None  # Splink's blocking lives inside its SQL
