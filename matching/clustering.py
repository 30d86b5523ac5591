"""Clustering records into persons without chaining errors.

Plain connected components over links above the threshold chain: A~B and B~C merge A and C even
when A and C are twins. So components are computed first (scipy, fast), and only components that
hold a conflict are rebuilt edge by edge:

* conflicts are pairs that must never be one person: the twin guard fired, the pair scored far
  below the review threshold, a steward said cannot_link, or the two records hold two different
  valid BSNs (checked on the cluster, so a chain cannot smuggle a second BSN in);
* inside a conflicting component, edges are merged strongest first (steward must_links before
  everything) and a merge is refused when it would put a conflict inside one cluster. Refused
  edges above the match threshold are returned so they can go to review;
* a record that fits a conflicting person (a twin) nearly as well as its own is left alone.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from matching.arrays import isin, unique_inverse, unique_sorted


@dataclass
class Clusters:
    """Cluster label per record and the above-threshold edges that constraints refused."""

    labels: np.ndarray
    refused: list[tuple[int, int, str]] = field(default_factory=list)


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(left.size, dtype=np.int8), (left, right)), shape=(n, n))
    labels: np.ndarray
    _, labels = connected_components(graph, directed=False)
    return labels


def cluster(
    n: int,
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    match_weight: float,
    cannot: np.ndarray,
    bsn: np.ndarray,
    bsn_valid: np.ndarray,
    must_pairs: tuple[np.ndarray, np.ndarray] | None = None,
    cannot_pairs: tuple[np.ndarray, np.ndarray] | None = None,
    ambiguity_margin: float = 4.0,
    reference: np.ndarray | None = None,
) -> Clusters:
    """Label records by person.

    Args:
        n: number of records.
        left, right, weight: candidate pairs and their match weights.
        match_weight: threshold for an automatic link.
        cannot: per candidate pair, True when it must never be inside one person.
        bsn, bsn_valid: per record, BSN digits (-1 missing) and elfproef validity.
        must_pairs, cannot_pairs: steward decisions as record index pairs.
        ambiguity_margin: a record whose best link to a conflicting person is within this many
            bits of its best link to its own person is left alone (see :func:`_ambiguous`).
        reference: per record, a code of its partner's family/dossier reference (-1 none); two
            records with one reference are two people, checked on the cluster like BSNs (a
            chain through other records must not join them either).
    """
    must_l, must_r = must_pairs if must_pairs is not None else (np.zeros(0, int), np.zeros(0, int))
    cant_l, cant_r = (cannot_pairs if cannot_pairs is not None
                      else (np.zeros(0, int), np.zeros(0, int)))
    linked = (weight >= match_weight) & ~cannot
    edge_l = np.concatenate([left[linked], must_l]).astype(np.int64)
    edge_r = np.concatenate([right[linked], must_r]).astype(np.int64)
    edge_w = np.concatenate([weight[linked], np.full(must_l.size, np.inf)])
    labels = _components(n, edge_l, edge_r)

    conflict_l = np.concatenate([left[cannot], cant_l]).astype(np.int64)
    conflict_r = np.concatenate([right[cannot], cant_r]).astype(np.int64)
    bad = np.zeros(labels.max(initial=-1) + 1, dtype=bool)
    bad[labels[conflict_l][labels[conflict_l] == labels[conflict_r]]] = True
    valid = np.flatnonzero(bsn_valid & (bsn >= 0))
    if valid.size:
        base = int(bsn[valid].max()) + 1
        pairs = unique_sorted(labels[valid].astype(np.int64) * base + bsn[valid])
        comps = pairs // base
        repeated = np.r_[comps[1:] == comps[:-1], False] | np.r_[False, comps[1:] == comps[:-1]]
        bad[comps[repeated]] = True
    if reference is None:
        reference = np.full(n, -1, dtype=np.int64)
    referenced = np.flatnonzero(reference >= 0)
    if referenced.size:
        base = int(reference[referenced].max()) + 1
        codes = np.sort(labels[referenced].astype(np.int64) * base + reference[referenced])
        bad[codes[:-1][codes[1:] == codes[:-1]] // base] = True
    if not bad.any():
        return Clusters(labels=labels)

    refused: list[tuple[int, int, str]] = []
    in_bad = bad[labels[edge_l]]
    order = np.lexsort((edge_r[in_bad], edge_l[in_bad], -edge_w[in_bad]))
    bad_l, bad_r, bad_w = edge_l[in_bad][order], edge_r[in_bad][order], edge_w[in_bad][order]
    steward_cannot = {(int(a), int(b)) for a, b in zip(cant_l, cant_r, strict=True)}
    steward_cannot |= {(b, a) for a, b in steward_cannot}
    # only conflicts inside a component that is rebuilt matter (most are between components)
    inside = (labels[conflict_l] == labels[conflict_r]) & bad[labels[conflict_l]]
    partners: dict[int, set[int]] = {}
    for a, b in zip(conflict_l[inside].tolist(), conflict_r[inside].tolist(), strict=True):
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)

    parent: dict[int, int] = {}
    members: dict[int, set[int]] = {}
    bsns: dict[int, set[int]] = {}
    refs: dict[int, set[int]] = {}

    def find(x: int) -> int:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    def state(x: int) -> tuple[set[int], set[int]]:
        if x not in members:
            members[x] = {x}
            bsns[x] = {int(bsn[x])} if bsn_valid[x] and bsn[x] >= 0 else set()
            refs[x] = {int(reference[x])} if reference[x] >= 0 else set()
        return members[x], bsns[x]

    for a, b, w in zip(bad_l.tolist(), bad_r.tolist(), bad_w.tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        ma, ba = state(ra)
        mb, bb = state(rb)
        small, large = (ma, mb) if len(ma) <= len(mb) else (mb, ma)
        steward = w == np.inf
        reason = ""
        if any(partners.get(x, set()) & large for x in small):
            blocked_by_steward = any((x, y) in steward_cannot for x in small for y in large
                                     if y in partners.get(x, set()))
            if blocked_by_steward or not steward:
                reason = "cannot_link" if blocked_by_steward else "conflict_with_cluster_member"
        elif ba and bb and ba != bb and not steward:
            reason = "distinct_valid_bsns"
        elif refs[ra] & refs[rb] and not steward:
            reason = "conflict_with_cluster_member"
        if reason:
            refused.append((a, b, reason))
            continue
        if len(ma) < len(mb):
            ra, rb, ma, mb, ba, bb = rb, ra, mb, ma, bb, ba
        parent[rb] = ra
        ma |= mb
        ba |= bb
        refs[ra] |= refs[rb]
        del members[rb], bsns[rb], refs[rb]

    new_labels = labels.astype(np.int64).copy()
    offset = int(labels.max(initial=-1)) + 1
    touched = np.flatnonzero(bad[labels])
    roots = np.fromiter((find(int(x)) for x in touched), dtype=np.int64, count=touched.size)
    new_labels[touched] = offset + roots
    steward_ends = unique_sorted(np.r_[must_l, must_r].astype(np.int64))
    ambiguous = _ambiguous(new_labels, bad_l, bad_r, bad_w, steward_ends, ambiguity_margin)
    if ambiguous.size:
        new_labels[ambiguous] = new_labels.max() + 1 + np.arange(ambiguous.size)
        hit = isin(bad_l, ambiguous) | isin(bad_r, ambiguous)
        refused.extend((int(a), int(b), "ambiguous_between_persons")
                       for a, b in zip(bad_l[hit], bad_r[hit], strict=True))
    dense = unique_inverse(new_labels)[2]
    return Clusters(labels=dense, refused=refused)


def _ambiguous(labels: np.ndarray, left: np.ndarray, right: np.ndarray, weight: np.ndarray,
               protected: np.ndarray, margin: float) -> np.ndarray:
    """Records that match another, conflicting person nearly as well as their own.

    A record without birth date or BSN can fit either of two twins equally; putting it with one
    of them would merge twins' information. Such a record is left on its own and goes to review.
    """
    import pandas as pd

    if left.size == 0:
        return np.zeros(0, dtype=np.int64)
    edges = pd.DataFrame({"x": np.r_[left, right], "y": np.r_[right, left],
                          "w": np.r_[weight, weight]})
    edges = edges[np.isfinite(edges["w"])]
    edges["own"] = labels[edges["x"].to_numpy()] == labels[edges["y"].to_numpy()]
    edges["cluster"] = labels[edges["y"].to_numpy()]
    best = edges.groupby(["x", "own"])["w"].max().unstack()
    if True not in best.columns or False not in best.columns:
        return np.zeros(0, dtype=np.int64)
    close = best[False] >= best[True] - margin
    out = best.index[close.fillna(False).to_numpy()].to_numpy(dtype=np.int64)
    return np.setdiff1d(out, protected)
