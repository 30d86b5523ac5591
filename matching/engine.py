"""The ``link()`` facade: standardise, block, compare, score, cluster, households, stable IDs.

Reads as the data flow. Every step is a pure function over numpy arrays or pandas frames; this
module only wires them and turns the arrays back into the frames of :class:`LinkResult`.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from foundation.decisions import DECISIONS, Decision
from foundation.errors import MappingError
from matching.arrays import unique_inverse, unique_sorted
from matching.blocking import BLOCKED_FIELDS, block
from matching.clustering import Clusters, cluster
from matching.compare import FIELD_INDEX, compare, compare_bsn, contested_bsns, level_code
from matching.config import LinkConfig
from matching.context import ContextPairs, context_pairs
from matching.em import Model, estimate_m, estimate_u
from matching.households import Households, build_households
from matching.parallel import run_all
from matching.review import (
    REVIEW_COLUMNS,
    held_apart,
    review_frame,
    review_groups,
    review_rows,
    shares_bsn,
    two_people,
)
from matching.scoring import Scores, explain, not_contesting, score
from matching.stable_ids import EVENT_COLUMNS, assign_ids
from matching.standardise import Prepared, prepare

ASSIGNMENT_COLUMNS = ["source", "source_record_id", "person_id", "household_id"]
LINK_COLUMNS = ["source", "source_record_id", "person_id", "match_weight", "explanation"]
HOUSEHOLD_LINK_COLUMNS = ["household_id", "other_household_id", "relation", "evidence"]
_BSN, _BIRTH_DATE, _ADDRESS = FIELD_INDEX["bsn"], FIELD_INDEX["birth_date"], FIELD_INDEX["address"]


@dataclass
class LinkResult:
    """Everything one link run produces (see docs/contracts.md, "Matching")."""

    assignments: pd.DataFrame
    links: pd.DataFrame
    review: pd.DataFrame
    events: pd.DataFrame
    household_links: pd.DataFrame
    stats: dict[str, Any] = field(default_factory=dict)
    config_version: str = ""


def _keys(frame: pd.DataFrame, source: str, record: str) -> pd.Series:
    return frame[source].astype("str") + "\x1f" + frame[record].astype("str")


Event = dict[str, Any]
"""A merge, split or new-ID event (:func:`matching.stable_ids.assign_ids`)."""

DecisionPairs = dict[Decision, tuple[np.ndarray, np.ndarray]]
"""Record-index pairs (left < right) per steward decision."""


def _decision_pairs(decisions: pd.DataFrame | None, keys: pd.Series) -> DecisionPairs:
    """Steward decisions as record-index pairs; decisions about absent records are ignored."""
    out: DecisionPairs = {d: (np.zeros(0, np.int64), np.zeros(0, np.int64)) for d in DECISIONS}
    if decisions is None or decisions.empty:
        return out
    index = pd.Index(keys)
    needed = ["left_source", "left_record_id", "right_source", "right_record_id", "decision"]
    for name in needed:
        if name not in decisions.columns:
            raise MappingError("steward decisions lack a column", origin="decisions", field=name)
    unknown = ~decisions["decision"].isin(DECISIONS)
    if unknown.any():
        raise MappingError(f"decision must be one of {', '.join(DECISIONS)}", origin="decisions",
                           row=int(np.flatnonzero(unknown.to_numpy())[0]) + 1, field="decision")
    a = index.get_indexer(_keys(decisions, "left_source", "left_record_id"))
    b = index.get_indexer(_keys(decisions, "right_source", "right_record_id"))
    for decision in DECISIONS:
        keep = (decisions["decision"].to_numpy() == decision) & (a >= 0) & (b >= 0) & (a != b)
        out[decision] = (np.minimum(a, b)[keep], np.maximum(a, b)[keep])
    return out


def _previous(previous: pd.DataFrame | None, keys: pd.Series, column: str
              ) -> np.ndarray | None:
    """The previous ID per record ('' for a new record); None without a previous assignment."""
    if previous is None or previous.empty or column not in previous.columns:
        return None
    prev = previous.assign(_key=_keys(previous, "source", "source_record_id"))
    mapping = prev.drop_duplicates("_key").set_index("_key")[column].astype("str").fillna("")
    ids: np.ndarray = keys.map(mapping).fillna("").to_numpy(dtype=object)
    return ids


def _empty_result(config: LinkConfig) -> LinkResult:
    def empty(columns: list[str]) -> pd.DataFrame:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in columns})

    return LinkResult(empty(ASSIGNMENT_COLUMNS), empty(LINK_COLUMNS), empty(REVIEW_COLUMNS),
                      empty(EVENT_COLUMNS), empty(HOUSEHOLD_LINK_COLUMNS),
                      {"records": 0, "persons": 0, "households": 0}, config.version())


def _best_links(n: int, left: np.ndarray, right: np.ndarray, weight: np.ndarray,
                labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per record, the strongest candidate pair to another record of the same person (-1: none)."""
    inside = np.flatnonzero(labels[left] == labels[right])
    ends = np.concatenate([left[inside], right[inside]])
    rows = np.concatenate([inside, inside])
    # the highest weight per record, ties to the lowest pair row: two linear passes, no sort
    top = np.full(n, -np.inf)
    np.fmax.at(top, ends, weight[rows])
    tied = weight[rows] == top[ends]
    none = np.iinfo(np.int64).max
    best = np.full(n, none, dtype=np.int64)
    np.minimum.at(best, ends[tied], rows[tied])
    best[best == none] = -1
    return best, inside


