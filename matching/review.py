"""The review list: pairs a steward should judge, grouped by the person they would change.

A pair goes to review when it ended in two different persons although it was not clearly
different: its weight lies in the uncertain band ``[review_weight, match_weight)`` and no field
contradicts it outright (a twin-like pair, a birth date that is no typo, two valid BSNs: the
engine already knows those are two people), or it scored above the threshold but a constraint
refused the merge (two valid BSNs, a twin), or two persons share one valid BSN while the pair is
itself uncertain. A steward's own cannot_link is never sent back. Nor is a pair whose two
persons the engine already knows to be two people from their other records (:func:`held_apart`),
unless the pair shares a valid BSN: one BSN in two persons is a data error a steward must settle
either way.

Items are grouped by the person they would change: the smaller of the two persons (fewer
records; ties: the one in more review pairs, then the lower person ID), whose records would
move. One group is one decision ("which person is this record?"); it holds at most
``per_group`` candidates, the most likely first. Groups are ranked by their best match
probability times how many records would move, so the
steward sees first what is most likely a match and changes most.
"""

import hashlib

import numpy as np
import pandas as pd

from matching.arrays import isin

REVIEW_COLUMNS = [
    "left_source", "left_record_id", "left_person_id", "right_source", "right_record_id",
    "right_person_id", "match_weight", "match_probability", "explanation", "reason",
    "group_id", "group_rank",
]


def shares_bsn(bsn_left: np.ndarray, bsn_right: np.ndarray, evidence: np.ndarray) -> np.ndarray:
    """Pairs whose BSN level says "shared" (equal valid, contested, conflicting) AND whose two
    BSNs are really one value.

    A contested BSN (a sibling's copied into the wrong record) marks every pair of that record
    as 'contested', also pairs with a record holding another BSN; without the equality check
    those pairs were sent to review as "same valid BSN in different persons".
    """
    shared: np.ndarray = evidence & (bsn_left == bsn_right) & (bsn_left >= 0)
    return shared


