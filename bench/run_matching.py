"""The matching benchmark, one command: the hub's matching against Splink 5 on the same data.

``python -m bench.run_matching`` prints

1. accuracy per data set and engine, tuning and held-out sets apart (``--suite``, see
   :mod:`bench.suites`): blocking recall, pairwise precision, recall and F1 for persons and
   households, the twin pairs wrongly merged, the review load and the review precision, on the
   synthetic Dutch population (normal, hard and harsh error profiles, several seeds), FEBRL 1-4
   and names-and-dates-only versions of FEBRL 3 and 4;
2. the hub's wrong pairs broken down by the truth's hard-case flags;
3. speed: wall time and peak memory at each size, every run in a fresh subprocess, end to end
   (read Parquet, link, write Parquet);
4. the project's targets, each marked met or missed.

It writes the same tables as Markdown and JSON to ``bench/out/`` (``latest.md``, ``latest.json``).
Figures are printed, never asserted.
"""

import json
import logging
import shlex
import sys
import time
import traceback
from dataclasses import asdict, replace
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console

from bench import datasets, suites
from bench.engines import CANDIDATES, ENGINES, RUNS
from bench.metrics import (
    BlockingScores,
    FlagErrors,
    blocking_recall,
    evaluate,
    pair_counts,
    review_scores,
)
from bench.report import (
    ACCURACY_HEADER,
    SPEED_HEADER,
    AccuracyRow,
    accuracy_cells,
    breakdown_header,
    breakdown_rows,
    markdown_table,
    rich_table,
    speed_cells,
)
from bench.speed import SpeedResult, measure
from hub.console import console, err_console, progress

OUT = Path(__file__).resolve().parent / "out"
app = typer.Typer(add_completion=False, pretty_exceptions_show_locals=False)


def parse_size(text: str) -> int:
    """``10k`` -> 10000, ``1m`` -> 1000000, ``2500`` -> 2500."""
    text = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    number = text[:-1] if factor > 1 else text
    try:
        return int(float(number) * factor)
    except ValueError:
        raise typer.BadParameter(f"not a size: {text!r} (use e.g. 10k, 100k, 1m)") from None


def _sizes(text: str) -> list[int]:
    return [parse_size(part) for part in text.split(",") if part.strip()]


def _blocking(engine: str, data: datasets.LabelledData) -> BlockingScores | None:
    """Blocking recall of an engine whose candidate pairs can be had (None: not measurable)."""
    if engine not in CANDIDATES:
        return None
    try:
        pairs = CANDIDATES[engine](data.persons)
    except Exception:  # noqa: BLE001 - a changed engine API costs this column, not the run
        err_console.print(f"[yellow]blocking recall of {engine} on {data.name} not measured:"
                          f"[/yellow]\n{traceback.format_exc(limit=-2)}")
        return None
    truth = data.truth
    keys = (truth["source"].astype("str").str.strip() + "\x1f"
            + truth["source_record_id"].astype("str").str.strip())
    person = pd.Series(truth["true_person_id"].to_numpy(), index=keys.to_numpy())
    labels = pairs.keys.map(person)
    return blocking_recall(pairs.left, pairs.right, labels)


def _run_accuracy(
    data: datasets.LabelledData, engine: str, flags: list[str], split: str = ""
) -> tuple[AccuracyRow, list[FlagErrors]]:
    twin = datasets.TWIN_GROUP if datasets.TWIN_GROUP in data.truth.columns else None
    started = time.perf_counter()
    try:
        run = RUNS[engine](data.persons)
        seconds = time.perf_counter() - started
        ev = evaluate(run.assignments, data.truth, twin_column=twin, flag_columns=flags)
        review = (None if run.review is None
                  else review_scores(run.review, data.truth, ev.persons.false_negatives))
        ev = replace(ev, review=review, blocking=_blocking(engine, data))
    except Exception as exc:  # noqa: BLE001 - a failing engine is a result to report, not a crash
        err_console.print(f"[red]{engine} failed on {data.name}:[/red]")
        err_console.print(traceback.format_exc(limit=-3))
        return AccuracyRow(data.name, engine, len(data.persons), None, None, str(exc)[:120],
                           split), []
    return AccuracyRow(data.name, engine, len(data.persons), seconds, ev, split=split), ev.by_flag


# When piped (make, CI, a log file) rich would squeeze the tables into 80 columns.
_wide = console if console.is_terminal else Console(width=160)


def _show(table: object) -> None:
    _wide.print(table)


