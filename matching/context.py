"""Household context: records that only their family identifies, linked through their relatives.

A Veilig Thuis report may name a child by first name and an estimated age only; a record may lack
the surname or the birth date, or carry a wrong sex or crossed names. Pairwise evidence cannot
link such a record, but its context can (collective entity resolution, Bhattacharya and Getoor
2007): when two dossiers (partner family references) hold the same persons as their other members
(mother and father, already linked by the first clustering), a child with the same given name
and a compatible age in both is, almost surely, the same child.

This pass runs after the first clustering. For every two dossiers that share at least
``LinkConfig.context_min_shared`` persons, each member of one not yet in the other is compared
with the other's members, and a pair is proposed when

* the given names agree (exact, variant, one typo, or crossed with the surname), and
* the birth dates do not contradict (missing, equal, a typo, partial, swapped, or years at most
  one apart: an estimated age), and no two different valid BSNs, and
* the match is unique both ways: a record that fits two members of the other dossier (twins
  'Sander' and 'Sandra') is left alone.

Two members of one dossier stay two people (the clustering checks dossiers on the whole cluster),
so twins and siblings named in one dossier are never merged by this pass. The links carry their
own explanation ("linked through household").
"""

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from matching.arrays import isin, unique_inverse, unique_sorted
from matching.blocking import pairs_in_blocks
from matching.compare import FIELD_INDEX, compare, level_code
from matching.standardise import Prepared


@dataclass
class ContextPairs:
    """Pairs proposed by the household context, their levels and shared-member counts."""

    left: np.ndarray
    right: np.ndarray
    levels: np.ndarray
    shared: np.ndarray

    def explanations(self, weight: float) -> np.ndarray:
        """JSON explanation per pair: the shared members and the levels that were checked."""
        out = []
        for i in range(self.left.size):
            fn, bd = int(self.levels[i, FIELD_INDEX["first_name"]]), int(
                self.levels[i, FIELD_INDEX["birth_date"]])
            out.append(json.dumps({
                "household_context": (f"linked through household: {int(self.shared[i])} "
                                      "members of both dossiers matched"),
                "shared_members": int(self.shared[i]),
                "first_name": _level_name("first_name", fn),
                "birth_date": _level_name("birth_date", bd),
                "total": weight,
            }, separators=(",", ":")))
        return np.asarray(out, dtype=object)

    @staticmethod
    def empty() -> "ContextPairs":
        return _empty()


def _level_name(field: str, level: int) -> str:
    from matching.compare import FIELDS

    return "missing" if level < 0 else FIELDS[FIELD_INDEX[field]].levels[level]


def _empty() -> ContextPairs:
    empty = np.zeros(0, dtype=np.int64)
    return ContextPairs(empty, empty, np.zeros((0, 7), dtype=np.int8), empty)


def context_pairs(p: Prepared, labels: np.ndarray, min_shared: int, max_dossier: int,
                  max_dossiers_per_person: int) -> ContextPairs:
    """Pairs of records, not yet one person, that their dossiers' shared members identify.

    ``max_dossier``: dossiers with more rows are skipped (an institution's list, not a family);
    ``max_dossiers_per_person``: a person in more dossiers (a professional) is no family context.
    """
    ref = p.household_ref
    member = np.flatnonzero((ref >= 0) & ~p.reporter)
    if member.size == 0:
        return _empty()
    sizes = np.bincount(ref[member])
    member = member[sizes[ref[member]] <= max_dossier]
    # distinct (dossier, person) memberships
    n_labels = int(labels.max(initial=0)) + 1
    code = ref[member].astype(np.int64) * n_labels + labels[member]
    memberships = unique_sorted(code)
    m_ref, m_label = memberships // n_labels, memberships % n_labels
    fan = np.bincount(m_label, minlength=n_labels)
    keep = fan[m_label] <= max_dossiers_per_person
    # dossier pairs sharing a person; counted per pair
    ref_a, ref_b, _, _ = pairs_in_blocks(m_ref[keep], m_label[keep], max_dossiers_per_person, 0)
    if ref_a.size == 0:
        return _empty()
    lo, hi = np.minimum(ref_a, ref_b), np.maximum(ref_a, ref_b)
    n_refs = int(ref.max()) + 1
    pair_codes, _, inverse = unique_inverse(lo * n_refs + hi)
    counts = np.bincount(inverse.ravel(), minlength=pair_codes.size)
    close = counts >= min_shared
    if not close.any():
        return _empty()
    dossiers = pd.DataFrame({"a": pair_codes[close] // n_refs, "b": pair_codes[close] % n_refs,
                             "shared": counts[close]})
    rows = pd.DataFrame({"ref": ref[member], "row": member})
    cross = (dossiers.merge(rows.rename(columns={"ref": "a", "row": "ra"}), on="a")
             .merge(rows.rename(columns={"ref": "b", "row": "rb"}), on="b"))
    ra, rb = cross["ra"].to_numpy(), cross["rb"].to_numpy()
    a_ref, b_ref = cross["a"].to_numpy(), cross["b"].to_numpy()
    # only members not already in the other dossier (as a linked person)
    in_b = isin(b_ref * n_labels + labels[ra], memberships)
    in_a = isin(a_ref * n_labels + labels[rb], memberships)
    todo = ~in_a & ~in_b & (labels[ra] != labels[rb])
    ra, rb, a_ref, b_ref = ra[todo], rb[todo], a_ref[todo], b_ref[todo]
    shared = cross["shared"].to_numpy()[todo]
    if ra.size == 0:
        return _empty()
    left, right = np.minimum(ra, rb), np.maximum(ra, rb)
    levels = compare(p, left, right)
    fits = _fits(p, left, right, levels)
    # unique both ways: one candidate per record and other dossier
    frame = pd.DataFrame({"ra": ra, "rb": rb, "a": a_ref, "b": b_ref, "fits": fits})
    per_a = frame[fits].groupby(["ra", "b"]).size()
    per_b = frame[fits].groupby(["rb", "a"]).size()
    ok_a = per_a.reindex(pd.MultiIndex.from_arrays([ra, b_ref])).fillna(0).to_numpy() == 1
    ok_b = per_b.reindex(pd.MultiIndex.from_arrays([rb, a_ref])).fillna(0).to_numpy() == 1
    chosen = np.flatnonzero(fits & ok_a & ok_b)
    if chosen.size == 0:
        return _empty()
    code = left[chosen] * p.n + right[chosen]
    _, first, _ = unique_inverse(code)
    chosen = chosen[first]
    return ContextPairs(left[chosen], right[chosen], levels[chosen], shared[chosen])


def _fits(p: Prepared, left: np.ndarray, right: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Given names agree, birth dates do not contradict, no two different valid BSNs."""
    fn, sn = levels[:, FIELD_INDEX["first_name"]], levels[:, FIELD_INDEX["surname"]]
    bd, bsn = levels[:, FIELD_INDEX["birth_date"]], levels[:, FIELD_INDEX["bsn"]]
    names = (fn >= level_code("first_name", "jw_0.92")) & (
        fn != level_code("first_name", "other_given_name"))
    names |= sn == level_code("surname", "swapped_with_first_name")
    ya, yb = p.year[left].astype(np.int64), p.year[right].astype(np.int64)
    close_years = (ya > 0) & (yb > 0) & (np.abs(ya - yb) <= 1)
    dates = (bd < 0) | (bd >= level_code("birth_date", "one_typo")) | (
        (bd == level_code("birth_date", "different")) & close_years)
    plausible: np.ndarray = names & dates & (bsn != level_code("bsn", "both_valid_different"))
    return plausible
