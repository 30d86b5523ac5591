"""What each page and API call does, once: read, mask, check rights, write the audit entry.

The HTML routes and the JSON API both call these functions, so a rule (a role check, a mask, an
audit entry) cannot be present in one and forgotten in the other.
"""

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from foundation.decisions import DECISIONS
from foundation.errors import HubError, StoreError
from foundation.privacy import mask_bsn
from hub.access import audit
from hub.access.roles import Permission, Role, User
from hub.access.users import list_accounts
from hub.rights.contacts import open_disputes
from hub.store import query
from hub.store.assignments import assign, assignments
from hub.store.decisions import decide_review_item, record_decision, revoke_decision
from hub.web import labels
from hub.web import overview as charts
from hub.web.guide_view import household_guides
from hub.web.i18n import N_
from hub.web.journey import journey
from hub.web.labels import ACTIVE_STATUSES, MEASURES
from hub.web.masking import (
    address_text,
    display_name,
    mask_person,
    mask_quarantine_row,
    mask_source_record,
)
from hub.web.review import age_days, aligned, candidate_groups, waterfall
from hub.web.search.index import Query, Result
from hub.web.search.service import SearchService

MIN_REASON = 10
"""Shortest reason for a reveal or decision (the messages below say 10 in words)."""
STALE_DAYS = 7
"""A partner whose last delivery with content is older than this is marked as not current."""
REVEAL_CATEGORIES = {
    "investigation": N_("ongoing investigation"),
    "safety": N_("safety risk"),
    "subject_request": N_("request of the person concerned"),
    "other": N_("other"),
}
"""Why a BSN or secret address may be revealed: code -> English msgid (Dutch on the page:
lopend onderzoek, veiligheidsrisico, verzoek van betrokkene, overig)."""
MIN_REVEAL_TEXT = 15
MIN_REVEAL_WORDS = 3


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
    category: str = ""


def reveal_reason_problem(category: str, text: str) -> str | None:
    """Why a reveal's stated reason is not enough, or None: a category from the fixed list and
    free text that says something (ten junk characters were accepted once)."""
    if category not in REVEAL_CATEGORIES:
        return N_("choose why you need this (one of the listed reasons)")
    words = [w for w in text.split() if sum(c.isalpha() for c in w) >= 2]
    letters = {c.lower() for c in text if c.isalpha()}
    if len(text.strip()) < MIN_REVEAL_TEXT or len(words) < MIN_REVEAL_WORDS or len(letters) < 6:
        return N_("explain in your own words why you need this (at least 15 characters and 3 "
                  "words)")
    return None


def _version(conn: sa.Connection) -> int:
    version = query.current_version(conn)
    if version is None:
        raise NotFound(N_("nothing has been published yet; run the pipeline first"))
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
    if query.postcode:  # the area only: a full postcode may be a shelter's
        detail["postcode"] = query.postcode[:4]
    if query.bsn:
        detail["searched_by_bsn"] = True
        detail["bsn"] = mask_bsn(query.bsn)
    detail["shown"] = [h.person_id for h in result.hits]
    audit.record(engine, "search", user=user, target_kind="search", detail=detail)
    return result


def household(engine: sa.Engine, user: User, household_id: str,
              now: datetime | None = None) -> dict[str, Any]:
    """The household page: title, cases (active first, one row per case with its members),
    the journey, names per partner, and the age of each involved partner's data."""
    with engine.connect() as conn:
        data = query.household(conn, _version(conn), household_id)
    if data is None:
        raise NotFound(N_("no such household in the published version"), field="household_id")
    cases: dict[tuple[str, str], dict[str, Any]] = {}
    for member in data["members"]:
        masked = mask_person(member, user)
        masked["registrations"] = member["registrations"]
        masked["role"], masked["roles"] = member["role"], member["roles"]
        masked["name_from"] = member.get("name_from")
        for reg in member["registrations"]:
            case = cases.setdefault((reg["source"], reg["case_id"]), {**reg, "members": []})
            case["members"].append({"person_id": member["person_id"], "name": masked["name"]})
        member.clear()
        member.update(masked)
    disputed = open_disputes(engine, [m["person_id"] for m in data["members"]])
    for member in data["members"]:
        member["disputes"] = disputed.get(member["person_id"], [])
    ordered = sorted(cases.values(), key=lambda c: str(c.get("start_date") or ""), reverse=True)
    active = [c for c in ordered if c.get("status") in ACTIVE_STATUSES and not c.get("end_date")]
    closed = [c for c in ordered if c not in active]
    _add_names(data["members"], data.pop("record_names"))
    involved = set(filter(None, str(data["household"].get("sources") or "").split(",")))
    involved |= {c["source"] for c in ordered}
    data.update({
        "title": _household_title(data["members"]),
        "active_cases": active, "closed_cases": closed,
        "journey": journey(ordered), "measures": MEASURES,
        "freshness": _freshness(data["freshness"], involved, now or datetime.now(UTC)),
    })
    audit.record(engine, "view", user=user, target_kind="household", target_id=household_id,
                 detail={"members": [m["person_id"] for m in data["members"]]})
    data.update(household_guides(engine, household_id))
    return data


