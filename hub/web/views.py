"""What each page and API call does, once: read, mask, check rights, write the audit entry.

The HTML routes and the JSON API both call these functions, so a rule (a role check, a mask, an
audit entry) cannot be present in one and forgotten in the other.
"""

from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa

from foundation.decisions import DECISIONS
from foundation.errors import HubError, StoreError
from foundation.privacy import mask_bsn
from hub.access import audit
from hub.access.roles import Permission, User
from hub.store import query
from hub.store.decisions import decide_review_item
from hub.web.masking import (
    address_text,
    mask_person,
    mask_quarantine_row,
    mask_source_record,
)
from hub.web.search.index import Query, Result
from hub.web.search.service import SearchService

MIN_REASON = 10


class NotFound(HubError):
    """The person, household or review item is not in the published version."""


class Denied(HubError):
    """The user's role or partner does not allow this; the attempt is audited."""


class BadRequest(HubError):
    """The request is incomplete (e.g. a reveal without a reason)."""


@dataclass(frozen=True)
class Reveal:
    """One value to reveal: ``bsn`` or ``address`` of one source record, with a reason."""

    field: str
    source: str
    record_id: str
    reason: str


def _version(conn: sa.Connection) -> int:
    version = query.current_version(conn)
    if version is None:
        raise NotFound("nothing has been published yet; run the pipeline first")
    return version


def search(engine: sa.Engine, service: SearchService, user: User, query: Query) -> Result:
    """Run a search and audit it: the criteria used, the number of hits, never a clear BSN."""
    result = service.search(query)
    detail: dict[str, Any] = {"criteria": query.criteria(), "hits": result.total,
                              "version": service.version}
    if query.name:
        detail["name"] = query.name
    if query.birth_date:
        detail["birth_date"] = query.birth_date
    if query.postcode:
        detail["postcode"] = query.postcode
    if query.bsn:
        detail["searched_by_bsn"] = True
        detail["bsn"] = mask_bsn(query.bsn)
    detail["shown"] = [h.person_id for h in result.hits]
    audit.record(engine, "search", user=user, target_kind="search", detail=detail)
    return result


def household(engine: sa.Engine, user: User, household_id: str) -> dict[str, Any]:
    with engine.connect() as conn:
        data = query.household(conn, _version(conn), household_id)
    if data is None:
        raise NotFound("no such household in the published version", field="household_id")
    for member in data["members"]:
        masked = mask_person(member, user)
        masked["registrations"] = member["registrations"]
        member.clear()
        member.update(masked)
    audit.record(engine, "view", user=user, target_kind="household", target_id=household_id,
                 detail={"members": [m["person_id"] for m in data["members"]]})
    return data


def person(engine: sa.Engine, user: User, person_id: str,
           reveal: Reveal | None = None) -> dict[str, Any]:
    """A person with source records and link explanations; optionally one value revealed."""
    with engine.connect() as conn:
        version = _version(conn)
        data = query.person(conn, version, person_id)
        if data is None:
            raise NotFound("no such person in the published version", field="person_id")
        revealed = _reveal(conn, version, user, person_id, data, reveal) if reveal else None
    secret = bool(data["person"].get("has_confidential_address"))
    data["person"] = mask_person(data["person"], user)
    data["records"] = [mask_source_record(r, user, secret) for r in data["records"]]
    data["revealed"] = revealed
    if reveal is None:
        audit.record(engine, "view", user=user, target_kind="person", target_id=person_id,
                     detail={"records": [f"{r['source']}:{r['source_record_id']}"
                                         for r in data["records"]]})
    return data


