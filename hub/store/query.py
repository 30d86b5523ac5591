"""Reading the published version: the functions the web app and the CLI use.

Every function takes a connection and reads the version the ``published_version`` pointer names,
so a reader never sees a half-published version. To read several things from one version while a
publish may switch the pointer, open a :func:`snapshot` and pass its ``version_id`` on.

Values are returned clear (BSN, addresses): callers mask them with :mod:`foundation.privacy` for
display.
Confidential addresses are only returned by :func:`confidential_address`, which a caller must
gate on role, reason and audit.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from foundation.errors import StoreError
from hub.store.versions import current_version_id
from schemas.store import (
    confidential_addresses,
    household_links,
    household_members,
    households,
    person_links,
    persons,
    quarantine,
    registration_persons,
    registrations,
    run_sources,
    runs,
    source_records,
    versions,
)


@dataclass(frozen=True)
class View:
    """A connection pinned to one published version."""

    conn: sa.Connection
    version_id: int


@contextmanager
def snapshot(engine: sa.Engine) -> Iterator[View]:
    """A read transaction on the currently published version.

    Raises :class:`StoreError` when nothing is published yet.
    """
    with engine.connect() as conn:
        version_id = current_version_id(conn)
        if version_id is None:
            raise StoreError("nothing is published yet: run the pipeline first")
        yield View(conn, version_id)

Record = dict[str, Any]
"""One row as column name to value."""


def _version(conn: sa.Connection, version_id: int | None) -> int | None:
    return version_id if version_id is not None else current_version_id(conn)


def _frame(conn: sa.Connection, query: sa.Select[Any]) -> pd.DataFrame:
    result = conn.execute(query)
    return pd.DataFrame(result.mappings().all(), columns=list(result.keys()))


def person(conn: sa.Connection, person_id: str,
           version_id: int | None = None) -> Record | None:
    """The golden record of one person, or None."""
    v = _version(conn, version_id)
    row = conn.execute(
        sa.select(persons).where(persons.c.version_id == v, persons.c.person_id == person_id)
    ).mappings().one_or_none()
    return dict(row) if row else None


def search_persons(
    conn: sa.Connection,
    *,
    surname: str | None = None,
    first_names: str | None = None,
    birth_date: str | None = None,
    bsn: str | None = None,
    postcode: str | None = None,
    limit: int = 50,
    version_id: int | None = None,
) -> pd.DataFrame:
    """Golden records matching all given criteria (names: case-insensitive prefix on any record).

    Names are looked up in the source records as well, so a person is found by a name any partner
    uses, not only by the surviving one.
    """
    v = _version(conn, version_id)
    sr = source_records
    conditions = [sr.c.version_id == v]
    if surname:
        conditions.append(sa.func.lower(sr.c.surname).startswith(surname.strip().lower()))
    if first_names:
        conditions.append(sa.func.lower(sr.c.first_names).startswith(first_names.strip().lower()))
    if birth_date:
        conditions.append(sr.c.birth_date.startswith(birth_date.strip()))
    if bsn:
        conditions.append(sr.c.bsn == bsn.strip())
    if postcode:
        conditions.append(sr.c.postcode == postcode.replace(" ", "").upper())
    matching = sa.select(sr.c.person_id).where(*conditions).distinct().limit(limit).subquery()
    query = (
        sa.select(persons)
        .where(persons.c.version_id == v, persons.c.person_id.in_(sa.select(matching.c.person_id)))
        .order_by(persons.c.surname, persons.c.first_names, persons.c.person_id)
    )
    return _frame(conn, query)


def person_records(conn: sa.Connection, person_id: str,
                   version_id: int | None = None) -> pd.DataFrame:
    """The source records of a person with their link weight and explanation (addresses of
    confidential records are empty here)."""
    v = _version(conn, version_id)
    sr, pl = source_records, person_links
    query = (
        sa.select(sr, pl.c.match_weight, pl.c.explanation, pl.c.config_version)
        .join(pl, sa.and_(pl.c.version_id == sr.c.version_id, pl.c.source == sr.c.source,
                          pl.c.source_record_id == sr.c.source_record_id), isouter=True)
        .where(sr.c.version_id == v, sr.c.person_id == person_id)
        .order_by(sr.c.source, sr.c.source_record_id)
    )
    return _frame(conn, query)


def person_registrations(conn: sa.Connection, person_id: str,
                         version_id: int | None = None) -> pd.DataFrame:
    """Every partner's registrations (cases) that concern the person."""
    v = _version(conn, version_id)
    rp, rg = registration_persons, registrations
    cases = (
        sa.select(rp.c.source, rp.c.case_id)
        .where(rp.c.version_id == v, rp.c.person_id == person_id).distinct().subquery()
    )
    query = (
        sa.select(rg)
        .join(cases, sa.and_(cases.c.source == rg.c.source, cases.c.case_id == rg.c.case_id))
        .where(rg.c.version_id == v)
        .order_by(rg.c.start_date.desc(), rg.c.source, rg.c.case_id)
    )
    return _frame(conn, query)