def _household_title(members: list[dict[str, Any]]) -> dict[str, Any]:
    """Family names (in order of age, each once) and the place most members live in; no place
    when it would come from a confidential address."""
    surnames: list[str] = []
    for m in members:
        prefix = m.get("surname_prefix") or ""
        prefix = prefix[:1].upper() + prefix[1:]  # "Van der Berg" without a first name before it
        name = " ".join(p for p in (prefix, m.get("surname")) if p)
        if name and name not in surnames:
            surnames.append(name)
    cities = Counter(m.get("city") for m in members
                     if m.get("city") and not m.get("has_confidential_address"))
    return {"surnames": surnames, "place": cities.most_common(1)[0][0] if cities else None}


def _add_names(members: list[dict[str, Any]], records: list[dict[str, Any]]) -> None:
    """Per member: the spellings partners use that differ from the golden name ("also known
    as"), and which partner's record gave the golden name."""
    ranks = labels.name_ranks()
    by_person: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        by_person.setdefault(r["person_id"], []).append(r)
    for m in members:
        spellings: dict[str, list[str]] = {}
        for r in by_person.get(m["person_id"], []):
            name = display_name(r)
            if name != m["name"]:
                spellings.setdefault(name, []).append(r["source"])
        m["also_known_as"] = [{"name": k, "sources": v} for k, v in spellings.items()]
        source = str(m.get("name_from") or "").split(":")[0] or None
        m["name_source"] = source
        m["name_rule"] = name_rule(source, ranks)


def name_rule(source: str | None, ranks: dict[str, int] | None = None) -> str | None:
    """Why the golden name comes from ``source``, in words: the survivorship rule for names
    ranks partners by their ``trust: name`` in partners.yaml (:mod:`hub.store.survivorship`)."""
    if source is None:
        return None
    if ranks is None:
        ranks = labels.name_ranks()
    rank = ranks.get(source)
    if rank is None:
        return N_("the only or highest-ranked partner that knows this person")
    if rank == min(ranks.values()):
        return N_("this partner ranks first for names; among such partners the most recent "
                  "record gives the name")
    return N_("no partner that ranks higher for names knows this person")


def _freshness(rows: list[dict[str, Any]], involved: set[str],
               now: datetime) -> list[dict[str, Any]]:
    """The involved partners' freshness with the age in days of their last delivery."""
    out = []
    for row in rows:
        if row["source"] not in involved:
            continue
        delivered = row.get("last_delivery_at")
        if delivered is not None and delivered.tzinfo is None:
            delivered = delivered.replace(tzinfo=UTC)
        age = (now - delivered).days if delivered is not None else None
        out.append({**row, "age_days": age, "stale": age is None or age > STALE_DAYS})
    return out


def person(engine: sa.Engine, user: User, person_id: str,
           reveal: Reveal | None = None) -> dict[str, Any]:
    """A person with source records and link explanations; optionally one value revealed.

    A reveal that fails (no such person or record, a reason that is not enough, a field that
    cannot be revealed) is audited too, with its status: probing is visible in the log.
    """
    if reveal is None:
        return _person(engine, user, person_id, None)
    try:
        return _person(engine, user, person_id, reveal)
    except (NotFound, BadRequest) as exc:
        audit.record(engine, "reveal_failed", user=user, target_kind="person",
                     target_id=person_id[:64],
                     detail={"field": reveal.field[:16], "record": f"{reveal.source}:"
                             f"{reveal.record_id}"[:100], "category": reveal.category[:32],
                             "status": 404 if isinstance(exc, NotFound) else 400,
                             "problem": exc.message},
                     reason=reveal.reason.strip()[:500] or None)
        raise


