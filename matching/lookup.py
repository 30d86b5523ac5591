"""Score a few entered person records against candidate records with a fitted model.

The "is this family known?" lookup must use the one matcher of the full run, not a second one:
the same standardisation (:func:`matching.standardise.prepare`), comparison levels
(:func:`matching.compare.compare`), field weights, guards (:mod:`matching.guards` through
:func:`matching.scoring.score`) and explanations (:func:`matching.scoring.explain`), with the
parameters the last full run estimated (``LinkResult.stats["model"]``, restored by
:func:`model_from_dict`).

Two things differ from a full run, on purpose, because a lookup sees a handful of records:

* the prior (``lambda``) is the full run's, not re-estimated from these few pairs;
* the term-frequency adjustment is left out: its frequencies would come from the few records at
  hand (every name would look rare) instead of the whole population.

The family guards are forced on (``family_guards=True``): the hub holds Dutch families, and a
lookup must never offer a twin as the entered child.
"""

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from matching.compare import FIELDS, compare
from matching.config import LinkConfig
from matching.em import _LEVELS, M_FLOOR, Model
from matching.parallel import sequential
from matching.scoring import Scores, explain, score
from matching.standardise import Prepared, prepare

QUERY_SOURCE = "\x01lookup"
"""Source key of the entered records (sorts before every real partner key)."""
CANDIDATE_SOURCE = "\x02hub"
SCORE_COLUMNS = ["query_index", "candidate_id", "match_weight", "match_probability",
                 "explanation", "twin_guard"]


def model_from_dict(data: dict[str, Any]) -> Model:
    """The :class:`~matching.em.Model` that ``Model.as_dict`` wrote (e.g. a run's stats).

    The stats keep m and u to six decimals, too coarse for a rare level's u (a day/month swap
    lost 0.04 bits), and the weight to three: u is set so that ``log2(m / u)`` gives back the
    stored weight (floors, caps and level order were applied before it was stored, and applying
    them again changes nothing). The missing column stays 0 (it never weighs).
    """
    m = np.zeros((len(FIELDS), _LEVELS))
    u = np.ones((len(FIELDS), _LEVELS))
    for i, f in enumerate(FIELDS):
        levels = data.get(f.name) or {}
        for j, level in enumerate(f.levels):
            cell = levels.get(level)
            if cell is not None:
                m[i, j + 1] = float(cell["m"])
                u[i, j + 1] = max(float(cell["m"]), M_FLOOR) / 2.0 ** float(cell["weight"])
    return Model(m=m, u=u, prior=float(data.get("prior_weight", 0.0)),
                 iterations=int(data.get("em_iterations", 0)),
                 names_together=float(data.get("names_together", 0.0)),
                 family_guards=data.get("family_guards", True))


def score_with_model(p: Prepared, left: np.ndarray, right: np.ndarray, levels: np.ndarray,
                     model: Model, config: LinkConfig) -> tuple[Scores, Model]:
    """:func:`matching.scoring.score` with a fitted model and the full run's prior.

    ``score`` re-estimates the prior from the pairs at hand; a handful of pairs says nothing
    about the share of matches in the population, so the full run's prior is kept. Returns the
    scores and the model as used (a copy: ``score`` records its guard decision on it).
    """
    fitted = replace(model, sessions=[])
    scores = score(p, left, right, levels, fitted, config)
    scores.weight = scores.weight - fitted.prior + model.prior
    fitted.prior = model.prior
    return scores, fitted


def score_lookup(queries: pd.DataFrame, candidates: pd.DataFrame, model: Model,
                 config: LinkConfig | None = None) -> pd.DataFrame:
    """Every query row against every candidate row: weight, probability, explanation.

    ``queries`` and ``candidates`` hold canonical person columns (first_names, surname_prefix,
    surname, birth_date, bsn, sex, postcode, house_number); ``candidates`` also ``candidate_id``.
    Returns one row per pair (``query_index`` is the query's position) with ``twin_guard``
    True where the pair looks like twins (one family, one birth date, clearly other given
    names): such a candidate must not be offered as the entered person.
    """
    config = replace(config or LinkConfig(), tf_adjustment=False, family_guards=True)
    if queries.empty or candidates.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SCORE_COLUMNS})
    q = queries.reset_index(drop=True).assign(
        source=QUERY_SOURCE, source_record_id=[f"{i:06d}" for i in range(len(queries))])
    c = candidates.reset_index(drop=True)
    c = c.assign(source=CANDIDATE_SOURCE, source_record_id=c["candidate_id"].astype(str))
    frame = pd.concat([q.drop(columns=["candidate_id"], errors="ignore"),
                       c.drop(columns=["candidate_id"])], ignore_index=True)
    # an entered address is what the caller said, and a golden row with a secret address has
    # no postcode: unknown confidentiality would otherwise count as confidential (no key)
    frame["address_confidential"] = pd.Series(False, index=frame.index, dtype=bool)
    with sequential():
        p = prepare(frame)
    # prepare sorts by (source, record id): queries first (their ids keep the input order)
    keys = pd.Series(p.keys, dtype=object).to_numpy()
    is_query = np.array([k.startswith(QUERY_SOURCE) for k in keys])
    query_rows, cand_rows = np.flatnonzero(is_query), np.flatnonzero(~is_query)
    left = np.repeat(query_rows, cand_rows.size).astype(np.int64)
    right = np.tile(cand_rows, query_rows.size).astype(np.int64)
    with sequential():
        levels = compare(p, left, right)
        scores, fitted = score_with_model(p, left, right, levels, model, config)
    texts = explain(scores, fitted, np.arange(left.size), config)
    twin = scores.twin_guard | (scores.twin_like & (scores.weight < config.match_weight))
    cand_ids = np.array([k.split("\x1f", 1)[1] for k in keys], dtype=object)
    return pd.DataFrame({
        "query_index": left,
        "candidate_id": cand_ids[right],
        "match_weight": scores.weight,
        "match_probability": 1.0 / (1.0 + np.exp2(-scores.weight)),
        "explanation": texts,
        "twin_guard": twin,
    })

