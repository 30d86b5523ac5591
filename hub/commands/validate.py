"""``hub validate``: run the Great Expectations suites on current staging, outside Dagster."""

from datetime import UTC, datetime
from typing import Annotated

import typer

from foundation.settings import get_settings
from hub.console import console, err_console, progress


def validate(
    partner: Annotated[list[str] | None, typer.Option(
        "--partner", "-p",
        help="Partner key to validate (repeatable); default: every partner with staging.",
    )] = None,
    run_id: Annotated[str | None, typer.Option(
        "--run-id", help="Run id for quarantine and Data Docs; default: validate-<UTC time>.",
    )] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Only print the result: write no quarantine and no Data Docs.",
    )] = False,
) -> None:
    """Validate staged persons and registrations per partner; exit 1 on a blocking failure.

    Prints per partner and expectation the severity and the evaluated and failed row counts.
    Rows failing an expectation are written to quarantine (see `hub quarantine list`); the
    run's Data Docs are built under HUB_HOME/data_docs. Exit 2 when there is no staging.
    """
    from rich.table import Table

    from pipelines.validation import staged_partners, validate_partner

    settings = get_settings()
    partners = list(partner or staged_partners(settings))
    if not partners:
        err_console.print(f"No staging under {settings.staging}: run `hub extract` first.")
        raise typer.Exit(2)
    missing = [p for p in partners if not (settings.staging / p).is_dir()]
    if missing:
        err_console.print(f"No staging for partner(s): {', '.join(missing)}")
        raise typer.Exit(2)
    run = run_id or "validate-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    results = []
    with progress() as bar:
        task = bar.add_task("validating", total=len(partners))
        for key in partners:
            bar.update(task, description=f"validating {key}")
            # Pages per partner; the index (it lists every stored result) once at the end.
            results.append(validate_partner(settings, key, run, write=not dry_run,
                                            docs=not dry_run, docs_index=False))
            bar.advance(task)
        if not dry_run:
            from expectations.data_docs import build_index

            build_index(settings.data_docs)
    for result in results:
        table = Table(title=f"{result.partner} (run {run})", title_justify="left")
        for column in ("dataset", "expectation", "severity", "evaluated", "failed", "result"):
            numeric = column in ("evaluated", "failed")
            table.add_column(column, justify="right" if numeric else "left")
        for outcome in result.outcomes:
            for rule in outcome.rules:
                verdict = ("[green]pass[/]" if rule.success else
                           "[red]BLOCKS[/]" if rule.blocks else "[yellow]quarantined[/]")
                if rule.error:
                    verdict += f" ({rule.error})"
                table.add_row(outcome.dataset, rule.rule, rule.severity,
                              str(rule.evaluated), str(rule.failed), verdict)
        console.print(table)
        held = sum(len(o.quarantined_positions) for o in result.outcomes)
        passed = sum(len(o.passed) for o in result.outcomes)
        where = "" if dry_run else f" (quarantine: {result.quarantine_file or 'none'})"
        console.print(f"{result.partner}: {passed} rows pass, {held} rows held back{where}")
    docs = next((r.data_docs for r in results if r.data_docs), None)
    if docs:
        console.print(f"Data Docs: {docs}")
    blocked = [r.partner for r in results if r.blocked]
    if blocked:
        err_console.print(f"Blocking failures ({', '.join(blocked)}): publishing would stop.")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
