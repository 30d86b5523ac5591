"""Pairwise accuracy of a clustering against ground truth, without enumerating pairs.

Record linkage is scored on pairs: two records are a *predicted pair* when the engine puts them in
one cluster and a *true pair* when the truth does. Counting pairs one by one is quadratic, so every
count here comes from a contingency table of (predicted cluster, true cluster) cells: the number of
pairs inside a group of ``n`` records is ``C(n, 2) = n (n - 1) / 2``, so

- predicted pairs = sum of C(n, 2) over predicted clusters,
- true pairs      = sum of C(n, 2) over true clusters,
- true positives  = sum of C(n, 2) over the non-empty cells.

This is the standard pairwise precision / recall used for entity resolution (e.g. Menestrina,
Whang and Garcia-Molina, "Evaluating entity resolution results", VLDB 2010).
"""

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from foundation.errors import HubError

KEY = ["source", "source_record_id"]


class BenchmarkError(HubError):
    """Engine output and ground truth do not describe the same records."""


@dataclass(frozen=True)
class PairScores:
    """Pairwise counts and the precision, recall and F1 they give."""

    true_positives: int
    predicted_pairs: int
    true_pairs: int

    @property
    def false_positives(self) -> int:
        return self.predicted_pairs - self.true_positives

    @property
    def false_negatives(self) -> int:
        return self.true_pairs - self.true_positives

    @property
    def precision(self) -> float:
        # No predicted pair means no wrong merge: precision is 1 by convention.
        return self.true_positives / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(counts: np.ndarray) -> int:
    counts = counts.astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def _codes(labels: pd.Series) -> np.ndarray:
    """Integer cluster codes; a missing label makes the record a cluster of its own."""
    codes, _ = pd.factorize(labels, use_na_sentinel=True)
    codes = codes.astype(np.int64)
    missing = codes < 0
    if missing.any():
        codes[missing] = codes.max(initial=-1) + 1 + np.arange(int(missing.sum()))
    return codes


def pair_counts(predicted: pd.Series, truth: pd.Series) -> PairScores:
    """Pairwise scores of two aligned label series (same length, same order)."""
    if len(predicted) != len(truth):
        raise BenchmarkError("predicted and true labels differ in length")
    pred = _codes(predicted.reset_index(drop=True))
    true = _codes(truth.reset_index(drop=True))
    if len(pred) == 0:
        return PairScores(0, 0, 0)
    cells = pd.DataFrame({"p": pred, "t": true}).value_counts().to_numpy()
    return PairScores(
        true_positives=_pairs(cells),
        predicted_pairs=_pairs(np.bincount(pred)),
        true_pairs=_pairs(np.bincount(true)),
    )


def twin_pairs_merged(
    predicted_person: pd.Series, true_person: pd.Series, twin_group: pd.Series
) -> int:
    """Distinct pairs of true persons of one twin group that share a predicted person.

    ``twin_group`` is the same for the records of all siblings of one multiple birth and missing
    for everyone else. A twin pair merged in several predicted clusters counts once.
    """
    frame = pd.DataFrame(
        {
            "p": predicted_person.to_numpy(),
            "t": true_person.to_numpy(),
            "g": twin_group.to_numpy(),
        }
    ).dropna(subset=["g", "p"])
    merged: set[tuple[str, str]] = set()
    for _, people in frame.groupby(["p", "g"], sort=False)["t"]:
        distinct = sorted(set(map(str, people)))
        merged.update(combinations(distinct, 2))
    return len(merged)


def twin_pairs_total(true_person: pd.Series, twin_group: pd.Series) -> int:
    """Distinct pairs of true persons within one twin group: the denominator of twins merged %."""
    frame = pd.DataFrame({"t": true_person.to_numpy(), "g": twin_group.to_numpy()}).dropna()
    sizes = frame.drop_duplicates().groupby("g", sort=False).size().to_numpy()
    return _pairs(sizes)


