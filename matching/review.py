"""The review list: pairs a steward should judge, with their explanation and the reason.

A pair goes to review when it ended in two different persons although it was not clearly
different: its weight lies in the uncertain band ``[review_weight, match_weight)``, or it scored
above the threshold but a constraint refused the merge (two valid BSNs, a twin, a steward's
cannot_link), or two persons share one valid BSN (a sibling's BSN in the wrong record).
"""

import numpy as np
import pandas as pd

REVIEW_COLUMNS = [
    "left_source", "left_record_id", "left_person_id", "right_source", "right_record_id",
    "right_person_id", "match_weight", "match_probability", "explanation", "reason",
]


def shares_bsn(bsn_left: np.ndarray, bsn_right: np.ndarray, evidence: np.ndarray) -> np.ndarray:
    """Pairs whose BSN level says "shared" (equal valid, contested, conflicting) AND whose two
    BSNs are really one value.

    A contested BSN (a sibling's copied into the wrong record) marks every pair of that record
    as 'contested', also pairs with a record holding another BSN; without the equality check
    those pairs were sent to review as "same valid BSN in different persons".
    """
    return evidence & (bsn_left == bsn_right) & (bsn_left >= 0)


def review_rows(
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    labels: np.ndarray,
    match_weight: float,
    review_weight: float,
    bsn_shared: np.ndarray,
    refused: list[tuple[int, int, str]],
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate-pair rows for review and their reasons (refused pairs are looked up by ends)."""
    apart = labels[left] != labels[right]
    uncertain = apart & (weight >= review_weight) & (weight < match_weight)
    reasons = np.full(left.shape[0], "", dtype=object)
    reasons[uncertain] = "uncertain_match_weight"
    reasons[apart & bsn_shared] = "same_valid_bsn_in_different_persons"
    if refused:
        refused_frame = pd.DataFrame(refused, columns=["a", "b", "reason"])
        lo = np.minimum(refused_frame["a"], refused_frame["b"])
        hi = np.maximum(refused_frame["a"], refused_frame["b"])
        key = pd.Series(refused_frame["reason"].to_numpy(), index=lo.to_numpy() * (2**32) + hi)
        key = key[~key.index.duplicated()]
        pair_key = pd.Index(left.astype(np.int64) * (2**32) + right.astype(np.int64))
        position = pair_key.get_indexer(key.index)
        found = position >= 0
        hit = position[found]
        still_apart = apart[hit]
        reasons[hit[still_apart]] = key.to_numpy()[found][still_apart]
    rows = np.flatnonzero(reasons != "")
    return rows, reasons[rows]


def review_frame(frame: pd.DataFrame, person_ids: np.ndarray, left: np.ndarray,
                 right: np.ndarray, weight: np.ndarray, explanations: np.ndarray,
                 reasons: np.ndarray) -> pd.DataFrame:
    """The review list as a DataFrame, strongest pairs first."""
    out = pd.DataFrame({
        "left_source": frame["source"].to_numpy()[left],
        "left_record_id": frame["source_record_id"].to_numpy()[left],
        "left_person_id": person_ids[left],
        "right_source": frame["source"].to_numpy()[right],
        "right_record_id": frame["source_record_id"].to_numpy()[right],
        "right_person_id": person_ids[right],
        "match_weight": np.round(weight, 3),
        "match_probability": np.round(1.0 / (1.0 + np.exp2(-weight)), 4),
        "explanation": explanations,
        "reason": reasons,
    }, columns=REVIEW_COLUMNS)
    out = out.astype({c: "str" for c in REVIEW_COLUMNS
                      if c not in ("match_weight", "match_probability")})
    return out.sort_values(["match_weight", "left_source", "left_record_id", "right_source",
                            "right_record_id"], ascending=[False, True, True, True, True],
                           kind="stable").reset_index(drop=True)
