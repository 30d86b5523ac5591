"""Incremental linking: records that arrived since the full run, linked against published ones.

Repeat reports are the main path (about 38 % of reports concern a family already known), so a
new record must join its person and household within seconds instead of waiting for the nightly
re-link. :func:`link_increment` runs the full run's steps (:mod:`matching.engine`) on the new
records plus the published records that may match them (``known``, selected by the store):
the same standardisation, blocking rules, comparison, guards (twin/sibling, distinct BSN,
steward cannot_links), clustering constraints, household-context pass, household rules and
explanations. What differs, on purpose:

* **No training.** The last full run's model (``LinkResult.stats["model"]``) scores the pairs,
  with its prior (:func:`matching.lookup.score_with_model`): the few records at hand say
  nothing about the share of matches in the population.
* **Term-frequency adjustment off.** Its frequencies would come from the selected records, which
  share surnames and addresses with the new ones by construction: every surname would look
  common. (The lookup leaves it out for the same reason.)
* **Published persons and households are fixed.** Each known person's records are tied
  together like a steward's must_link, and a cluster in which new records would bridge two
  known persons is rebuilt strongest link first without joining them (:func:`_split_bridges`):
  an increment never merges or splits a published person. The skipped pair goes to review
  ("would_merge_known_persons"); the next full run does the merge and records it as an event.
  Published households are kept the same way (a new record showing that two are one family
  joins one of them; the full run merges them).
* **IDs as a full run would give them.** A new record joins the known person it links to (and
  that person's household); new records forming a person of their own get
  ``make_id("P", smallest member key)``, which is what a later full run with the increment's
  assignment as ``previous`` keeps; a new person's household is the published household its
  records belong with by the household rules (:mod:`matching.households`), else a new ``H-``
  ID by the same rule.

Only pairs that touch a new record are scored; frames cover the new records only.
"""

import json
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from foundation.errors import MappingError
from matching.clustering import Clusters
from matching.config import LinkConfig
from matching.context import ContextPairs, context_pairs
from matching.em import Model
from matching.engine import (
    DecisionPairs,
    LinkResult,
    _Candidates,
    _candidates,
    _Clustering,
    _decision_pairs,
    _empty_result,
    _listed_addresses,
    _outputs,
    cluster_records,
    constraints,
    with_context,
)
from matching.households import build_households
from matching.lookup import model_from_dict, score_with_model
from matching.parallel import sequential
from matching.review import REVIEW_COLUMNS, review_frame, review_groups
from matching.scoring import Scores, explain
from matching.stable_ids import EVENT_COLUMNS, make_id
from matching.standardise import Prepared, prepare

KNOWN_ID_COLUMNS = ["person_id", "household_id"]
BRIDGE_REASON = "would_merge_known_persons"