def _listed_addresses(address_strings: np.ndarray, listed: tuple[str, ...]) -> np.ndarray:
    """Codes of the addresses named in ``LinkConfig.institutional_addresses``."""
    if not listed:
        return np.zeros(0, dtype=np.int64)
    wanted = tuple("|".join(item.upper().replace("|", " ").split()[:2]) + "|" for item in listed)
    keys = pd.Series(address_strings, dtype="str").str.upper()
    return np.flatnonzero(keys.str.startswith(wanted).to_numpy())


@dataclass
class _Candidates:
    """The candidate pairs of a run (sorted codes ``left * n + right``), their comparison levels
    and each blocking rule's own pairs (for its EM session)."""

    left: np.ndarray
    right: np.ndarray
    levels: np.ndarray
    rule_pairs: dict[str, np.ndarray]
    rule_stats: dict[str, dict[str, int]]


@dataclass
class _Clustering:
    """Persons after clustering, with the household-context pairs appended to the candidates."""

    clusters: Clusters
    left: np.ndarray
    right: np.ndarray
    weight: np.ndarray
    context: ContextPairs
    cannot: np.ndarray


def _candidates(p: Prepared, config: LinkConfig) -> _Candidates:
    """Block and compare; a BSN that two clearly different persons carry becomes 'contested'."""
    left, right, rule_stats, rule_pairs = block(p, config.blocking_rules, config.max_block_size,
                                                   config.block_window)
    levels = compare(p, left, right)
    clash = ~not_contesting(p, left, right, levels, config)
    p.bsn_contested = contested_bsns(p, left[clash], right[clash], levels[clash])
    if p.bsn_contested.any():
        touched = p.bsn_contested[left] | p.bsn_contested[right]
        levels[touched, _BSN] = compare_bsn(p, left[touched], right[touched])
        p.bsn_valid = p.bsn_valid & ~p.bsn_contested
    return _Candidates(left, right, levels, rule_pairs, rule_stats)


def _train(p: Prepared, c: _Candidates, decided: DecisionPairs, config: LinkConfig) -> Model:
    """u from random pairs, m by EM per blocking rule, steward decisions as labelled pairs."""
    u = estimate_u(p, config)
    labelled = None
    judged_l = np.concatenate([decided[d][0] for d in DECISIONS])
    judged_r = np.concatenate([decided[d][1] for d in DECISIONS])
    if judged_l.size:
        labelled = (compare(p, judged_l, judged_r),
                    np.r_[np.ones(decided["must_link"][0].size), np.zeros(
                        decided["cannot_link"][0].size)])
    codes = c.left * p.n + c.right
    names = list(c.rule_pairs)
    positions = run_all([partial(np.searchsorted, codes, c.rule_pairs[name]) for name in names])
    sessions = [(name, where, BLOCKED_FIELDS.get(name, ()))
                for name, where in zip(names, positions, strict=True)]
    return estimate_m(c.levels, u, config, sessions, labelled)


def _predict(p: Prepared, c: _Candidates, model: Model, config: LinkConfig
             ) -> tuple[Scores, np.ndarray]:
    """Match weights, and the pairs that may never be inside one person (even via a chain)."""
    scores = score(p, c.left, c.right, c.levels, model, config)
    return scores, constraints(p, c.left, c.right, scores, config)


