"""Retention: which of the hub's copies have passed their term, and erasing them on time.

:func:`expired` is pure: given the published cases, who they concern, the partners' policies
(``connectors/retention.py``) and a date, it says which cases and person records have expired.
A case expires a term after its end (``case_end``) or after its household's last activity
(``household_activity``: the latest start or end of any case of any member; an open case anywhere
in the household keeps it active). The partner's own term caps the hub's: when it ends sooner for
this case (Veilig Thuis: the youngest child turns 18), that date counts. Open cases never expire.
A person record expires when every case of its partner that names it has expired; a record its
partner names in no case is not judged here (it has no term to count from) and is reported.

:func:`apply` erases what expired through :func:`hub.store.erasure.erase` (staging, validated and
linking files, quarantine, every store version, snapshots), one erasure per partner, and records a
``retention`` run whose stats hold counts per partner and case type, never ids or values.
:func:`plan` is the dry run: the same decision, nothing changed.
"""

import calendar
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol, TypedDict

import pandas as pd
import sqlalchemy as sa

from connectors.retention import RetentionPolicy
from foundation.settings import Settings
from hub.store.versions import current_version_id, now
from schemas.store import (
    disputes,
    persons,
    registration_persons,
    registrations,
    runs,
    source_records,
)


@dataclass(frozen=True)
class Expired:
    """What one partner has past its term: case and record ids, and counts per case type."""

    partner: str
    case_ids: frozenset[str]
    record_ids: frozenset[str]
    by_case_type: dict[str, dict[str, int]]
    """case type -> {"cases": n, "records": m} (a record counts under its last-expiring case)."""


class ExpiredRow(TypedDict):
    """One row of :meth:`Plan.summary`: a partner's expired cases and records of a case type."""

    partner: str
    case_type: str
    cases: int
    records: int


@dataclass
class Plan:
    """The decision of one retention run as of a date."""

    as_of: date
    partners: dict[str, Expired] = field(default_factory=dict)
    unjudged_records: dict[str, int] = field(default_factory=dict)
    """Records per partner that no case of that partner names (no term to count from)."""
    no_policy: list[str] = field(default_factory=list)
    """Partners with cases in the store but no retention configured (nothing expires)."""

    def summary(self) -> list[ExpiredRow]:
        """Rows of partner, case type, cases, records: what the run history keeps."""
        return [{"partner": p, "case_type": t, "cases": counts["cases"],
                 "records": counts["records"]}
                for p, e in sorted(self.partners.items())
                for t, counts in sorted(e.by_case_type.items())]

    @property
    def empty(self) -> bool:
        return not any(e.case_ids or e.record_ids for e in self.partners.values())


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    target = day.year + years
    return day.replace(year=target, day=min(day.day, calendar.monthrange(target, day.month)[1]))


def latest_possible(birth: object) -> date | None:
    """A partner's birth date as the latest day it can mean ('1980' -> 31-12-1980)."""
    if birth is None or (isinstance(birth, float) and pd.isna(birth)):
        return None
    parts = str(birth).strip().split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 12
        day = int(parts[2]) if len(parts) > 2 else calendar.monthrange(year, month)[1]
        return date(year, month, day)
    except (ValueError, IndexError):
        return None


def _day(value: object) -> date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    day: date = pd.Timestamp(value).date()
    return day


def _own_expiry(policy: RetentionPolicy, end: date | None, case_children: list[date],
                household_children: list[date]) -> date | None:
    """When the partner's own term ends for this case; None when it cannot be known."""
    own = policy.partner_term
    if own.anchor == "case_end":
        return add_years(end, own.years) if end else None
    if own.anchor == "birth" and case_children:
        return add_years(max(case_children), own.years)
    if own.anchor == "majority" and case_children:
        return add_years(max(case_children), 18 + own.years)
    if own.anchor == "youngest_child_majority" and household_children:
        return add_years(max(household_children), 18 + own.years)
    return None


