"""The fixed guide ("vaste begeleider") of a household: set, end, list, history, reconcile.

The Regional Safety Team registers one fixed guide per household; it is the one fact the hub
registers itself rather than copies from a partner. It is kept outside the versioned picture,
tied to the household id, which matching keeps stable across runs; so a re-run changes nothing.

What happens when the households change (:func:`reconcile`, run after each publish and before
the guides are read):

* **merge**: the household's id was retired into another one (an ``id_events`` merge naming it):
  the guide moves to the surviving household. If that household already has a guide, both stay
  active and the household is listed in :func:`conflicts`; a steward resolves it by ending one of
  them (``hub guide end``). Nothing is decided for the steward: two professionals each believe
  they are the family's guide, and only a person can settle that.
* **split**: the household's id kept the larger part and the rest got new ids: the guide stays
  where it is but is marked ``pending`` with the candidate households, until a steward decides
  which household keeps it (:func:`decide`).
* **gone**: the household is no longer published (all its records erased or withdrawn): the guide
  is marked ``pending`` without candidates; a steward ends it or moves it.

Functions take an engine and return plain values; permission checks and audit entries are the
caller's (:mod:`hub.guide_actions`), so the CLI and the web form share them.
"""

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa

from foundation.errors import StoreError
from hub.store.versions import current_version_id, new_row_id
from schemas.guides import guide_events, guides
from schemas.store import households, id_events

MAX_TEXT = 200
MIN_REASON = 5
SYSTEM = "system"


class GuideError(StoreError):
    """A guide change that cannot be made (unknown household, ended guide, bad value)."""


@dataclass(frozen=True)
class Guide:
    guide_id: int
    household_id: str
    name: str
    organisation: str
    contact: str
    since: date
    until: date | None
    end_reason: str | None
    pending: str | None
    pending_options: list[str]
    registered_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.until is None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _now() -> datetime:
    return datetime.now(UTC)


def _guide(row: sa.RowMapping) -> Guide:
    return Guide(
        guide_id=int(row["guide_id"]), household_id=row["household_id"], name=row["name"],
        organisation=row["organisation"], contact=row["contact"], since=row["since"],
        until=row["until"], end_reason=row["end_reason"], pending=row["pending"],
        pending_options=json.loads(row["pending_options"] or "[]"),
        registered_at=row["registered_at"],
    )