@dataclass(frozen=True)
class BlockingScores:
    """How many of the true pairs the blocking rules put in front of the comparison at all."""

    candidate_pairs: int
    true_candidate_pairs: int
    true_pairs: int
    reachable_pairs: int = 0

    @property
    def recall(self) -> float:
        """Pair completeness: the share of true pairs that any blocking rule generates."""
        return self.true_candidate_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def reachable(self) -> float:
        """The recall ceiling blocking leaves: the share of true pairs joined by a chain of true
        candidate pairs (clustering is transitive, so a pair never compared can still be linked
        through a third record)."""
        return self.reachable_pairs / self.true_pairs if self.true_pairs else 1.0


def blocking_recall(left: np.ndarray, right: np.ndarray, truth: pd.Series) -> BlockingScores:
    """Score candidate pairs (row positions into ``truth``) against the true person labels.

    A candidate pair listed twice counts once; a pair of a row with itself is no pair; a missing
    true label is a person of its own.
    """
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    if left.shape != right.shape:
        raise BenchmarkError("candidate pair ends differ in length")
    n = len(truth)
    if left.size and (min(left.min(), right.min()) < 0 or max(left.max(), right.max()) >= n):
        raise BenchmarkError("candidate pair outside the records")
    lo, hi = np.minimum(left, right), np.maximum(left, right)
    keep = lo != hi
    codes = np.unique(lo[keep] * max(n, 1) + hi[keep])
    lo, hi = codes // max(n, 1), codes % max(n, 1)
    true = _codes(truth.reset_index(drop=True))
    hit = true[lo] == true[hi]
    reachable = 0
    if n:
        graph = coo_matrix((np.ones(int(hit.sum()), dtype=np.int8), (lo[hit], hi[hit])),
                           shape=(n, n))
        _, component = connected_components(graph, directed=False)
        # every component of true candidate pairs lies inside one true person
        reachable = _pairs(np.bincount(component))
    return BlockingScores(
        candidate_pairs=int(codes.size),
        true_candidate_pairs=int(hit.sum()),
        true_pairs=_pairs(np.bincount(true)) if n else 0,
        reachable_pairs=reachable,
    )


REVIEW_KEYS = ["left_source", "left_record_id", "right_source", "right_record_id"]


@dataclass(frozen=True)
class ReviewScores:
    """The steward's review list against the truth."""

    records: int
    items: int
    true_items: int
    missed_pairs: int

    @property
    def load(self) -> float:
        """Review items per 1,000 records."""
        return 1000 * self.items / self.records if self.records else 0.0

    @property
    def precision(self) -> float | None:
        """Share of review items that are true matches (None: an empty list)."""
        return self.true_items / self.items if self.items else None

    @property
    def missed_in_review(self) -> float | None:
        """Share of the missed person pairs that the review list puts in front of a steward."""
        return min(1.0, self.true_items / self.missed_pairs) if self.missed_pairs else None


def review_scores(review: pd.DataFrame, truth: pd.DataFrame, missed_pairs: int) -> ReviewScores:
    """Score a review list (one row per record pair: left/right source and record id).

    An item is a true match when both records belong to one true person; an item naming a
    record the truth does not know is an error in the engine's output.
    """
    missing = [c for c in REVIEW_KEYS if c not in review.columns]
    if missing:
        raise BenchmarkError("review list lacks a column", field=missing[0])
    person = pd.Series(truth["true_person_id"].to_numpy(),
                       index=pd.MultiIndex.from_frame(truth[KEY].astype("str")))
    if not person.index.is_unique:
        raise BenchmarkError("truth has several rows for one record", field="source_record_id")

    def side(prefix: str) -> np.ndarray:
        keys = pd.MultiIndex.from_arrays([review[f"{prefix}_source"].astype("str"),
                                          review[f"{prefix}_record_id"].astype("str")])
        position = person.index.get_indexer(keys)
        if (position < 0).any():
            raise BenchmarkError("review item names a record the truth does not know",
                                 field=f"{prefix}_record_id")
        return person.to_numpy()[position]

    left, right = side("left"), side("right")
    same = pd.notna(left) & pd.notna(right) & (left == right)
    return ReviewScores(len(truth), len(review), int(same.sum()), int(missed_pairs))


@dataclass(frozen=True)
class FlagErrors:
    """Wrong merges and misses that touch at least one record carrying one hard-case flag."""

    flag: str
    records: int
    false_merge_pairs: int
    missed_pairs: int