def expired(cases: pd.DataFrame, case_records: pd.DataFrame, records: pd.DataFrame,
            policies: Mapping[str, RetentionPolicy | None], as_of: date) -> Plan:
    """Decide what has expired on ``as_of``.

    Args:
        cases: ``source, case_id, case_type, start_date, end_date`` (one row per case).
        case_records: ``source, case_id, source_record_id`` (who each case names).
        records: ``source, source_record_id, household_id, role, birth_date`` (the record's own
            role and its golden record's birth date).
        policies: partner -> policy (None or missing: that partner's data does not expire).
        as_of: the day of the decision.
    """
    plan = Plan(as_of=as_of)
    named = case_records.merge(records, on=["source", "source_record_id"], how="left")
    households_of = named.groupby(["source", "case_id"])["household_id"].agg(
        lambda s: sorted({h for h in s if isinstance(h, str) and h}))
    children = named[named["role"] == "child"]
    children_of = children.groupby(["source", "case_id"])["birth_date"].agg(
        lambda s: [d for d in map(latest_possible, s) if d])
    hh_children = records[records["role"] == "child"].groupby("household_id")["birth_date"].agg(
        lambda s: [d for d in map(latest_possible, s) if d])

    # household activity: the latest day of any case of any member; None while a case is open
    activity: dict[str, date | None] = {}
    for row in cases.itertuples(index=False):
        end, start = _day(row.end_date), _day(row.start_date)
        for household in households_of.get((row.source, row.case_id), []):
            if household in activity and activity[household] is None:
                continue
            if end is None:
                activity[household] = None
            else:
                activity[household] = max(d for d in (end, start, activity.get(household))
                                          if d is not None)

    expiry_of: dict[tuple[str, str], date | None] = {}
    for row in cases.itertuples(index=False):
        policy = policies.get(row.source)
        if policy is None:
            if row.source not in plan.no_policy:
                plan.no_policy.append(row.source)
            expiry_of[(row.source, row.case_id)] = None
            continue
        term, end = policy.term_for(row.case_type), _day(row.end_date)
        homes = households_of.get((row.source, row.case_id), [])
        if term.anchor == "case_end" or not homes:
            start_of_term = end
        else:
            days = [activity.get(h) for h in homes]
            known = [d for d in days if d is not None]
            start_of_term = max(known) if len(known) == len(days) else None
        if end is None or start_of_term is None:
            expiry_of[(row.source, row.case_id)] = None  # open: kept while it runs
            continue
        hub_expiry = add_years(start_of_term, term.years)
        own = _own_expiry(policy, end, children_of.get((row.source, row.case_id), []),
                          [d for h in homes for d in hh_children.get(h, [])])
        expiry_of[(row.source, row.case_id)] = min(hub_expiry, own) if own else hub_expiry

    type_of = {(r.source, r.case_id): r.case_type or "unknown"
               for r in cases.itertuples(index=False)}
    gone = {key for key, when in expiry_of.items() if when is not None and when <= as_of}
    # a record goes when every case of its partner naming it has gone (vectorised: a million
    # records are judged every night)
    naming = case_records[["source", "case_id", "source_record_id"]].astype("str")
    keys = list(zip(naming["source"], naming["case_id"], strict=True))
    naming = naming.assign(gone=[k in gone for k in keys],
                         expiry=[expiry_of.get(k) or date.min for k in keys],
                         case_type=[type_of.get(k, "unknown") for k in keys])
    all_gone = naming.groupby(["source", "source_record_id"])["gone"].transform("all")
    last_case = (naming[all_gone].sort_values("expiry", kind="stable")
                 .drop_duplicates(["source", "source_record_id"], keep="last"))
    judged = records[["source", "source_record_id"]].astype("str").merge(
        naming[["source", "source_record_id"]].drop_duplicates(), how="left", indicator=True)
    unjudged = judged[judged["_merge"] == "left_only"]["source"].value_counts()
    plan.unjudged_records = {str(k): int(v) for k, v in sorted(unjudged.items())}
    for source in sorted(set(cases["source"]) | set(records["source"])):
        case_ids = {cid for (src, cid) in gone if src == source}
        mine = last_case[last_case["source"] == source]
        counts: dict[str, dict[str, int]] = {}
        for case_type, n in mine["case_type"].value_counts().items():
            counts.setdefault(str(case_type), {"cases": 0, "records": 0})["records"] = int(n)
        for cid in case_ids:
            counts.setdefault(type_of[(source, cid)], {"cases": 0, "records": 0})["cases"] += 1
        record_ids = frozenset(mine["source_record_id"])
        if case_ids or record_ids:
            plan.partners[source] = Expired(source, frozenset(case_ids), record_ids, counts)
    return plan