def constraints(p: Prepared, left: np.ndarray, right: np.ndarray, scores: Scores,
                config: LinkConfig) -> np.ndarray:
    """Per scored pair: may these two records never be inside one person (even via a chain)?
    Shared by the full run and the increment (:mod:`matching.increment`)."""
    weight = scores.weight
    both_valid_different = scores.levels[:, _BSN] == level_code("bsn", "both_valid_different")
    cannot: np.ndarray = scores.twin_guard | (scores.twin_like & (weight < config.match_weight)) | (
        weight < config.cannot_weight) | (
        both_valid_different & (weight < config.match_weight + config.distinct_bsn_margin))
    if config.distinct_within_reference:
        ref = p.household_ref
        cannot |= (ref[left] >= 0) & (ref[left] == ref[right])
    return cannot


def cluster_records(p: Prepared, left: np.ndarray, right: np.ndarray, weight: np.ndarray,
                    cannot: np.ndarray, decided: DecisionPairs, config: LinkConfig) -> Clusters:
    """One constrained clustering of the records (:func:`matching.clustering.cluster`) with the
    run's settings; shared by the full run and the increment."""
    return cluster(p.n, left, right, weight, config.match_weight, cannot, p.bsn, p.bsn_valid,
                   must_pairs=decided["must_link"], cannot_pairs=decided["cannot_link"],
                   ambiguity_margin=config.ambiguity_margin,
                   reference=p.household_ref if config.distinct_within_reference else None)


def _cluster(p: Prepared, c: _Candidates, scores: Scores, cannot: np.ndarray,
             decided: DecisionPairs, config: LinkConfig) -> _Clustering:
    """Persons: constrained clustering, then the household-context pass and a second
    clustering with its pairs (which obeys every constraint of the first)."""
    def run(left: np.ndarray, right: np.ndarray, weight: np.ndarray, cannot: np.ndarray
            ) -> Clusters:
        return cluster_records(p, left, right, weight, cannot, decided, config)

    clusters = run(c.left, c.right, scores.weight, cannot)
    context = context_pairs(p, clusters.labels, config.context_min_shared,
                            config.context_max_dossier, config.context_max_dossiers_per_person
                            ) if config.household_context else ContextPairs.empty()
    return with_context(clusters, c, scores.weight, cannot, context, config, run)


Recluster = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], Clusters]
"""Clusters records from (left, right, weight, cannot) with a run's fixed constraints."""


def with_context(clusters: Clusters, c: _Candidates, weight: np.ndarray, cannot: np.ndarray,
                 context: ContextPairs, config: LinkConfig, run: Recluster) -> _Clustering:
    """The household-context pairs appended to the candidates (at the match weight) and the
    second clustering over both; the first clustering stands when there are none. Shared by
    the full run and the increment, so both give context pairs the same weight."""
    if context.left.size == 0:
        return _Clustering(clusters, c.left, c.right, weight, context, cannot)
    left = np.concatenate([c.left, context.left])
    right = np.concatenate([c.right, context.right])
    weights = np.concatenate([weight, np.full(context.left.size, config.match_weight)])
    every_cannot = np.concatenate([cannot, np.zeros(context.left.size, dtype=bool)])
    return _Clustering(run(left, right, weights, every_cannot), left, right, weights, context,
                       every_cannot)


def _household_step(p: Prepared, labels: np.ndarray, keys: pd.Series,
                    previous: pd.DataFrame | None, config: LinkConfig,
                    ) -> tuple[pd.Series, list[Event], Households, pd.Series, list[Event]]:
    """Person IDs and households; hashing (holds the GIL) and numpy overlap on two cores."""
    (person_ids, person_events), homes = run_all([
        lambda: assign_ids(labels, keys, _previous(previous, keys, "person_id"), "P",
                           "person", keys_sorted=True),
        lambda: build_households(
            labels, p.address, p.sn, p.sn2, p.household_ref, p.role,
            config.institution_min_surnames,
            _listed_addresses(p.address_strings, config.institutional_addresses),
            config.institution_max_residents),
    ])
    household_ids, household_events = assign_ids(
        homes.labels, keys, _previous(previous, keys, "household_id"), "H", "household",
        keys_sorted=True)
    return person_ids, person_events, homes, household_ids, household_events


