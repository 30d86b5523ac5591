"""``hub quarantine list``: what was held back, per partner and run, with personal data masked."""

from typing import Annotated

import typer

from foundation.settings import get_settings
from hub.console import console

COLUMNS = ("when", "partner", "run", "stage", "where", "record id", "rule", "field", "severity",
           "reason")
"""Compact columns; below WIDE characters the listing prints one line per row instead."""
WIDE = 120
STAGES = ("extract", "validate")


def list_(
    partner: Annotated[str | None, typer.Option("--partner", "-p",
                                                help="Only this partner.")] = None,
    run: Annotated[str | None, typer.Option("--run", "-r", help="Only this run id.")] = None,
    stage: Annotated[str | None, typer.Option(
        "--stage", help="Only this stage: extract or validate.")] = None,
    limit: Annotated[int, typer.Option(
        "--limit", "-n", min=1, help="Show at most this many rows (newest first).")] = 50,
    records: Annotated[bool, typer.Option(
        "--records",
        help="Also show each held-back record (BSN and secret address masked).")] = False,
) -> None:
    """List quarantined rows, newest first; BSNs and confidential addresses are masked."""
    from rich.table import Table

    from foundation.quarantine import masked_records, read_quarantine

    settings = get_settings()
    if stage is not None and stage not in STAGES:
        raise typer.BadParameter(f"--stage must be one of {', '.join(STAGES)}")
    if partner is not None:
        from connectors.config import load_config
        from hub.commands._errors import reported

        with reported("cannot list the quarantine"):
            known = set(load_config(settings).partners) | {
                p.name for p in settings.quarantine.glob("*") if p.is_dir()}
        if partner not in known:
            raise typer.BadParameter(f"unknown partner {partner!r}; known: "
                                     f"{', '.join(sorted(known))}")
    frame = read_quarantine(settings.quarantine, partner=partner, run_id=run)
    if stage:
        frame = frame[frame["stage"] == stage]
    total = len(frame)
    if not total:
        console.print("Quarantine is empty for this selection.")
        return
    frame = frame.sort_values(["quarantined_at", "partner", "origin_row"],
                              ascending=[False, True, True]).head(limit)
    rows = [_cells(row) for _, row in frame.iterrows()]
    if console.width >= WIDE:
        table = Table(title=f"quarantine: {len(frame)} of {total} rows", title_justify="left")
        table.add_column("#", justify="right")
        for column in COLUMNS:
            table.add_column(column, overflow="fold")
        for number, cells in enumerate(rows, start=1):
            table.add_row(str(number), *cells)
        console.print(table)
    else:  # one line per row: a table of ten columns is unreadable when narrow
        console.print(f"quarantine: {len(frame)} of {total} rows")
        for number, (when, partner_, run_, stage_, where, record_id, rule, field, severity,
                     reason) in enumerate(rows, start=1):
            console.print(f"{number}. {when} {partner_} run {run_} {stage_} {where} "
                          f"record {record_id}: {rule} ({field}, {severity}): {reason}",
                          soft_wrap=True, highlight=False)
    if records:
        from hub.commands._audit import record_bulk_read

        record_bulk_read("quarantine_records", "quarantine", partner,
                         {"run": run, "stage": stage, "rows": len(frame)})
        for number, record in enumerate(masked_records(frame), start=1):
            console.print(f"{number}. {record or ''}", soft_wrap=True, highlight=False)


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Rows and files held back by extraction or validation.",
                        no_args_is_help=True)
    app.add_typer(group, name="quarantine")

    group.command("list")(list_)


def _cells(row) -> list[str]:  # noqa: ANN001 - a pandas row
    """One listing row: time to the minute, short run id, origin and row as one place."""
    def value(name: str) -> str:
        return "" if _missing(row[name]) else str(row[name])

    where = value("origin")
    if value("origin_row"):
        where = f"{where}:{value('origin_row')}"
    return [value("quarantined_at")[:16], value("partner"), value("run_id")[:8],
            f"{value('stage')} {value('dataset')}".strip(), where, value("source_record_id"),
            value("rule"), value("field"), value("severity"), value("reason")]


def _missing(value: object) -> bool:
    try:
        return value is None or bool(value != value)
    except (TypeError, ValueError):
        return False
