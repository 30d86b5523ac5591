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
from matching.compare import (
    FIELD_INDEX,
    FIELDS,
    MISSING,
    NEUTRAL_LEVELS,
    compare,
    digit_differences,
    level_code,
)
from matching.config import LinkConfig
from matching.defaults import DEFAULT_M, DEFAULT_U
from matching.standardise import Prepared

_LEVELS = max(len(f.levels) for f in FIELDS) + 1  # +1 for missing (stored as index 0)
M_FLOOR = 1e-3
WEAK_HINT = 4.0
WEAK_LEVELS = (("bsn", "one_digit"),)
"""A BSN one digit off may be anyone's: at most a hint. Two equal identifiers that fail the
elfproef (a mistyped BSN copied along, or a foreign or test identifier) keep the weight EM learns
for them: strangers almost never share one, and a sibling's BSN is a valid one (contested)."""
PREFERRED_SESSION = {"role": "address_first_initial"}
"""Fields learned from one particular session: reporters carry no BSN or birth date, so only
the address session sees enough of them."""


@dataclass
class Model:
    """Estimated parameters: m and u per field and level, the prior, and EM diagnostics."""

    m: np.ndarray
    u: np.ndarray
    prior: float
    iterations: int
    names_together: float = 0.0
    """Bits added when given name and surname both disagree (see :func:`_names_together`)."""
    family_guards: bool = True
    """Whether the twin and sibling guards applied (see :func:`holds_families`); set by score."""

    def weights(self) -> np.ndarray:
        """log2(m/u) per field (rows) and level+1 (columns; column 0 = missing = 0).

        m is floored at ``M_FLOOR`` (a level EM never saw is rare, not impossible) and a BSN
        one digit off is capped at ``WEAK_HINT`` bits: a hint, never a key.
        """
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.log2(np.maximum(self.m, M_FLOOR) / self.u)
        for name, level in WEAK_LEVELS:
            cell = (FIELD_INDEX[name], level_code(name, level) + 1)
            w[cell] = min(w[cell], WEAK_HINT)
        w[:, 0] = 0.0
        for name, level in NEUTRAL_LEVELS:
            w[FIELD_INDEX[name], level_code(name, level) + 1] = 0.0
        return np.nan_to_num(w, nan=0.0, posinf=20.0, neginf=-20.0)

    def as_dict(self) -> dict:
        """m, u and weights per field and level, for documentation and stats."""
        w = self.weights()
        return {
            f.name: {
                lvl: {"m": round(float(self.m[i, j + 1]), 6),
                      "u": round(float(self.u[i, j + 1]), 6),
                      "weight": round(float(w[i, j + 1]), 3)}
                for j, lvl in enumerate(f.levels)
            }
            for i, f in enumerate(FIELDS)
        } | {"prior_weight": round(self.prior, 3), "em_iterations": self.iterations,
             "names_together": round(self.names_together, 3),
             "family_guards": self.family_guards}


