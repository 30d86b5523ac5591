"""``hub validate``: run the Great Expectations suites on current staging, outside Dagster."""

from datetime import UTC, datetime

import typer

from hub.console import console, err_console, progress
from hub.settings import get_settings


def register(app: typer.Typer) -> None:
    @app.command("validate")
    def validate(
        partner: list[str] = typer.Option(
            None, "--partner", "-p",
            help="Partner key to validate (repeatable); default: every partner with staging."),
        run_id: str = typer.Option(
            None, "--run-id",
            help="Run id for quarantine and Data Docs; default: validate-<UTC timestamp>."),
        dry_run: bool = typer.Option(
            False, "--dry-run",
            help="Only print the result: write no quarantine and no Data Docs."),
    ) -> None:
        """Validate staged persons and registrations per partner; exit 1 on a blocking failure.

        Prints per partner and expectation the severity and the evaluated and failed row counts.
        Rows failing a row-level expectation are written to quarantine (see `hub quarantine
        list`); the Data Docs of the run are built under HUB_HOME/data_docs.
        """
        from rich.table import Table

        from expectations.partner import staged_partners, validate_partner

        settings = get_settings()
        partners = list(partner or staged_partners(settings))
        if not partners:
            err_console.print(f"No staging found under {settings.staging}: run `hub extract` first.")
            raise typer.Exit(2)
        missing = [p for p in partners if not (settings.staging / p).is_dir()]
        if missing:
            err_console.print(f"No staging for partner(s): {', '.join(missing)}")
            raise typer.Exit(2)
        run = run_id or "validate-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        blocked = []
        docs = None
        with progress() as bar:
            task = bar.add_task("validating", total=len(partners))
            results = []
            for key in partners:
                bar.update(task, description=f"validating {key}")
                results.append(validate_partner(settings, key, run, write=not dry_run,
                                                docs=not dry_run, reuse=False))
                bar.advance(task)
        for result in results:
            table = Table(title=f"{result.partner} (run {run})", title_justify="left")
            for column in ("dataset", "expectation", "severity", "evaluated", "failed", "result"):
                table.add_column(column, justify="right" if column in ("evaluated", "failed")
                                 else "left")
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
            console.print(f"{result.partner}: {passed} rows pass, {held} rows held back"
                          + ("" if dry_run else f" (quarantine: {result.quarantine_file or 'none'})"))
            if result.blocked:
                blocked.append(result.partner)
            docs = result.data_docs or docs
        if docs:
            console.print(f"Data Docs: {docs}")
        if blocked:
            err_console.print(f"Blocking failures for: {', '.join(blocked)}: publishing would stop.")
            raise typer.Exit(1)
