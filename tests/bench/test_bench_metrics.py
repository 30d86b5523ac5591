"""The benchmark's pairwise metrics agree with hand counts and with brute-force pair enumeration."""

from itertools import combinations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.metrics import (
    BenchmarkError,
    errors_by_flag,
    evaluate,
    pair_counts,
    twin_pairs_merged,
)


def _brute(pred: list, true: list) -> tuple[int, int, int]:
    tp = pp = tt = 0
    for i, j in combinations(range(len(pred)), 2):
        same_p = pred[i] is not None and pred[i] == pred[j]
        same_t = true[i] is not None and true[i] == true[j]
        pp += same_p
        tt += same_t
        tp += same_p and same_t
    return tp, pp, tt


def test_hand_made_case_counts_pairs() -> None:
    # truth: {a1,a2,a3} {b1,b2}; predicted: {a1,a2} {a3,b1,b2}
    truth = pd.Series(["A", "A", "A", "B", "B"])
    pred = pd.Series([1, 1, 2, 2, 2])
    s = pair_counts(pred, truth)
    assert (s.true_positives, s.predicted_pairs, s.true_pairs) == (2, 4, 4)
    assert s.precision == pytest.approx(0.5)
    assert s.recall == pytest.approx(0.5)
    assert s.f1 == pytest.approx(0.5)
    assert (s.false_positives, s.false_negatives) == (2, 2)


def test_perfect_and_all_singletons() -> None:
    truth = pd.Series(["A", "A", "B"])
    assert pair_counts(pd.Series(["x", "x", "y"]), truth).f1 == 1.0
    singletons = pair_counts(pd.Series(["x", "y", "z"]), truth)
    assert singletons.precision == 1.0 and singletons.recall == 0.0 and singletons.f1 == 0.0


def test_missing_predicted_label_is_a_singleton_not_a_cluster() -> None:
    s = pair_counts(pd.Series([None, None, "x"]), pd.Series(["A", "A", "B"]))
    assert (s.true_positives, s.predicted_pairs, s.true_pairs) == (0, 0, 1)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([None, 0, 1, 2, 3]), st.sampled_from([None, "a", "b", "c"])),
        max_size=14,
    )
)
def test_contingency_counts_equal_brute_force(rows: list[tuple]) -> None:
    pred = [p for p, _ in rows]
    true = [t for _, t in rows]
    s = pair_counts(pd.Series(pred, dtype=object), pd.Series(true, dtype=object))
    assert (s.true_positives, s.predicted_pairs, s.true_pairs) == _brute(pred, true)


def test_twin_pairs_counted_once_per_pair_of_true_persons() -> None:
    # twins T1, T2 (group g) merged in two predicted clusters; sibling S not a twin
    pred = pd.Series(["P1", "P1", "P2", "P2", "P1"])
    true = pd.Series(["T1", "T2", "T1", "T2", "S"])
    group = pd.Series(["g", "g", "g", "g", None])
    assert twin_pairs_merged(pred, true, group) == 1


def test_twins_in_separate_predicted_persons_are_not_counted() -> None:
    pred = pd.Series(["P1", "P2", "P1", "P3"])
    true = pd.Series(["T1", "T2", "T1", "T3"])
    group = pd.Series(["g", "g", "g", "g"])
    assert twin_pairs_merged(pred, true, group) == 0


def test_triplets_merged_into_one_person_count_three_pairs() -> None:
    pred = pd.Series(["P", "P", "P"])
    true = pd.Series(["A", "B", "C"])
    assert twin_pairs_merged(pred, true, pd.Series(["g", "g", "g"])) == 3


def test_errors_by_flag_attributes_wrong_pairs_touching_flagged_records() -> None:
    # truth {r0,r1} {r2} {r3}; predicted {r0} {r1,r2,r3}
    pred = pd.Series(["x", "y", "y", "y"])
    true = pd.Series(["A", "A", "B", "C"])
    flags = pd.DataFrame({"typo": [False, True, False, False], "moved": [False] * 4})
    typo, moved = errors_by_flag(pred, true, flags)
    # false merges: (r1,r2) (r1,r3) (r2,r3); missed: (r0,r1)
    assert (typo.records, typo.false_merge_pairs, typo.missed_pairs) == (1, 2, 1)
    assert (moved.false_merge_pairs, moved.missed_pairs) == (0, 0)
    # the one true pair (r0,r1) touches the typo record and was missed: recall 0 there
    assert typo.true_pairs == 1 and typo.recall == 0.0
    assert moved.true_pairs == 0 and moved.recall is None


def _truth() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": ["vt", "vt", "rvdk", "rvdk", "vt"],
            "source_record_id": ["1", "2", "1", "2", "3"],
            "true_person_id": ["A", "B", "A", "B", "R"],
            "true_household_id": ["H", "H", "H", "H", None],
            "twin_group": ["g", "g", "g", "g", None],
        }
    )


def test_evaluate_joins_on_source_and_record_id_and_skips_non_household_members() -> None:
    assignments = pd.DataFrame(
        {
            "source": ["rvdk", "rvdk", "vt", "vt", "vt"],
            "source_record_id": ["2", "1", "3", "2", "1"],
            "person_id": ["p1", "p1", "p9", "p2", "p1"],
            "household_id": ["h1", "h1", "h1", "h1", "h1"],
        }
    )
    ev = evaluate(assignments, _truth(), twin_column="twin_group")
    assert ev.records == 5
    # persons: predicted {vt1, rvdk1, rvdk2} {vt2} {vt3}: TP (vt1,rvdk1); FP 2; FN (vt2,rvdk2)
    p = ev.persons
    assert (p.true_positives, p.predicted_pairs, p.true_pairs) == (1, 3, 2)
    # households: the reporter (vt3, no true household) is left out; the other four are right
    assert ev.households is not None and ev.households.f1 == 1.0
    assert ev.twins_merged == 1


def test_evaluate_refuses_output_that_misses_records() -> None:
    assignments = pd.DataFrame(
        {"source": ["vt"], "source_record_id": ["1"], "person_id": ["p"], "household_id": ["h"]}
    )
    with pytest.raises(BenchmarkError, match="4 records of the truth have no assignment"):
        evaluate(assignments, _truth())
