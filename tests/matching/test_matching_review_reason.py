"""The review reason "same valid BSN in different persons" is given only when the two records
really hold one BSN (a contested BSN marks all pairs of its record, also those with another BSN)."""

import numpy as np

from matching.review import review_rows, shares_bsn


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
