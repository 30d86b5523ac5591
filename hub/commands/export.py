"""``hub export``: write the published version of the merged registration as Parquet."""

from pathlib import Path
from typing import Annotated

import typer

from hub.console import console, err_console, progress


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export(
        out: Annotated[Path, typer.Option(
            "--out", metavar="DIR", help="Folder to write (replaced whole; created if missing).",
        )],
        version: Annotated[int | None, typer.Option(
            "--version", metavar="N",
            help="A version still kept in the store (see `hub store status`); default: the "
                 "published one.",
        )] = None,
        with_bsn: Annotated[bool, typer.Option(
            "--with-bsn",
            help="Write BSNs in clear. Default: masked to their last two digits.",
        )] = False,
    ) -> None:
        """Export the published version as Parquet: one file per table plus manifest.json.

        Confidential addresses are never exported. Exit code 1 when nothing is published.
        """
        from foundation.errors import HubError
        from foundation.settings import get_settings
        from hub.store.engine import open_store
        from hub.store.snapshots import export_version

        settings = get_settings()
        engine = open_store(settings.store_url)
        try:
            with progress() as bar:
                bar.add_task("exporting", total=None)
                counts = export_version(engine, out, version, include_bsn=with_bsn)
        except HubError as exc:
            err_console.print(f"[red]export failed:[/red] {exc}")
            raise typer.Exit(1) from None
        finally:
            engine.dispose()
        for name, rows in counts.items():
            console.print(f"{name:24} {rows:>10}")
        console.print(f"written to {out}")
