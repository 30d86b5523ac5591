"""Tables of a benchmark run: rich tables for the terminal, Markdown for bench/README.md."""

from dataclasses import dataclass

from rich.table import Table

from bench.metrics import Evaluation
from bench.speed import SpeedResult


@dataclass(frozen=True)
class AccuracyRow:
    """One engine on one data set; ``error`` when the engine failed on it."""

    dataset: str
    engine: str
    records: int
    seconds: float | None
    evaluation: Evaluation | None
    error: str | None = None


def _f(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def accuracy_cells(row: AccuracyRow) -> list[str]:
    """Cells of one accuracy row, in the column order of :data:`ACCURACY_HEADER`."""
    ev = row.evaluation
    if ev is None:
        return [row.dataset, row.engine, f"{row.records:,}", f"failed: {row.error}"] + [""] * 8
    p, h = ev.persons, ev.households
    return [
        row.dataset,
        row.engine,
        f"{row.records:,}",
        _f(p.precision),
        _f(p.recall),
        _f(p.f1),
        _f(h.precision) if h else "n/a",
        _f(h.recall) if h else "n/a",
        _f(h.f1) if h else "n/a",
        "n/a" if ev.twins_merged is None else str(ev.twins_merged),
        f"{p.false_positives:,} / {p.false_negatives:,}",
        _f(row.seconds, 1),
    ]


ACCURACY_HEADER = [
    "data set", "engine", "records", "P", "R", "F1", "hh P", "hh R", "hh F1", "twins merged",
    "FP / FN pairs", "s",
]
"""P, R, F1: pairwise on persons; hh: on households; FP / FN: wrong and missed person pairs."""

BREAKDOWN_HEADER = ["data set", "engine", "flag", "flagged records", "false-merge pairs",
                    "missed pairs"]
"""Wrong person pairs with at least one record carrying the flag (a pair may count twice)."""

SPEED_HEADER = ["records", "engine", "e2e s", "link s", "process s", "peak MB", "F1"]
"""e2e: read Parquet + link + write Parquet; process: including interpreter start and imports."""


def speed_cells(result: SpeedResult, f1: float | None) -> list[str]:
    """Cells of one speed row; an unfinished run says why instead of inventing figures."""
    if not result.finished:
        return [f"{result.records:,}", result.engine, result.error or "failed", "", "", "", ""]
    return [
        f"{result.records:,}",
        result.engine,
        _f(result.end_to_end_s, 1),
        _f(result.link_s, 1),
        _f(result.process_s, 1),
        _f(result.peak_rss_mb, 0),
        _f(f1),
    ]


def rich_table(title: str, header: list[str], rows: list[list[str]]) -> Table:
    table = Table(title=title, title_justify="left")
    for name in header:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return "\n".join(lines)
