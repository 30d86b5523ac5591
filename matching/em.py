"""Estimating the Fellegi-Sunter parameters: u from random pairs, m and lambda by EM.

Following Splink: ``u`` from record pairs drawn at random (seeded; nearly all random pairs are
different persons), ``m`` and the share of matches ``lambda`` by EM (Winkler 1988; Jaro 1989) on
the candidate pairs of one blocking rule at a time, with ``u`` fixed. Pairs are reduced to their
distinct level patterns with counts, so an iteration costs O(patterns).

Plain EM fails in three ways on data it has not seen, and each is handled here:

* **Order.** Nothing in the likelihood says that an exact agreement is stronger evidence than a
  fuzzy one; on small or odd data EM can swap them (an exact given name m = 0.035 beside a near
  one at 0.778). Every M-step therefore projects m onto the orders of :data:`LEVEL_ORDER`: along
  each chain the Bayes factor m/u must not fall, and adjacent levels that violate it are pooled
  (pool-adjacent-violators on the likelihood ratio: a pooled block gets the ratio
  sum(m)/sum(u), which keeps sum(m) and is the constrained maximum-likelihood step).
* **Identifiability.** A level that no expected match shows (or a field a session barely sees)
  gets m from the data alone as 0. A Dirichlet prior of ``LinkConfig.em_prior_pairs``
  pseudo-matches distributed as :data:`matching.defaults.DEFAULT_M` is added in every M-step, so
  parameters the data cannot identify fall back towards sensible defaults while thousands of
  real matches override them.
* **Degenerate solutions.** A session whose lambda ends at a bound (all pairs matches, or none)
  or whose fields end with m close to u (no evidence learned) has not separated matches from
  non-matches; its estimates are not used (the fields keep the defaults or a later session's).

The fitted parameters and each session's diagnostics are reported (:meth:`Model.as_dict`, in
``LinkResult.stats["model"]`` and printed by ``hub link``).
"""

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from matching.arrays import unique_inverse
from matching.compare import FIELD_INDEX, FIELDS, NEUTRAL_LEVELS, compare, level_code
from matching.config import LinkConfig
from matching.defaults import DEFAULT_M, DEFAULT_U
from matching.standardise import Prepared

_LEVELS = max(len(f.levels) for f in FIELDS) + 1  # +1 for missing (stored as index 0)
M_FLOOR = 1e-3
WEAK_HINT = 4.0
WEAK_LEVELS = (("bsn", "one_digit"), ("role", "both_reporter"))
"""A BSN one digit off may be anyone's: at most a hint. Two equal identifiers that fail the
elfproef (a mistyped BSN copied along, or a foreign or test identifier) keep the weight EM learns
for them: strangers almost never share one, and a sibling's BSN is a valid one (contested).
Two reporter rows count as 'both_reporter' only when their surnames agree, so u of that level is
tiny for the surname's sake and log2(m/u) would count the surname twice: capped likewise."""
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
    family_guards: bool | str = True
    """Whether the twin and sibling guards applied (:func:`matching.scoring.families_in_data`),
    or 'pair_evidence' when the data could not tell (then only pairs sharing an address or a
    dossier, or of different sex, are guarded); set by score."""
    sessions: list[dict[str, Any]] = field(default_factory=list)
    """Per EM session: rule, pairs, lambda, iterations, fields taken, and why not (degenerate)."""

    def weights(self) -> np.ndarray:
        """log2(m/u) per field (rows) and level+1 (columns; column 0 = missing = 0).

        m is floored at ``M_FLOOR`` (a level EM never saw is rare, not impossible) and a BSN
        one digit off is capped at ``WEAK_HINT`` bits: a hint, never a key.
        """
        w: np.ndarray
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.log2(np.maximum(self.m, M_FLOOR) / self.u)
        for name, level in WEAK_LEVELS:
            cell = (FIELD_INDEX[name], level_code(name, level) + 1)
            w[cell] = min(w[cell], WEAK_HINT)
        w[:, 0] = 0.0
        for name, level in NEUTRAL_LEVELS:
            w[FIELD_INDEX[name], level_code(name, level) + 1] = 0.0
        w = np.nan_to_num(w, nan=0.0, posinf=20.0, neginf=-20.0)
        # the floor lifts a rare level's m: keep the level order (exact never weaker)
        for row, chain in _chains(np.arange(len(FIELDS))):
            for lower, upper in zip(reversed(chain[:-1]), reversed(chain[1:]), strict=True):
                w[row, lower] = min(w[row, lower], w[row, upper])
        return w

    def as_dict(self) -> dict[str, Any]:
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
             "family_guards": self.family_guards, "em_sessions": self.sessions}


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


