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
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

EVENT_COLUMNS = ["kind", "event", "id", "related_ids", "reason"]


def make_id(prefix: str, key: str) -> str:
    """'P-' or 'H-' followed by 10 base32 characters of a SHA-256 of ``key``."""
    digest = hashlib.sha256(key.encode()).digest()
    return f"{prefix}-" + base64.b32encode(digest).decode()[:10]


_ALPHABET = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", dtype=np.uint8)


def _id_bits(keys: list[str]) -> np.ndarray:
    """The leading 50 bits of each key's SHA-256 (what the 10 base32 characters encode)."""
    sha256 = hashlib.sha256
    head = b"".join([sha256(k.encode()).digest()[:8] for k in keys])
    return np.frombuffer(head, dtype=">u8").astype(np.uint64) >> np.uint64(14)


def _encoded_bytes(prefix: str, bits: np.ndarray) -> np.ndarray:
    """50-bit values as rows of ``prefix-`` plus 10 base32 characters (uint8, base32 in numpy)."""
    shifts = np.arange(45, -1, -5, dtype=np.uint64)
    head = np.frombuffer(f"{prefix}-".encode(), dtype=np.uint8)
    out = np.empty((bits.size, head.size + shifts.size), dtype=np.uint8)
    out[:, :head.size] = head
    out[:, head.size:] = _ALPHABET[((bits[:, None] >> shifts) & np.uint64(31)).astype(np.int64)]
    return out


def _encode(prefix: str, bits: np.ndarray) -> np.ndarray:
    """The IDs of 50-bit values as an object array of str."""
    text = _encoded_bytes(prefix, bits)
    return text.view(f"S{text.shape[1]}").ravel().astype(str).astype(object)


def _encode_arrow(prefix: str, bits: np.ndarray) -> pa.Array:
    """The IDs of 50-bit values as a pyarrow string array, built on the bytes (no objects)."""
    text = _encoded_bytes(prefix, bits)
    width = text.shape[1]
    offsets = np.arange(0, (bits.size + 1) * width, width, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), bits.size,
                                 [None, pa.py_buffer(offsets), pa.py_buffer(text.tobytes())])


def make_ids(prefix: str, keys: list[str]) -> np.ndarray:
    """:func:`make_id` for many keys at once (b32encode per key is slow)."""
    if not keys:
        return np.array([], dtype=object)
    return _encode(prefix, _id_bits(keys))


def _later_copies(bits: np.ndarray) -> np.ndarray:
    """``pd.Series.duplicated()`` (every copy after the first) on integers, not on strings."""
    out = np.zeros(bits.size, dtype=bool)
    if bits.size < 2:
        return out
    order = np.argsort(bits, kind="stable")
    ordered = bits[order]
    out[order[1:][ordered[1:] == ordered[:-1]]] = True
    return out


