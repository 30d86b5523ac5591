"""Fellegi-Sunter scoring: match weights, term frequencies, guards applied, explanations.

The parameters are estimated in :mod:`matching.em`, the family guards decided in
:mod:`matching.guards`; this module combines them into one weight per pair.

Fellegi and Sunter (1969) showed that, for independent fields, the optimal decision statistic for a
pair is the sum over fields of ``log2(m / u)``, where ``m = P(level | same person)`` and
``u = P(level | different persons)``. Following Splink:

* ``u`` is estimated from record pairs drawn at random (seeded): nearly all random pairs are
  different persons, so their level frequencies are the u probabilities.
* ``m`` and the share of matches among candidate pairs (``lambda``) are estimated with EM
  (Winkler 1988; Jaro 1989) on the candidate pairs. Pairs are reduced to their distinct level
  patterns with counts first, so each EM iteration costs O(patterns), not O(pairs).
* Term-frequency adjustment: agreeing on a rare surname is stronger evidence than on 'de Jong'.
  For an exact agreement the u of the level is replaced by the value's own frequency, i.e. a term
  ``log2(u_exact / tf(value))`` is added (Splink's tf adjustment).
* A missing level adds nothing, nor does a BSN that two clearly different persons carry
  ('contested'). Three guards encode domain knowledge the independence assumption
  cannot: twins and triplets (same birth date and surname, clearly different given names) get a
  strong penalty and can never link, and a shared BSN does not count when both the given name and
  the birth date disagree (a sibling's BSN copied into the wrong record), and relatives who share
  surname and address but have complete, clearly different birth dates (siblings or a parent and
  child with one given name) get a penalty unless their identifier agrees.
* Steward decisions, when present, are added to the EM estimate as labelled pairs with a large
  weight, so m follows what stewards confirmed.

The match weight includes the prior ``log2(lambda / (1 - lambda))`` and
``match_probability = 1 / (1 + 2 ** -match_weight)``.
"""

import json
from dataclasses import dataclass

import numpy as np

from matching.arrays import unique_inverse
from matching.compare import FIELD_INDEX, FIELDS, MISSING, level_code
from matching.config import LinkConfig
from matching.em import _LEVELS, Model, estimate_m, estimate_prior, estimate_u
from matching.em import _names_together as _names_together
from matching.guards import (
    families_in_data,
    family_evidence,
    given_name_replaced,
    holds_families,
    not_contesting,
)
from matching.standardise import Prepared

__all__ = ["Model", "Scores", "estimate_m", "estimate_prior", "estimate_u", "explain",
           "given_name_replaced", "holds_families", "not_contesting", "score"]

@dataclass
class Scores:
    """Per candidate pair: levels, total match weight, guards and term-frequency terms."""

    levels: np.ndarray
    weight: np.ndarray
    tf_first_name: np.ndarray
    tf_surname: np.ndarray
    twin_guard: np.ndarray
    bsn_conflict: np.ndarray
    sibling_guard: np.ndarray
    twin_like: np.ndarray
    """Pairs that look like twins (one family, (nearly) one birth date, clearly different given
    names) whether or not guarded: below the threshold such a pair is never joined through a
    chain of other records (the clustering's cannot-link), even where it gets no penalty."""

    @property
    def probability(self) -> np.ndarray:
        probability: np.ndarray = 1.0 / (1.0 + np.exp2(-self.weight))
        return probability


def _tf_term(freq: np.ndarray, left: np.ndarray, right: np.ndarray, u_exact: float,
             agree: np.ndarray, floor: float) -> np.ndarray:
    """log2(u_exact / tf(value)) for exact agreements (Splink's tf adjustment), else 0.

    Looked up only for the agreeing pairs (a fraction of the candidates).
    """
    out = np.zeros(agree.shape[0])
    rows = np.flatnonzero(agree)
    tf = np.maximum(np.maximum(freq[left[rows]], freq[right[rows]]), floor)
    out[rows] = np.log2(u_exact / tf)
    return out


