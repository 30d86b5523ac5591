"""Stable, deterministic person and household IDs, and the merge/split events between runs.

A new cluster's ID is derived from its smallest member key (source + source_record_id), so the same
input always gives the same IDs. Given the previous assignment, a cluster keeps the previous ID that
most of its records carried; when a previous ID is split over several clusters, the cluster with the
most of its records keeps it (ties: the smallest member key) and the others get fresh IDs (a
``split`` event); when a cluster gathers records of several previous IDs, it keeps one and the
others are retired (a ``merge`` event). Records that were never seen before do not move an ID.
"""

import base64
import hashlib

import numpy as np
import pandas as pd

EVENT_COLUMNS = ["kind", "event", "id", "related_ids", "reason"]


def make_id(prefix: str, key: str) -> str:
    """'P-' or 'H-' followed by 10 base32 characters of a SHA-256 of ``key``."""
    digest = hashlib.sha256(key.encode()).digest()
    return f"{prefix}-" + base64.b32encode(digest).decode()[:10]


_ALPHABET = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", dtype=np.uint8)


def make_ids(prefix: str, keys: list[str]) -> np.ndarray:
    """:func:`make_id` for many keys at once (base32 done in numpy: b32encode is slow)."""
    if not keys:
        return np.array([], dtype=object)
    head = b"".join([hashlib.sha256(k.encode()).digest()[:8] for k in keys])
    value = np.frombuffer(head, dtype=">u8").astype(np.uint64)
    shifts = np.arange(59, 9, -5, dtype=np.uint64)
    chars = _ALPHABET[((value[:, None] >> shifts) & np.uint64(31)).astype(np.int64)]
    text = chars.view(f"S{len(shifts)}").ravel().astype(str)
    return np.char.add(f"{prefix}-", text).astype(object)


def assign_ids(
    labels: np.ndarray,
    member_keys: np.ndarray,
    previous_ids: np.ndarray,
    prefix: str,
    kind: str,
) -> tuple[np.ndarray, list[dict]]:
    """IDs per record for cluster ``labels`` (-1 = no cluster, gets '').

    Args:
        labels: cluster label per record (-1 for records outside any cluster, e.g. reporters'
            households).
        member_keys: a unique, sortable key per record ('source\\x1fsource_record_id').
        previous_ids: previous ID per record ('' when the record is new).
        prefix: 'P' or 'H'.
        kind: 'person' or 'household' (for events).
    """
    frame = pd.DataFrame({"label": labels, "key": member_keys, "prev": previous_ids})
    frame = frame[frame["label"] >= 0]
    first_key = frame.groupby("label")["key"].min()
    size = frame.groupby("label").size()
    ids = pd.Series("", index=first_key.index, dtype="str")
    events: list[dict] = []
    taken: set[str] = set()

    old = frame[frame["prev"] != ""]
    if not old.empty:
        votes = old.groupby(["prev", "label"]).size().rename("votes").reset_index()
        votes["first_key"] = votes["label"].map(first_key)
        votes = votes.sort_values(["prev", "votes", "first_key"], ascending=[True, False, True])
        # each previous ID goes to the cluster holding most of its records
        owner = votes.drop_duplicates("prev")
        # a cluster claimed by several previous IDs keeps the one with most votes
        owner = owner.sort_values(["label", "votes", "prev"], ascending=[True, False, True])
        keep = owner.drop_duplicates("label")
        ids.loc[keep["label"].to_numpy()] = keep["prev"].to_numpy()
        taken = set(keep["prev"])
        for label, group in owner.groupby("label", sort=True):
            retired = sorted(set(group["prev"]) - taken)
            if retired:
                events.append({"kind": kind, "event": "merge", "id": ids[label],
                               "related_ids": retired, "reason": "records of several "
                               f"previous {kind}s now form one"})
        split_from = votes.groupby("prev")["label"].nunique()
        for prev_id in sorted(split_from[split_from > 1].index):
            others = votes.loc[(votes["prev"] == prev_id), "label"]
            events.append({"kind": kind, "event": "split", "id": prev_id,
                           "related_ids": sorted(int(x) for x in others), "reason":
                           f"records of one previous {kind} now form several"})

    fresh = ids[ids == ""].index.to_numpy()
    candidates = make_ids(prefix, list(first_key.reindex(fresh).to_numpy(dtype=object)))
    clash = np.flatnonzero(pd.Series(candidates).duplicated().to_numpy()
                           | np.isin(candidates, list(taken)))
    for i in clash:
        salt = 0
        while candidates[i] in taken or (candidates == candidates[i]).sum() > 1:
            salt += 1
            candidates[i] = make_id(prefix, f"{first_key[fresh[i]]}#{salt}")
    taken.update(candidates.tolist())
    if fresh.size:
        ids.loc[fresh] = candidates
        if not old.empty:
            sizes = size.reindex(fresh).to_numpy()
            for new_id, count in zip(candidates.tolist(), sizes.tolist(), strict=True):
                events.append({"kind": kind, "event": "new", "id": new_id,
                               "related_ids": [], "reason": f"{int(count)} record(s)"})
    # split events name the IDs of the clusters, not internal labels
    for event in events:
        if event["event"] == "split":
            event["related_ids"] = sorted({ids[label] for label in event["related_ids"]}
                                          - {event["id"]})
    out = np.full(labels.shape[0], "", dtype=object)
    present = labels >= 0
    out[present] = ids.reindex(labels[present]).to_numpy(dtype=object)
    return out, events
