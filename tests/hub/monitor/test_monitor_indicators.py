"""Each indicator on small hand-made households with a known answer."""

import pandas as pd
import pytest

from hub.monitor import indicators as ind
from hub.monitor.report import MONITOR_COLUMNS, monitor_table, pivot
from hub.monitor.suppression import TOTAL


def _cases(*rows: tuple) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["household_id", "source", "case_id", "case_type",
                                        "start_date", "end_date", "worker"])
    frame["municipality"] = "0479"
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame[list(ind.CASE_COLUMNS)]


NO_GUIDES = pd.DataFrame({c: pd.Series(dtype="str") for c in ind.GUIDE_COLUMNS})


def test_a_handover_and_an_overlap_are_told_apart() -> None:
    cases = _cases(
        # H1: Veilig Thuis ends 31 January, the GI starts 20 February: a hand-over
        ("H1", "veilig_thuis", "vt1", "melding", "2026-01-05", "2026-01-31", "A. Jansen"),
        ("H1", "jbra", "gi1", "ots", "2026-02-20", None, "B. de Vries"),
        # H2: Veilig Thuis still running when the GI starts: expertise added
        ("H2", "veilig_thuis", "vt2", "melding", "2026-01-05", "2026-03-31", "A. Jansen"),
        ("H2", "jbra", "gi2", "jeugdreclassering", "2026-02-20", None, "C. Bakker"),
        # H3: a gap of 45 days: neither (a new start)
        ("H3", "veilig_thuis", "vt3", "melding", "2026-01-05", "2026-01-06", None),
        ("H3", "ldh", "l3", "ambulante_hulp", "2026-02-20", None, None),
        # H4: the same partner twice: never a hand-over
        ("H4", "jbra", "gi4a", "ots", "2026-01-05", "2026-02-01", "D"),
        ("H4", "jbra", "gi4b", "ots", "2026-02-10", None, "D"),
    )
    starts = ind.help_starts(cases).set_index("case_id")["kind"]
    assert starts["gi1"] == "handover"
    assert starts["gi2"] == "added"
    assert starts["l3"] == "first"
    assert starts["gi4b"] == "first"
    assert starts["vt1"] == "first"


def test_partners_and_faces_per_household_per_month() -> None:
    cases = _cases(
        ("H1", "veilig_thuis", "vt1", "melding", "2026-01-05", "2026-03-31", "A. Jansen"),
        ("H1", "jbra", "gi1", "ots", "2026-02-20", None, "B. de Vries"),
        ("H1", "jbra", "gi2", "voogdij", "2026-02-21", None, " b.  DE vries"),
        ("H1", "ldh", "l1", "ambulante_hulp", "2026-02-01", None, None),
    )
    involved = ind.involvement(cases, ["2026-01", "2026-02"]).set_index("month")
    assert involved.loc["2026-01", "partners"] == 1 and involved.loc["2026-01", "faces"] == 1
    # February: three partners; Jansen, De Vries (one face, two cases) and LDH's unnamed worker
    assert involved.loc["2026-02", "partners"] == 3
    assert involved.loc["2026-02", "faces"] == 3


def test_a_measure_counts_in_the_month_it_started() -> None:
    cases = _cases(
        ("H1", "jbra", "gi1", "voorlopige_ots", "2026-02-20", None, "B"),
        ("H1", "wss", "w1", "jeugdreclassering", "2026-02-21", None, "C"),
        ("H2", "jgb", "j1", "voogdij", "2026-03-01", None, "D"),
    )
    measures = ind.measures_started(cases)
    assert sorted(measures["month"]) == ["2026-02", "2026-03"]