LEVEL_ORDER: dict[str, tuple[tuple[str, ...], ...]] = {
    "first_name": (("different", "jw_0.80", "jw_0.92", "variant", "exact"),
                   ("different", "initial", "exact"), ("other_given_name", "exact")),
    "surname": (("different", "jw_0.80", "jw_0.92", "exact"), ("double_name_part", "exact"),
                ("swapped_with_first_name", "exact")),
    "birth_date": (("different_far", "different", "one_typo", "exact"),
                   ("different", "partial_agrees", "exact"), ("day_month_swapped", "exact")),
    "bsn": (("both_valid_different", "different", "one_digit", "equal_invalid"),
            ("one_digit", "equal_valid")),
    "address": (("different", "same_postcode", "exact"), ("different", "postcode_typo", "exact")),
    "sex": (("different", "equal"),),
}
"""Chains of levels along which the Bayes factor m/u may not fall: an exact agreement is never
weaker evidence than a fuzzy one, a fuzzy one never weaker than a disagreement. Levels not
ordered against each other (an initial against a Jaro-Winkler band) stay free."""


def _chains(fields: np.ndarray) -> list[tuple[int, list[int]]]:
    """(row in the session's m, level columns) per chain of :data:`LEVEL_ORDER`."""
    out = []
    for row, f in enumerate(fields):
        name = FIELDS[int(f)].name
        for chain in LEVEL_ORDER.get(name, ()):
            out.append((row, [level_code(name, level) + 1 for level in chain]))
    return out


def monotone(m: np.ndarray, u: np.ndarray, chains: list[tuple[int, list[int]]],
             rounds: int = 4) -> np.ndarray:
    """Project m so that m/u does not fall along each chain (pool adjacent violators).

    Violating neighbours are pooled into one block whose levels share the ratio
    sum(m) / sum(u); sum(m) is unchanged, so m stays a distribution. Chains that share levels
    are repeated a few rounds until they agree (each pass only pools, so it settles quickly).
    """
    m = m.copy()
    for _ in range(rounds):
        changed = False
        for row, chain in chains:
            blocks: list[list[int]] = []
            for level in chain:
                blocks.append([level])
                while len(blocks) > 1:
                    lo, hi = blocks[-2], blocks[-1]
                    if m[row, lo].sum() / u[row, lo].sum() <= m[row, hi].sum() / u[row, hi].sum(
                            ) * (1 + 1e-9):
                        break
                    blocks[-2:] = [lo + hi]
            for block in blocks:
                if len(block) > 1:
                    ratio = m[row, block].sum() / u[row, block].sum()
                    m[row, block] = ratio * u[row, block]
                    changed = True
        if not changed:
            break
    return m


LAMBDA_BOUNDS = (1e-4, 1 - 1e-4)
DEGENERATE_BITS = 1.0
"""A field whose best level is less than this many bits above its worst has learned nothing."""