def review_rows(
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    labels: np.ndarray,
    match_weight: float,
    review_weight: float,
    bsn_shared: np.ndarray,
    refused: list[tuple[int, int, str]],
    contradicted: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate-pair rows for review and their reasons (refused pairs are looked up by ends).

    ``contradicted``: pairs a field contradicts outright, never 'uncertain'.
    """
    apart = labels[left] != labels[right]
    band = (weight >= review_weight) & (weight < match_weight)
    uncertain = apart & band
    if contradicted is not None:
        uncertain &= ~contradicted
    reasons = np.full(left.shape[0], "", dtype=object)
    reasons[uncertain] = "uncertain_match_weight"
    reasons[apart & bsn_shared & (weight >= review_weight)] = "same_valid_bsn_in_different_persons"
    if refused:
        refused_frame = pd.DataFrame(refused, columns=["a", "b", "reason"])
        refused_frame = refused_frame[refused_frame["reason"] != "cannot_link"]
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
    if contradicted is not None:
        reasons[contradicted & (reasons != "distinct_valid_bsns")] = ""
    rows = np.flatnonzero(reasons != "")
    return rows, reasons[rows]


def two_people(weight: np.ndarray, family_guard: np.ndarray, distinct_bsns: np.ndarray,
               one_dossier: np.ndarray, match_weight: float) -> np.ndarray:
    """Candidate pairs that show their two records to be two people: below the match weight,
    and a twin or sibling guard fired on family evidence (``family_guard``), or two different
    valid BSNs, or two rows of one dossier.

    Not among them: a twin-like pair no guard fired on (the engine keeps it apart because it
    cannot rule out twins; in a file of names and birth dates it is as likely one person whose
    given name was replaced), nor a pair that merely scores very low (one badly corrupted record
    of a person scores low against the others; the first held-out run of round 3 lost true
    review items through that rule, which on the tuning sets caught nothing the guards miss).
    """
    shown: np.ndarray = (family_guard | distinct_bsns | one_dossier) & (weight < match_weight)
    return shown


def held_apart(label_left: np.ndarray, label_right: np.ndarray, apart_left: np.ndarray,
               apart_right: np.ndarray) -> np.ndarray:
    """Review rows whose two persons the engine's own evidence already shows to be two people.

    ``label_left/right``: the persons (cluster labels) of each review row; ``apart_left/right``:
    the persons at the ends of every candidate pair that shows two people (:func:`two_people`).
    A steward asked "is this one person?" would see a father and son at one address whose other
    records are decades apart: nothing to decide, so such items are not sent (on the tuning
    sets: most false items of the normal profile, none of the true ones; docs/matching.md,
    round 3).
    """
    if label_left.size == 0 or apart_left.size == 0:
        return np.zeros(label_left.size, dtype=bool)
    base = int(max(label_left.max(), label_right.max(), apart_left.max(), apart_right.max())) + 1

    def code(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        lo, hi = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
        codes: np.ndarray = lo * base + hi
        return codes

    rows = code(label_left, label_right)
    held: np.ndarray = isin(rows, code(apart_left, apart_right)) & (label_left != label_right)
    return held


def review_groups(left: np.ndarray, right: np.ndarray, weight: np.ndarray, labels: np.ndarray,
                  person_ids: np.ndarray, per_group: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Group review pairs by the person they would change; keep the best ``per_group`` each.

    Returns (kept positions into the given pairs, group id, rank within the group, group
    order key) for the kept pairs. Within a group only one pair per other person is kept (the
    strongest): two record pairs between the same two persons are one decision.
    """
    if left.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, np.zeros(0, dtype=object), empty, np.zeros(0)
    sizes = np.bincount(labels[labels >= 0])
    la, lb = labels[left], labels[right]
    ida, idb = person_ids[left], person_ids[right]
    # the smaller person moves; between equals, the one in more review pairs (the record that
    # fits several persons), then the lower person ID
    involved = np.bincount(np.concatenate([la, lb]), minlength=sizes.size)
    a_first = (sizes[la] < sizes[lb]) | ((sizes[la] == sizes[lb]) & (
        (involved[la] > involved[lb]) | ((involved[la] == involved[lb]) & (ida <= idb))))
    a_moves = a_first
    moving = np.where(a_moves, la, lb)
    other = np.where(a_moves, lb, la)
    frame = pd.DataFrame({"pos": np.arange(left.size), "moving": moving, "other": other,
                          "weight": weight, "moved": sizes[moving]})
    frame = frame.sort_values(["moving", "weight", "pos"], ascending=[True, False, True],
                              kind="stable")
    frame = frame.drop_duplicates(["moving", "other"])
    frame["rank"] = frame.groupby("moving").cumcount() + 1
    frame = frame[frame["rank"] <= per_group]
    best = frame.groupby("moving")["weight"].transform("max").to_numpy()
    probability = 1.0 / (1.0 + np.exp2(-best))
    moving_ids = np.where(a_moves, ida, idb)[frame["pos"].to_numpy()]
    group = np.array(["R-" + hashlib.sha256(str(x).encode()).hexdigest()[:10]
                      for x in moving_ids], dtype=object)
    return (frame["pos"].to_numpy(), group, frame["rank"].to_numpy(),
            probability * frame["moved"].to_numpy())


def review_frame(frame: pd.DataFrame, person_ids: np.ndarray, left: np.ndarray,
                 right: np.ndarray, weight: np.ndarray, explanations: np.ndarray,
                 reasons: np.ndarray, group: np.ndarray | None = None,
                 rank: np.ndarray | None = None, priority: np.ndarray | None = None
                 ) -> pd.DataFrame:
    """The review list as a DataFrame: groups by priority (probability x records that would
    move), then the candidates of a group by weight."""
    n = left.shape[0]
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
        "group_id": group if group is not None else np.full(n, "", dtype=object),
        "group_rank": rank if rank is not None else np.ones(n, dtype=np.int64),
        "_priority": priority if priority is not None else np.round(weight, 3),
    }, columns=[*REVIEW_COLUMNS, "_priority"])
    out = out.astype({c: "str" for c in REVIEW_COLUMNS
                      if c not in ("match_weight", "match_probability", "group_rank")})
    return out.sort_values(
        ["_priority", "group_id", "group_rank", "left_source", "left_record_id", "right_source",
         "right_record_id"], ascending=[False, True, True, True, True, True, True],
        kind="stable").drop(columns="_priority").reset_index(drop=True)
