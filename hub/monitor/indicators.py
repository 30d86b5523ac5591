"""What the monitor counts, per household, from plain frames of cases and fixed guides.

Pure functions: no store, no Dagster, no web. Each returns one row per household-month or per
event with the household's municipality and the month it counts in; :mod:`hub.monitor.report`
aggregates them into cells and suppresses small ones. The definitions in words are in
``docs/monitor.md``; the constants below are the rules they name.

Input frames:

* ``cases`` (:data:`CASE_COLUMNS`): one row per (case, household) the case concerns, with the
  household's municipality, the partner (``source``), canonical case type, start and end dates
  (``datetime64``; end missing while running) and the responsible professional's name.
* ``guides`` (:data:`GUIDE_COLUMNS`): one row per fixed-guide period of a household.
"""

import re

import numpy as np
import pandas as pd

CASE_COLUMNS = ("household_id", "municipality", "source", "case_id", "case_type", "start_date",
                "end_date", "worker")
GUIDE_COLUMNS = ("household_id", "since", "until")

REPORTING_PARTNER = "veilig_thuis"
REPORT_TYPES = ("melding",)
"""A Veilig Thuis case of these types is a report (melding); an ``advies`` is not."""
MEASURE_TYPES = ("ots", "voorlopige_ots", "voogdij", "uithuisplaatsing")
"""Child protection measures. ``uithuisplaatsing`` is not yet a canonical case type
(schemas/canonical.py); it is listed so that it counts the day a connector maps one."""
HANDOVER_DAYS = 30
"""A case starting at most this many days after another partner's case ended is a hand-over."""
REPEAT_MONTHS = 12
"""A report within this many months after an earlier report of the household is a repeat."""

_SPACES = re.compile(r"\s+")


