"""``hub store``: create or upgrade the merged store and show what is published."""

from typing import Annotated

import typer

from hub.console import console, err_console


def upgrade() -> None:
    """Create the store or bring it to the newest schema (Alembic migrations)."""
    import sqlalchemy as sa

    from foundation.errors import HubError
    from foundation.settings import get_settings
    from hub.commands._errors import USAGE, reported
    from hub.store.engine import current_revisions, make_engine, parse_url
    from hub.store.engine import upgrade as run_upgrade

    settings = get_settings()
    with reported("upgrade failed", USAGE):
        parse_url(settings.store_url)
    try:
        run_upgrade(settings.store_url)
    except sa.exc.OperationalError as exc:
        err_console.print(f"[red]upgrade failed:[/red] cannot open the store: "
                          f"{str(exc.orig).strip().splitlines()[0]}")
        raise typer.Exit(1) from None
    except HubError as exc:
        err_console.print(f"[red]upgrade failed:[/red] {exc}")
        raise typer.Exit(1) from None
    engine = make_engine(settings.store_url)
    revisions = ", ".join(sorted(current_revisions(engine)))
    engine.dispose()
    console.print(f"store at {_where(settings.store_url)} is at revision {revisions}")


def status(
    runs: Annotated[int, typer.Option("--runs", min=0,
                                      help="How many recent runs to list.")] = 10,
) -> None:
    """Show the schema revision, the published version with row counts, partner freshness
    and recent runs. Exit code 1 when the schema is behind or nothing is published."""
    import json

    import sqlalchemy as sa
    from rich.table import Table

    from foundation.settings import get_settings
    from hub.commands._errors import USAGE, fail, reported
    from hub.store import query
    from hub.store.engine import current_revisions, head_revisions, make_engine

    settings = get_settings()
    with reported("no store status", USAGE):
        engine = make_engine(settings.store_url, create=False)  # reading creates nothing
    try:
        try:
            current, heads = current_revisions(engine), head_revisions()
        except sa.exc.OperationalError as exc:
            fail(f"cannot open the store: {str(exc.orig).strip().splitlines()[0]}", USAGE)
        console.print(f"store      {_where(settings.store_url)}")
        console.print(f"schema     {', '.join(sorted(current)) or 'empty'}"
                      + ("" if current == heads else
                         f"  [red](code expects {', '.join(sorted(heads))}: run "
                         "`hub store upgrade`)[/red]"))
        if current != heads:
            raise typer.Exit(1)
        with engine.connect() as conn:
            info = query.published_info(conn)
            fresh = query.partner_freshness(conn)
            recent = query.recent_runs(conn, runs)
    finally:
        engine.dispose()
    if info is None:
        console.print("published  nothing yet (run the pipeline)")
        raise typer.Exit(1)
    console.print(f"published  version {info['version_id']} by run {info['run_id']} at "
                  f"{info['published_at']} (matching {info['config_version']})")
    counts = json.loads(info["counts"] or "{}")
    console.print("rows       " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if not fresh.empty:
        table = Table(title="Partners (latest run)")
        for column in ("partner", "status", "last good extract", "age (h)"):
            table.add_column(column)
        for row in fresh.itertuples():
            table.add_row(row.source, row.status, str(row.last_success_at),
                          "" if row.age_hours != row.age_hours else str(row.age_hours))
        console.print(table)
    if not recent.empty:
        table = Table(title="Recent runs")
        for column in ("run", "kind", "status", "started", "version"):
            table.add_column(column)
        for row in recent.itertuples():
            table.add_row(row.run_id, row.kind, row.status, str(row.started_at),
                          "" if row.version_id != row.version_id else str(row.version_id))
        console.print(table)


def register(app: typer.Typer) -> None:
    store_app = typer.Typer(
        help="The merged store (HUB_STORE_URL, default HUB_HOME/store/hub.sqlite).",
        no_args_is_help=True,
    )
    app.add_typer(store_app, name="store")

    store_app.command("upgrade")(upgrade)
    store_app.command("status")(status)


def _where(url: str) -> str:
    import sqlalchemy as sa

    return sa.make_url(url).render_as_string(hide_password=True)