def _reveal(conn: sa.Connection, version: int, user: User, person_id: str,
            data: dict[str, Any], reveal: Reveal) -> dict[str, Any]:
    engine = conn.engine
    target = {"field": reveal.field, "record": f"{reveal.source}:{reveal.record_id}"}
    record = next((r for r in data["records"] if r["source"] == reveal.source
                   and r["source_record_id"] == reveal.record_id), None)
    if record is None:
        raise NotFound("that source record does not belong to this person", field="record_id")
    if len(reveal.reason.strip()) < MIN_REASON:
        raise BadRequest(f"state why you need this (at least {MIN_REASON} characters)",
                         field="reason")
    if reveal.field == "bsn":
        allowed = user.can(Permission.REVEAL_BSN)
    elif reveal.field == "address":
        allowed = bool(record["address_confidential"]) and user.may_reveal_address_of(
            reveal.source)
    else:
        raise BadRequest("only a BSN or an address can be revealed", field="field")
    if not allowed:
        audit.record(engine, "reveal_denied", user=user, target_kind="person",
                     target_id=person_id, detail=target, reason=reveal.reason.strip())
        raise Denied("you may not reveal this value", partner=reveal.source, field=reveal.field)
    if reveal.field == "bsn":
        value = record.get("bsn")
    else:
        secret = query.confidential_address(conn, version, reveal.source, reveal.record_id)
        value = address_text(secret) if secret else None
    audit.record(engine, "reveal", user=user, target_kind="person", target_id=person_id,
                 detail=target, reason=reveal.reason.strip())
    return {**target, "source": reveal.source, "record_id": reveal.record_id, "value": value}


def review_queue(engine: sa.Engine, user: User) -> dict[str, Any]:
    with engine.connect() as conn:
        version = _version(conn)
        items = query.review_items(conn, version)
        history = query.decisions(conn, limit=50)
    audit.record(engine, "view", user=user, target_kind="review_queue",
                 detail={"open_items": len(items)})
    return {"items": items, "history": history}


def review_item(engine: sa.Engine, user: User, item_id: str) -> dict[str, Any]:
    with engine.connect() as conn:
        item = query.review_item(conn, _version(conn), item_id)
    if item is None:
        raise NotFound("no such review item in the published version", field="item_id")
    for side in ("left", "right"):
        secret = bool(item.pop(f"{side}_person_secret", True))
        item[side] = mask_source_record(item[side], user, secret) if item[side] else None
    audit.record(engine, "view", user=user, target_kind="review", target_id=item_id,
                 detail={"pair": [f"{item['left_source']}:{item['left_record_id']}",
                                  f"{item['right_source']}:{item['right_record_id']}"]})
    return item


def decide(engine: sa.Engine, user: User, item_id: str, decision: str,
           reason: str) -> dict[str, Any]:
    """Record a steward decision on a pair that is in the current review queue, and audit it.

    The pair comes from the queue, never from the request: a forged request can at most decide
    an item that exists, and only a steward's session with its CSRF token gets here.
    """
    if decision not in DECISIONS:
        raise BadRequest("decision must be must_link or cannot_link", field="decision")
    if len(reason.strip()) < MIN_REASON:
        raise BadRequest(f"state a reason (at least {MIN_REASON} characters)", field="reason")
    with engine.connect() as conn:
        item = query.review_item(conn, _version(conn), item_id)
    if item is None:
        raise NotFound("no such review item in the published version", field="item_id")
    try:
        decision_id = decide_review_item(engine, item_id, decision, user.username,
                                         reason.strip()).decision_id
    except StoreError as exc:  # the queue moved to a new version in between
        raise NotFound(exc.message, field="item_id") from None
    audit.record(engine, "decision", user=user, target_kind="review", target_id=item_id,
                 detail={"decision": decision, "decision_id": decision_id,
                         "pair": [f"{item['left_source']}:{item['left_record_id']}",
                                  f"{item['right_source']}:{item['right_record_id']}"]},
                 reason=reason.strip())
    return {"decision_id": decision_id, "item_id": item_id, "decision": decision}


def quarantine(engine: sa.Engine, user: User, partner: str | None) -> dict[str, Any]:
    with engine.connect() as conn:
        rows = [mask_quarantine_row(r) for r in query.quarantine(conn, partner)]
        counts = query.quarantine_counts(conn)
    audit.record(engine, "view", user=user, target_kind="quarantine", target_id=partner,
                 detail={"rows": len(rows)})
    return {"rows": rows, "counts": counts, "partner": partner}


def hit_dicts(result: Result) -> list[dict[str, Any]]:
    return [asdict(h) for h in result.hits]