def _speed_f1(result: SpeedResult, target: Path, truth_path: Path) -> float | None:
    if not result.finished:
        return None
    got = pd.read_parquet(target, columns=["source", "source_record_id", "person_id"])
    truth = pd.read_parquet(truth_path, columns=["source", "source_record_id", "true_person_id"])
    joined = truth.merge(got, on=["source", "source_record_id"], how="left")
    return pair_counts(joined["person_id"], joined["true_person_id"]).f1


def _targets(rows: list[AccuracyRow], speed: list[tuple[SpeedResult, float | None]]) -> list[str]:
    """The issue's targets, each with the measured figure and met / missed.

    Tuning sets keep the targets of the earlier rounds; held-out sets get issue 10's: Dutch
    normal / harsh person precision >= 0.99 / 0.98, person F1 >= 0.97 / 0.90, household F1 >=
    0.95 / 0.85, twin pairs merged <= 1 % / 3 %; public sets at least Splink's F1; review load
    <= 20 per 1,000 records with at least half of the items true matches.
    """
    lines: list[str] = []
    ev = {(r.dataset, r.engine): r.evaluation for r in rows if r.evaluation is not None}
    split = {r.dataset: r.split for r in rows}

    def check(label: str, ok: bool, figure: str) -> None:
        lines.append(f"{'met   ' if ok else 'MISSED'}  {label}: {figure}")

    for name in dict.fromkeys(r.dataset for r in rows):
        hub, spl = ev.get((name, "hub")), ev.get((name, "splink"))
        if hub is None:
            continue
        profile = name.split("-")[0]
        if split[name] == suites.TUNING and profile in ("normal", "hard"):
            floor = 0.98 if profile == "normal" else 0.95
            check(f"{name} person F1 >= {floor}", hub.persons.f1 >= floor, f"{hub.persons.f1:.4f}")
            if hub.households:
                check(f"{name} household F1 >= 0.95", hub.households.f1 >= 0.95,
                      f"{hub.households.f1:.4f}")
            if hub.twins_merged is not None:
                check(f"{name} twins merged == 0", hub.twins_merged == 0, str(hub.twins_merged))
            if spl is not None:
                lead = hub.persons.f1 - spl.persons.f1
                check(f"{name} person F1 >= Splink + 0.05", lead >= 0.05, f"{lead:+.4f}")
            continue
        if split[name] == suites.HELD_OUT and profile in ("normal", "harsh"):
            p_min, f1_min, hh_min, twin_max = ((0.99, 0.97, 0.95, 0.01) if profile == "normal"
                                               else (0.98, 0.90, 0.85, 0.03))
            check(f"{name} person precision >= {p_min}", hub.persons.precision >= p_min,
                  f"{hub.persons.precision:.4f}")
            check(f"{name} person F1 >= {f1_min}", hub.persons.f1 >= f1_min,
                  f"{hub.persons.f1:.4f}")
            if hub.households:
                check(f"{name} household F1 >= {hh_min}", hub.households.f1 >= hh_min,
                      f"{hub.households.f1:.4f}")
            share = hub.twins_merged_share
            if share is not None:
                check(f"{name} twin pairs merged <= {twin_max:.0%}", share <= twin_max,
                      f"{share:.2%}")
        elif spl is not None:
            lead = hub.persons.f1 - spl.persons.f1
            check(f"{name} person F1 >= Splink", lead >= 0, f"{lead:+.4f}")
        if split[name] == suites.HELD_OUT and hub.review is not None:
            check(f"{name} review load <= 20 per 1,000", hub.review.load <= 20,
                  f"{hub.review.load:.1f}")
            precision = hub.review.precision
            # no items: no steward's time spent on a wrong one (the target asks that at least
            # half of what is sent be true matches; of nothing sent, none is wrong)
            check(f"{name} review precision >= 0.5", precision is None or precision >= 0.5,
                  "no items sent" if precision is None else f"{precision:.3f}")
    by_size: dict[int, dict[str, SpeedResult]] = {}
    for result, _ in speed:
        by_size.setdefault(result.records, {})[result.engine] = result
    if by_size:
        largest = max(by_size)
        hub_run = by_size[largest].get("hub")
        if hub_run is not None and hub_run.finished:
            check(f"{largest:,} records end to end <= 30 s", hub_run.end_to_end_s <= 30,
                  f"{hub_run.end_to_end_s:.1f} s")
            check(f"{largest:,} records peak memory < 3 GB", hub_run.peak_rss_mb < 3072,
                  f"{hub_run.peak_rss_mb:.0f} MB")
            spl_run = by_size[largest].get("splink")
            if spl_run is not None and spl_run.finished:
                ratio = spl_run.end_to_end_s / hub_run.end_to_end_s
                check(f"{largest:,} records >= 3x faster than Splink", ratio >= 3,
                      f"{ratio:.1f}x")
            elif spl_run is not None and (spl_run.error or "").startswith("skipped"):
                lines.append(f"n/a     {largest:,} records >= 3x faster than Splink: skipped")
            elif spl_run is not None:
                check(f"{largest:,} records >= 3x faster than Splink",
                      spl_run.error is not None and spl_run.error.startswith("not finished")
                      and spl_run.process_s >= 3 * hub_run.end_to_end_s,
                      f"Splink {spl_run.error}")
        elif hub_run is not None:
            check(f"{largest:,} records linked end to end", False, hub_run.error or "failed")
    return lines


