"""``hub demo-data`` and ``hub demo-api``: the seven synthetic partner systems (demo, tests)."""

from pathlib import Path

import typer

from hub.console import console, err_console, progress


def demo_data(
    out: Path | None = typer.Option(
        None, "--out", "-o",
        help="Folder to write the partner systems into (default: HUB_HOME/partners)."),
    households: int = typer.Option(
        300, "--households", "-n", min=1,
        help="Involved households to generate (about 4.25 person records each)."),
    seed: int = typer.Option(0, "--seed", "-s", help="Random seed: same seed, same data."),
    profile: str = typer.Option(
        "normal", "--profile",
        help="Error profile: 'normal' (plausible rates), 'hard' (more and worse errors) or "
             "'harsh' (hard plus records identified by little more than their household)."),
) -> None:
    """Generate synthetic registrations and write each partner's system in its own shape.

    Writes one folder per partner (CSV, XLSX, SQLite, JSON for the demo API) and the ground
    truth in OUT/_truth (for tests and benchmarks only). Synthetic data only.
    """
    from rich.table import Table

    from foundation.errors import HubError
    from foundation.settings import get_settings
    from hub.demo.population import PARTNERS, generate_population
    from hub.demo.profiles import PROFILES
    from hub.demo.writers import write_partner, write_truth

    if profile not in PROFILES:
        err_console.print(f"[red]--profile must be one of {', '.join(PROFILES)}[/red]")
        raise typer.Exit(2)
    target = (out or get_settings().partner_systems).resolve()
    counts: dict[str, int] = {}
    try:
        target.mkdir(parents=True, exist_ok=True)
        probe = target / ".hub-write-test"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        err_console.print(f"[red]cannot write to {target}:[/red] {exc.strerror or exc}")
        raise typer.Exit(2) from None
    try:
        with progress() as bar:
            task = bar.add_task("generating population", total=len(PARTNERS) + 2)
            population = generate_population(households, seed=seed, profile=profile)
            bar.advance(task)
            for partner in PARTNERS:
                bar.update(task, description=f"writing {partner}")
                counts[partner] = write_partner(population, partner, target)
                bar.advance(task)
            bar.update(task, description="writing ground truth")
            write_truth(population, target)
            bar.advance(task)
    except HubError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    except OSError as exc:
        err_console.print(f"[red]writing the partner systems failed:[/red] "
                          f"{exc.strerror or exc} ({exc.filename or target})")
        raise typer.Exit(1) from None
    table = Table(title=f"Demo partner systems in {target}")
    table.add_column("partner")
    table.add_column("person records", justify="right")
    table.add_column("cases", justify="right")
    cases = population.registrations["source"].value_counts()
    for partner in PARTNERS:
        table.add_row(partner, str(counts[partner]), str(int(cases.get(partner, 0))))
    table.add_row("total", str(sum(counts.values())), str(len(population.registrations)))
    console.print(table)
    console.print(f"{households} households, seed {seed}, profile {profile}; "
                  f"ground truth in {target / '_truth'}")
    console.print("next: HUB_DEMO=1 hub run   (HUB_DEMO=1 lets the partners without "
                  "configured URLs use these demo systems; `make demo` sets it)",
                  soft_wrap=True, highlight=False)


def demo_api(
    directory: Path | None = typer.Option(
        None, "--dir", "-d",
        help="The jbra folder written by `hub demo-data` (default: HUB_HOME/partners/jbra)."),
    port: int = typer.Option(8765, "--port", help="Port on 127.0.0.1 (0 picks a free one)."),
    token: str | None = typer.Option(
        None, "--token", envvar="JBRA_API_TOKEN",
        help="Bearer token clients must send (default: JBRA_API_TOKEN, else the demo token)."),
    fail_first: int = typer.Option(
        0, "--fail-first", help="Answer 500 to the first N requests (fault injection)."),
    delay: float = typer.Option(
        0.0, "--delay", help="Delay every answer by this many seconds (fault injection)."),
) -> None:
    """Serve the JBRA demo REST API on 127.0.0.1 in the foreground (Ctrl-C stops it)."""
    import threading

    from connectors.config import DEMO_API_TOKEN
    from foundation.errors import HubError
    from foundation.settings import get_settings
    from hub.demo.api_server import Faults, start_server

    folder = directory or get_settings().partner_systems / "jbra"
    try:
        server = start_server(folder, token or DEMO_API_TOKEN, port,
                              faults=Faults(fail_first, delay))
    except (HubError, OSError) as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    console.print(f"JBRA demo API on {server.base_url}/api/v1/clients and /api/v1/cases "
                  "(bearer token required; Ctrl-C stops)")
    stop = threading.Event()
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()


def register(app: typer.Typer) -> None:
    app.command("demo-data")(demo_data)
    app.command("demo-api")(demo_api)