def link_increment(new: pd.DataFrame, known: pd.DataFrame, model: dict[str, Any],
                   config: LinkConfig | None = None,
                   decisions: pd.DataFrame | None = None) -> LinkResult:
    """Link ``new`` records against the published ``known`` ones (see the module docstring).

    Args:
        new: canonical person rows that arrived since the full run (the columns ``link`` takes).
        known: canonical rows of the published records that may match them, with their
            published ``person_id`` and ``household_id``. A record in both counts as new.
        model: the last full run's ``stats["model"]``.
        config: the full run's :class:`LinkConfig` (thresholds, blocking rules, guards).
        decisions: steward decisions, as for ``link``.

    Returns:
        A :class:`LinkResult` over the new records only: assignments, links (strongest link and
        its explanation), review (pairs with a new record), events ("new" per new person and
        household ID), household links naming a household of a new record, stats, and the
        version of the given ``config`` (the increment's own settings, no training and no
        term frequencies, are part of the method, not of the configuration).
    """
    config = config or LinkConfig()
    if len(new) == 0:
        return _with_stats(_empty_result(config), {}, model)
    version = config.version()
    fitted_in = model_from_dict(model)
    if config.family_guards is None and isinstance(fitted_in.family_guards, bool):
        # the full run decided whether the data holds families; a few records cannot
        config = replace(config, family_guards=fitted_in.family_guards)
    config = replace(config, tf_adjustment=False)

    frame, is_new_key, known = _combined(new, known)
    before = {c: set(known[c].astype("str")) - {"", "nan"} if c in known.columns else set()
              for c in KNOWN_ID_COLUMNS}
    with sequential():
        p = prepare(frame)
    is_new = p.keys.isin(set(_key(new))).to_numpy()
    published = _published(known[~is_new_key], p.keys)
    known_pid = published["person_id"].to_numpy(dtype=object)

    with sequential():
        c = _candidates(p, config)
        touching = is_new[c.left] | is_new[c.right]
        c = _Candidates(c.left[touching], c.right[touching], c.levels[touching], {},
                        c.rule_stats)
        scores, used = score_with_model(p, c.left, c.right, c.levels, fitted_in, config)
    cannot = constraints(p, c.left, c.right, scores, config)
    clustering = _cluster(p, c, scores, cannot, _decision_pairs(decisions, p.keys), known_pid,
                          is_new, config)
    person_ids = _person_ids(p, clustering.clusters.labels, known_pid, is_new)
    labels = pd.factorize(person_ids, sort=True)[0].astype(np.int64)
    clustering.clusters = Clusters(labels=labels, refused=clustering.clusters.refused)
    homes = build_households(labels, p.address, p.sn, p.sn2, p.household_ref, p.role,
                             config.institution_min_surnames,
                             _listed_addresses(p.address_strings,
                                               config.institutional_addresses),
                             config.institution_max_residents)
    household_ids = _household_ids(p, labels, homes.labels, published, is_new)

    full = _outputs(p, c, used, scores, clustering, person_ids, [], homes, household_ids, [],
                    config)
    full.review = _new_review(p, c, scores, clustering.cannot[:c.left.size], person_ids,
                              labels, is_new, used, config, full.review)
    full.config_version = version
    return _new_only(full, np.flatnonzero(is_new), before,
                     {"compared": int(c.left.size),
                      "household_context_pairs": int(clustering.context.left.size)},
                     used.as_dict())


def _new_only(full: LinkResult, new_rows: np.ndarray, before: dict[str, set[str]],
              counts: dict[str, int], model: dict[str, Any]) -> LinkResult:
    """The frames of the combined run cut down to the new records, with events and stats."""
    ids = {c: full.assignments[c].iloc[new_rows] for c in KNOWN_ID_COLUMNS}
    new_households = set(ids["household_id"]) - {""}
    hl = full.household_links
    household_links = hl[hl["household_id"].isin(new_households)
                         | hl["other_household_id"].isin(new_households)]
    result = LinkResult(
        assignments=full.assignments.iloc[new_rows].reset_index(drop=True),
        links=full.links.iloc[new_rows].reset_index(drop=True),
        review=full.review, events=_events(ids, before),
        household_links=household_links.reset_index(drop=True),
        config_version=full.config_version)
    return _with_stats(result, counts, model, ids, before)


def _key(frame: pd.DataFrame) -> pd.Series:
    return frame["source"].astype("str") + "\x1f" + frame["source_record_id"].astype("str")


def _combined(new: pd.DataFrame, known: pd.DataFrame | None
              ) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """New rows then known rows (published IDs dropped) as one frame; per known row whether
    ``new`` delivers it again (then it counts as new); and ``known`` (a frame even when None)."""
    known = known if known is not None and len(known) else pd.DataFrame(
        {c: pd.Series(dtype="str") for c in ["source", "source_record_id", *KNOWN_ID_COLUMNS]})
    for name in ["source", "source_record_id", "person_id"]:
        if name not in known.columns:
            raise MappingError("known records lack a column", origin="known", field=name)
    # a row without a published person is not published: it would pose as one shared person
    person = known["person_id"]
    known = known[(person.notna() & (person.astype("str") != "")).to_numpy()]
    new_keys = _key(new)
    again = _key(known).isin(set(new_keys)).to_numpy()
    frame = pd.concat([new.drop(columns=KNOWN_ID_COLUMNS, errors="ignore"),
                       known[~again].drop(columns=KNOWN_ID_COLUMNS, errors="ignore")],
                      ignore_index=True)
    return frame, again, known