def _published_frames(conn: sa.Connection) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    version = current_version_id(conn)
    rg, rp, sr, p = registrations.c, registration_persons.c, source_records.c, persons.c
    if version is None:
        empty = pd.DataFrame
        return (empty(columns=["source", "case_id", "case_type", "start_date", "end_date"]),
                empty(columns=["source", "case_id", "source_record_id"]),
                empty(columns=["source", "source_record_id", "household_id", "role",
                               "birth_date"]))

    def frame(query: sa.Select[Any]) -> pd.DataFrame:
        result = conn.execute(query)
        return pd.DataFrame(result.all(), columns=list(result.keys()))

    cases = frame(sa.select(rg.source, rg.case_id, rg.case_type, rg.start_date, rg.end_date)
                  .where(rg.version_id == version))
    named = frame(sa.select(rp.source, rp.case_id, rp.source_record_id)
                  .where(rp.version_id == version))
    records = frame(sa.select(sr.source, sr.source_record_id, sr.household_id, sr.role,
                              p.birth_date)
                    .outerjoin(persons, sa.and_(p.version_id == sr.version_id,
                                                p.person_id == sr.person_id))
                    .where(sr.version_id == version))
    return cases, named, records


def plan(engine: sa.Engine, policies: Mapping[str, RetentionPolicy | None],
         as_of: date | None = None) -> Plan:
    """The dry run: what would be erased on ``as_of`` (default today); changes nothing."""
    with engine.connect() as conn:
        frames = _published_frames(conn)
    return expired(*frames, policies, as_of or datetime.now(UTC).date())


class Erased(Protocol):
    """What an eraser returns: the erasure run it recorded."""

    run_id: str


Eraser = Callable[..., Erased]
"""Erases a criterion everywhere (``pipelines.erasure.erase_everywhere``): called as
``erase(settings, engine, crit, reason=..., erased_by=..., case_ids=...)``, returning a result
with a ``run_id``."""


@dataclass(frozen=True)
class Applied:
    run_id: str
    plan: Plan
    erasure_runs: list[str]


def apply(settings: Settings, engine: sa.Engine, policies: Mapping[str, RetentionPolicy | None],
          erase: Eraser, as_of: date | None = None, erased_by: str = "retention") -> Applied:
    """Erase everything past its term everywhere the hub keeps it, and record the run.

    ``erase`` is :func:`pipelines.erasure.erase_everywhere`: the store cannot reach the other
    layers' files itself, so the caller at the top of the layers hands it in.
    """
    from hub.store.erasure import Criterion

    started = now()
    decided = plan(engine, policies, as_of)
    run_id = f"retention-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    erasure_runs = []
    for partner, gone in sorted(decided.partners.items()):
        crit = Criterion(partner, "record", "retention", record_ids=gone.record_ids)
        result = erase(settings, engine, crit, reason=f"retention as of {decided.as_of}",
                       erased_by=erased_by, case_ids=gone.case_ids)
        erasure_runs.append(result.run_id)
        _drop_disputes(engine, partner, gone.record_ids)
    stats = {"as_of": decided.as_of.isoformat(), "expired": decided.summary(),
             "unjudged_records": decided.unjudged_records, "no_policy": decided.no_policy,
             "erasure_runs": erasure_runs}
    cases = sum(r["cases"] for r in decided.summary())
    records = sum(r["records"] for r in decided.summary())
    with engine.begin() as conn:
        conn.execute(runs.insert().values(
            run_id=run_id, kind="retention", status="erased" if erasure_runs else "nothing",
            started_at=started, finished_at=now(), stats=json.dumps(stats, sort_keys=True),
            message=f"retention as of {decided.as_of}: {cases} cases and {records} person "
                    f"records past their term erased"))
    return Applied(run_id, decided, erasure_runs)


def _drop_disputes(engine: sa.Engine, partner: str, record_ids: frozenset[str]) -> None:
    """Disputes about erased records go with them (their note may describe the person)."""
    ids = sorted(record_ids)
    with engine.begin() as conn:
        for start in range(0, len(ids), 500):
            conn.execute(disputes.delete().where(
                disputes.c.source == partner,
                disputes.c.source_record_id.in_(ids[start:start + 500])))


def history(engine: sa.Engine, limit: int = 20) -> list[dict[str, Any]]:
    """Recent retention runs (counts per partner and case type; never ids or values)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(runs).where(runs.c.kind == "retention")
                            .order_by(runs.c.started_at.desc()).limit(limit)).all()
    return [{**row._mapping, "stats": json.loads(row.stats or "{}")} for row in rows]