def _person(engine: sa.Engine, user: User, person_id: str,
            reveal: Reveal | None) -> dict[str, Any]:
    with engine.connect() as conn:
        version = _version(conn)
        data = query.person(conn, version, person_id)
        if data is None:
            raise NotFound(N_("no such person in the published version"), field="person_id")
        revealed = _reveal(conn, version, user, person_id, data, reveal) if reveal else None
    secret = bool(data["person"].get("has_confidential_address"))
    data["person"] = mask_person(data["person"], user)
    data["records"] = [mask_source_record(r, user, secret) for r in data["records"]]
    data["revealed"] = revealed
    data["disputes"] = open_disputes(engine, [person_id]).get(person_id, [])
    if reveal is None:
        audit.record(engine, "view", user=user, target_kind="person", target_id=person_id,
                     detail={"records": [f"{r['source']}:{r['source_record_id']}"
                                         for r in data["records"]]})
    return data


def _reveal(conn: sa.Connection, version: int, user: User, person_id: str,
            data: dict[str, Any], reveal: Reveal) -> dict[str, Any]:
    engine = conn.engine
    target = {"field": reveal.field, "record": f"{reveal.source}:{reveal.record_id}",
              "category": reveal.category}
    record = next((r for r in data["records"] if r["source"] == reveal.source
                   and r["source_record_id"] == reveal.record_id), None)
    if record is None:
        raise NotFound(N_("that source record does not belong to this person"), field="record_id")
    problem = reveal_reason_problem(reveal.category, reveal.reason)
    if problem:
        raise BadRequest(problem, field="reason")
    if reveal.field == "bsn":
        allowed = user.can(Permission.REVEAL_BSN)
    elif reveal.field == "address":
        allowed = bool(record["address_confidential"]) and user.may_reveal_address_of(
            reveal.source)
    else:
        raise BadRequest(N_("only a BSN or an address can be revealed"), field="field")
    if not allowed:
        audit.record(engine, "reveal_denied", user=user, target_kind="person",
                     target_id=person_id, detail=target, reason=reveal.reason.strip())
        raise Denied(N_("you may not reveal this value"), partner=reveal.source, field=reveal.field)
    if reveal.field == "bsn":
        value = record.get("bsn")
    else:
        secret = query.confidential_address(conn, version, reveal.source, reveal.record_id)
        value = address_text(secret) if secret else None
    audit.record(engine, "reveal", user=user, target_kind="person", target_id=person_id,
                 detail=target, reason=reveal.reason.strip())
    return {"field": reveal.field, "record": target["record"], "source": reveal.source,
            "record_id": reveal.record_id, "category": reveal.category, "value": value}


def review_queue(engine: sa.Engine, user: User, partner: str | None = None,
                 reason: str | None = None, min_age_days: int | None = None,
                 now: datetime | None = None, assignee: str | None = None) -> dict[str, Any]:
    """Open pairs by candidate group, filtered by partner, reason, age (days in the queue) and
    assigned steward (``assignee``: a user name, or "" for groups nobody has)."""
    now = now or datetime.now(UTC)
    with engine.connect() as conn:
        version = _version(conn)
        items = query.review_items(conn, version)
        history = query.decisions(conn, limit=50)
        assigned = assignments(conn, [i["item_id"] for i in items])
    groups = candidate_groups(items)
    for group in groups:
        group["age_days"] = age_days(group["oldest"], now)
        group["assigned_to"] = sorted({assigned[i["item_id"]] for i in group["pairs"]
                                       if i["item_id"] in assigned})
    all_partners = sorted({x for g in groups for x in g["partners"]})
    all_reasons = sorted({x for g in groups for x in g["reasons"]})
    shown = [g for g in groups
             if (not partner or partner in g["partners"])
             and (not reason or reason in g["reasons"])
             and (min_age_days is None or (g["age_days"] or 0) >= min_age_days)
             and (assignee is None or (assignee in g["assigned_to"] if assignee
                                       else not g["assigned_to"]))]
    audit.record(engine, "view", user=user, target_kind="review_queue",
                 detail={"open_items": len(items)})
    return {"items": items, "groups": shown, "group_count": len(groups), "history": history,
            "filters": {"partner": partner, "reason": reason, "age": min_age_days,
                        "assignee": assignee},
            "stewards": _stewards(engine),
            "partners": all_partners, "reasons": all_reasons}


def _open_group(conn: sa.Connection, version: int, group_id: str) -> dict[str, Any]:
    groups = candidate_groups(query.review_items(conn, version))
    group = next((g for g in groups if any(i["item_id"] == group_id for i in g["pairs"])), None)
    if group is None:
        raise NotFound(N_("no open review group with this id; it may have been decided"),
                       field="group_id")
    return group