def month_of(dates: pd.Series) -> pd.Series:
    """The calendar month (``YYYY-MM``) of each date; missing stays missing."""
    return dates.dt.strftime("%Y-%m")


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (``YYYY-MM``, inclusive)."""
    return [str(p) for p in pd.period_range(first, last, freq="M")]


def _dated(cases: pd.DataFrame) -> pd.DataFrame:
    """Cases with a start date (a case without one cannot be placed in time and is left out)."""
    out = cases[cases["start_date"].notna()].copy()
    out["start_date"] = pd.to_datetime(out["start_date"])
    out["end_date"] = pd.to_datetime(out["end_date"])
    return out.reset_index(drop=True)


def face_key(cases: pd.DataFrame) -> pd.Series:
    """Who the family sees: partner plus the professional's normalised name.

    A case without a named professional counts as one face of its own (partner plus case id):
    somebody worked on it, and counting it as nobody would flatter the pilot.
    """
    names = cases["worker"].astype("str").where(cases["worker"].notna(), "")
    names = names.str.strip().str.casefold().map(lambda s: _SPACES.sub(" ", s))
    own = cases["source"].astype("str") + "|case|" + cases["case_id"].astype("str")
    return (cases["source"].astype("str") + "|" + names).where(names != "", own)


def involvement(cases: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """One row per (month, household) with a case running in that month.

    Columns: month, household_id, municipality, partners (distinct partners with a running case),
    faces (distinct professionals, :func:`face_key`).
    """
    dated = _dated(cases)
    dated["face"] = face_key(dated)
    rows = []
    for month in months:
        period = pd.Period(month, freq="M")
        first, last = period.start_time, period.end_time.normalize()
        running = (dated["start_date"] <= last) & (
            dated["end_date"].isna() | (dated["end_date"] >= first))
        active = dated[running]
        if active.empty:
            continue
        grouped = active.groupby("household_id", sort=True)
        rows.append(pd.DataFrame({
            "month": month,
            "household_id": grouped.size().index,
            "municipality": grouped["municipality"].first().to_numpy(),
            "partners": grouped["source"].nunique().to_numpy(),
            "faces": grouped["face"].nunique().to_numpy(),
        }))
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="str" if c in ("month", "household_id",
                                                               "municipality") else "int64")
                             for c in ("month", "household_id", "municipality", "partners",
                                       "faces")})
    return pd.concat(rows, ignore_index=True)


def help_starts(cases: pd.DataFrame) -> pd.DataFrame:
    """Every case start classified as ``added``, ``handover`` or ``first``.

    ``added`` (expertise added): another partner's case for the household was running on the
    day this one started (it started earlier, or the same day and sorts first). ``handover``:
    not added, and another partner's case ended 1 to :data:`HANDOVER_DAYS` days before this one
    started. ``first``: neither. Columns: household_id, municipality, source, case_id, month,
    kind.
    """
    dated = _dated(cases)
    dated = dated.sort_values(["household_id", "start_date", "source", "case_id"])
    dated["rank"] = np.arange(len(dated))
    pairs = dated.merge(dated, on="household_id", suffixes=("", "_a"))
    pairs = pairs[pairs["source"] != pairs["source_a"]]
    earlier = pairs["rank_a"] < pairs["rank"]
    running = earlier & (pairs["end_date_a"].isna() | (pairs["end_date_a"] >= pairs["start_date"]))
    gap = (pairs["start_date"] - pairs["end_date_a"]).dt.days
    handed = pairs["end_date_a"].notna() & (gap >= 1) & (gap <= HANDOVER_DAYS)
    added = set(pairs.loc[running, "rank"])
    handover = set(pairs.loc[handed, "rank"]) - added
    kind = np.where(dated["rank"].isin(added), "added",
                    np.where(dated["rank"].isin(handover), "handover", "first"))
    out = dated.assign(month=month_of(dated["start_date"]), kind=kind)
    return out[["household_id", "municipality", "source", "case_id", "month",
                "kind"]].reset_index(drop=True)


def measures_started(cases: pd.DataFrame) -> pd.DataFrame:
    """Protection measures (:data:`MEASURE_TYPES`) by the month they started.

    A case concerning two households counts once for each. Columns: household_id,
    municipality, month, case_type.
    """
    dated = _dated(cases)
    started = dated[dated["case_type"].isin(MEASURE_TYPES)]
    out = started.assign(month=month_of(started["start_date"]))
    return out[["household_id", "municipality", "month", "case_type"]].reset_index(drop=True)


def reports(cases: pd.DataFrame) -> pd.DataFrame:
    """Veilig Thuis reports, each marked ``repeat`` when an earlier report of the same household
    started less than :data:`REPEAT_MONTHS` calendar months before it (11 months: a repeat; 13
    months: not; exactly 12 months: not). Columns: household_id, municipality, month, start_date,
    repeat."""
    dated = _dated(cases)
    mine = dated[(dated["source"] == REPORTING_PARTNER) & dated["case_type"].isin(REPORT_TYPES)]
    mine = mine.sort_values(["household_id", "start_date", "case_id"]).reset_index(drop=True)
    previous = mine.groupby("household_id")["start_date"].shift(1)
    repeat = previous.notna() & (mine["start_date"] < previous + pd.DateOffset(
        months=REPEAT_MONTHS)) & (mine["start_date"] > previous)
    out = mine.assign(month=month_of(mine["start_date"]), repeat=repeat.to_numpy())
    return out[["household_id", "municipality", "month", "start_date", "repeat"]]


def first_help_after_report(cases: pd.DataFrame) -> pd.DataFrame:
    """Per household with a Veilig Thuis report: its first report, and the days until the first
    case of another partner that started on or after that day (missing: no help yet).
    Columns: household_id, municipality, month (of the first report), days."""
    rep = reports(cases)
    first = rep.groupby("household_id", sort=True).agg(
        municipality=("municipality", "first"), first_report=("start_date", "min"))
    dated = _dated(cases)
    help_cases = dated[dated["source"] != REPORTING_PARTNER][["household_id", "start_date"]]
    joined = help_cases.merge(first.reset_index(), on="household_id")
    joined = joined[joined["start_date"] >= joined["first_report"]]
    first_help = joined.groupby("household_id")["start_date"].min()
    first["days"] = (first_help.reindex(first.index) - first["first_report"]).dt.days
    first["month"] = month_of(first["first_report"])
    return first.reset_index()[["household_id", "municipality", "month", "days"]]


def guide_coverage(involved: pd.DataFrame, guides: pd.DataFrame) -> pd.Series:
    """For each row of :func:`involvement`: True when a fixed guide was registered for the
    household at any day of that month (``since`` on or before its last day, ``until`` missing
    or on or after its first)."""
    if involved.empty or guides.empty:
        return pd.Series(False, index=involved.index)
    joined = involved[["month", "household_id"]].reset_index().merge(
        guides[["household_id", "since", "until"]], on="household_id")
    period = pd.PeriodIndex(joined["month"], freq="M")
    first, last = period.start_time, period.end_time.normalize()
    since = pd.to_datetime(joined["since"])
    until = pd.to_datetime(joined["until"])
    on = (since <= last) & (until.isna() | (until >= first))
    covered = set(joined.loc[on.to_numpy(), "index"])
    return pd.Series(involved.index.isin(covered), index=involved.index)


def guides_registered(cases: pd.DataFrame, guides: pd.DataFrame) -> pd.DataFrame:
    """Per household with a guide: the month its first guide was registered and the days from
    the household's first case to that day (0 when the guide came first).
    Columns: household_id, municipality, month, days."""
    columns = ["household_id", "municipality", "month", "days"]
    if guides.empty:
        return pd.DataFrame({c: pd.Series(dtype="str" if c != "days" else "float64")
                             for c in columns})
    dated = _dated(cases)
    first_case = dated.groupby("household_id").agg(
        municipality=("municipality", "first"), first_case=("start_date", "min"))
    first_guide = guides.assign(since=pd.to_datetime(guides["since"])).groupby(
        "household_id")["since"].min().rename("since")
    joined = first_case.join(first_guide, how="inner")
    days = (joined["since"] - joined["first_case"]).dt.days.clip(lower=0)
    out = joined.assign(month=month_of(joined["since"]), days=days).reset_index()
    return out[columns]
