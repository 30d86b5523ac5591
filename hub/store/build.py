"""Turn staged records and a matching result into the rows of one store version (pure, no database).

Everything a publish writes is computed here first, so it can be tested without a database and so
the same inputs always give the same rows (idempotent publishing). Confidential addresses are split
off into their own table at this point and never reach ``source_records`` or ``persons``.
"""

import hashlib
import json
from typing import Any, Protocol

import numpy as np
import pandas as pd

from foundation.errors import StoreError
from foundation.ids import ids_or_none
from foundation.privacy import SECRET_ADDRESS_FIELDS
from hub.store import households as hh
from hub.store.survivorship import golden_records
from schemas.canonical import PERSON_COLUMNS, REGISTRATION_COLUMNS

SECRET_FIELDS = SECRET_ADDRESS_FIELDS
"""Moved to ``confidential_addresses`` on a confidential row (``foundation.privacy``: the same
fields staging keeps apart)."""

RECORD_KEY = ["source", "source_record_id"]


class LinkResultLike(Protocol):
    """The parts of ``matching.LinkResult`` the store reads (docs/contracts.md)."""

    assignments: pd.DataFrame
    links: pd.DataFrame
    review: pd.DataFrame
    events: pd.DataFrame
    household_links: pd.DataFrame
    stats: dict[str, Any]
    config_version: str


def _json_text(value: Any) -> str | None:
    """JSON text for a value that may already be JSON text, a dict/list, an array or missing."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, float) and np.isnan(value):
        return None
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _with_columns(frame: pd.DataFrame | None, columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame() if frame is None else frame
    missing = {c: None for c in columns if c not in frame.columns}
    return frame.assign(**missing) if missing else frame


def pair_item_id(left_source: str, left_id: str, right_source: str, right_id: str) -> str:
    """Stable id of an unordered record pair (review items and steward decisions share it)."""
    a, b = sorted([(left_source, left_id), (right_source, right_id)])
    return hashlib.sha1(json.dumps([a, b]).encode()).hexdigest()


def _check_unique(frame: pd.DataFrame, key: list[str], what: str) -> None:
    dupes = frame.duplicated(key, keep=False)
    if dupes.any():
        first = frame.loc[dupes].iloc[0]
        raise StoreError(
            f"{int(dupes.sum())} {what} rows share a key; ids must be unique per partner",
            partner=str(first["source"]),
            field="/".join(key),
        )


def source_records(persons: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    """Canonical person rows with their person and household ids (addresses still in place)."""
    rec = _with_columns(persons, list(PERSON_COLUMNS))[list(PERSON_COLUMNS)]
    _check_unique(rec, RECORD_KEY, "person")
    ids = _with_columns(assignments, [*RECORD_KEY, "person_id", "household_id"])
    ids = ids[[*RECORD_KEY, "person_id", "household_id"]].drop_duplicates(RECORD_KEY)
    for column in ("person_id", "household_id"):
        ids[column] = ids_or_none(ids[column])
    out = rec.merge(ids, on=RECORD_KEY, how="left", validate="one_to_one")
    unassigned = out["person_id"].isna()
    if unassigned.any():
        first = out.loc[unassigned].iloc[0]
        raise StoreError(
            f"matching gave no person for {int(unassigned.sum())} staged records",
            partner=str(first["source"]),
            field="person_id",
        )
    out["address_confidential"] = out["address_confidential"].astype("boolean").fillna(True)
    return out.astype({"address_confidential": bool})


def split_confidential(records: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (records with secret address fields emptied, the secret addresses apart)."""
    secret = records["address_confidential"]
    addresses = records.loc[secret, [*RECORD_KEY, *SECRET_FIELDS]].copy()
    has_any = addresses[list(SECRET_FIELDS)].notna().any(axis=1)
    addresses = addresses.loc[has_any]
    cleaned = records.copy()
    for field in SECRET_FIELDS:
        cleaned[field] = cleaned[field].where(~secret, None)
    return cleaned, addresses


def person_links(
    assignments: pd.DataFrame, links: pd.DataFrame, config_version: str
) -> pd.DataFrame:
    """One link per record: its person, weight and explanation, with the configuration version."""
    base = assignments[[*RECORD_KEY, "person_id"]].drop_duplicates(RECORD_KEY)
    scored = _with_columns(links, [*RECORD_KEY, "match_weight", "explanation"])
    scored = scored[[*RECORD_KEY, "match_weight", "explanation"]].drop_duplicates(RECORD_KEY)
    out = base.merge(scored, on=RECORD_KEY, how="left")
    out["explanation"] = out["explanation"].map(_json_text)
    out["match_weight"] = pd.to_numeric(out["match_weight"], errors="coerce").astype("float64")
    out["config_version"] = config_version
    return out