def _wrong_pairs(pred: np.ndarray, true: np.ndarray) -> tuple[int, int]:
    """(false positive pairs, false negative pairs) of aligned integer codes."""
    if len(pred) == 0:
        return 0, 0
    tp = _pairs(pd.DataFrame({"p": pred, "t": true}).value_counts().to_numpy())
    return _pairs(np.bincount(pred)) - tp, _pairs(np.bincount(true)) - tp


def errors_by_flag(predicted: pd.Series, truth: pd.Series, flags: pd.DataFrame) -> list[FlagErrors]:
    """Attribute wrong pairs to hard-case flags, still without enumerating pairs.

    The wrong pairs that touch a flagged record are all wrong pairs minus those among the
    unflagged records only; both counts come from contingency tables. A pair touching two flags
    counts under both.
    """
    pred = _codes(predicted.reset_index(drop=True))
    true = _codes(truth.reset_index(drop=True))
    fp_all, fn_all = _wrong_pairs(pred, true)
    out = []
    for name in flags.columns:
        flagged = flags[name].fillna(False).astype(bool).to_numpy()
        fp_rest, fn_rest = _wrong_pairs(pred[~flagged], true[~flagged])
        out.append(
            FlagErrors(
                flag=str(name),
                records=int(flagged.sum()),
                false_merge_pairs=fp_all - fp_rest,
                missed_pairs=fn_all - fn_rest,
            )
        )
    return out


@dataclass(frozen=True)
class Evaluation:
    """Accuracy of one engine on one data set."""

    records: int
    persons: PairScores
    households: PairScores | None
    twins_merged: int | None
    by_flag: list[FlagErrors]
    twin_pairs: int | None = None
    blocking: BlockingScores | None = None
    review: ReviewScores | None = None

    @property
    def twins_merged_share(self) -> float | None:
        """Twin pairs merged as a share of all twin pairs (None without twins)."""
        if self.twins_merged is None or not self.twin_pairs:
            return None
        return self.twins_merged / self.twin_pairs


def align(assignments: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Join engine output to truth on (source, source_record_id); every record must be in both."""
    left = assignments.drop_duplicates(KEY)
    if len(left) != len(assignments):
        raise BenchmarkError(
            "engine output has several rows for one record", field="source_record_id"
        )
    joined = truth.merge(left, on=KEY, how="left", indicator=True, validate="one_to_one")
    missing = int((joined["_merge"] != "both").sum())
    if missing:
        raise BenchmarkError(
            f"{missing} records of the truth have no assignment", field="source_record_id"
        )
    if len(left) != len(truth):
        raise BenchmarkError(
            f"engine output has {len(left) - len(truth)} records not in the truth",
            field="source_record_id",
        )
    return joined.drop(columns="_merge")


def evaluate(
    assignments: pd.DataFrame,
    truth: pd.DataFrame,
    *,
    twin_column: str | None = None,
    flag_columns: list[str] | None = None,
) -> Evaluation:
    """Score engine ``assignments`` against ``truth``.

    ``assignments``: source, source_record_id, person_id and optionally household_id.
    ``truth``: source, source_record_id, true_person_id and optionally true_household_id (missing
    for records outside any household, such as reporters: they are left out of the household
    score), ``twin_column`` (a twin-group key) and boolean ``flag_columns``.
    """
    joined = align(assignments, truth)
    persons = pair_counts(joined["person_id"], joined["true_person_id"])
    households = None
    if "true_household_id" in joined.columns and "household_id" in joined.columns:
        members = joined[joined["true_household_id"].notna()]
        households = pair_counts(members["household_id"], members["true_household_id"])
    twins = twin_total = None
    if twin_column is not None:
        twins = twin_pairs_merged(
            joined["person_id"], joined["true_person_id"], joined[twin_column]
        )
        twin_total = twin_pairs_total(joined["true_person_id"], joined[twin_column])
    by_flag = []
    if flag_columns:
        by_flag = errors_by_flag(
            joined["person_id"], joined["true_person_id"], joined[flag_columns]
        )
    return Evaluation(len(joined), persons, households, twins, by_flag, twin_total)
