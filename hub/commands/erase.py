"""``hub erase``: remove a partner's records everywhere the hub keeps them (retention, requests).

Each layer erases its own copies (connectors: staging and the archive of drop files; quarantine:
its files; pipelines: validated and linking files; the store: every version, history tables and
snapshots); this command checks the request and runs them in that order.
"""

from datetime import date, datetime
from typing import Annotated

import sqlalchemy as sa
import typer

from foundation.settings import Settings
from hub.commands._errors import FAILED, USAGE, fail, reported
from hub.console import console, progress
from pipelines.erasure import erase_everywhere


def known_partners(settings: Settings, engine: sa.Engine) -> set[str]:
    """Partners in the configuration, and any source the store still holds (a partner that
    left the configuration can still be erased)."""
    from connectors.config import load_config
    from schemas.store import source_records

    known = set(load_config(settings).partners)
    with engine.connect() as conn:
        known |= set(conn.execute(sa.select(source_records.c.source).distinct()).scalars())
    return known


def erase(
    source: Annotated[str, typer.Option(
        "--source", metavar="PARTNER", help="Partner key whose records are erased.",
    )],
    record: Annotated[list[str] | None, typer.Option(
        "--record", metavar="ID",
        help="The partner's record id to erase (repeatable); each must exist.",
    )] = None,
    before: Annotated[datetime | None, typer.Option(
        "--before", metavar="DATE", formats=["%Y-%m-%d"],
        help="Erase every record and case of the partner extracted before this date "
             "(retention; not in the future).",
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
    """Erase records of one partner from staging, the archive of drop files, quarantine,
    every store version and the snapshots.

    Give one of --record, --before or --origin. Golden records and households of the persons
    concerned are recomputed from what remains; the erasure is recorded (ids, counts, reason)
    without the erased values. Records still in the partner's own system come back with its
    next extract. Exit code 2, with nothing changed, for an unknown partner, a record id or
    origin the hub does not hold, or a wrong date.
    """
    from foundation.erasure import criterion
    from foundation.settings import get_settings
    from hub.store.engine import open_existing
    from hub.store.erasure import find_ids, unknown_record_ids

    settings = get_settings()
    day: date | None = before.date() if before else None
    with reported("cannot erase", USAGE):
        crit = criterion(source, record or (), day, origin)
        engine = open_existing(settings.store_url)
    try:
        with reported("cannot erase", USAGE):
            if source not in known_partners(settings, engine):
                fail(f"cannot erase: unknown partner {source!r} (not in the partner "
                     "configuration and not in the store)")
            if crit.kind == "record":
                unknown = unknown_record_ids(settings, engine, crit)
                if unknown:
                    fail(f"cannot erase: {len(unknown)} record id(s) of {source} are not "
                         f"held anywhere: {', '.join(sorted(unknown)[:10])}; nothing erased")
            record_ids, case_ids = find_ids(settings, engine, crit)
        if not record_ids and not case_ids:
            if crit.kind == "origin":
                fail(f"cannot erase: no record or case of {source} came from "
                     f"{crit.value!r}; nothing erased")
            console.print(f"nothing of {source} matches; nothing erased")
            return
        if not yes:
            typer.confirm(f"Erase {len(record_ids)} person records and {len(case_ids)} cases "
                          f"of {source} everywhere?", abort=True)
        with progress() as bar, reported("erasure failed", FAILED):
            bar.add_task("erasing", total=None)
            result = erase_everywhere(settings, engine, crit, reason=reason)
    finally:
        engine.dispose()
    console.print(f"erasure {result.run_id}: {len(result.record_ids)} records, "
                  f"{len(result.case_ids)} cases of {source}")
    for place, count in sorted(result.removed.items()):
        console.print(f"  {place:24} {count:>8}")


def register(app: typer.Typer) -> None:
    app.command("erase")(erase)