def _text(value: str, field: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise GuideError(f"{field} is required", field=field)
    if len(value) > MAX_TEXT:
        raise GuideError(f"{field} is longer than {MAX_TEXT} characters", field=field)
    return value


def _event(conn: sa.Connection, guide_id: int, household_id: str, event: str, actor: str,
           **detail: object) -> None:
    conn.execute(guide_events.insert().values(
        guide_id=guide_id, household_id=household_id, event=event, actor=actor, at=_now(),
        detail=json.dumps(detail, sort_keys=True, default=str)))


def published_households(conn: sa.Connection, among: list[str] | None = None) -> set[str] | None:
    """The published household ids (only those in ``among`` when given; None before the first
    publish). Reading only the ids asked about keeps a page view cheap in a large store."""
    version = current_version_id(conn)
    if version is None:
        return None
    query = sa.select(households.c.household_id).where(households.c.version_id == version)
    if among is not None:
        found: set[str] = set()
        for start in range(0, len(among), 500):
            chunk = among[start:start + 500]
            found |= set(conn.execute(query.where(households.c.household_id.in_(chunk))).scalars())
        return found
    return set(conn.execute(query).scalars())


def _require_household(conn: sa.Connection, household_id: str) -> None:
    version = current_version_id(conn)
    found = version is not None and conn.execute(
        sa.select(households.c.household_id).where(households.c.version_id == version,
                                                   households.c.household_id == household_id)
    ).first()
    if not found:
        raise GuideError("no such household in the published version", field="household_id")


def get_guide(conn: sa.Connection, guide_id: int) -> Guide | None:
    row = conn.execute(sa.select(guides).where(guides.c.guide_id == guide_id)).mappings().first()
    return _guide(row) if row else None


def _stored(conn: sa.Connection, guide_id: int) -> Guide:
    """A guide this transaction just wrote (so it exists)."""
    guide = get_guide(conn, guide_id)
    if guide is None:
        raise GuideError(f"no guide #{guide_id}", field="guide_id")
    return guide


def set_guide(engine: sa.Engine, household_id: str, *, name: str, organisation: str,
              contact: str, since: date, actor: str, today: date | None = None) -> Guide:
    """Register the household's fixed guide from ``since``; a current guide ends the day before.

    ``since`` may not lie in the future (a guide is registered once they are there) nor before
    the start of the guide it replaces.
    """
    today = today or _now().date()
    values = {"name": _text(name, "name"), "organisation": _text(organisation, "organisation"),
              "contact": _text(contact, "contact")}
    if since > today:
        raise GuideError("since lies in the future", field="since")
    with engine.begin() as conn:
        _require_household(conn, household_id)
        current = [_guide(r) for r in conn.execute(sa.select(guides).where(
            guides.c.household_id == household_id, guides.c.until.is_(None))).mappings()]
        for old in current:
            if old.since >= since:
                raise GuideError(f"the current guide (#{old.guide_id}) started on "
                                 f"{old.since:%d-%m-%Y}; the new one must start later",
                                 field="since")
        until = since - timedelta(days=1)
        for old in current:
            conn.execute(guides.update().where(guides.c.guide_id == old.guide_id).values(
                until=until,
                end_reason="replaced", ended_by=actor, ended_at=_now(), pending=None,
                pending_options=None))
            _event(conn, old.guide_id, household_id, "end", actor, reason="replaced",
                   until=until)
        guide_id = new_row_id(conn.execute(guides.insert().values(
            household_id=household_id, since=since, registered_by=actor, registered_at=_now(),
            **values)))
        _event(conn, guide_id, household_id, "set", actor, since=since,
               organisation=values["organisation"])
        return _stored(conn, guide_id)


def end_guide(engine: sa.Engine, guide_id: int, *, until: date, reason: str,
              actor: str) -> Guide:
    """End a current guide on ``until`` (its last day) for a stated reason."""
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON:
        raise GuideError(f"state why the guide ends (at least {MIN_REASON} characters)",
                         field="reason")
    with engine.begin() as conn:
        guide = get_guide(conn, guide_id)
        if guide is None:
            raise GuideError(f"no guide #{guide_id}", field="guide_id")
        if not guide.active:
            raise GuideError(f"guide #{guide_id} already ended on {guide.until:%d-%m-%Y}",
                             field="guide_id")
        if until < guide.since:
            raise GuideError("until lies before the guide started", field="until")
        conn.execute(guides.update().where(guides.c.guide_id == guide_id).values(
            until=until, end_reason=reason[:500], ended_by=actor, ended_at=_now(),
            pending=None, pending_options=None))
        _event(conn, guide_id, guide.household_id, "end", actor, until=until, reason=reason)
        return _stored(conn, guide_id)


def decide(engine: sa.Engine, guide_id: int, household_id: str, *, actor: str) -> Guide:
    """A steward's decision on a pending guide: ``household_id`` keeps it (after a split or when
    its household is gone)."""
    with engine.begin() as conn:
        guide = get_guide(conn, guide_id)
        if guide is None:
            raise GuideError(f"no guide #{guide_id}", field="guide_id")
        if not guide.active:
            raise GuideError(f"guide #{guide_id} has ended", field="guide_id")
        _require_household(conn, household_id)
        conn.execute(guides.update().where(guides.c.guide_id == guide_id).values(
            household_id=household_id, pending=None, pending_options=None))
        _event(conn, guide_id, household_id, "decided", actor, previous=guide.household_id,
               was=guide.pending)
        return _stored(conn, guide_id)


def list_guides(engine: sa.Engine, *, household_id: str | None = None,
                include_ended: bool = False, pending_only: bool = False) -> list[Guide]:
    """Guides, newest first: current ones, or all with ``include_ended``."""
    query = sa.select(guides).order_by(guides.c.household_id, guides.c.since.desc(),
                                       guides.c.guide_id.desc())
    if household_id:
        query = query.where(guides.c.household_id == household_id)
    if not include_ended:
        query = query.where(guides.c.until.is_(None))
    if pending_only:
        query = query.where(guides.c.pending.is_not(None))
    with engine.connect() as conn:
        return [_guide(r) for r in conn.execute(query).mappings()]


def history(engine: sa.Engine, household_id: str) -> list[dict[str, Any]]:
    """Every event of every guide the household has or had, oldest first."""
    with engine.connect() as conn:
        ids = sa.select(guide_events.c.guide_id).where(
            guide_events.c.household_id == household_id)
        rows = conn.execute(sa.select(guide_events).where(guide_events.c.guide_id.in_(ids))
                            .order_by(guide_events.c.event_id)).mappings().all()
    return [{**dict(r), "detail": json.loads(r["detail"] or "{}")} for r in rows]


def conflicts(engine: sa.Engine) -> dict[str, list[Guide]]:
    """Households with more than one current guide (after a merge): for a steward to resolve."""
    out: dict[str, list[Guide]] = {}
    for guide in list_guides(engine):
        out.setdefault(guide.household_id, []).append(guide)
    return {h: g for h, g in out.items() if len(g) > 1}


@dataclass(frozen=True)
class Reconciled:
    moved: int = 0
    split: int = 0
    gone: int = 0


def _survivor(conn: sa.Connection, household_id: str) -> str | None:
    """Follow merge events from a retired household id to the published one that absorbed it."""
    seen = {household_id}
    current: str = household_id
    for _ in range(20):
        row = conn.execute(
            sa.select(id_events.c.entity_id).where(
                id_events.c.kind == "household", id_events.c.event == "merge",
                id_events.c.related_ids.contains(f'"{current}"'))
            .order_by(id_events.c.event_id.desc()).limit(1)).first()
        if row is None or row.entity_id in seen:
            return None
        current = row.entity_id
        if published_households(conn, [current]):
            return current
        seen.add(current)
    return None


def reconcile(engine: sa.Engine, actor: str = SYSTEM) -> Reconciled:
    """Bring current guides in line with the published households (see the module docstring).

    Idempotent: a guide is moved only when its household is not published, and a split is
    recorded once per id event. Reads only the households that have a current guide.
    """
    moved = split = gone = 0
    with engine.begin() as conn:
        current = [_guide(r) for r in conn.execute(
            sa.select(guides).where(guides.c.until.is_(None))).mappings()]
        published = published_households(conn, sorted({g.household_id for g in current}))
        if published is None or not current:
            return Reconciled()
        for guide in current:
            if guide.household_id in published:
                continue
            survivor = _survivor(conn, guide.household_id)
            if survivor is not None:
                conn.execute(guides.update().where(guides.c.guide_id == guide.guide_id)
                             .values(household_id=survivor))
                _event(conn, guide.guide_id, survivor, "merged", actor,
                       previous=guide.household_id)
                moved += 1
            elif guide.pending != "gone":
                conn.execute(guides.update().where(guides.c.guide_id == guide.guide_id)
                             .values(pending="gone", pending_options="[]"))
                _event(conn, guide.guide_id, guide.household_id, "gone", actor)
                gone += 1
        details: Sequence[str | None] = conn.execute(sa.select(guide_events.c.detail).where(
            guide_events.c.event == "split")).scalars().all()
        recorded = {json.loads(d or "{}").get("id_event") for d in details}
        for guide in current:
            if guide.household_id not in published:
                continue
            for event in conn.execute(sa.select(id_events).where(
                    id_events.c.kind == "household", id_events.c.event == "split",
                    id_events.c.entity_id == guide.household_id,
                    id_events.c.created_at >= guide.registered_at)
                    .order_by(id_events.c.event_id)).mappings():
                if event["event_id"] in recorded:
                    continue
                related = json.loads(event["related_ids"] or "[]")
                others = sorted(published_households(conn, related) or ())
                options = [guide.household_id, *others]
                conn.execute(guides.update().where(guides.c.guide_id == guide.guide_id)
                             .values(pending="split", pending_options=json.dumps(options)))
                _event(conn, guide.guide_id, guide.household_id, "split", actor,
                       id_event=event["event_id"], options=options)
                split += 1
    return Reconciled(moved, split, gone)


def current_guides(conn: sa.Connection, household_ids: list[str]) -> dict[str, list[Guide]]:
    """The current guides of the given households (for search results and household pages)."""
    if not household_ids:
        return {}
    out: dict[str, list[Guide]] = {}
    rows = conn.execute(sa.select(guides).where(guides.c.household_id.in_(household_ids),
                                                guides.c.until.is_(None))
                        .order_by(guides.c.since)).mappings()
    for row in rows:
        guide = _guide(row)
        out.setdefault(guide.household_id, []).append(guide)
    return out


def guide_contacts(conn: sa.Connection, household_id: str) -> list[dict[str, Any]]:
    """The household's fixed guide as contacts for the lookup: who to call first.

    One entry per current guide (two while a merge conflict is open), with the role
    ``vaste_begeleider``; the lookup lists them before the partners' case workers.
    """
    return [{"role": "vaste_begeleider", "name": g.name, "organisation": g.organisation,
             "contact": g.contact, "since": g.since.isoformat(), "guide_id": g.guide_id}
            for g in current_guides(conn, [household_id]).get(household_id, [])]


def guide_periods(conn: sa.Connection) -> pd.DataFrame:
    """Every guide period (household, since, until) for the monitor."""
    rows = conn.execute(sa.select(guides.c.household_id, guides.c.since, guides.c.until)).all()
    frame = pd.DataFrame(rows, columns=["household_id", "since", "until"])
    frame["since"] = pd.to_datetime(frame["since"])
    frame["until"] = pd.to_datetime(frame["until"])
    return frame