def link(persons: pd.DataFrame, previous: pd.DataFrame | None = None,
         decisions: pd.DataFrame | None = None, config: LinkConfig | None = None) -> LinkResult:
    """Link canonical person records into persons and households.

    The steps, as Splink's linker names them: prepare, block and compare (:func:`_candidates`),
    train (:func:`_train`), predict (:func:`_predict`), cluster with the household-context pass
    (:func:`_cluster`), households and stable IDs (:func:`_household_step`), outputs
    (:func:`_outputs`).

    Args:
        persons: canonical person rows; only ``source`` and ``source_record_id`` are required.
        previous: the previous assignment (source, source_record_id, person_id, household_id), so
            IDs stay stable and merges/splits are reported as events.
        decisions: steward decisions (left_source, left_record_id, right_source,
            right_record_id, decision in {"must_link", "cannot_link"}); always obeyed.
        config: thresholds, blocking rules and seeds (:class:`LinkConfig`).
    """
    config = config or LinkConfig()
    if len(persons) == 0:
        return _empty_result(config)
    p = prepare(persons)
    decided = _decision_pairs(decisions, p.keys)
    candidates = _candidates(p, config)
    model = _train(p, candidates, decided, config)
    scores, cannot = _predict(p, candidates, model, config)
    clustering = _cluster(p, candidates, scores, cannot, decided, config)
    person_ids, person_events, homes, household_ids, household_events = _household_step(
        p, clustering.clusters.labels, p.keys, previous, config)
    return _outputs(p, candidates, model, scores, clustering, person_ids, person_events, homes,
                    household_ids, household_events, config)


def _outputs(p: Prepared, c: _Candidates, model: Model, scores: Scores, clustering: _Clustering,
             person_ids: pd.Series, person_events: list[Event], homes: Households,
             household_ids: pd.Series,
             household_events: list[Event], config: LinkConfig) -> LinkResult:
    """The frames of :class:`LinkResult`: assignments, links with explanations, review,
    household links, events and run statistics."""
    frame = p.frame
    left, weight = c.left, scores.weight
    person_labels = clustering.clusters.labels
    assignments = pd.DataFrame({
        "source": frame["source"], "source_record_id": frame["source_record_id"],
        "person_id": person_ids, "household_id": household_ids,
    })

    n_pairs = left.size
    best, inside = _best_links(p.n, clustering.left, clustering.right, clustering.weight,
                               person_labels)
    has_best = best >= 0
    link_weight = np.full(p.n, np.nan)
    link_weight[has_best] = np.round(clustering.weight[best[has_best]], 3)
    # both records of a pair often have it as their strongest link: explain each pair once
    pair_rows, _, back = unique_inverse(best[has_best])
    scored = pair_rows < n_pairs
    texts = np.empty(pair_rows.size, dtype=object)
    texts[scored] = explain(scores, model, pair_rows[scored], config)
    context_rows = pair_rows[~scored] - n_pairs
    texts[~scored] = clustering.context.explanations(config.match_weight)[context_rows]
    texts = np.append(texts, "{}")
    which = np.full(p.n, pair_rows.size, dtype=np.int64)
    which[has_best] = back
    links = pd.DataFrame({
        "source": assignments["source"], "source_record_id": assignments["source_record_id"],
        "person_id": assignments["person_id"], "match_weight": link_weight,
        "explanation": pd.Series(pa.array(texts, pa.string()).take(pa.array(which)),
                                 dtype="str"),
    })

    review = _review(p, c, scores, clustering, person_ids, model, config)
    household_links = _household_links(homes, household_ids)
    events = pd.DataFrame(person_events + household_events, columns=EVENT_COLUMNS)
    events["related_ids"] = events["related_ids"].map(json.dumps)
    events = events.astype("str")

    auto = weight >= config.match_weight
    limit = config.histogram_limit
    histogram, edges = np.histogram(np.clip(weight, -limit, limit), bins=config.histogram_bins,
                                    range=(-limit, limit))
    context_inside = person_labels[clustering.context.left] == person_labels[
        clustering.context.right]
    stats = {
        "records": int(p.n),
        "blocking": c.rule_stats,
        "compared": int(left.size),
        "auto_matched": int((auto & ~clustering.cannot[:n_pairs]).sum()),
        "linked_pairs_in_persons": int(inside.size),
        "household_context_pairs": int(clustering.context.left.size),
        "household_context_linked": int(context_inside.sum()),
        "review": int(len(review)),
        "review_groups": int(review["group_id"].nunique()),
        "refused_by_constraints": len(clustering.clusters.refused),
        "twin_guard_pairs": int(scores.twin_guard.sum()),
        "contested_bsns": int(unique_sorted(p.bsn[p.bsn_contested]).size),
        "persons": int(unique_sorted(person_labels[person_labels >= 0]).size),
        "households": int(unique_sorted(homes.labels[homes.labels >= 0]).size),
        "institutional_addresses": homes.institutional_addresses,
        "weight_histogram": {f"{edges[i]:.0f}..{edges[i + 1]:.0f}": int(k)
                             for i, k in enumerate(histogram)},
        "model": model.as_dict(),
    }
    return LinkResult(assignments=assignments, links=links, review=review, events=events,
                      household_links=household_links, stats=stats,
                      config_version=config.version())


