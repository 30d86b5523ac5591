"""``hub export``: write the published version of the merged registration as Parquet."""

from pathlib import Path
from typing import Annotated

import typer

from hub.console import console, progress

MIN_REASON = 10


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
        help="Write BSNs in clear (needs --reason). Default: masked to their last two "
             "digits.",
    )] = False,
    reason: Annotated[str | None, typer.Option(
        "--reason", metavar="TEXT",
        help="Why this export is needed (kept in the audit log; required with --with-bsn).",
    )] = None,
) -> None:
    """Export the published version as Parquet: one file per table plus manifest.json.

    Confidential addresses are never exported. Every export is a bulk read of personal data
    and is written to the audit log (who, which version, where, with or without BSNs, why).
    Exit code 2 for a wrong argument or no store, 1 when nothing is published.
    """
    from foundation.errors import StoreError
    from foundation.settings import get_settings
    from hub.access import audit
    from hub.commands import _audit
    from hub.commands._errors import FAILED, USAGE, fail, reported
    from hub.store.engine import open_existing
    from hub.store.snapshots import export_version

    if with_bsn and len((reason or "").strip()) < MIN_REASON:
        fail(f"--with-bsn writes every BSN in clear: state why with --reason (at least "
             f"{MIN_REASON} characters; it is kept in the audit log)")
    settings = get_settings()
    with reported("export failed", USAGE):
        audit.load_key()  # a bulk read that cannot be audited does not happen
        engine = open_existing(settings.store_url)
    try:
        with progress() as bar:
            bar.add_task("exporting", total=None)
            try:
                counts = export_version(engine, out, version, include_bsn=with_bsn)
            except StoreError as exc:
                fail(f"export failed: {exc}", USAGE if exc.field == "version" else FAILED)
            except OSError as exc:
                fail(f"export failed: {exc.strerror or exc} ({exc.filename or out})", USAGE)
        audit.record(engine, "export", actor=_audit.cli_actor(), target_kind="version",
                     target_id=str(version) if version is not None else "published",
                     detail={"out": str(out), "with_bsn": with_bsn, "rows": counts},
                     reason=reason.strip() if reason else None)
    finally:
        engine.dispose()
    for name, rows in counts.items():
        console.print(f"{name:24} {rows:>10}")
    console.print(f"written to {out}")


def register(app: typer.Typer) -> None:
    app.command("export")(export)
