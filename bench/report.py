"""Tables of a benchmark run: rich tables for the terminal, Markdown for bench/README.md."""

from dataclasses import dataclass

from rich.table import Table

from bench.metrics import Evaluation, FlagErrors
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

def breakdown_header(engines: list[str]) -> list[str]:
    return ["data set", "hard case", "records", *[f"{e} FP / FN" for e in engines]]


def breakdown_rows(
    by_flag: dict[tuple[str, str], list[FlagErrors]], engines: list[str]
) -> list[list[str]]:
    """One row per data set and hard case with any wrong pair; per engine false merges / misses.

    A pair counts under every flag one of its two records carries.
    """
    rows = []
    datasets = list(dict.fromkeys(name for name, _ in by_flag))
    for name in datasets:
        per_engine = {e: {f.flag: f for f in by_flag.get((name, e), [])} for e in engines}
        flags = list(dict.fromkeys(f for e in engines for f in per_engine[e]))
        for flag in flags:
            found = [per_engine[e].get(flag) for e in engines]
            if not any(f and (f.false_merge_pairs or f.missed_pairs) for f in found):
                continue
            records = next(f.records for f in found if f)
            cells = [f"{f.false_merge_pairs:,} / {f.missed_pairs:,}" if f else "-" for f in found]
            rows.append([name, flag.removeprefix("flag:"), f"{records:,}", *cells])
    return rows

SPEED_HEADER = ["records", "engine", "e2e s", "link s", "cpu s", "process s", "peak MB", "F1",
                "load"]
"""e2e: read Parquet + link + write Parquet; cpu: user + system seconds of that part;
process: including interpreter start and imports;
load: the machine's 1-minute load average just before the run (2 cores, shared)."""


def speed_cells(result: SpeedResult, f1: float | None) -> list[str]:
    """Cells of one speed row; an unfinished run says why instead of inventing figures."""
    load = _f(result.load_before, 1)
    if not result.finished:
        peak = "" if result.peak_rss_mb is None else f">= {result.peak_rss_mb:.0f}"
        return [f"{result.records:,}", result.engine, result.error or "failed", "", "", "", peak,
                "", load]
    return [
        f"{result.records:,}",
        result.engine,
        _f(result.end_to_end_s, 1),
        _f(result.link_s, 1),
        _f(result.cpu_s, 1),
        _f(result.process_s, 1),
        _f(result.peak_rss_mb, 0),
        _f(f1),
        load,
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