def registration_rows(registrations: pd.DataFrame, records: pd.DataFrame) -> tuple[
    pd.DataFrame, pd.DataFrame
]:
    """Registrations (without the person list) and one row per (case, person record)."""
    reg = _with_columns(registrations, list(REGISTRATION_COLUMNS))[list(REGISTRATION_COLUMNS)]
    _check_unique(reg, ["source", "case_id"], "registration")
    cases = reg.drop(columns=["person_record_ids"])
    people = reg[["source", "case_id", "person_record_ids"]].explode("person_record_ids")
    people = people.rename(columns={"person_record_ids": "source_record_id"})
    people = people.dropna(subset=["source_record_id"]).drop_duplicates()
    people = people.merge(records[[*RECORD_KEY, "person_id"]], on=RECORD_KEY, how="left")
    return cases, people[["source", "case_id", "source_record_id", "person_id"]]


def review_rows(review: pd.DataFrame | None, assignments: pd.DataFrame) -> pd.DataFrame:
    """Review items with a stable pair id and the persons each side belongs to now."""
    cols = ["left_source", "left_record_id", "right_source", "right_record_id",
            "match_weight", "match_probability", "explanation", "reason"]
    rev = _with_columns(review, cols)[cols].copy()
    if rev.empty:
        return rev.assign(item_id=pd.Series(dtype="str"), left_person_id=None, right_person_id=None)
    rev["item_id"] = [
        pair_item_id(*t)
        for t in zip(rev["left_source"], rev["left_record_id"], rev["right_source"],
                     rev["right_record_id"], strict=True)
    ]
    rev = rev.drop_duplicates("item_id")
    ids = assignments[[*RECORD_KEY, "person_id"]]
    for side in ("left", "right"):
        rev = rev.merge(
            ids.rename(columns={"source": f"{side}_source", "source_record_id": f"{side}_record_id",
                                "person_id": f"{side}_person_id"}),
            on=[f"{side}_source", f"{side}_record_id"],
            how="left",
        )
    rev["explanation"] = rev["explanation"].map(_json_text)
    rev["reason"] = rev["reason"].map(_json_text)
    return rev


def event_rows(events: pd.DataFrame | None, links: pd.DataFrame) -> pd.DataFrame:
    """ID events with evidence: for merges and splits, the links (ids and weights, no values)."""
    cols = ["kind", "event", "id", "related_ids", "reason"]
    ev = _with_columns(events, [*cols, "evidence"]).copy()
    ev = ev.rename(columns={"id": "entity_id"})
    ev["related_ids"] = ev["related_ids"].map(_json_text)
    ev["reason"] = ev["reason"].map(_json_text)
    ev["evidence"] = ev["evidence"].map(_json_text)
    changes = ev["event"].isin(["merge", "split"]) & (ev["kind"] == "person")
    changes &= ev["evidence"].isna()
    if changes.any():
        wanted = set(ev.loc[changes, "entity_id"])
        for related in ev.loc[changes, "related_ids"].dropna():
            wanted.update(json.loads(related) if related.startswith("[") else [related])
        rel = links[links["person_id"].isin(wanted)]
        by_person = {
            pid: [{"source": s, "source_record_id": r,
                   "match_weight": None if pd.isna(w) else round(float(w), 4)}
                  for s, r, w in zip(g["source"], g["source_record_id"], g["match_weight"],
                                     strict=True)]
            for pid, g in rel.groupby("person_id")
        }

        def evidence(row: pd.Series) -> str:
            ids = [row["entity_id"]]
            if isinstance(row["related_ids"], str) and row["related_ids"].startswith("["):
                ids += json.loads(row["related_ids"])
            return json.dumps({i: by_person.get(i, []) for i in ids}, sort_keys=True)

        ev.loc[changes, "evidence"] = ev.loc[changes].apply(evidence, axis=1)
    return ev[["kind", "event", "entity_id", "related_ids", "reason", "evidence"]]


def household_link_rows(links: pd.DataFrame | None) -> pd.DataFrame:
    cols = ["household_id", "other_household_id", "relation", "evidence"]
    out = _with_columns(links, cols)[cols].copy()
    out["evidence"] = out["evidence"].map(_json_text)
    return out.drop_duplicates(["household_id", "other_household_id", "relation"])


def build_version(
    persons: pd.DataFrame, registrations: pd.DataFrame, result: LinkResultLike
) -> dict[str, pd.DataFrame]:
    """All rows of one version, keyed by table name (``version_id`` is added when loading).

    The extra key ``id_events`` holds the events to record with the run (history, not versioned).
    """
    records = source_records(persons, result.assignments)
    records, secret = split_confidential(records)
    members = hh.household_members(records)
    links = person_links(result.assignments, result.links, result.config_version)
    cases, case_people = registration_rows(registrations, records)
    return {
        "source_records": records,
        "confidential_addresses": secret,
        "persons": golden_records(records),
        "person_links": links,
        "households": hh.households(records, members),
        "household_members": members,
        "household_links": household_link_rows(result.household_links),
        "registrations": cases,
        "registration_persons": case_people,
        "review_queue": review_rows(result.review, result.assignments),
        "id_events": event_rows(result.events, links),
    }
