"""``hub extract``: read the partner systems into canonical staging and show reconciled counts."""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from hub.console import console, err_console, progress


def extract(
    partner: Annotated[list[str] | None, typer.Option(
        "--partner", "-p", metavar="PARTNER",
        help="Partner key to extract (repeatable); default: every configured partner.",
    )] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", metavar="FILE",
        help="Partner configuration file (default: HUB_PARTNERS_CONFIG or "
             "connectors/partners.yaml).",
    )] = None,
    full: Annotated[bool, typer.Option(
        "--full",
        help="Ignore saved watermarks and file hashes: re-read everything still in the "
             "sources (staging is upserted, not emptied).",
    )] = False,
) -> None:
    """Extract partner systems into canonical staging (HUB_HOME/staging).

    Prints per partner and dataset the rows read, staged, quarantined and out of scope and
    whether they reconcile; a partner whose system is down fails alone. Exit code 1 when a
    partner failed, did not reconcile or had a delivery rejected whole, 2 for a
    configuration error.
    """
    from rich.table import Table

    from connectors.config import load_config
    from connectors.extract import extract_all
    from foundation.errors import HubError
    from foundation.settings import get_settings
    from hub.demo.services import demo_services

    settings = get_settings()
    try:
        hub_config = load_config(settings, config)
    except HubError as exc:
        err_console.print(f"[red]configuration error:[/red] {exc}")
        raise typer.Exit(2) from None
    unknown = [p for p in partner or [] if p not in hub_config.partners]
    if unknown:
        err_console.print(f"[red]unknown partner(s):[/red] {', '.join(unknown)}; "
                          f"known: {', '.join(hub_config.partners)}")
        raise typer.Exit(2)
    with progress() as bar:
        def tracker(key: str) -> Callable[[str, int], None]:
            task = bar.add_task(f"{key}", total=None)

            def update(dataset: str, rows: int) -> None:
                bar.update(task, description=f"{key} {dataset}", completed=rows)

            return update

        report = extract_all(hub_config, settings, partners=partner or None,
                             progress=tracker, full=full, services=demo_services)

    table = Table(title=f"Extract run {report.run_id}",
                  caption="quar. = quarantined; out = out of scope (counted, never "
                          "stored); ok = read equals staged + quar. + out; "
                          "files = read/rejected/skipped")
    table.add_column("partner", no_wrap=True)
    table.add_column("dataset", no_wrap=True)
    for column in ("read", "staged", "quar.", "out", "files", "ok"):
        table.add_column(column, justify="right")
    for key, result in report.results.items():
        for dataset, c in result.counts.items():
            table.add_row(key, dataset, str(c.read), str(c.staged), str(c.quarantined),
                          str(c.out_of_scope),
                          f"{c.files_read}/{c.files_rejected}/{c.files_skipped}",
                          "[red]rejected[/red]" if c.files_rejected
                          else "[green]yes[/green]" if c.reconciled else "[red]NO[/red]")
    for key in report.errors:
        table.add_row(key, "-", "-", "-", "-", "-", "-", "[red]failed[/red]")
    console.print(table)
    for key, result in report.results.items():
        for name, why in result.rejections.items():
            err_console.print(f"[red]{key}: rejected[/red] file {name}: {why} "
                              f"(moved to rejected/, see {settings.quarantine / key})",
                              soft_wrap=True, highlight=False)
    for key, error in report.errors.items():
        err_console.print(f"[red]{key} failed:[/red] {error}")
    skipped = sum(c.files_skipped for r in report.results.values() for c in r.counts.values())
    if skipped:
        console.print(f"{skipped} file(s) were processed before (same content) and skipped; "
                      "--full reads them again")
    console.print(f"staging: {settings.staging}   quarantine: {settings.quarantine}")
    if not report.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)
