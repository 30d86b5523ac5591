"""``hub audit``: check that the web app's audit log is complete and unaltered."""

import typer

from hub.console import console, err_console, progress

audit_app = typer.Typer(help="The hash-chained audit log of the web app.", no_args_is_help=True)


@audit_app.command("verify")
def verify(
    expect_head: str = typer.Option(
        None, "--expect-head",
        help="Hash of the newest entry noted earlier (see --show-head); detects removal of the "
             "newest entries, which a chain alone cannot."),
    show_head: bool = typer.Option(False, "--show-head",
                                   help="Print the newest entry's hash to note elsewhere."),
) -> None:
    """Walk the chain, recompute every hash and report the first broken entry (exit 1)."""
    from foundation.settings import get_settings
    from hub.access import audit
    from hub.store.engine import open_store

    engine = open_store(get_settings().store_url)
    with progress() as bar:
        task = bar.add_task("verifying audit log", total=None)

        def counted():  # noqa: ANN202
            for entry in audit.iter_entries(engine):
                bar.advance(task)
                yield entry

        result = audit.verify_entries(counted())
    if not result.ok:
        err_console.print(f"[red]Audit log BROKEN at entry {result.broken_at}: "
                          f"{result.problem}[/red] ({result.entries} entries read)")
        raise typer.Exit(1)
    head = audit.last_hash(engine)
    if expect_head and expect_head != head:
        if not any(entry.hash == expect_head for entry in audit.iter_entries(engine)):
            err_console.print("[red]Audit log BROKEN: the noted head entry is gone "
                              "(entries were removed from the end)[/red]")
            raise typer.Exit(1)
    console.print(f"Audit log intact: {result.entries} entries, chain verified.")
    if show_head:
        console.print(f"head {head}")


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