def household(conn: sa.Connection, household_id: str,
              version_id: int | None = None) -> Record | None:
    """A household with its members (golden records and roles) and linked households."""
    v = _version(conn, version_id)
    head = conn.execute(
        sa.select(households).where(households.c.version_id == v,
                                    households.c.household_id == household_id)
    ).mappings().one_or_none()
    if head is None:
        return None
    hm = household_members
    members = _frame(conn, sa.select(hm.c.role, hm.c.roles, persons)
                     .join(persons, sa.and_(persons.c.version_id == hm.c.version_id,
                                            persons.c.person_id == hm.c.person_id))
                     .where(hm.c.version_id == v, hm.c.household_id == household_id)
                     .order_by(persons.c.birth_date, persons.c.person_id))
    hl = household_links
    links = _frame(conn, sa.select(hl).where(
        hl.c.version_id == v,
        sa.or_(hl.c.household_id == household_id, hl.c.other_household_id == household_id)))
    return {**dict(head), "members": members, "links": links}


def person_households(conn: sa.Connection, person_id: str,
                      version_id: int | None = None) -> pd.DataFrame:
    """The households a person belongs to, with the person's role in each."""
    v = _version(conn, version_id)
    hm = household_members
    return _frame(conn, sa.select(hm.c.household_id, hm.c.role, hm.c.roles, households)
                  .join(households, sa.and_(households.c.version_id == hm.c.version_id,
                                            households.c.household_id == hm.c.household_id))
                  .where(hm.c.version_id == v, hm.c.person_id == person_id))


def confidential_address(conn: sa.Connection, source: str, source_record_id: str,
                         version_id: int | None = None) -> Record | None:
    """The secret address of one source record. Only for a reveal that is authorised and audited."""
    v = _version(conn, version_id)
    ca = confidential_addresses
    row = conn.execute(sa.select(ca).where(
        ca.c.version_id == v, ca.c.source == source, ca.c.source_record_id == source_record_id
    )).mappings().one_or_none()
    return dict(row) if row else None


def published_info(conn: sa.Connection) -> Record | None:
    """The published version: id, run, time, configuration version and row counts."""
    v = current_version_id(conn)
    if v is None:
        return None
    row = conn.execute(sa.select(versions).where(versions.c.version_id == v)).mappings().one()
    return dict(row)


def recent_runs(conn: sa.Connection, limit: int = 20) -> pd.DataFrame:
    """The latest runs (publish and erasure) with their status, newest first."""
    return _frame(conn, sa.select(runs).order_by(runs.c.started_at.desc()).limit(limit))


def partner_freshness(conn: sa.Connection, at: datetime | None = None) -> pd.DataFrame:
    """Per partner: its status in the latest run that named it, last good extract and its age."""
    at = at or datetime.now(UTC)
    rs = run_sources
    latest = (
        sa.select(rs.c.source, sa.func.max(runs.c.started_at).label("started_at"))
        .join(runs, runs.c.run_id == rs.c.run_id).group_by(rs.c.source).subquery()
    )
    last_good = (
        sa.select(rs.c.source, sa.func.max(rs.c.last_success_at).label("last_success_at"))
        .group_by(rs.c.source).subquery()
    )
    query = (
        sa.select(rs.c.source, rs.c.status, rs.c.counts, rs.c.error, runs.c.run_id,
                  last_good.c.last_success_at)
        .join(runs, runs.c.run_id == rs.c.run_id)
        .join(latest, sa.and_(latest.c.source == rs.c.source,
                              latest.c.started_at == runs.c.started_at))
        .join(last_good, last_good.c.source == rs.c.source)
        .order_by(rs.c.source)
    )
    frame = _frame(conn, query)
    stamps = pd.to_datetime(frame["last_success_at"], utc=True)
    frame["last_success_at"] = stamps
    frame["age_hours"] = ((pd.Timestamp(at) - stamps).dt.total_seconds() / 3600).round(1)
    return frame


def quarantined(conn: sa.Connection, partner: str | None = None,
                limit: int = 200) -> pd.DataFrame:
    """Quarantined rows, newest first, with the held-back record masked for display."""
    from foundation.quarantine import masked_records

    q = quarantine
    query = sa.select(q).order_by(q.c.quarantined_at.desc(), q.c.quarantine_id).limit(limit)
    if partner:
        query = query.where(q.c.partner == partner)
    frame = _frame(conn, query)
    if not frame.empty:
        frame["record"] = masked_records(frame)
    return frame
