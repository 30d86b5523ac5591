"""Changing a fixed guide: who may (:data:`Permission.MANAGE_GUIDES`), and the audit entry.

The web form and ``hub guide`` both call these functions, so the role check and the audit entry
cannot differ between them. A refused attempt is audited too. The audit detail names the guide,
the household and the organisation, never the guide's phone number or e-mail. It sits above
:mod:`hub.access` and :mod:`hub.store` (it uses both), beside the web app and the CLI.
"""

from datetime import date

import sqlalchemy as sa

from hub.access import audit
from hub.access.errors import AccessError
from hub.access.roles import Permission, Role, User
from hub.store import guides as store_guides
from schemas.access import users


class GuideDenied(AccessError):
    """The account's role may not register or end fixed guides."""


def account(engine: sa.Engine, username: str) -> User:
    """The active account named ``username`` (the CLI acts in its name)."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.username == username,
                                                  users.c.active.is_(True))).first()
    if row is None:
        raise AccessError(f"no active account {username!r}", field="as")
    return User(id=row.id, username=row.username, display_name=row.display_name,
                role=Role(row.role), partner=row.partner)


def _allow(engine: sa.Engine, user: User, action: str, target: str | None) -> None:
    if not user.can(Permission.MANAGE_GUIDES):
        audit.record(engine, "guide_denied", user=user, target_kind="household",
                     target_id=target, detail={"action": action})
        raise GuideDenied("your role may not register or end a fixed guide", field="role")


def set_guide(engine: sa.Engine, user: User, household_id: str, *, name: str,
              organisation: str, contact: str, since: date) -> store_guides.Guide:
    """Register the household's fixed guide (the current one, if any, ends the day before)."""
    _allow(engine, user, "set", household_id)
    guide = store_guides.set_guide(engine, household_id, name=name, organisation=organisation,
                                   contact=contact, since=since, actor=user.username)
    audit.record(engine, "guide_set", user=user, target_kind="household",
                 target_id=household_id, detail={"guide_id": guide.guide_id,
                                                 "organisation": guide.organisation,
                                                 "since": guide.since.isoformat()})
    return guide


def end_guide(engine: sa.Engine, user: User, guide_id: int, *, until: date,
              reason: str) -> store_guides.Guide:
    """End a current guide on ``until`` with a reason."""
    with engine.connect() as conn:
        found = store_guides.get_guide(conn, guide_id)
    _allow(engine, user, "end", found.household_id if found else None)
    guide = store_guides.end_guide(engine, guide_id, until=until, reason=reason,
                                   actor=user.username)
    audit.record(engine, "guide_end", user=user, target_kind="household",
                 target_id=guide.household_id, detail={"guide_id": guide_id,
                                                       "until": until.isoformat()},
                 reason=reason.strip())
    return guide


def decide(engine: sa.Engine, user: User, guide_id: int, household_id: str
           ) -> store_guides.Guide:
    """A steward's decision which household keeps a pending guide (after a split)."""
    if user.role != Role.STEWARD:
        audit.record(engine, "guide_denied", user=user, target_kind="household",
                     target_id=household_id, detail={"action": "decide"})
        raise GuideDenied("only a data steward decides who keeps a guide after a split",
                          field="role")
    guide = store_guides.decide(engine, guide_id, household_id, actor=user.username)
    audit.record(engine, "guide_decided", user=user, target_kind="household",
                 target_id=household_id, detail={"guide_id": guide_id})
    return guide


def reconcile(engine: sa.Engine) -> store_guides.Reconciled:
    """Reconcile guides with the published households; audit what moved (as the system)."""
    done = store_guides.reconcile(engine)
    if done != store_guides.Reconciled():
        audit.record(engine, "guide_reconcile", actor="system",
                     detail={"moved": done.moved, "split": done.split, "gone": done.gone})
    return done


def parse_day(text: str, field: str) -> date:
    """A day as staff write it: ``dd-mm-jjjj`` (also ``d-m-jjjj``) or ISO ``jjjj-mm-dd``."""
    from datetime import datetime

    value = (text or "").strip()
    for pattern in ("%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise store_guides.GuideError(f"{field} must be a date like 01-09-2026, not {value!r}",
                                  field=field)
