"""Reading the monitor's input frames from the published registration (one version).

A case belongs to every household of a person it concerns; a household's municipality is the
one most of its members' golden records name (ties: the smallest code), ``onbekend`` when none
does (members with a confidential address have no address in the golden record).
"""

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from hub.monitor.indicators import CASE_COLUMNS
from hub.store import guides as store_guides
from hub.store.query import snapshot
from schemas.store import household_members, persons, registration_persons, registrations


@dataclass(frozen=True)
class MonitorInput:
    """Cases and guides of one published version (household ids inside: never publish)."""

    version_id: int
    cases: pd.DataFrame
    guides: pd.DataFrame


def _frame(conn: sa.Connection, query: sa.Select) -> pd.DataFrame:
    result = conn.execute(query)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def household_municipalities(conn: sa.Connection, version_id: int) -> pd.Series:
    """household_id -> the municipality code most of its members live in."""
    hm, p = household_members, persons
    frame = _frame(conn, sa.select(hm.c.household_id, p.c.municipality_code)
                   .join(p, sa.and_(p.c.version_id == hm.c.version_id,
                                    p.c.person_id == hm.c.person_id))
                   .where(hm.c.version_id == version_id, p.c.municipality_code.is_not(None)))
    if frame.empty:
        return pd.Series(dtype="str", name="municipality")
    counts = frame.groupby(["household_id", "municipality_code"]).size().rename("n").reset_index()
    counts = counts.sort_values(["household_id", "n", "municipality_code"],
                                ascending=[True, False, True])
    first = counts.drop_duplicates("household_id").set_index("household_id")
    return first["municipality_code"].astype("str").rename("municipality")


def cases_of(conn: sa.Connection, version_id: int) -> pd.DataFrame:
    """One row per (case, household it concerns), with the household's municipality."""
    rg, rp, hm = registrations, registration_persons, household_members
    frame = _frame(conn, sa.select(
        hm.c.household_id, rg.c.source, rg.c.case_id, rg.c.case_type, rg.c.start_date,
        rg.c.end_date, rg.c.case_worker_name.label("worker"))
        .join(rp, sa.and_(rp.c.version_id == rg.c.version_id, rp.c.source == rg.c.source,
                          rp.c.case_id == rg.c.case_id))
        .join(hm, sa.and_(hm.c.version_id == rp.c.version_id, hm.c.person_id == rp.c.person_id))
        .where(rg.c.version_id == version_id).distinct())
    frame["municipality"] = frame["household_id"].map(
        household_municipalities(conn, version_id))
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame[list(CASE_COLUMNS)]


def read_input(engine: sa.Engine) -> MonitorInput:
    """The published version's cases and every guide period (StoreError before a publish)."""
    with snapshot(engine) as view:
        cases = cases_of(view.conn, view.version_id)
        guides = store_guides.guide_periods(view.conn)
    return MonitorInput(view.version_id, cases, guides)
