"""Fellegi-Sunter scoring: m and u estimated without labels, term frequencies, explanations.

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
from matching.compare import FIELD_INDEX, FIELDS, MISSING, digit_differences, level_code
from matching.config import LinkConfig
from matching.em import _LEVELS, Model, estimate_m, estimate_prior, estimate_u
from matching.em import _names_together as _names_together
from matching.standardise import Prepared

__all__ = ["Model", "Scores", "estimate_m", "estimate_prior", "estimate_u", "explain", "score"]

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
        return 1.0 / (1.0 + np.exp2(-self.weight))


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


SECOND_PERSON_DIGITS = 3
"""An identifier differing in this many digits or more is another person's, not a typo."""


def _has_namesake_without_identifier(p: Prepared, left: np.ndarray, right: np.ndarray,
                                     levels: np.ndarray, records: np.ndarray) -> np.ndarray:
    """Per record: another record with its given name, surname and birth date lacks its identifier.

    That other record shows a person of this name next to the identifier's holder: the co-twin
    registered with their own BSN (or none) while one of their records carries the other twin's.
    A typo of the same identifier (one or two digits) is no such evidence. Only pairs touching
    ``records`` (a boolean mask) are looked at.
    """
    fn_i, sn_i, bd_i = FIELD_INDEX["first_name"], FIELD_INDEX["surname"], FIELD_INDEX["birth_date"]
    rows = np.flatnonzero((records[left] | records[right])
                          & (levels[:, fn_i] >= level_code("first_name", "jw_0.92"))
                          & (levels[:, sn_i] >= level_code("surname", "jw_0.92"))
                          & (levels[:, bd_i] >= level_code("birth_date", "one_typo")))
    a, b = left[rows], right[rows]
    ba, bb = p.bsn[a], p.bsn[b]
    other = digit_differences(ba, bb, 3) >= SECOND_PERSON_DIGITS
    out = np.zeros(p.n, dtype=bool)
    out[a[(ba >= 0) & ((bb < 0) | other)]] = True
    out[b[(bb >= 0) & ((ba < 0) | other)]] = True
    return out


def given_name_replaced(p: Prepared, left: np.ndarray, right: np.ndarray,
                        levels: np.ndarray) -> np.ndarray:
    """Pairs that are one person registered under two given names, not twins or siblings.

    Twins share surname, birth date and address but each has their own BSN. Two records that
    also share the identifier (valid or not) are one person whose given name differs between
    registrations (a roepnaam against the official name, a name given later, a clerk's mistake),
    unless the data shows a second person: a different recorded sex, one dossier listing both
    (two rows of one dossier are two people), or another record with either given name, the
    surname and the birth date but without this identifier (the co-twin; one of the records then
    carries a sibling's BSN). Such pairs are not twin-guarded and do not make their identifier
    'contested'; the given-name disagreement still counts against them with its own weight.
    """
    fn_i, bd_i = FIELD_INDEX["first_name"], FIELD_INDEX["birth_date"]
    bsn_i, sex_i = FIELD_INDEX["bsn"], FIELD_INDEX["sex"]
    bsn_level = levels[:, bsn_i]
    rows = np.flatnonzero(
        ((bsn_level == level_code("bsn", "equal_valid"))
         | (bsn_level == level_code("bsn", "equal_invalid")))
        & (levels[:, fn_i] == level_code("first_name", "different"))
        & (levels[:, bd_i] >= level_code("birth_date", "day_month_swapped"))
        & (levels[:, sex_i] != level_code("sex", "different"))
    )
    a, b = left[rows], right[rows]
    ref = p.household_ref
    rows = rows[(p.fn[a] >= 0) & (p.fn[b] >= 0) & ~((ref[a] >= 0) & (ref[a] == ref[b]))]
    candidate = np.zeros(left.shape[0], dtype=bool)
    candidate[rows] = True
    if rows.size == 0:
        return candidate
    involved = np.zeros(p.n, dtype=bool)
    involved[left[candidate]] = True
    involved[right[candidate]] = True
    evidence = _has_namesake_without_identifier(p, left, right, levels, involved)
    return candidate & ~evidence[left] & ~evidence[right]


RELATIVES_MIN_SHARE = 0.03
"""Share of family pairs that must be clearly two people for the family guards to apply."""


