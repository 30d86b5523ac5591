"""``hub erase``: remove a partner's records everywhere the hub keeps them (retention, requests)."""

from datetime import date, datetime
from typing import Annotated

import typer

from hub.console import console, err_console, progress


def register(app: typer.Typer) -> None:
    @app.command("erase")
    def erase(
        source: Annotated[str, typer.Option(
            "--source", metavar="PARTNER", help="Partner key whose records are erased.",
        )],
        record: Annotated[list[str] | None, typer.Option(
            "--record", metavar="ID",
            help="The partner's record id to erase (repeatable).",
        )] = None,
        before: Annotated[datetime | None, typer.Option(
            "--before", metavar="DATE", formats=["%Y-%m-%d"],
            help="Erase every record and case of the partner extracted before this date "
                 "(retention).",
        )] = None,
        origin: Annotated[str | None, typer.Option(
            "--origin", metavar="FILE",
            help="Erase every record and case that came from this origin file or table.",
        )] = None,
        reason: Annotated[str | None, typer.Option(
            "--reason", metavar="TEXT", help="Why (kept in the erasure history).",
        )] = None,
        yes: Annotated[bool, typer.Option(
            "--yes", "-y", help="Do not ask for confirmation.",
        )] = False,
    ) -> None:
        """Erase records of one partner from staging, every store version and the snapshots.

        Give one of --record, --before or --origin. Golden records and households of the persons
        concerned are recomputed from what remains; the erasure is recorded (ids, counts, reason)
        without the erased values. Records still in the partner's own system come back with its
        next extract. Exit code 2 for a wrong criterion.
        """
        from foundation.errors import HubError
        from foundation.settings import get_settings
        from hub.store.engine import open_store
        from hub.store.erasure import criterion, erase, find_ids

        settings = get_settings()
        day: date | None = before.date() if before else None
        try:
            crit = criterion(source, record or (), day, origin)
        except HubError as exc:
            err_console.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from None
        engine = open_store(settings.store_url)
        try:
            record_ids, case_ids = find_ids(settings, engine, crit)
            if not record_ids and not case_ids:
                console.print(f"nothing of {source} matches; nothing erased")
                return
            if not yes:
                typer.confirm(f"Erase {len(record_ids)} person records and {len(case_ids)} cases "
                              f"of {source} everywhere?", abort=True)
            with progress() as bar:
                bar.add_task("erasing", total=None)
                result = erase(settings, engine, crit, reason=reason)
        except HubError as exc:
            err_console.print(f"[red]erasure failed:[/red] {exc}")
            raise typer.Exit(1) from None
        finally:
            engine.dispose()
        console.print(f"erasure {result.run_id}: {len(result.record_ids)} records, "
                      f"{len(result.case_ids)} cases of {source}")
        for place, count in sorted(result.removed.items()):
            console.print(f"  {place:24} {count:>8}")