def score(p: Prepared, left: np.ndarray, right: np.ndarray, levels: np.ndarray, model: Model,
          config: LinkConfig) -> Scores:
    """Match weight per pair = prior + field weights + tf terms + guards.

    Works column by column and looks records up only for the pairs a guard concerns: at a
    million records there are millions of candidate pairs, and a pairs x fields matrix of
    weights cost about 0.5 GB.
    """
    w = model.weights()
    fn_i, sn_i = FIELD_INDEX["first_name"], FIELD_INDEX["surname"]
    bd_i, bsn_i = FIELD_INDEX["birth_date"], FIELD_INDEX["bsn"]
    fn_level, sn_level, date_level = levels[:, fn_i], levels[:, sn_i], levels[:, bd_i]
    bsn_level = levels[:, bsn_i]
    tf_fn = np.zeros(left.shape[0])
    tf_sn = np.zeros(left.shape[0])
    if config.tf_adjustment:
        tf_fn = _tf_term(p.fn_freq, left, right,
                         model.u[fn_i, level_code("first_name", "exact") + 1],
                         fn_level == level_code("first_name", "exact"), config.tf_min_u)
        tf_sn = _tf_term(p.sn_freq, left, right,
                         model.u[sn_i, level_code("surname", "exact") + 1],
                         sn_level == level_code("surname", "exact"), config.tf_min_u)
    names_differ = fn_level == level_code("first_name", "different")
    same_family = sn_level >= level_code("surname", "double_name_part")
    # twins and triplets: one family, dates that agree (or nearly), given names (or initials)
    # that clearly differ, or similar names of a boy and a girl ('Sander' and 'Sandra')
    sex_i = FIELD_INDEX["sex"]
    boy_and_girl = (levels[:, sex_i] == level_code("sex", "different")) & (
        fn_level < level_code("first_name", "variant"))
    decided = families_in_data(p, left, right, levels, config)
    model.family_guards = "pair_evidence" if decided is None else decided
    guards = decided is not False
    # too little data to tell: only pairs that themselves show relatives are guarded
    evidence = (family_evidence(p, left, right, levels) if decided is None
                else np.full(left.shape[0], bool(decided)))
    # a typo in the surname (one edit, Jaro-Winkler >= 0.92) does not make twins strangers
    twin_like = (names_differ | boy_and_girl) & (
        sn_level >= level_code("surname", "jw_0.92")) & (
        date_level >= level_code("birth_date", "one_typo"))
    # in data that shows no families (decided False) nobody has a twin to be kept from
    twin_like &= guards & ~given_name_replaced(p, left, right, levels)
    twin = evidence & twin_like
    bsn_equal = (bsn_level == level_code("bsn", "equal_valid")) | (
        bsn_level == level_code("bsn", "equal_invalid"))
    # a shared BSN does not count when given name and birth date both clearly disagree
    bsn_conflict = np.zeros(left.shape[0], dtype=bool)
    if guards:
        rows = np.flatnonzero(bsn_equal & names_differ & (date_level != MISSING)
                              & (date_level <= level_code("birth_date", "one_typo")))
        rows = rows[(p.fn[left[rows]] >= 0) & (p.fn[right[rows]] >= 0)]
        bsn_conflict[rows] = True
    # an agreeing identifier lifts the sibling guard, valid or not: a sibling's BSN copied into
    # the wrong record is valid, and such a BSN is contested (no evidence) on both records
    # siblings do not share a given name: a (nearly) equal given name is a date error
    sibling = np.zeros(left.shape[0], dtype=bool)
    if guards:
        rows = np.flatnonzero(evidence & same_family & (date_level >= 0)
                              & (date_level <= level_code("birth_date", "different"))
                              & (fn_level < level_code("first_name", "jw_0.92"))
                              & ~bsn_equal & ~twin)
        rows = rows[(p.day[left[rows]] > 0) & (p.day[right[rows]] > 0)]
        sibling[rows] = True
    field_sum = np.zeros(left.shape[0])
    for i in range(len(FIELDS)):
        column = w[i][levels[:, i].astype(np.intp) + 1]
        if i == bsn_i:
            column[bsn_conflict] = 0.0
        field_sum += column
    names_differ_both = names_differ & (sn_level == level_code("surname", "different"))
    partial = (field_sum + tf_fn + tf_sn
               + np.where(names_differ_both, model.names_together, 0.0)
               + np.where(twin, config.twin_penalty, 0.0)
               + np.where(sibling, config.sibling_penalty, 0.0))
    model.prior = estimate_prior(partial, p.n)
    total = model.prior + partial
    return Scores(levels=levels, weight=total, tf_first_name=tf_fn, tf_surname=tf_sn,
                  twin_guard=twin, bsn_conflict=bsn_conflict, sibling_guard=sibling,
                  twin_like=twin_like)