def families_in_data(p: Prepared, left: np.ndarray, right: np.ndarray, levels: np.ndarray,
                     config: LinkConfig) -> bool | None:
    """Whether the data holds relatives, so the twin and sibling guards have something to protect.

    Among candidate pairs that share surname and address, count those that are certainly two
    people, in two ways: clearly different given names and identifiers at least
    ``SECOND_PERSON_DIGITS`` digits apart (of the pairs where both carry one), and clearly
    different given names and birth dates 3+ years apart (of the pairs with both). Families
    (parents, siblings, twins) give many: 16-21 % and 9-10 % on the synthetic Dutch population.
    In data of unrelated individuals (FEBRL's generator draws every person independently) a
    record that shares surname and address but not the given name is a duplicate with errors,
    and both shares stay below 1 %: there the guards would only keep duplicates apart.

    Returns True (families), False (both measures have enough pairs and stay below
    ``RELATIVES_MIN_SHARE``) or None: too little to tell (a small file, data without
    identifiers or addresses). ``config.family_guards`` True or False overrides this.
    """
    if config.family_guards is not None:
        return config.family_guards
    if p.n < config.min_records_to_estimate:
        return None
    fn_i, sn_i = FIELD_INDEX["first_name"], FIELD_INDEX["surname"]
    bd_i, ad_i = FIELD_INDEX["birth_date"], FIELD_INDEX["address"]
    family = np.flatnonzero((levels[:, sn_i] >= level_code("surname", "double_name_part"))
                            & (levels[:, ad_i] == level_code("address", "exact"))
                            & (levels[:, fn_i] != MISSING))
    names_differ = levels[family, fn_i] == level_code("first_name", "different")
    with_ids = (p.bsn[left[family]] >= 0) & (p.bsn[right[family]] >= 0)
    other_id = digit_differences(p.bsn[left[family[with_ids]]], p.bsn[right[family[with_ids]]],
                                 3) >= SECOND_PERSON_DIGITS
    with_dates = levels[family, bd_i] != MISSING
    far_dates = levels[family, bd_i] == level_code("birth_date", "different_far")
    undecided = False
    for measured, two_people in ((with_ids, names_differ[with_ids] & other_id),
                                 (with_dates, (names_differ & far_dates)[with_dates])):
        if measured.sum() < config.em_min_pairs:
            undecided = True
        elif two_people.mean() >= RELATIVES_MIN_SHARE:
            return True
    return None if undecided else False


def holds_families(p: Prepared, left: np.ndarray, right: np.ndarray, levels: np.ndarray,
                   config: LinkConfig) -> bool:
    """:func:`families_in_data`, with 'too little to tell' counted as families (for contested
    identifiers, which need an identifier and so the evidence of two people carrying it)."""
    return families_in_data(p, left, right, levels, config) is not False


def family_evidence(p: Prepared, left: np.ndarray, right: np.ndarray, levels: np.ndarray
                    ) -> np.ndarray:
    """Pairs that themselves show two relatives could be involved: one address, one partner
    dossier, or a different recorded sex. Used when the data cannot tell whether it holds
    families (:func:`families_in_data` None): twins share their address and often differ in
    sex, while in a names-and-dates file a replaced given name is an error, not a twin."""
    ad_i, sex_i = FIELD_INDEX["address"], FIELD_INDEX["sex"]
    ref = p.household_ref
    return ((levels[:, ad_i] == level_code("address", "exact"))
            | (levels[:, sex_i] == level_code("sex", "different"))
            | ((ref[left] >= 0) & (ref[left] == ref[right])))


def not_contesting(p: Prepared, left: np.ndarray, right: np.ndarray, levels: np.ndarray,
                   config: LinkConfig) -> np.ndarray:
    """Pairs whose disagreement is no sign that two people carry one identifier.

    :func:`matching.compare.contested_bsns` takes a BSN shared by clearly different given names,
    or by different birth dates without an agreeing given name, as a relative's BSN in the wrong
    record. Not so in data without families (:func:`holds_families`), nor for one person under
    two given names (:func:`given_name_replaced`), nor for given name and surname entered the
    wrong way round (the names agree crosswise: a sibling shares the surname, not the swap).
    """
    if not holds_families(p, left, right, levels, config):
        return np.ones(left.shape[0], dtype=bool)
    swapped = levels[:, FIELD_INDEX["surname"]] == level_code("surname", "swapped_with_first_name")
    return swapped | given_name_replaced(p, left, right, levels)


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
