"""The published monitor: every indicator per month and municipality, protected, without ids.

:func:`monitor_table` is the one place where household-level rows become cells. Counts go through
:func:`hub.monitor.suppression.protect`; a derived figure (a mean, a rate, a share, a median) is
shown only where the counts it is computed from are shown, so it cannot give a hidden count
back (3 measures per 100 of 100 shown households is 3). Medians need at least
:data:`MIN_MEDIAN_N` households.
"""

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hub.monitor import indicators as ind
from hub.monitor.suppression import SECONDARY, SHOWN, TOTAL, protect

UNKNOWN_MUNICIPALITY = "onbekend"
MIN_MEDIAN_N = 5
MONITOR_COLUMNS = ("month", "municipality", "indicator", "value", "display", "status")
"""The published columns. ``month`` is ``YYYY-MM`` or ``totaal`` (the whole period),
``municipality`` a CBS code, ``onbekend`` or ``totaal`` (the whole pilot)."""

PILOT_MUNICIPALITIES = {
    "0479": "Zaanstad", "0439": "Purmerend", "0852": "Waterland", "0880": "Wormerland",
    "0385": "Edam-Volendam", "0415": "Landsmeer", "0431": "Oostzaan",
}
"""CBS codes and names of the Zaanstreek-Waterland pilot's municipalities, for display."""


@dataclass(frozen=True)
class Indicator:
    """One published indicator: its key, English label (a msgid), unit and kind."""

    key: str
    label: str
    unit: str
    kind: str  # "count", "mean", "rate", "share" or "median"
    additive: bool = False  # counts only: months add up (events, not distinct households)


INDICATORS = (
    Indicator("households", "Households involved", "households", "count"),
    Indicator("partners_per_household", "Partners per household", "partners", "mean"),
    Indicator("faces_per_household", "Professionals per household (faces)", "faces", "mean"),
    Indicator("handovers", "Hand-overs", "cases", "count", additive=True),
    Indicator("expertise_added", "Expertise added (overlapping help)", "cases", "count",
              additive=True),
    Indicator("handover_share", "Share of hand-overs in help following or joining a partner", "%",
              "share"),
    Indicator("measures", "Protection measures started", "measures", "count", additive=True),
    Indicator("measures_per_100", "Protection measures per 100 households", "per 100", "rate"),
    Indicator("first_reports", "Families with a first Veilig Thuis report", "households",
              "count", additive=True),
    Indicator("days_to_help", "Days from first report to help by another partner (median)",
              "days", "median"),
    Indicator("repeat_reports", "Repeat reports within 12 months", "reports", "count",
              additive=True),
    Indicator("with_guide", "Households with a fixed guide", "households", "count"),
    Indicator("guide_share", "Share of households with a fixed guide", "%", "share"),
    Indicator("guides_registered", "Fixed guides registered", "households", "count",
              additive=True),
    Indicator("days_to_guide", "Days until a fixed guide was registered (median)", "days",
              "median"),
)
BY_KEY = {i.key: i for i in INDICATORS}


def _count_matrix(events: pd.DataFrame, months: list[str], places: list[str]) -> pd.DataFrame:
    """Events per (month, municipality), zero-filled over the whole grid."""
    inside = events[events["month"].isin(months)]
    counts = inside.groupby(["month", "municipality"]).size()
    return counts.unstack(fill_value=0).reindex(index=months, columns=places,
                                                 fill_value=0).astype("int64")


def _sum_matrix(frame: pd.DataFrame, column: str, months: list[str],
                places: list[str]) -> pd.DataFrame:
    out = frame.groupby(["month", "municipality"])[column].sum().unstack(fill_value=0)
    out = out.reindex(index=months, columns=places, fill_value=0)
    out[TOTAL] = out.sum(axis=1)
    return out