@app.command()
def main(
    sizes: Annotated[str, typer.Option(
        help="Record counts for the speed runs, comma separated (10k, 100k, 1m).")] = "10k,100k,1m",
    accuracy_records: Annotated[int, typer.Option(
        help="About this many person records per synthetic accuracy data set.")] = 20_000,
    engines: Annotated[str, typer.Option(
        help="Engines to run, comma separated: hub, splink.")] = "hub,splink",
    skip_splink_at: Annotated[str, typer.Option(
        help="Speed sizes at which Splink is not run at all (e.g. 1m); reported as skipped.")] = "",
    splink_cap: Annotated[float, typer.Option(
        help="Seconds after which a Splink speed run is killed.")] = 900,
    hub_cap: Annotated[float, typer.Option(
        help="Seconds after which a hub speed run is killed.")] = 900,
    seed: Annotated[int, typer.Option(
        help="Seed of the synthetic speed data (the accuracy suites have fixed seeds).")] = 7,
    suite: Annotated[str, typer.Option(
        help="Accuracy data sets: 'tuning' (seed 7 normal/hard, FEBRL 3/4), 'heldout' (other "
             "seeds, the harsh profile, FEBRL 1/2, names-and-dates sets) or 'all'.")] = "all",
    large_records: Annotated[int, typer.Option(
        help="About this many records in each large held-out synthetic set (0: none).")] = 80_000,
    splink_max_records: Annotated[int, typer.Option(
        help="Run Splink in the accuracy part only on sets up to this many records.")] = 25_000,
    accuracy: Annotated[bool, typer.Option(help="Run the accuracy part.")] = True,
    synthetic: Annotated[bool, typer.Option(
        help="Include the synthetic Dutch populations in the accuracy part.")] = True,
    febrl: Annotated[bool, typer.Option(
        help="Include the public sets (FEBRL and names-and-dates) in the accuracy part.")] = True,
    speed: Annotated[bool | None, typer.Option(
        help="Run the speed part (default: only with --suite all).")] = None,
    out: Annotated[Path, typer.Option(help="Folder for latest.md and latest.json.")] = OUT,
) -> None:
    """Benchmark the hub's matching against Splink 5: accuracy, errors by hard case, speed."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    chosen = [e.strip() for e in engines.split(",") if e.strip()]
    unknown = sorted(set(chosen) - set(ENGINES))
    if unknown:
        raise typer.BadParameter(f"unknown engine(s): {', '.join(unknown)}")
    if suite not in suites.SUITES:
        raise typer.BadParameter(f"--suite must be one of {', '.join(suites.SUITES)}")
    if speed is None:
        speed = suite == "all"
    skip = set(_sizes(skip_splink_at))
    command = "python -m bench.run_matching " + shlex.join(sys.argv[1:])
    rows: list[AccuracyRow] = []
    by_flag: dict[tuple[str, str], list[FlagErrors]] = {}
    speed_rows: list[tuple[SpeedResult, float | None]] = []
    breakdown: list[list[str]] = []

    if accuracy:
        specs = suites.suite_sets(suite, accuracy_records, large_records, synthetic, febrl)
        with progress() as bar:
            task = bar.add_task("linking", total=len(specs) * len(chosen))
            for spec in specs:
                bar.update(task, description=f"loading {spec.name}")
                data = spec.load()
                flags = datasets.flag_columns(data.truth)
                for engine in chosen:
                    if engine == "splink" and len(data.persons) > splink_max_records:
                        bar.advance(task)
                        continue
                    bar.update(task, description=f"{engine} on {data.name}")
                    row, by_flag[data.name, engine] = _run_accuracy(data, engine, flags,
                                                                    spec.split)
                    rows.append(row)
                    bar.advance(task)
                del data
        breakdown = breakdown_rows(by_flag, chosen)
        for split in (suites.TUNING, suites.HELD_OUT):
            part = [accuracy_cells(r) for r in rows if r.split == split]
            if part:
                _show(rich_table(f"Accuracy (pairwise), {split} sets", ACCURACY_HEADER, part))
        if breakdown:
            _show(rich_table("Wrong person pairs touching a hard-case record (FP / FN, recall R)",
                             breakdown_header(chosen), breakdown))

    if speed:
        size_list = _sizes(sizes)
        with progress() as bar:
            task = bar.add_task("speed", total=len(size_list) * len(chosen))
            per_household = datasets.records_per_household(seed)
            for size in size_list:
                bar.update(task, description=f"generating {size:,} records")
                persons_path, truth_path = datasets.cached_synthetic(size, seed, per_household)
                records = len(pd.read_parquet(truth_path, columns=["source"]))
                for engine in chosen:
                    bar.update(task, description=f"{engine} at {records:,} records")
                    target = out / f"speed-{engine}-{size}.parquet"
                    out.mkdir(parents=True, exist_ok=True)
                    if engine == "splink" and size in skip:
                        result = SpeedResult(engine, records, False, 0.0,
                                             error="skipped (--skip-splink-at)")
                    else:
                        cap = splink_cap if engine == "splink" else hub_cap
                        result = measure(engine, persons_path, target, records, cap)
                    speed_rows.append((result, _speed_f1(result, target, truth_path)))
                    target.unlink(missing_ok=True)
                    bar.advance(task)
        _show(rich_table("Speed (fresh process per run, 2 cores)", SPEED_HEADER,
                                 [speed_cells(r, f1) for r, f1 in speed_rows]))

    target_lines = _targets(rows, speed_rows)
    if target_lines:
        console.print("[bold]Targets[/bold]")
        for line in target_lines:
            console.print("  " + line, highlight=False)
    _write(out, command, rows, (breakdown_header(chosen), breakdown), speed_rows, target_lines)



def _revision() -> str:
    """The commit the run measured, and whether matching/ or bench/ had uncommitted changes."""
    import subprocess

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=OUT.parent.parent, capture_output=True,
                              text=True, check=False)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "matching", "bench")
    return f"{commit} (uncommitted changes in matching/ or bench/)" if dirty else commit


def _write(
    out: Path,
    command: str,
    rows: list[AccuracyRow],
    breakdown: tuple[list[str], list[list[str]]],
    speed_rows: list[tuple[SpeedResult, float | None]],
    target_lines: list[str],
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    parts = [f"Command: `{command}`", f"Run at {stamp} on commit {_revision()}"]
    for split in (suites.TUNING, suites.HELD_OUT):
        part = [accuracy_cells(r) for r in rows if r.split == split]
        if part:
            parts += [f"### Accuracy, {split} sets", markdown_table(ACCURACY_HEADER, part)]
    if breakdown[1]:
        parts += ["### Wrong person pairs touching a hard-case record (FP / FN, recall R)",
                  markdown_table(*breakdown)]
    if speed_rows:
        parts += ["### Speed", markdown_table(SPEED_HEADER,
                                              [speed_cells(r, f1) for r, f1 in speed_rows])]
    if target_lines:
        parts += ["### Targets", "\n".join(["```", *target_lines, "```"])]
    (out / "latest.md").write_text("\n\n".join(parts) + "\n")
    payload = {
        "command": command,
        "accuracy": [
            {"dataset": r.dataset, "split": r.split, "engine": r.engine, "records": r.records,
             "seconds": r.seconds, "error": r.error,
             "persons": None if r.evaluation is None else asdict(r.evaluation.persons),
             "households": None if r.evaluation is None or r.evaluation.households is None
             else asdict(r.evaluation.households),
             "twins_merged": None if r.evaluation is None else r.evaluation.twins_merged,
             "twin_pairs": None if r.evaluation is None else r.evaluation.twin_pairs,
             "blocking": None if r.evaluation is None or r.evaluation.blocking is None
             else asdict(r.evaluation.blocking) | {"recall": r.evaluation.blocking.recall,
                                                   "reachable": r.evaluation.blocking.reachable},
             "review": None if r.evaluation is None or r.evaluation.review is None
             else asdict(r.evaluation.review) | {"load": r.evaluation.review.load,
                                                 "precision": r.evaluation.review.precision}}
            for r in rows
        ],
        "breakdown": [dict(zip(breakdown[0], row, strict=True)) for row in breakdown[1]],
        "speed": [asdict(r) | {"person_f1": f1} for r, f1 in speed_rows],
        "targets": target_lines,
    }
    (out / "latest.json").write_text(json.dumps(payload, indent=2) + "\n")
    console.print(f"Tables written to {out / 'latest.md'}")


if __name__ == "__main__":
    app()