def explain(scores: Scores, model: Model, rows: np.ndarray, config: LinkConfig) -> np.ndarray:
    """JSON explanations for the given pair rows: per field its level and weight contribution.

    Format: ``{"prior": -3.1, "first_name": ["exact", 6.2], ..., "tf_surname": -1.4,
    "twin_guard": -25.0, "total": 14.9}``; missing fields show ``["missing", 0.0]``. Values are
    level names, never the compared data, so explanations are safe to show and store. Built once
    per distinct level pattern and completed vectorised, so a million explanations stay cheap.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = np.asarray(rows, dtype=np.int64)
    if rows.size == 0:
        return np.array([], dtype=object)
    w = model.weights()
    levels = scores.levels[rows]
    flags = np.c_[levels.astype(np.int64) + 1, scores.bsn_conflict[rows], scores.twin_guard[rows],
                  scores.sibling_guard[rows]]
    code = np.zeros(rows.size, dtype=np.int64)
    for column in range(flags.shape[1]):
        code = code * _LEVELS + flags[:, column]
    first_of, inverse = unique_inverse(code)[1:]
    unique = flags[first_of]
    heads = []
    for pattern in unique:
        item: dict[str, object] = {"prior": round(model.prior, 2)}
        for i, f in enumerate(FIELDS):
            level = int(pattern[i]) - 1
            name = "missing" if level == MISSING else f.levels[level]
            value = 0.0 if level == MISSING else float(w[i, level + 1])
            if f.name == "bsn" and pattern[len(FIELDS)]:
                name, value = "equal_valid_ignored_conflict", 0.0
            item[f.name] = [name, round(value, 2)]
        if model.names_together and pattern[0] == pattern[1] == 1:  # both names 'different'
            item["names_together"] = round(model.names_together, 2)
        if pattern[len(FIELDS) + 1]:
            item["twin_guard"] = config.twin_penalty
        if pattern[len(FIELDS) + 2]:
            item["sibling_guard"] = config.sibling_penalty
        heads.append(json.dumps(item, separators=(",", ":"))[:-1])
    # the per-row numbers are joined by pyarrow's string kernels (pandas string concatenation
    # of a million rows took about 3 s)
    text = pc.take(pa.array(heads, type=pa.string()), pa.array(inverse.ravel()))

    def number(values: np.ndarray) -> pa.Array:
        return pc.cast(pa.array(np.round(values, 2)), pa.string())

    def optional(key: str, values: np.ndarray) -> pa.Array:
        joined = pc.binary_join_element_wise(f',"{key}":', number(values), "")
        return pc.if_else(pa.array(np.round(values, 2) != 0), joined, "")

    text = pc.binary_join_element_wise(
        text, optional("tf_first_name", scores.tf_first_name[rows]),
        optional("tf_surname", scores.tf_surname[rows]), ',"total":',
        number(scores.weight[rows]), "}", "")
    return np.asarray(text.to_numpy(zero_copy_only=False), dtype=object)