def _median_matrix(frame: pd.DataFrame, months: list[str], places: list[str]
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Medians of ``days`` per cell, with per-month and per-period totals, and their n."""
    known = frame[frame["days"].notna() & frame["month"].isin(months)]
    parts = [known, known.assign(municipality=TOTAL)]
    both = pd.concat([*parts, *(p.assign(month=TOTAL) for p in parts)], ignore_index=True)
    grouped = both.groupby(["month", "municipality"])["days"]
    rows, cols = [*months, TOTAL], [*places, TOTAL]
    median = grouped.median().unstack().reindex(index=rows, columns=cols)
    n = grouped.size().unstack(fill_value=0).reindex(index=rows, columns=cols, fill_value=0)
    return median, n


def _cells(key: str, values: pd.DataFrame, shown: pd.DataFrame,
           display: pd.DataFrame | None = None, status: pd.DataFrame | None = None
           ) -> pd.DataFrame:
    """Long rows for one indicator from aligned value / shown / display / status grids."""
    def long(frame: pd.DataFrame, name: str) -> pd.Series:
        stacked = frame.stack(future_stack=True)
        stacked.index = stacked.index.set_names(["month", "municipality"])
        return stacked.rename(name)
    vals = values.where(shown).astype("float64")
    if display is None:
        display = vals.map(lambda v: SECONDARY if pd.isna(v) else _format(v)).astype(object)
    if status is None:
        status = shown.map(lambda s: SHOWN if s else "derived_hidden").astype(object)
    out = pd.concat([long(vals, "value"), long(display, "display"), long(status, "status")],
                    axis=1).reset_index()
    out.insert(2, "indicator", key)
    return out


def _format(value: float) -> str:
    """One decimal, Dutch decimal comma; whole numbers without decimals."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".replace(".", ",")


def monitor_table(cases: pd.DataFrame, guides: pd.DataFrame, first_month: str,
                  last_month: str) -> pd.DataFrame:
    """Every indicator for every month from ``first_month`` to ``last_month`` and municipality.

    Returns :data:`MONITOR_COLUMNS` only: aggregates, with hidden cells' values missing.
    """
    months = ind.months_between(first_month, last_month)
    cases = cases.assign(municipality=cases["municipality"].fillna(UNKNOWN_MUNICIPALITY))
    places = sorted(set(cases["municipality"]) | set(PILOT_MUNICIPALITIES))
    home = cases.groupby("household_id")["municipality"].first()
    guides = guides[guides["household_id"].isin(home.index)]

    involved = ind.involvement(cases, months)
    involved["with_guide"] = ind.guide_coverage(involved, guides)
    starts = ind.help_starts(cases)
    first_help = ind.first_help_after_report(cases)
    reports = ind.reports(cases)
    registered = ind.guides_registered(cases, guides)

    count_events = {
        "households": (involved, False),
        "handovers": (starts[starts["kind"] == "handover"], True),
        "expertise_added": (starts[starts["kind"] == "added"], True),
        "measures": (ind.measures_started(cases), True),
        "first_reports": (first_help, True),
        "repeat_reports": (reports[reports["repeat"]], True),
        "with_guide": (involved[involved["with_guide"]], False),
        "guides_registered": (registered, True),
    }
    protected = {key: protect(_count_matrix(events, months, places), totals_row=additive)
                 for key, (events, additive) in count_events.items()}
    parts = [_cells(key, p.values, p.status == SHOWN, p.display(), p.status)
             for key, p in protected.items()]

    households = protected["households"]
    h_shown = households.shown()
    for key, column in (("partners_per_household", "partners"), ("faces_per_household", "faces")):
        total = _sum_matrix(involved, column, months, places)
        mean = total / households.values.where(households.values > 0)
        parts.append(_cells(key, mean, h_shown.notna() & mean.notna()))
    for key, numerator, denominator, scale in (
        ("measures_per_100", "measures", "households", 100),
        ("guide_share", "with_guide", "households", 100),
        ("handover_share", "handovers", None, 100),
    ):
        top = protected[numerator]
        if denominator is None:  # hand-overs among all help that joined or followed a partner
            bottom_values = top.values + protected["expertise_added"].values
            bottom_shown = protected["expertise_added"].shown().notna()
        else:
            bottom_values = protected[denominator].values
            bottom_shown = protected[denominator].shown().notna()
        rows = bottom_values.index.intersection(top.values.index)
        ratio = (top.values.loc[rows] / bottom_values.loc[rows].where(bottom_values.loc[rows] > 0)
                 * scale).round(1)
        shown = top.shown().loc[rows].notna() & bottom_shown.loc[rows] & ratio.notna()
        parts.append(_cells(key, ratio, shown))
    for key, frame in (("days_to_help", first_help), ("days_to_guide", registered)):
        median, n = _median_matrix(frame, months, places)
        parts.append(_cells(key, median, (n >= MIN_MEDIAN_N) & median.notna()))

    table = pd.concat(parts, ignore_index=True)
    order = {i.key: k for k, i in enumerate(INDICATORS)}
    table = table.sort_values(["indicator", "month", "municipality"],
                              key=lambda s: s.map(order) if s.name == "indicator" else s,
                              kind="stable").reset_index(drop=True)
    table["value"] = table["value"].astype("float64")
    for column in ("month", "municipality", "indicator", "display", "status"):
        table[column] = table[column].astype("str")
    return table[list(MONITOR_COLUMNS)]


def pivot(table: pd.DataFrame, indicator: str, column: str = "display") -> pd.DataFrame:
    """One indicator as months (rows) by municipalities (columns), totals last."""
    one = table[table["indicator"] == indicator]
    out = one.pivot(index="month", columns="municipality", values=column)
    rows = sorted(i for i in out.index if i != TOTAL) + ([TOTAL] if TOTAL in out.index else [])
    cols = sorted(c for c in out.columns if c != TOTAL) + [TOTAL]
    return out.reindex(index=rows, columns=cols)


def municipality_label(code: str) -> str:
    """'Zaanstad' for 0479; other values unchanged."""
    return PILOT_MUNICIPALITIES.get(code, code)


def pilot_series(table: pd.DataFrame, indicator: str) -> list[tuple[str, float | None]]:
    """The whole pilot's value per month (None where hidden), for a trend line."""
    one = table[(table["indicator"] == indicator) & (table["municipality"] == TOTAL)
                & (table["month"] != TOTAL)].sort_values("month")
    return [(m, None if np.isnan(v) else float(v))
            for m, v in zip(one["month"], one["value"], strict=True)]


MAX_MONTHS = 120
DEFAULT_MONTHS = 24
_MONTH = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})$")
_MONTH_NL = re.compile(r"^(?P<m>\d{2})-(?P<y>\d{4})$")