def _pattern_counts(levels: np.ndarray, weight: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Distinct level patterns (shifted so missing = 0) and their (weighted) counts."""
    shifted = levels.astype(np.int64) + 1
    code = np.zeros(levels.shape[0], dtype=np.int64)
    for column in range(levels.shape[1]):
        code = code * _LEVELS + shifted[:, column]
    unique, _, inverse = unique_inverse(code)
    counts = np.bincount(inverse, weights=weight, minlength=unique.size).astype(np.float64)
    patterns = np.empty((unique.size, levels.shape[1]), dtype=np.int64)
    rest = unique.copy()
    for column in reversed(range(levels.shape[1])):
        patterns[:, column] = rest % _LEVELS
        rest //= _LEVELS
    return patterns, counts


def estimate_u(p: Prepared, config: LinkConfig) -> np.ndarray:
    """u probabilities from random record pairs (seeded); Laplace-smoothed.

    Below ``config.min_records_to_estimate`` records the defaults of :mod:`matching.defaults`
    are used: a handful of records says nothing about how often strangers agree.
    """
    if p.n < config.min_records_to_estimate:
        return DEFAULT_U.copy()
    rng = np.random.default_rng(config.seed)
    size = min(config.u_sample_pairs, max(p.n * (p.n - 1) // 2, 1))
    left = rng.integers(0, p.n, size)
    right = rng.integers(0, p.n, size)
    keep = left != right
    levels = compare(p, left[keep], right[keep])
    u = np.ones((len(FIELDS), _LEVELS), dtype=np.float64)
    for i, f in enumerate(FIELDS):
        counts = np.bincount(levels[:, i].astype(np.int64) + 1, minlength=_LEVELS)[:_LEVELS]
        smoothed = counts[1:len(f.levels) + 1] + 0.5
        u[i, 1:len(f.levels) + 1] = smoothed / smoothed.sum()
    return u


def _initial_m() -> np.ndarray:
    """Start EM from 'matches mostly agree': the best level gets most of the mass."""
    m = np.ones((len(FIELDS), _LEVELS), dtype=np.float64)
    for i, f in enumerate(FIELDS):
        k = len(f.levels)
        values = np.linspace(0.05, 1.0, k) ** 3
        values[-1] *= 8
        m[i, 1:k + 1] = values / values.sum()
    return m


def _em_session(levels: np.ndarray, u: np.ndarray, fields: np.ndarray, config: LinkConfig,
                labels: tuple[np.ndarray, np.ndarray] | None
                ) -> tuple[np.ndarray, int, np.ndarray, np.ndarray]:
    """EM for m (and a session-local lambda) on the given fields of one session's pairs.

    Also returns the distinct patterns (missing = 0) and their expected number of matches.
    """
    patterns, counts = _pattern_counts(levels[:, fields])
    m = _initial_m()[fields]
    uf = u[fields]
    prior = 0.5
    field_range = np.arange(fields.size)
    iterations = 0
    for iterations in range(1, config.em_iterations + 1):  # noqa: B007 - count is returned
        numerator = np.log(prior) + np.log(m[field_range, patterns]).sum(axis=1)
        other = np.log(1 - prior) + np.log(uf[field_range, patterns]).sum(axis=1)
        posterior = np.exp(numerator - np.logaddexp(numerator, other)) * counts
        new_m = np.full_like(m, 1e-6)
        for i in field_range:
            new_m[i] += np.bincount(patterns[:, i], weights=posterior, minlength=_LEVELS)
            if labels is not None and labels[0].shape[0]:
                new_m[i] += np.bincount(labels[0][:, fields[i]].astype(np.int64) + 1,
                                        weights=labels[1] * config.decision_weight,
                                        minlength=_LEVELS)
        for i, f in enumerate(fields):
            k = len(FIELDS[f].levels)
            new_m[i, 0] = 1.0
            new_m[i, 1:k + 1] /= new_m[i, 1:k + 1].sum()
            new_m[i, k + 1:] = 1.0
        new_prior = float(np.clip(posterior.sum() / counts.sum(), 1e-4, 1 - 1e-4))
        converged = np.abs(new_m - m).max() < 1e-5 and abs(new_prior - prior) < 1e-6
        m, prior = new_m, new_prior
        if converged:
            break
    return m, iterations, patterns, posterior


NAMES_TOGETHER_PSEUDO = 5.0
"""Pseudo-pairs that pull the names interaction towards independence when evidence is thin."""
NAMES_TOGETHER_MAX = 4.0


def _names_together(patterns: np.ndarray, matches: np.ndarray, fn_col: int, sn_col: int) -> float:
    """log2 of how much more often matches disagree on both names than independence predicts.

    Fellegi-Sunter multiplies the fields' evidence as if they were independent. Given name and
    surname are not: a record whose names were entered the wrong way round with a typo, or one
    filled in with another person's names, disagrees on both at once, far more often than the
    product of the two disagreement rates (FEBRL: about 3 times). Among the expected matches of
    an EM session, the count of pairs that disagree on both names is compared with the count
    independence predicts (shrunk towards it by ``NAMES_TOGETHER_PSEUDO`` pairs, so a handful of
    pairs moves nothing). Strangers disagree on both names nearly always, independently (u of
    'different' is about 0.99 for each), so only the m side needs the correction (Winkler's
    interaction models for dependent fields, reduced to this one cell).
    """
    different = level_code("first_name", "different") + 1
    assert different == level_code("surname", "different") + 1
    both = (patterns[:, fn_col] > 0) & (patterns[:, sn_col] > 0)
    total = matches[both].sum()
    if total <= 0:
        return 0.0
    fn_differs = patterns[both, fn_col] == different
    sn_differs = patterns[both, sn_col] == different
    w = matches[both]
    expected = w[fn_differs].sum() * w[sn_differs].sum() / total
    observed = w[fn_differs & sn_differs].sum()
    ratio = (observed + NAMES_TOGETHER_PSEUDO) / (expected + NAMES_TOGETHER_PSEUDO)
    return float(np.clip(np.log2(ratio), -NAMES_TOGETHER_MAX, NAMES_TOGETHER_MAX))


def estimate_m(levels: np.ndarray, u: np.ndarray, config: LinkConfig,
               sessions: list[tuple[str, np.ndarray, tuple[str, ...]]],
               labels: tuple[np.ndarray, np.ndarray] | None = None) -> Model:
    """m probabilities by EM, one session per blocking rule, with u fixed (Splink's training).

    A rule's candidate pairs all agree on the fields it blocks on, matches or not, so EM cannot
    learn those fields from them: each session estimates only the other fields. Sessions are
    ordered by how clean their pairs are (equal BSN first: nearly all true matches; name-based
    blocks mix in relatives who share surname and address), and a field takes its m from the
    first session that estimated it; a field no session could estimate (too few pairs) keeps its
    default from :mod:`matching.defaults`. Sessions use a seeded sample of their pairs.
    ``labels``: (levels of steward-judged pairs, 1 for must_link / 0 for cannot_link).
    """
    rng = np.random.default_rng(config.seed + 1)
    m = DEFAULT_M.copy()
    done = np.zeros(len(FIELDS), dtype=bool)
    iterations = 0
    names_together: float | None = None
    fn_i, sn_i = FIELD_INDEX["first_name"], FIELD_INDEX["surname"]
    for name, rows, blocked in sessions:
        fields = np.array([i for i, f in enumerate(FIELDS) if f.name not in blocked], dtype=int)
        takes = np.array([not done[i] and PREFERRED_SESSION.get(FIELDS[i].name, name) == name
                          for i in fields], dtype=bool)
        if rows.size < config.em_min_pairs or fields.size == 0 or not takes.any():
            continue
        if rows.size > config.em_sample_pairs:
            rows = rng.choice(rows, config.em_sample_pairs, replace=False)
        session_m, used, patterns, matches = _em_session(levels[rows], u, fields, config, labels)
        m[fields[takes]] = session_m[takes]
        done[fields[takes]] = True
        iterations += used
        if names_together is None and fn_i in fields and sn_i in fields:
            column = {int(f): c for c, f in enumerate(fields)}
            names_together = _names_together(patterns, matches, column[fn_i], column[sn_i])
    return Model(m=m, u=u, prior=0.0, iterations=iterations,
                 names_together=names_together or 0.0)


def estimate_prior(partial_weight: np.ndarray, n: int, iterations: int = 50) -> float:
    """log2 prior odds that two random records match, from the candidates' Bayes factors.

    Fixed point of lambda = sum of posteriors / all pairs, treating pairs outside the blocks as
    non-matches; the EM update of lambda with m and u held fixed.
    """
    all_pairs = max(n * (n - 1) / 2, 1.0)
    prior = min(max(n, 1) / all_pairs, 0.5)
    for _ in range(iterations):
        odds = np.log2(prior / (1 - prior))
        posterior = 1.0 / (1.0 + np.exp2(-np.clip(odds + partial_weight, -60, 60)))
        new = float(np.clip(posterior.sum() / all_pairs, 1e-12, 0.5))
        if abs(new - prior) < prior * 1e-4:
            prior = new
            break
        prior = new
    return float(np.log2(prior / (1 - prior)))


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


def holds_families(p: Prepared, left: np.ndarray, right: np.ndarray, levels: np.ndarray,
                   config: LinkConfig) -> bool:
    """Whether the data holds relatives, so the twin and sibling guards have something to protect.

    Among candidate pairs that share surname and address, count those that are certainly two
    people, in two ways: clearly different given names and identifiers at least
    ``SECOND_PERSON_DIGITS`` digits apart (of the pairs where both carry one), and clearly
    different given names and birth dates 3+ years apart (of the pairs with both). Families
    (parents, siblings, twins) give many: 16-21 % and 9-10 % on the synthetic Dutch population.
    In data of unrelated individuals (FEBRL's generator draws every person independently) a
    record that shares surname and address but not the given name is a duplicate with errors,
    and both shares stay below 1 %: there the guards would only keep duplicates apart. The
    guards are off only when both measures have enough pairs to tell and both stay below
    ``RELATIVES_MIN_SHARE`` (children without a BSN, a file without dates or a small input keep
    them on). ``config.family_guards`` True or False overrides this.
    """
    if config.family_guards is not None:
        return config.family_guards
    if p.n < config.min_records_to_estimate:
        return True
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
    for measured, two_people in ((with_ids, names_differ[with_ids] & other_id),
                                 (with_dates, (names_differ & far_dates)[with_dates])):
        if measured.sum() < config.em_min_pairs or two_people.mean() >= RELATIVES_MIN_SHARE:
            return True
    return False


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
    guards = holds_families(p, left, right, levels, config)
    model.family_guards = guards
    # a typo in the surname (one edit, Jaro-Winkler >= 0.92) does not make twins strangers
    twin = guards & (names_differ | boy_and_girl) & (
        sn_level >= level_code("surname", "jw_0.92")) & (
        date_level >= level_code("birth_date", "one_typo")) & ~given_name_replaced(
        p, left, right, levels)
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
    sibling = np.zeros(left.shape[0], dtype=bool)
    if guards:
        rows = np.flatnonzero(same_family & (date_level >= 0)
                              & (date_level <= level_code("birth_date", "different"))
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
                  twin_guard=twin, bsn_conflict=bsn_conflict, sibling_guard=sibling)


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