@pytest.mark.parametrize(("second", "repeat"), [
    ("2026-12-10", True),   # 11 months after the first report
    ("2027-02-10", False),  # 13 months after
    ("2027-01-10", False),  # exactly 12 months: no longer within 12 months
])
def test_repeat_report_at_11_and_13_months(second: str, repeat: bool) -> None:
    cases = _cases(
        ("H1", "veilig_thuis", "vt1", "melding", "2026-01-10", "2026-02-01", "A"),
        ("H1", "veilig_thuis", "vt2", "melding", second, None, "A"),
        ("H1", "veilig_thuis", "adv", "advies", "2026-03-10", None, "A"),  # advice: no report
    )
    marked = ind.reports(cases)
    assert list(marked["repeat"]) == [False, repeat]


def test_days_from_first_report_to_help_by_another_partner() -> None:
    cases = _cases(
        ("H1", "ldh", "l0", "ambulante_hulp", "2025-06-01", "2025-09-01", "X"),  # before: no
        ("H1", "veilig_thuis", "vt1", "melding", "2026-01-10", "2026-02-01", "A"),
        ("H1", "veilig_thuis", "vt2", "melding", "2026-01-20", "2026-02-01", "A"),
        ("H1", "jbra", "gi1", "ots", "2026-02-19", None, "B"),
        ("H2", "veilig_thuis", "vt3", "melding", "2026-01-10", None, "A"),  # no help yet
    )
    helped = ind.first_help_after_report(cases).set_index("household_id")
    assert helped.loc["H1", "days"] == 40
    assert helped.loc["H1", "month"] == "2026-01"
    assert pd.isna(helped.loc["H2", "days"])


def test_guide_share_and_days_until_registered() -> None:
    cases = _cases(
        ("H1", "jbra", "gi1", "ots", "2026-01-01", None, "B"),
        ("H2", "jbra", "gi2", "ots", "2026-01-01", None, "C"),  # a household without a guide
    )
    guides = pd.DataFrame({"household_id": ["H1"], "since": pd.to_datetime(["2026-02-15"]),
                           "until": pd.to_datetime([None])})
    involved = ind.involvement(cases, ["2026-01", "2026-02"])
    involved["with_guide"] = ind.guide_coverage(involved, guides)
    by = involved.set_index(["month", "household_id"])["with_guide"]
    assert not by[("2026-01", "H1")] and by[("2026-02", "H1")] and not by[("2026-02", "H2")]
    registered = ind.guides_registered(cases, guides)
    assert registered.set_index("household_id").loc["H1", "days"] == 45
    assert "H2" not in set(registered["household_id"])


def test_published_table_has_no_ids_and_hides_small_counts() -> None:
    rows = []
    for k in range(12):  # 12 households in Zaanstad, 2 in Purmerend
        rows.append((f"H{k}", "veilig_thuis", f"vt{k}", "melding", "2026-01-05", "2026-01-20",
                     "A"))
        rows.append((f"H{k}", "jbra", f"gi{k}", "ots", "2026-02-01", None, "B"))
    cases = _cases(*rows)
    cases.loc[cases["household_id"].isin(["H0", "H1"]), "municipality"] = "0439"
    table = monitor_table(cases, NO_GUIDES, "2026-01", "2026-03")
    assert tuple(table.columns) == MONITOR_COLUMNS
    text = [str(v) for v in table.to_numpy().ravel()]
    assert not any(v.startswith(("H", "vt", "gi")) for v in text)
    households = pivot(table, "households")
    assert households.loc["2026-01", "0439"] == "<5"
    assert households.loc["2026-01", "0479"] == "x"  # hidden so 2 = 12 - 10 cannot be worked out
    assert households.loc["2026-01", TOTAL] == "12"
    handovers = pivot(table, "handovers")
    assert handovers.loc["2026-02", TOTAL] == "12"
    assert handovers.loc[TOTAL, TOTAL] == "12"
    shown = table[table["status"] == "shown"]
    assert not shown["value"].between(1, 4).any() or set(
        shown.loc[shown["value"].between(1, 4), "indicator"]) <= {
        "partners_per_household", "faces_per_household"}
    assert pivot(table, "measures_per_100").loc["2026-02", TOTAL] == "100"
    assert pivot(table, "days_to_help").loc["2026-01", TOTAL] == "27"
