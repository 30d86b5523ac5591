"""The ``link()`` facade: standardise, block, compare, score, cluster, households, stable IDs.

Reads as the data flow. Every step is a pure function over numpy arrays or pandas frames; this
module only wires them and turns the arrays back into the frames of :class:`LinkResult`.
"""

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from foundation.errors import MappingError
from matching.arrays import unique_inverse, unique_sorted
from matching.blocking import BLOCKED_FIELDS, block
from matching.clustering import cluster
from matching.compare import FIELDS, compare, compare_bsn, contested_bsns, level_code
from matching.config import LinkConfig
from matching.households import build_households
from matching.parallel import run_all
from matching.review import REVIEW_COLUMNS, review_frame, review_groups, review_rows
from matching.scoring import estimate_m, estimate_u, explain, not_contesting, score
from matching.stable_ids import EVENT_COLUMNS, assign_ids
from matching.standardise import prepare

ASSIGNMENT_COLUMNS = ["source", "source_record_id", "person_id", "household_id"]
LINK_COLUMNS = ["source", "source_record_id", "person_id", "match_weight", "explanation"]
HOUSEHOLD_LINK_COLUMNS = ["household_id", "other_household_id", "relation", "evidence"]
DECISIONS = ("must_link", "cannot_link")


@dataclass
class LinkResult:
    """Everything one link run produces (see docs/contracts.md, "Matching")."""

    assignments: pd.DataFrame
    links: pd.DataFrame
    review: pd.DataFrame
    events: pd.DataFrame
    household_links: pd.DataFrame
    stats: dict = field(default_factory=dict)
    config_version: str = ""


def _keys(frame: pd.DataFrame, source: str, record: str) -> pd.Series:
    return frame[source].astype("str") + "\x1f" + frame[record].astype("str")