def _published(known: pd.DataFrame, keys: pd.Series) -> pd.DataFrame:
    """Published person and household ID per record in canonical order ('' for new records)."""
    out = pd.DataFrame({c: np.full(keys.size, "", dtype=object) for c in KNOWN_ID_COLUMNS})
    if len(known) == 0:
        return out
    by_key = known.assign(_key=_key(known))
    by_key = by_key.drop_duplicates("_key").set_index("_key")
    for column in KNOWN_ID_COLUMNS:
        values = by_key[column] if column in by_key.columns else pd.Series(dtype=object)
        out[column] = keys.map(values.astype(object)).fillna("").astype(object).to_numpy()
    return out


def _fixed_persons(known_pid: np.ndarray, is_new: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Must-link pairs tying each known person's records to its first record (a self pair for
    a one-record person, so the clustering never detaches it as 'ambiguous')."""
    rows = np.flatnonzero(~is_new & (known_pid != ""))
    first = pd.Series(rows).groupby(known_pid[rows]).transform("min").to_numpy()
    return first.astype(np.int64), rows.astype(np.int64)


def _split_bridges(labels: np.ndarray, left: np.ndarray, right: np.ndarray,
                   weight: np.ndarray, known_pid: np.ndarray) -> np.ndarray:
    """Person labels in which no cluster holds two published persons.

    Where new records bridge published persons, the cluster is rebuilt from its links
    (``left``, ``right``, ``weight``: the linked pairs and the published persons' ties),
    strongest first (Kruskal, as :func:`matching.clustering.cluster` rebuilds conflicting
    components), and a link is skipped when it would put two published persons into one: each
    new record ends with the published person it is most strongly tied to. The skipped links
    go to review.
    """
    known = known_pid != ""
    owners = pd.DataFrame({"label": labels[known], "pid": known_pid[known]}).drop_duplicates()
    bridged = owners["label"][owners["label"].duplicated()].unique()
    if bridged.size == 0:
        return labels
    in_bridged = np.isin(labels, bridged)
    rows = np.flatnonzero(in_bridged[left] & (labels[left] == labels[right]))
    order = rows[np.lexsort((right[rows], left[rows], -weight[rows]))]
    parent: dict[int, int] = {}
    owner: dict[int, str] = {}

    def find(x: int) -> int:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for x in np.flatnonzero(in_bridged & known).tolist():
        owner[x] = str(known_pid[x])
    for a, b in zip(left[order].tolist(), right[order].tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra == rb or (ra in owner and rb in owner and owner[ra] != owner[rb]):
            continue
        parent[rb] = ra
        if rb in owner:
            owner[ra] = owner.pop(rb)
    out = labels.astype(np.int64).copy()
    members = np.flatnonzero(in_bridged)
    roots = np.fromiter((find(int(x)) for x in members), dtype=np.int64, count=members.size)
    out[members] = int(labels.max(initial=-1)) + 1 + roots
    dense: np.ndarray = pd.factorize(out, sort=True)[0].astype(np.int64)
    return dense


def _cluster(p: Prepared, c: _Candidates, scores: Scores, cannot: np.ndarray,
             steward: DecisionPairs, known_pid: np.ndarray, is_new: np.ndarray,
             config: LinkConfig) -> _Clustering:
    """The full run's two clusterings (the second with the household-context pairs that touch
    a new record), with the published persons fixed and kept apart."""
    must_l, must_r = _fixed_persons(known_pid, is_new)
    must = (np.r_[steward["must_link"][0], must_l], np.r_[steward["must_link"][1], must_r])
    decided: DecisionPairs = {"must_link": must, "cannot_link": steward["cannot_link"]}

    def run(left: np.ndarray, right: np.ndarray, weight: np.ndarray, never: np.ndarray
            ) -> Clusters:
        clusters = cluster_records(p, left, right, weight, never, decided, config)
        linked = (weight >= config.match_weight) & ~never
        clusters.labels = _split_bridges(
            clusters.labels, np.r_[left[linked], must[0]], np.r_[right[linked], must[1]],
            np.r_[weight[linked], np.full(must[0].size, np.inf)], known_pid)
        return clusters

    clusters = run(c.left, c.right, scores.weight, cannot)
    context = ContextPairs.empty()
    if config.household_context:
        context = context_pairs(p, clusters.labels, config.context_min_shared,
                                config.context_max_dossier, config.context_max_dossiers_per_person)
        keep = is_new[context.left] | is_new[context.right]
        context = ContextPairs(context.left[keep], context.right[keep], context.levels[keep],
                               context.shared[keep])
    return with_context(clusters, c, scores.weight, cannot, context, config, run)


def _majority(ids: pd.Series, groups: np.ndarray) -> pd.Series:
    """Per group, the ID most of its records carry (ties: the smallest), ignoring ''."""
    frame = pd.DataFrame({"group": groups, "id": ids.to_numpy(dtype=object)})
    frame = frame[frame["id"] != ""]
    if frame.empty:
        return pd.Series(dtype=object)
    votes = frame.groupby(["group", "id"]).size().rename("votes").reset_index()
    votes = votes.sort_values(["group", "votes", "id"], ascending=[True, False, True])
    return votes.drop_duplicates("group").set_index("group")["id"]


def _look_up(codes: np.ndarray, table: pd.Series) -> np.ndarray:
    """``table[code]`` per code, '' where the table has none."""
    out: np.ndarray = pd.Series(codes).map(table).to_numpy(dtype=object)
    out[pd.isna(out)] = ""
    return out


def _new_ids(prefix: str, keys: pd.Series, groups: np.ndarray, rows: np.ndarray) -> pd.Series:
    """``make_id(prefix, smallest member key)`` per group of ``rows`` (keys are sorted, so the
    first row of a group holds its smallest key): what a full run gives a new cluster."""
    first = pd.Series(rows).groupby(groups[rows]).min()
    return pd.Series([make_id(prefix, keys.iloc[r]) for r in first.to_numpy()],
                     index=first.index, dtype=object)


def _person_ids(p: Prepared, labels: np.ndarray, known_pid: np.ndarray, is_new: np.ndarray
                ) -> pd.Series:
    """Known records keep their person; a new record takes the known person of its cluster
    (the one with most records should constraints ever have let two in), else a new ID."""
    ids = known_pid.astype(object).copy()
    known_of = _majority(pd.Series(known_pid, dtype=object), labels)
    new_rows = np.flatnonzero(is_new)
    joined = _look_up(labels[new_rows], known_of)
    ids[new_rows] = joined
    alone = new_rows[joined == ""]
    if alone.size:
        ids[alone] = _new_ids("P", p.keys, labels, alone).reindex(labels[alone]).to_numpy()
    return pd.Series(ids, dtype=object).astype("str")


def _household_ids(p: Prepared, labels: np.ndarray, homes: np.ndarray, published: pd.DataFrame,
                   is_new: np.ndarray) -> pd.Series:
    """Known records keep their household; a new record of a known person takes that person's
    household; a new person's records take the published household of their household group,
    else a new ID (reporter rows: none)."""
    ids = published["household_id"].to_numpy(dtype=object).copy()
    known_home = pd.Series(published["household_id"].to_numpy(dtype=object), dtype=object)
    new_rows = np.flatnonzero(is_new)
    of_person = _majority(known_home, labels)
    of_group = _majority(known_home, np.where(homes >= 0, homes, -1))
    person_home = _look_up(labels[new_rows], of_person)
    group_home = _look_up(homes[new_rows], of_group)
    member = homes[new_rows] >= 0
    choice = np.where(person_home != "", person_home, np.where(member, group_home, ""))
    ids[new_rows] = choice
    fresh = new_rows[(choice == "") & member]
    if fresh.size:
        ids[fresh] = _new_ids("H", p.keys, homes, fresh).reindex(homes[fresh]).to_numpy()
    return pd.Series(ids, dtype=object).astype("str")


def _new_review(p: Prepared, c: _Candidates, scores: Scores, cannot: np.ndarray,
                person_ids: pd.Series, labels: np.ndarray, is_new: np.ndarray, model: Model,
                config: LinkConfig, review: pd.DataFrame) -> pd.DataFrame:
    """The full run's review items that name a new record, plus a "would merge two known
    persons" item for each linked pair of a new record with a known person it did not join."""
    keys = set(p.keys.to_numpy(dtype=object)[is_new].tolist())
    left_key = review["left_source"] + "\x1f" + review["left_record_id"]
    right_key = review["right_source"] + "\x1f" + review["right_record_id"]
    mine = left_key.isin(keys) | right_key.isin(keys)
    review = review[mine.to_numpy()]
    rows = np.flatnonzero((scores.weight >= config.match_weight) & ~cannot
                          & (is_new[c.left] | is_new[c.right])
                          & (labels[c.left] != labels[c.right]))
    if rows.size:
        seen = set(zip(left_key[mine], right_key[mine], strict=True))
        pkeys = p.keys.to_numpy(dtype=object)
        rows = rows[[(pkeys[a], pkeys[b]) not in seen
                     for a, b in zip(c.left[rows], c.right[rows], strict=True)]]
    if rows.size == 0:
        return review.reset_index(drop=True)
    ids = person_ids.to_numpy(dtype=object)
    kept, group, rank, priority = review_groups(c.left[rows], c.right[rows],
                                                scores.weight[rows], labels, ids,
                                                config.review_per_group)
    rows = rows[kept]
    bridges = review_frame(p.frame, ids, c.left[rows], c.right[rows], scores.weight[rows],
                           explain(scores, model, rows, config),
                           np.full(rows.size, BRIDGE_REASON, dtype=object), group, rank, priority)
    return pd.concat([review, bridges], ignore_index=True)[REVIEW_COLUMNS]