def parse_month(text: str, field: str) -> str:
    """``2026-03`` or ``03-2026`` as ``2026-03``; ValueError naming the field otherwise."""
    value = (text or "").strip()
    match = _MONTH.match(value) or _MONTH_NL.match(value)
    if match and 1 <= int(match["m"]) <= 12:
        return f"{match['y']}-{match['m']}"
    raise ValueError(f"{field} must be a month like 2026-03, not {value!r}")


def window(first: str | None, last: str | None, today: pd.Timestamp) -> tuple[str, str]:
    """The months to report: the given ones, or the :data:`DEFAULT_MONTHS` up to this month.

    Raises ValueError when ``first`` lies after ``last`` or the window exceeds
    :data:`MAX_MONTHS`.
    """
    this_month = pd.Period(today, freq="M")
    end = pd.Period(parse_month(last, "--to"), freq="M") if last else this_month
    start = (pd.Period(parse_month(first, "--from"), freq="M") if first
             else end - (DEFAULT_MONTHS - 1))
    if start > end:
        raise ValueError(f"--from ({start}) lies after --to ({end})")
    if (end - start).n + 1 > MAX_MONTHS:
        raise ValueError(f"at most {MAX_MONTHS} months at a time")
    return str(start), str(end)


def trend_markdown(table: pd.DataFrame) -> str:
    """Per indicator: the whole pilot's latest shown value and a text sparkline of the months
    (``·`` for a hidden month). For Dagster metadata and terminals; aggregates only."""
    from hub.monitor.charts import sparkline

    lines = ["| indicator | latest | trend |", "|---|---:|:---|"]
    for indicator in INDICATORS:
        series = pilot_series(table, indicator.key)
        shown = [(m, v) for m, v in series if v is not None]
        latest = f"{_format(shown[-1][1])} ({shown[-1][0]})" if shown else "x"
        lines.append(f"| {indicator.label} | {latest} | `{sparkline(series)}` |")
    return "\n".join(lines)
