"""``hub monitor``: the proeftuin monitor's indicators as CSV and Parquet (aggregates only)."""

from pathlib import Path

import typer

from hub.console import console, err_console


def monitor_command(
    out: Path = typer.Option(..., "--out", "-o",
                             help="Folder for monitor.csv and monitor.parquet."),
    first: str = typer.Option(None, "--from", help="First month, 2026-01 (default: 24 months "
                                                   "up to --to)."),
    last: str = typer.Option(None, "--to", help="Last month, 2026-12 (default: this month)."),
) -> None:
    """Write every indicator per month and municipality, small counts suppressed ("<5")."""
    import pandas as pd

    from foundation.errors import HubError
    from foundation.settings import get_settings
    from hub import guide_actions
    from hub.monitor.export import write
    from hub.monitor.report import monitor_table, window
    from hub.monitor.source import read_input
    from hub.store.engine import open_store

    try:
        months = window(first, last, pd.Timestamp.now())
    except ValueError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    if out.exists() and not out.is_dir():
        err_console.print(f"[red]--out {out} is a file, not a folder[/red]")
        raise typer.Exit(2)
    engine = open_store(get_settings().store_url)
    try:
        guide_actions.reconcile(engine)
        data = read_input(engine)
    except HubError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    table = monitor_table(data.cases, data.guides, *months)
    paths = write(table, out)
    hidden = int((table["status"] != "shown").sum())
    console.print(f"monitor {months[0]} to {months[1]} of published version {data.version_id}: "
                  f"{len(table)} cells, {hidden} hidden; wrote "
                  + ", ".join(str(p) for p in paths))


def register(app: typer.Typer) -> None:
    app.command("monitor")(monitor_command)