def review_group(engine: sa.Engine, user: User, group_id: str) -> dict[str, Any]:
    """A candidate group: its records side by side (differences marked), and per pair the
    reason, the explanation and its waterfall."""
    with engine.connect() as conn:
        version = _version(conn)
        group = _open_group(conn, version, group_id)
        records = query.source_records_with_flags(conn, version, group["records"])
        history = [d for item in group["pairs"]
                   for d in query.decisions(conn, item_id=item["item_id"])]
    shown = [mask_source_record(r, user, r.pop("person_secret")) for r in records]
    for item in group["pairs"]:
        item["explanation"] = query.json_value(item.get("explanation"))
        item["waterfall"] = waterfall(item["explanation"])
    with engine.connect() as conn:
        assigned = assignments(conn, [i["item_id"] for i in group["pairs"]])
    group["assigned_to"] = sorted(set(assigned.values()))
    audit.record(engine, "view", user=user, target_kind="review", target_id=group["group_id"],
                 detail={"pairs": [i["item_id"] for i in group["pairs"]]})
    return {"group": group, "records": shown, "rows": aligned(shown),
            "stewards": _stewards(engine),
            "history": sorted(history, key=lambda d: d["decision_id"], reverse=True)}


def decide_group(engine: sa.Engine, user: User, group_id: str, choices: dict[str, str],
                 reason: str) -> list[dict[str, Any]]:
    """Decide the pairs of one open group: ``choices`` maps item id to must_link, cannot_link
    or skip (unsure: stays open). Pairs not in the group are refused."""
    if any(c not in (*DECISIONS, "skip") for c in choices.values()):
        raise BadRequest(N_("decision must be must_link or cannot_link"), field="decision")
    decided = {k: v for k, v in choices.items() if v != "skip"}
    if not decided:
        return []
    if len(reason.strip()) < MIN_REASON:
        raise BadRequest(N_("state a reason (at least 10 characters)"), field="reason")
    with engine.connect() as conn:
        group = _open_group(conn, _version(conn), group_id)
    in_group = {i["item_id"] for i in group["pairs"]}
    if not set(decided) <= in_group:
        raise BadRequest(N_("a pair of another group was sent; reload the page"),
                         field="item_id")
    return [decide(engine, user, item_id, decision, reason)
            for item_id, decision in sorted(decided.items())]


def _stewards(engine: sa.Engine) -> list[dict[str, str]]:
    """Active steward accounts (user name and display name), for assigning review work."""
    return [{"username": a.user.username, "name": a.user.display_name}
            for a in list_accounts(engine) if a.active and a.user.role == Role.STEWARD]


def assign_group(engine: sa.Engine, user: User, group_id: str, steward: str) -> int:
    """Assign every pair of an open group to an active steward, audited."""
    if steward not in {s["username"] for s in _stewards(engine)}:
        raise BadRequest(N_("choose an active data steward"), field="steward")
    with engine.connect() as conn:
        group = _open_group(conn, _version(conn), group_id)
    count = assign(engine, [i["item_id"] for i in group["pairs"]], steward, user.username)
    audit.record(engine, "review_assigned", user=user, target_kind="review",
                 target_id=group["group_id"], detail={"to": steward, "pairs": count})
    return count


def undo_decision(engine: sa.Engine, user: User, decision_id: int) -> None:
    """Withdraw a decision (the pair goes back to the queue after the next run decides it
    again by its evidence), audited."""
    try:
        revoke_decision(engine, decision_id, user.username)
    except StoreError:
        raise NotFound(N_("no such decision in force"), field="decision_id") from None
    audit.record(engine, "decision_revoked", user=user, target_kind="decision",
                 target_id=str(decision_id))


def split_record(engine: sa.Engine, user: User, person_id: str, source: str, record_id: str,
                 reason: str) -> int:
    """Split one source record off a person: a cannot-link decision between it and each other
    record of that person. The next run makes it a person of its own."""
    if len(reason.strip()) < MIN_REASON:
        raise BadRequest(N_("state a reason (at least 10 characters)"), field="reason")
    with engine.connect() as conn:
        keys = query.records_of_person(conn, _version(conn), person_id)
    if (source, record_id) not in keys:
        raise NotFound(N_("that source record does not belong to this person"),
                       field="record_id")
    others = [k for k in keys if k != (source, record_id)]
    if not others:
        raise BadRequest(N_("this is the person's only record: nothing to split"),
                         field="record_id")
    ids = [record_decision(engine, (source, record_id), other, "cannot_link", user.username,
                           reason.strip()).decision_id for other in others]
    audit.record(engine, "split", user=user, target_kind="person", target_id=person_id,
                 detail={"record": f"{source}:{record_id}", "decisions": ids},
                 reason=reason.strip())
    return len(ids)


