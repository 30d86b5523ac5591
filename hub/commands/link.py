"""``hub link``: link canonical person files into persons and households (also for what-if runs).

Stewards use it to try thresholds or decisions on an extract without touching the store: it reads
CSV or Parquet files of canonical person rows and writes one row per input row with its person and
household ID, plus the review list beside the output.
"""

from pathlib import Path

import typer

SUFFIXES = (".csv", ".parquet")


def read_table(path: Path, origin: str, columns: tuple[str, ...] | None = None):  # noqa: ANN201
    """Read a CSV (all columns as text, so BSNs keep leading zeros) or a Parquet file.

    With ``columns``, a Parquet file is read for those of them it has only (lineage and
    address-text columns of a million rows are not worth decoding when nothing reads them).
    """
    import pandas as pd

    from foundation.errors import ParseError

    if not path.exists():
        raise ParseError("file not found", origin=str(path))
    try:
        if path.suffix.lower() == ".parquet":
            if columns is None:
                return pd.read_parquet(path)
            import pyarrow.parquet as pq

            present = set(pq.read_schema(path).names)
            return pd.read_parquet(path, columns=[c for c in columns if c in present])
        from foundation.csv_safety import restored_frame

        return restored_frame(pd.read_csv(path, dtype="str", keep_default_na=False,
                                          encoding="utf-8-sig"))
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise ParseError(f"cannot read {origin}: {type(exc).__name__}", origin=str(path)) from exc


def write_table(frame, path: Path) -> None:  # noqa: ANN001 - pandas imported lazily
    """Write CSV or Parquet by extension, via a temporary file: a crash leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    if path.suffix.lower() == ".parquet":
        frame.to_parquet(tmp, index=False)
    else:
        from foundation.csv_safety import safe_frame

        safe_frame(frame).to_csv(tmp, index=False)  # no formula injection from partner ids
    tmp.replace(path)


def review_path(out: Path) -> Path:
    """The review list beside the output: links.csv -> links.review.csv."""
    return out.with_name(f"{out.stem}.review{out.suffix}")


def link_command(
    inputs: list[Path] = typer.Argument(
        ..., help="Canonical person files (CSV or Parquet); only source and "
        "source_record_id are required, a missing optional column counts as empty."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file, .csv or .parquet: one "
                             "row per input row with person_id and household_id."),
    previous: Path | None = typer.Option(
        None, "--previous", help="A previous output of hub link (or the store's "
        "assignment), so person and household IDs stay stable."),
    decisions: Path | None = typer.Option(
        None, "--decisions", help="Steward decisions: left_source, left_record_id, "
        "right_source, right_record_id, decision (must_link or cannot_link)."),
    review: Path | None = typer.Option(
        None, "--review", help="Where to write the review list (default: beside OUT as "
        "<name>.review.<ext>)."),
    events: Path | None = typer.Option(
        None, "--events", help="Also write merge/split events and household links "
        "(<name>.household_links.<ext> beside it) to this file."),
    match_weight: float | None = typer.Option(
        None, "--match-weight", help="Link pairs at or above this match weight "
        "(log2 odds; default 4.0)."),
    review_weight: float | None = typer.Option(
        None, "--review-weight", help="Pairs from this weight up to --match-weight that end "
        "in different persons go to review (default -2.0)."),
    stats: Path | None = typer.Option(
        None, "--stats", help="Write run statistics (pairs per blocking rule, estimated "
        "m/u, weight histogram) as JSON to this file."),
) -> None:
    """Link person records into persons and households and write IDs plus a review list."""
    import json
    from dataclasses import replace

    import pandas as pd

    from foundation.errors import HubError
    from hub.console import console, err_console, progress
    from matching import LinkConfig, link
    from matching.report import model_lines
    from matching.standardise import COLUMNS

    for path in [out, *([review] if review else []), *([events] if events else [])]:
        if path.suffix.lower() not in SUFFIXES:
            raise typer.BadParameter(f"{path} must end in .csv or .parquet")
    for written in [out, review, events, stats]:
        if written is not None and not written.resolve().parent.is_dir():
            raise typer.BadParameter(f"the folder of {written} does not exist (hub link "
                                     "creates no folders)")
    config = LinkConfig()
    if match_weight is not None:
        config = replace(config, match_weight=match_weight)
    if review_weight is not None:
        config = replace(config, review_weight=review_weight)
    try:
        with progress() as bar:
            task = bar.add_task("reading", total=len(inputs) + 2)
            frames = []
            for path in inputs:
                frame = read_table(path, "person records", COLUMNS)
                for column in ("source", "source_record_id"):
                    if column not in frame.columns:
                        from foundation.errors import MappingError

                        raise MappingError("required column missing", origin=str(path),
                                           field=column)
                frames.append(frame)
                bar.advance(task)
            persons = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
            prev = read_table(previous, "previous assignment") if previous else None
            judged = read_table(decisions, "decisions") if decisions else None
            bar.update(task, description="linking")
            result = link(persons, previous=prev, decisions=judged, config=config)
            bar.advance(task)
            bar.update(task, description="writing")
            write_table(result.assignments, out)
            write_table(result.review, review or review_path(out))
            if events:
                write_table(result.events, events)
                write_table(result.household_links,
                            events.with_name(f"{events.stem}.household_links{events.suffix}"))
            if stats:
                stats.write_text(json.dumps({**result.stats,
                                             "config_version": result.config_version},
                                            indent=2))
            bar.advance(task)
    except HubError as exc:
        err_console.print(f"[red]hub link failed:[/red] {exc}")
        raise typer.Exit(code=1) from exc
    s = result.stats
    console.print(
        f"{s['records']} records -> {s['persons']} persons, {s['households']} households; "
        f"{s['compared']} pairs compared, {s['review']} for review "
        f"(config {result.config_version})"
    )
    for line in model_lines(s.get("model", {})):
        console.print(line, markup=False)
    console.print(f"wrote {out} and {review or review_path(out)}")


def register(app: typer.Typer) -> None:
    app.command("link")(link_command)