def _decision_pairs(decisions: pd.DataFrame | None, keys: pd.Series
                    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Steward decisions as record-index pairs; decisions about absent records are ignored."""
    out = {d: (np.zeros(0, np.int64), np.zeros(0, np.int64)) for d in DECISIONS}
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
    return keys.map(mapping).fillna("").to_numpy(dtype=object)


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


def link(persons: pd.DataFrame, previous: pd.DataFrame | None = None,
         decisions: pd.DataFrame | None = None, config: LinkConfig | None = None) -> LinkResult:
    """Link canonical person records into persons and households.

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
    frame = p.frame
    keys = p.keys
    decided = _decision_pairs(decisions, keys)

    left, right, rule_stats, rule_pairs = block(p, config.blocking_rules, config.max_block_size,
                                                   config.block_window)
    levels = compare(p, left, right)
    clash = ~not_contesting(p, left, right, levels, config)
    p.bsn_contested = contested_bsns(p, left[clash], right[clash], levels[clash])
    if p.bsn_contested.any():
        touched = p.bsn_contested[left] | p.bsn_contested[right]
        bsn_column = [f.name for f in FIELDS].index("bsn")
        levels[touched, bsn_column] = compare_bsn(p, left[touched], right[touched])
        p.bsn_valid = p.bsn_valid & ~p.bsn_contested
    u = estimate_u(p, config)
    labelled = None
    judged_l = np.concatenate([decided[d][0] for d in DECISIONS])
    judged_r = np.concatenate([decided[d][1] for d in DECISIONS])
    if judged_l.size:
        labelled = (compare(p, judged_l, judged_r),
                    np.r_[np.ones(decided["must_link"][0].size), np.zeros(
                        decided["cannot_link"][0].size)])
    codes = left * p.n + right
    names = list(rule_pairs)
    positions = run_all([lambda name=name: np.searchsorted(codes, rule_pairs[name])
                         for name in names])
    sessions = [(name, where, BLOCKED_FIELDS.get(name, ()))
                for name, where in zip(names, positions, strict=True)]
    model = estimate_m(levels, u, config, sessions, labelled)
    scores = score(p, left, right, levels, model, config)
    weight = scores.weight
    bsn_i = [f.name for f in FIELDS].index("bsn")
    both_valid_different = levels[:, bsn_i] == level_code("bsn", "both_valid_different")
    cannot = scores.twin_guard | (scores.twin_like & (weight < config.match_weight)) | (
        weight < config.cannot_weight) | (
        both_valid_different & (weight < config.match_weight + 10))
    if config.distinct_within_reference:
        cannot |= (p.household_ref[left] >= 0) & (p.household_ref[left] == p.household_ref[right])

    clusters = cluster(p.n, left, right, weight, config.match_weight, cannot, p.bsn, p.bsn_valid,
                       must_pairs=decided["must_link"], cannot_pairs=decided["cannot_link"],
                       ambiguity_margin=config.ambiguity_margin,
                       reference=p.household_ref if config.distinct_within_reference else None)
    person_labels = clusters.labels
    # person IDs (hashing, holds the GIL) and households (numpy) overlap on two cores
    (person_ids, person_events), homes = run_all([
        lambda: assign_ids(person_labels, keys, _previous(previous, keys, "person_id"), "P",
                           "person", keys_sorted=True),
        lambda: build_households(
            person_labels, p.address, p.sn, p.sn2, p.household_ref, p.role,
            config.institution_min_surnames,
            _listed_addresses(p.address_strings, config.institutional_addresses)),
    ])
    household_ids, household_events = assign_ids(
        homes.labels, keys, _previous(previous, keys, "household_id"), "H", "household",
        keys_sorted=True)

    assignments = pd.DataFrame({
        "source": frame["source"], "source_record_id": frame["source_record_id"],
        "person_id": person_ids, "household_id": household_ids,
    })

    best, inside = _best_links(p.n, left, right, weight, person_labels)
    has_best = best >= 0
    link_weight = np.full(p.n, np.nan)
    link_weight[has_best] = np.round(weight[best[has_best]], 3)
    # both records of a pair often have it as their strongest link: explain each pair once
    pair_rows, _, back = unique_inverse(best[has_best])
    texts = np.append(explain(scores, model, pair_rows, config), "{}")
    which = np.full(p.n, pair_rows.size, dtype=np.int64)
    which[has_best] = back
    links = pd.DataFrame({
        "source": assignments["source"], "source_record_id": assignments["source_record_id"],
        "person_id": assignments["person_id"], "match_weight": link_weight,
        "explanation": pd.Series(pa.array(texts, pa.string()).take(pa.array(which)),
                                 dtype="str"),
    })

    bsn_shared = scores.bsn_conflict | (levels[:, bsn_i] == level_code("bsn", "equal_valid")) | (
        levels[:, bsn_i] == level_code("bsn", "contested"))
    bd_i = [f.name for f in FIELDS].index("birth_date")
    ad_i = [f.name for f in FIELDS].index("address")
    # a pair compared on names only (no birth date or BSN on both sides, no shared address)
    # gives a steward nothing to decide on: it is not sent either
    names_only = (levels[:, bd_i] < 0) & (levels[:, bsn_i] < 0) & (
        levels[:, ad_i] <= level_code("address", "different"))
    contradicted = (scores.twin_like | both_valid_different | names_only
                    | ((levels[:, bd_i] >= 0)
                       & (levels[:, bd_i] <= level_code("birth_date", "different"))))
    rows, reasons = review_rows(left, right, weight, person_labels, config.match_weight,
                                config.review_weight, bsn_shared, clusters.refused,
                                contradicted)
    # only the records a review pair names: converting all 1M keys to objects cost seconds
    named = unique_sorted(np.concatenate([left[rows], right[rows]]))
    named_ids = person_ids.iloc[named].to_numpy(dtype=object)
    l_named, r_named = np.searchsorted(named, left[rows]), np.searchsorted(named, right[rows])
    kept, group, rank, priority = review_groups(
        l_named, r_named, weight[rows], person_labels[named], named_ids,
        config.review_per_group)
    rows, reasons = rows[kept], reasons[kept]
    review = review_frame(frame.iloc[named].reset_index(drop=True), named_ids,
                          l_named[kept], r_named[kept], weight[rows],
                          explain(scores, model, rows, config), reasons, group, rank, priority)

    household_row = household_ids
    first_row = pd.Series(np.arange(p.n)).groupby(homes.labels).min()
    label_to_id = household_row.iloc[first_row.drop(index=-1, errors="ignore").to_numpy()]
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
    household_links = household_links.astype(
        {"household_id": "str", "other_household_id": "str", "relation": "str", "evidence": "str"}
    ).sort_values(["household_id", "other_household_id"]).reset_index(drop=True)

    events = pd.DataFrame(person_events + household_events, columns=EVENT_COLUMNS)
    events["related_ids"] = events["related_ids"].map(json.dumps)
    events = events.astype("str")

    auto = weight >= config.match_weight
    histogram, edges = np.histogram(np.clip(weight, -40, 40), bins=16, range=(-40, 40))
    stats = {
        "records": int(p.n),
        "blocking": rule_stats,
        "compared": int(left.size),
        "auto_matched": int((auto & ~cannot).sum()),
        "linked_pairs_in_persons": int(inside.size),
        "review": int(len(review)),
        "review_groups": int(review["group_id"].nunique()),
        "refused_by_constraints": len(clusters.refused),
        "twin_guard_pairs": int(scores.twin_guard.sum()),
        "persons": int(unique_sorted(person_labels[person_labels >= 0]).size),
        "households": int(unique_sorted(homes.labels[homes.labels >= 0]).size),
        "institutional_addresses": homes.institutional_addresses,
        "weight_histogram": {f"{edges[i]:.0f}..{edges[i + 1]:.0f}": int(c)
                             for i, c in enumerate(histogram)},
        "model": model.as_dict(),
    }
    return LinkResult(assignments=assignments, links=links, review=review, events=events,
                      household_links=household_links, stats=stats,
                      config_version=config.version())
