"""``hub retention``: erase what has passed its term (``--dry-run`` lists it, ``apply`` erases)."""

from datetime import date, datetime
from typing import Annotated

import typer

from hub.console import console, err_console, progress

retention_app = typer.Typer(
    help="Retention per partner and case type (partners.yaml, docs/retention.md): "
         "`hub retention --dry-run` lists what has expired, `hub retention apply` erases it.",
    invoke_without_command=True)

AS_OF = typer.Option("--as-of", metavar="DATE", formats=["%Y-%m-%d"],
                     help="Decide as of this date (default: today).")


def _policies(settings):  # noqa: ANN001, ANN202 - imported lazily
    """Each partner's retention terms from partners.yaml; a bad configuration exits 2."""
    from connectors.config import load_config
    from foundation.errors import HubError

    try:
        return {k: p.retention for k, p in load_config(settings).partners.items()}
    except HubError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


def _print_plan(decided, verb: str) -> None:  # noqa: ANN001
    rows = decided.summary()
    if not rows:
        console.print(f"nothing has passed its term as of {decided.as_of:%d-%m-%Y}")
    else:
        console.print(f"{verb} (partner, case type, cases, person records):")
    for row in rows:
        console.print(f"  {row['partner']:14} {row['case_type']:22} {row['cases']:>6} "
                      f"{row['records']:>8}")
    for partner, count in sorted(decided.unjudged_records.items()):
        console.print(f"  [yellow]{partner}: {count} records named by no case are not judged "
                      f"(no term to count from)[/yellow]")
    for partner in decided.no_policy:
        console.print(f"  [yellow]{partner}: no retention configured; nothing of it expires"
                      "[/yellow]")


@retention_app.callback()
def retention(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="List what has passed its term; change nothing.")] = False,
    as_of: Annotated[datetime | None, AS_OF] = None,
) -> None:
    """List (--dry-run) or erase (apply) cases and person records past their retention term."""
    if ctx.invoked_subcommand is not None:
        if dry_run:
            err_console.print("[red]--dry-run goes without a subcommand: "
                              "`hub retention --dry-run`[/red]")
            raise typer.Exit(2)
        return
    if not dry_run:
        err_console.print("[red]give --dry-run to list what has expired, or `apply` to erase "
                          "it[/red]")
        raise typer.Exit(2)
    from foundation.settings import get_settings
    from hub.store import retention as policy
    from hub.store.engine import open_store

    settings = get_settings()
    policies = _policies(settings)
    engine = open_store(settings.store_url)
    try:
        decided = policy.plan(engine, policies, as_of.date() if as_of else None)
    finally:
        engine.dispose()
    console.print(f"dry run as of {decided.as_of:%d-%m-%Y}: nothing is erased")
    _print_plan(decided, "would be erased")


@retention_app.command("apply")
def apply(
    as_of: Annotated[datetime | None, AS_OF] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
    = False,
) -> None:
    """Erase everything past its term from staging, quarantine, every store version and the
    snapshots; the run history keeps counts per partner and case type, never ids or values."""
    from foundation.errors import HubError
    from foundation.settings import get_settings
    from hub.store import retention as policy
    from hub.store.engine import open_store
    from pipelines.erasure import erase_everywhere

    settings = get_settings()
    policies = _policies(settings)
    day: date | None = as_of.date() if as_of else None
    engine = open_store(settings.store_url)
    try:
        decided = policy.plan(engine, policies, day)
        if decided.empty:
            _print_plan(decided, "")
            return
        if not yes:
            _print_plan(decided, "to erase")
            typer.confirm("Erase these everywhere the hub keeps them?", abort=True)
        with progress() as bar:
            bar.add_task("erasing expired data", total=None)
            applied = policy.apply(settings, engine, policies, erase_everywhere, day)
    except HubError as exc:
        err_console.print(f"[red]retention failed:[/red] {exc}")
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    console.print(f"retention run {applied.run_id} as of {applied.plan.as_of:%d-%m-%Y}:")
    _print_plan(applied.plan, "erased")


@retention_app.command("history")
def history(limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 20) -> None:
    """Recent retention runs: when, and counts per partner and case type."""
    from foundation.settings import get_settings
    from hub.store import retention as policy
    from hub.store.engine import open_store

    engine = open_store(get_settings().store_url)
    try:
        runs = policy.history(engine, limit)
    finally:
        engine.dispose()
    if not runs:
        console.print("no retention runs yet")
    for run in runs:
        console.print(f"{run['started_at']:%d-%m-%Y %H:%M} {run['run_id']} {run['message']}")
        for row in run["stats"].get("expired", []):
            console.print(f"    {row['partner']:14} {row['case_type']:22} {row['cases']:>6} "
                          f"cases {row['records']:>6} records")


def register(app: typer.Typer) -> None:
    app.add_typer(retention_app, name="retention")
