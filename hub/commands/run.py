"""``hub run``: extract, validate, link and publish everything in-process, then summarise."""

from typing import Annotated

import typer

from hub.console import console, err_console, progress


def run(
    partner: Annotated[list[str] | None, typer.Option(
        "--partner", "-p",
        help="Partner key to extract and validate (repeatable); default: every configured "
             "partner. Linking and publishing always use every partner's last good data.",
    )] = None,
    history: Annotated[bool, typer.Option(
        "--history/--no-history",
        help="Record the runs in the Dagster instance at DAGSTER_HOME (default "
             "HUB_HOME/dagster) so `make ui` shows them (slower: about 30 s more at region "
             "size); by default the runs use a temporary in-memory instance.",
    )] = False,
    timings: Annotated[bool, typer.Option(
        "--timings/--no-timings",
        help="Also print how long each Dagster step took (wall seconds, slowest first).",
    )] = False,
) -> None:
    """Materialise the whole Dagster graph in-process and publish the merged registration.

    Extracts and validates the partners, links persons and households and publishes the
    result atomically into the store (HUB_STORE_URL, default HUB_HOME/store/hub.sqlite).
    With --history the Dagster runs are recorded at DAGSTER_HOME (default HUB_HOME/dagster)
    and show in `make ui`. Exits 1 when a partner failed, was blocked or had a delivery
    rejected whole, or when nothing was published.
    """
    import dagster as dg
    from rich.table import Table

    from foundation.errors import HubError
    from foundation.settings import get_settings
    from pipelines.catalog import load_catalog
    from pipelines.runner import dagster_home, has_last_good_data, run_pipeline

    settings = get_settings()
    try:
        from hub.store.engine import parse_url

        parse_url(settings.store_url)  # a wrong store URL fails now, not after extracting
        known = [p.key for p in load_catalog(settings)]
    except HubError as exc:
        err_console.print(f"[red]configuration error:[/red] {exc}")
        raise typer.Exit(2) from None
    unknown = [p for p in partner or [] if p not in known]
    if unknown:
        err_console.print(f"[red]unknown partner(s):[/red] {', '.join(unknown)}; "
                          f"known: {', '.join(known)}")
        raise typer.Exit(2)

    with progress() as bar:
        task = bar.add_task("starting", total=2)

        def on_phase(description: str) -> None:
            done = 0 if description.startswith("extracting") else 1
            bar.update(task, description=description, completed=done)
            if not err_console.is_terminal:  # the bar is hidden: say what is going on
                err_console.print(f"hub run: {description} ...", highlight=False)

        instance = None if history else dg.DagsterInstance.ephemeral()
        summary = run_pipeline(partner or None, instance=instance, settings=settings,
                               on_phase=on_phase)
        bar.update(task, completed=2)

    table = Table(
        title=f"hub run (ingest {summary.ingest_run_id[:8]})",
        caption="extract: read = staged + quar. + out of scope (this run's rows); "
                "validate: the partner's staging = passed + quar. (held back)")
    for column in ("partner", "status", "read", "staged", "quar. extract", "out of scope",
                   "quar. validate", "passed"):
        table.add_column(column, justify="left" if column in ("partner", "status")
                         else "right")
    for p in summary.partners:
        def total(name: str, counts: dict = p.counts) -> str:
            values = [v for k, v in counts.items()
                      if k in (f"persons_{name}", f"registrations_{name}")]
            return str(sum(values)) if values else "-"

        colour = "green" if p.status == "ok" else "red"
        table.add_row(p.partner, f"[{colour}]{p.status}[/{colour}]", total("read"),
                      total("staged"), total("quarantined"), total("out_of_scope"),
                      total("held_back"), total("passed"))
    console.print(table)
    for p in summary.partners:
        if p.error:
            stays = ("its last good data stays in the registration"
                     if has_last_good_data(settings, p.partner)
                     else "it has no earlier data in the registration")
            err_console.print(f"[red]{p.partner}:[/red] {p.error} ({stays})",
                              soft_wrap=True, highlight=False)

    published = summary.published
    if published:
        console.print(
            f"persons {published.get('persons')}  households {published.get('households')}  "
            f"registrations {published.get('registrations')}  "
            f"review items {published.get('review_items')}"
        )
        console.print(f"version {published.get('version_id')} ({published.get('status')}); "
                      f"partners with old data: {published.get('partners_with_old_data')}")
        console.print(f"store: {published.get('store')}")
        console.print(f"snapshot: {published.get('snapshot')}")
    if summary.publish_error:
        err_console.print(f"[red]{summary.publish_error}[/red]; the previous version stays "
                          "published")
    if timings and summary.step_seconds:
        steps = sorted(summary.step_seconds.items(), key=lambda item: -item[1])
        console.print("step seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in steps),
                      soft_wrap=True)
    if history:
        console.print(f"dagster home: {dagster_home(settings)}  (make ui shows these runs)")
    if not summary.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("run")(run)