def _first_rows(labels: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per label (0..max): the lowest key rank among its records (len(labels) when none) and
    its record count."""
    present = labels >= 0
    count = int(labels.max(initial=-1)) + 1
    first = np.full(count, labels.shape[0], dtype=np.int64)
    np.minimum.at(first, labels[present], rank[present])
    return first, np.bincount(labels[present], minlength=count)


def assign_ids(
    labels: np.ndarray,
    member_keys: np.ndarray | pd.Series,
    previous_ids: np.ndarray | None,
    prefix: str,
    kind: str,
    keys_sorted: bool = False,
) -> tuple[pd.Series, list[dict[str, Any]]]:
    """IDs per record (a string Series) for cluster ``labels`` (-1 = no cluster, gets '').

    Args:
        labels: cluster label per record (-1 for records outside any cluster, e.g. reporters'
            households).
        member_keys: a unique, sortable key per record ('source\\x1fsource_record_id').
        previous_ids: previous ID per record ('' when the record is new); None when there is no
            previous assignment.
        prefix: 'P' or 'H'.
        kind: 'person' or 'household' (for events).
        keys_sorted: the records are in key order already (the engine's canonical order), so
            a record's position is its key's rank and no strings are compared.
    """
    keys = pd.Series(member_keys, copy=False).reset_index(drop=True)
    n = labels.shape[0]
    if keys_sorted:
        rank, row_of_rank = np.arange(n), np.arange(n)
    else:
        row_of_rank = np.argsort(keys.to_numpy(dtype=object), kind="stable")
        rank = np.empty(n, dtype=np.int64)
        rank[row_of_rank] = np.arange(n)
    first_rank, size = _first_rows(labels, rank)
    live = np.flatnonzero(size > 0)
    ids = np.full(first_rank.size, "", dtype=object)
    events: list[dict[str, Any]] = []
    taken: set[str] = set()

    prev = None if previous_ids is None else np.asarray(previous_ids, dtype=object)
    has_prev = (np.zeros(n, bool) if prev is None
                else (labels >= 0) & (prev != "") & pd.notna(prev))
    if prev is not None and has_prev.any():
        old = pd.DataFrame({"label": labels[has_prev], "prev": prev[has_prev]})
        votes = old.groupby(["prev", "label"]).size().rename("votes").reset_index()
        votes["first_key"] = first_rank[votes["label"].to_numpy()]
        votes = votes.sort_values(["prev", "votes", "first_key"], ascending=[True, False, True])
        # each previous ID goes to the cluster holding most of its records
        owner = votes.drop_duplicates("prev")
        # a cluster claimed by several previous IDs keeps the one with most votes
        owner = owner.sort_values(["label", "votes", "prev"], ascending=[True, False, True])
        keep = owner.drop_duplicates("label")
        ids[keep["label"].to_numpy()] = keep["prev"].to_numpy(dtype=object)
        taken = set(keep["prev"])
        # only clusters claimed by several previous IDs can retire one: a Python loop over
        # every cluster took 40 s of a nightly re-link at a million records
        claimed = owner[owner["label"].duplicated(keep=False)]
        for label, group in claimed.groupby("label", sort=True):
            retired = sorted(set(group["prev"]) - taken)
            if retired:
                events.append({"kind": kind, "event": "merge", "id": ids[label],
                               "related_ids": retired, "reason": "records of several "
                               f"previous {kind}s now form one"})
        split_from = votes.groupby("prev")["label"].nunique()
        split_ids = split_from[split_from > 1].index
        labels_of = votes[votes["prev"].isin(split_ids)].groupby("prev")["label"].apply(list)
        for prev_id in sorted(split_ids):
            events.append({"kind": kind, "event": "split", "id": prev_id,
                           "related_ids": sorted(int(x) for x in labels_of[prev_id]), "reason":
                           f"records of one previous {kind} now form several"})

    fresh = live[ids[live] == ""]
    fresh_keys = keys.iloc[row_of_rank[first_rank[fresh]]].tolist()
    bits = _id_bits(fresh_keys) if fresh_keys else np.zeros(0, np.uint64)
    clash = _later_copies(bits)
    if not has_prev.any() and not clash.any():
        # every cluster is new and no ID repeats: the IDs go to the records in pyarrow only
        slot = np.full(ids.size + 1, fresh.size, dtype=np.int64)
        slot[fresh] = np.arange(fresh.size)
        table = pa.concat_arrays([_encode_arrow(prefix, bits), pa.array([""], pa.string())])
        which = slot[np.where(labels >= 0, labels, ids.size)]
        return pd.Series(table.take(pa.array(which)), dtype="str"), events
    candidates = _encode(prefix, bits)
    if taken:
        clash |= np.isin(candidates, list(taken))
    clash = np.flatnonzero(clash)
    for i in clash:
        salt = 0
        while candidates[i] in taken or (candidates == candidates[i]).sum() > 1:
            salt += 1
            candidates[i] = make_id(prefix, f"{fresh_keys[i]}#{salt}")
    if fresh.size:
        ids[fresh] = candidates
        if has_prev.any():
            taken.update(candidates.tolist())
            for new_id, count in zip(candidates.tolist(), size[fresh].tolist(), strict=True):
                events.append({"kind": kind, "event": "new", "id": new_id,
                               "related_ids": [], "reason": f"{int(count)} record(s)"})
    # split events name the IDs of the clusters, not internal labels
    for event in events:
        if event["event"] == "split":
            event["related_ids"] = sorted({ids[label] for label in event["related_ids"]}
                                          - {event["id"]})
    # one string per cluster, spread to the records by pyarrow (no million Python strings)
    which = np.where(labels >= 0, labels, ids.size)
    per_record = pa.array(np.append(ids, ""), pa.string()).take(pa.array(which))
    return pd.Series(per_record, dtype="str"), events