def review_item(engine: sa.Engine, user: User, item_id: str) -> dict[str, Any]:
    with engine.connect() as conn:
        item = query.review_item(conn, _version(conn), item_id)
    if item is None:
        raise NotFound(N_("no such review item in the published version"), field="item_id")
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
        raise BadRequest(N_("decision must be must_link or cannot_link"), field="decision")
    if len(reason.strip()) < MIN_REASON:
        raise BadRequest(N_("state a reason (at least 10 characters)"), field="reason")
    with engine.connect() as conn:
        item = query.review_item(conn, _version(conn), item_id)
    if item is None:
        raise NotFound(N_("no such review item in the published version"), field="item_id")
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
    """Quarantined rows as a table: where from, which rule, the offending value (masked), what
    to fix, and whether a later delivery brought the record in cleanly (fixed)."""
    with engine.connect() as conn:
        version = query.current_version(conn)
        rows = [mask_quarantine_row(r) for r in query.quarantine(conn, partner)]
        counts = query.quarantine_counts(conn)
        by_rule = query.quarantine_by_rule(conn)
        keys = [(r["partner"], r["dataset"], r["source_record_id"]) for r in rows
                if r.get("source_record_id")]
        fixed = query.published_keys(conn, version, keys) if version else set()
    for row in rows:
        row["value"] = offending_value(row)
        key = (row["partner"], row["dataset"], row.get("source_record_id"))
        row["state"] = "unknown" if not row.get("source_record_id") else (
            "fixed" if key in fixed else "failing")
    audit.record(engine, "view", user=user, target_kind="quarantine", target_id=partner,
                 detail={"rows": len(rows)})
    return {"rows": rows, "counts": counts, "by_rule": by_rule, "partner": partner}


def overview(engine: sa.Engine, user: User, now: datetime | None = None) -> dict[str, Any]:
    """The steward overview: match weights, quarantine shares and field completeness per
    partner over time, and open review groups by age and reason."""
    now = now or datetime.now(UTC)
    with engine.connect() as conn:
        version = _version(conn)
        weights = query.match_weights(conn, version)
        runs = query.run_counts(conn)
        filled = query.completeness(conn)
        items = query.review_items(conn, version)
    groups = candidate_groups(items)
    audit.record(engine, "view", user=user, target_kind="overview")
    return {"histogram": charts.weight_histogram(weights),
            "quarantine": charts.quarantine_shares(runs),
            "completeness": charts.completeness_lanes(filled, query.COMPLETENESS_FIELDS),
            "ages": charts.review_ages(items, now), "group_count": len(groups),
            "pair_count": len(items)}


def offending_value(row: dict[str, Any]) -> str | None:
    """The value of the failing field from the (already masked) held-back record."""
    record = query.json_value(row.get("record"))
    field = row.get("field")
    if not isinstance(record, dict) or not field or field not in record:
        return None
    value = record[field]
    if field == "bsn":
        value = mask_bsn(value)
    return None if value is None else str(value)[:80]


def score_words(score: float, criteria: list[str]) -> list[str]:
    """Why a hit was found, as msgids: how well the name agrees, and which fields matched
    exactly (the other criteria are filters: every hit agrees on them)."""
    words = []
    if "name" in criteria:
        if score >= 97:
            words.append(N_("name matches"))
        elif score >= 85:
            words.append(N_("name nearly the same (a letter or two differ)"))
        else:
            words.append(N_("name resembles the one you typed"))
    exact = {"bsn": N_("BSN matches"), "birth_date": N_("birth date matches"),
             "postcode": N_("postcode matches"), "house_number": N_("house number matches")}
    words.extend(exact[c] for c in criteria if c in exact)
    return words


def group_by_household(result: Result, form: dict[str, Any]) -> list[dict[str, Any]]:
    """Hits grouped per household, the household of the best hit first; persons without a
    household each form their own group."""
    criteria = form.get("criteria", [])
    groups: dict[str, dict[str, Any]] = {}
    for hit in result.hits:
        key = hit.household_id or f"person:{hit.person_id}"
        group = groups.setdefault(key, {"household_id": hit.household_id, "hits": []})
        group["hits"].append({**asdict(hit), "why": score_words(hit.score, criteria)})
    return list(groups.values())


def hit_dicts(result: Result) -> list[dict[str, Any]]:
    return [asdict(h) for h in result.hits]