def _review(p: Prepared, c: _Candidates, scores: Scores, clustering: _Clustering,
            person_ids: pd.Series, model: Model, config: LinkConfig) -> pd.DataFrame:
    """Review items grouped by the person they would change (see :mod:`matching.review`)."""
    levels, left, right, weight = c.levels, c.left, c.right, scores.weight
    person_labels = clustering.clusters.labels
    bsn_level, bd_level = levels[:, _BSN], levels[:, _BIRTH_DATE]
    both_valid_different = bsn_level == level_code("bsn", "both_valid_different")
    # "shared" only where the two records really carry one BSN: a record whose BSN is contested
    # elsewhere must not mark its pairs with a different BSN as shared (matching.review.shares_bsn)
    bsn_shared = shares_bsn(p.bsn[left], p.bsn[right], scores.bsn_conflict | (
        bsn_level == level_code("bsn", "equal_valid")) | (
        bsn_level == level_code("bsn", "contested")))
    # a pair compared on names only (no birth date or BSN on both sides, no shared address)
    # gives a steward nothing to decide on: it is not sent either
    names_only = (bd_level < 0) & (bsn_level < 0) & (
        levels[:, _ADDRESS] <= level_code("address", "different"))
    # given names that clearly differ (both full, no agreeing identifier): another family member
    other_name = (levels[:, FIELD_INDEX["first_name"]] == level_code("first_name", "different")) & (
        p.fn[left] >= 0) & (p.fn[right] >= 0) & ~bsn_shared
    contradicted = (scores.twin_like | both_valid_different | names_only | other_name
                    | ((bd_level >= 0) & (bd_level <= level_code("birth_date", "different"))))
    rows, reasons = review_rows(left, right, weight, person_labels, config.match_weight,
                                config.review_weight, bsn_shared, clustering.clusters.refused,
                                contradicted)
    # two persons the engine already knows to be two people from their other records: nothing
    # to decide (matching.review.two_people); nor is a names-only pair, whatever refused it
    one_dossier = np.zeros(left.size, dtype=bool)
    if config.distinct_within_reference:
        one_dossier = (p.household_ref[left] >= 0) & (
            p.household_ref[left] == p.household_ref[right])
    apart = two_people(weight, scores.twin_guard | scores.sibling_guard, both_valid_different,
                       one_dossier, config.match_weight)
    known_apart = held_apart(person_labels[left[rows]], person_labels[right[rows]],
                             person_labels[left[apart]], person_labels[right[apart]])
    sent = (~known_apart | bsn_shared[rows]) & ~names_only[rows]
    rows, reasons = rows[sent], reasons[sent]
    # only the records a review pair names: converting all 1M keys to objects cost seconds
    named = unique_sorted(np.concatenate([left[rows], right[rows]]))
    named_ids = person_ids.iloc[named].to_numpy(dtype=object)
    l_named, r_named = np.searchsorted(named, left[rows]), np.searchsorted(named, right[rows])
    kept, group, rank, priority = review_groups(
        l_named, r_named, weight[rows], person_labels[named], named_ids,
        config.review_per_group)
    rows, reasons = rows[kept], reasons[kept]
    return review_frame(p.frame.iloc[named].reset_index(drop=True), named_ids,
                        l_named[kept], r_named[kept], weight[rows],
                        explain(scores, model, rows, config), reasons, group, rank, priority)


def _household_links(homes: Households, household_ids: pd.Series) -> pd.DataFrame:
    """Households that share a dossier (separated parents) as ``shared_dossier`` rows."""
    first_row = pd.Series(np.arange(len(household_ids))).groupby(homes.labels).min()
    label_to_id = household_ids.iloc[first_row.drop(index=-1, errors="ignore").to_numpy()]
    label_to_id.index = first_row.drop(index=-1, errors="ignore").index
    household_links = pd.DataFrame({
        "household_id": label_to_id.reindex(homes.links["household"]).to_numpy(),
        "other_household_id": label_to_id.reindex(homes.links["other"]).to_numpy(),
        "relation": "shared_dossier",
        "evidence": [json.dumps({"shared_references": int(k)}) for k in homes.links["shared_refs"]],
    }, columns=HOUSEHOLD_LINK_COLUMNS)
    swap = household_links["household_id"] > household_links["other_household_id"]
    household_links.loc[swap, ["household_id", "other_household_id"]] = household_links.loc[
        swap, ["other_household_id", "household_id"]].to_numpy()
    return household_links.astype(
        {"household_id": "str", "other_household_id": "str", "relation": "str", "evidence": "str"}
    ).sort_values(["household_id", "other_household_id"]).reset_index(drop=True)