def _em_session(levels: np.ndarray, u: np.ndarray, fields: np.ndarray, config: LinkConfig,
                labels: tuple[np.ndarray, np.ndarray] | None
                ) -> tuple[np.ndarray, int, np.ndarray, np.ndarray, float]:
    """EM for m (and a session-local lambda) on the given fields of one session's pairs.

    Each M-step adds the Dirichlet prior (``config.em_prior_pairs`` pseudo-matches spread as
    :data:`DEFAULT_M`) and projects onto :data:`LEVEL_ORDER`. Also returns the distinct
    patterns (missing = 0), their expected number of matches, and lambda.
    """
    patterns, counts = _pattern_counts(levels[:, fields])
    m = _initial_m()[fields]
    uf = u[fields]
    prior_counts = DEFAULT_M[fields] * config.em_prior_pairs
    chains = _chains(fields)
    prior = 0.5
    field_range = np.arange(fields.size)
    iterations = 0
    posterior = np.zeros(counts.shape[0])
    for iterations in range(1, config.em_iterations + 1):  # noqa: B007 - count is returned
        numerator = np.log(prior) + np.log(m[field_range, patterns]).sum(axis=1)
        other = np.log(1 - prior) + np.log(uf[field_range, patterns]).sum(axis=1)
        posterior = np.exp(numerator - np.logaddexp(numerator, other)) * counts
        new_m = np.full_like(m, 1e-6)
        for i in range(fields.size):
            new_m[i] += np.bincount(patterns[:, i], weights=posterior, minlength=_LEVELS)
            if labels is not None and labels[0].shape[0]:
                new_m[i] += np.bincount(labels[0][:, fields[i]].astype(np.int64) + 1,
                                        weights=labels[1] * config.decision_weight,
                                        minlength=_LEVELS)
        for i, f in enumerate(fields):
            k = len(FIELDS[f].levels)
            new_m[i, 1:k + 1] += prior_counts[i, 1:k + 1]
            new_m[i, 0] = 1.0
            new_m[i, 1:k + 1] /= new_m[i, 1:k + 1].sum()
            new_m[i, k + 1:] = 1.0
        new_m = monotone(new_m, uf, chains)
        new_prior = float(np.clip(posterior.sum() / counts.sum(), *LAMBDA_BOUNDS))
        converged = np.abs(new_m - m).max() < 1e-5 and abs(new_prior - prior) < 1e-6
        m, prior = new_m, new_prior
        if converged:
            break
    return m, iterations, patterns, posterior, prior


def degenerate_fields(m: np.ndarray, u: np.ndarray, fields: np.ndarray) -> np.ndarray:
    """Per session field: m so close to u on every level that the field separates nothing."""
    out = np.zeros(fields.size, dtype=bool)
    for i, f in enumerate(fields):
        k = len(FIELDS[int(f)].levels)
        w = np.log2(np.maximum(m[i, 1:k + 1], M_FLOOR) / u[i, 1:k + 1])
        out[i] = k > 1 and (w.max() - w.min()) < DEGENERATE_BITS
    return out


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
    reports: list[dict[str, Any]] = []
    fn_i, sn_i = FIELD_INDEX["first_name"], FIELD_INDEX["surname"]
    for name, rows, blocked in sessions:
        fields = np.array([i for i, f in enumerate(FIELDS) if f.name not in blocked], dtype=int)
        takes = np.array([not done[i] and PREFERRED_SESSION.get(FIELDS[i].name, name) == name
                          for i in fields], dtype=bool)
        if rows.size < config.em_min_pairs or fields.size == 0 or not takes.any():
            continue
        if rows.size > config.em_sample_pairs:
            rows = rng.choice(rows, config.em_sample_pairs, replace=False)
        # a field (nearly) always missing in this session's pairs cannot be estimated from it
        takes &= (levels[rows][:, fields] >= 0).sum(axis=0) >= config.em_min_pairs
        if not takes.any():
            continue
        session_m, used, patterns, matches, lam = _em_session(levels[rows], u, fields, config,
                                                              labels)
        iterations += used
        report: dict[str, Any] = {"rule": name, "pairs": int(rows.size), "lambda": round(lam, 5),
                        "iterations": used}
        if lam <= LAMBDA_BOUNDS[0]:
            # no matches found; at the upper bound a clean block (one BSN) is simply all matches
            report["degenerate"] = "no_matches"
            reports.append(report)
            continue
        flat = degenerate_fields(session_m, u[fields], fields)

        if flat.any():
            report["degenerate_fields"] = [FIELDS[int(f)].name for f in fields[flat]]
        takes &= ~flat
        m[fields[takes]] = session_m[takes]
        done[fields[takes]] = True
        report["fields"] = [FIELDS[int(f)].name for f in fields[takes]]
        reports.append(report)
        if names_together is None and fn_i in fields and sn_i in fields:
            column = {int(f): c for c, f in enumerate(fields)}
            names_together = _names_together(patterns, matches, column[fn_i], column[sn_i])
    return Model(m=m, u=u, prior=0.0, iterations=iterations,
                 names_together=names_together or 0.0, sessions=reports)


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