def _events(ids: dict[str, pd.Series], before: dict[str, set[str]]) -> pd.DataFrame:
    """A "new" event per person or household ID that no published record carries."""
    events = []
    for kind, column in (("person", "person_id"), ("household", "household_id")):
        counts = ids[column].value_counts()
        for new_id in sorted(set(counts.index) - before[column] - {""}):
            events.append({"kind": kind, "event": "new", "id": new_id,
                           "related_ids": json.dumps([]),
                           "reason": f"{int(counts[new_id])} record(s)"})
    return pd.DataFrame(events, columns=EVENT_COLUMNS).astype("str")


def _with_stats(result: LinkResult, counts: dict[str, int], model: dict[str, Any],
                ids: dict[str, pd.Series] | None = None,
                before: dict[str, set[str]] | None = None) -> LinkResult:
    """The increment's statistics (what joined what, what is new) on ``result``."""
    stats: dict[str, Any] = {"records_new": 0, "joined_existing_person": 0, "new_persons": 0,
                             "joined_existing_household": 0, "new_households": 0,
                             "review": int(len(result.review)), "compared": 0,
                             "household_context_pairs": 0, **counts, "model": model}
    if ids is not None and before is not None:
        pid, hid = ids["person_id"], ids["household_id"]
        old_p, old_h = before["person_id"], before["household_id"]
        stats.update({
            "records_new": int(pid.size),
            "joined_existing_person": int(pid.isin(old_p).sum()),
            "new_persons": int(len(set(pid) - old_p)),
            "joined_existing_household": int(hid.isin(old_h).sum()),
            "new_households": int(len(set(hid) - old_h - {""})),
        })
    result.stats = stats
    return result


__all__ = ["BRIDGE_REASON", "link_increment"]
