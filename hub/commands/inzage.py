"""``hub inzage``: answer an access request (GDPR art. 15, NEN 7513) with a report, HTML and PDF."""

from pathlib import Path
from typing import Annotated

import typer

from hub.console import console, err_console


def inzage(
    person: Annotated[str, typer.Option(
        "--person", metavar="PERSON_ID", help="The hub's person id (from the person page).",
    )],
    request: Annotated[str, typer.Option(
        "--request", metavar="REF",
        help="Reference of the written access request; kept in the audit log.",
    )],
    out: Annotated[Path, typer.Option(
        "--out", metavar="FILE",
        help="Where to write: FILE.html and FILE.pdf (a .html or .pdf suffix is dropped).",
    )],
    officer: Annotated[str | None, typer.Option(
        "--officer", metavar="USERNAME",
        help="The privacy officer account the report is made by (default: the OS user).",
    )] = None,
) -> None:
    """Write one person's access report in Dutch: their records per partner (with whom to
    ask), the merged record and where each value came from, their registrations, why their
    records were linked, disputed values, and every access to their data (when, which
    organisation and role, stated purpose).

    Only the person's own data: nothing of household members, no confidential address. The
    report is audited with the request reference. Exit code 2 for a wrong person, reference
    or officer (nothing is written or logged then).
    """

    from connectors.config import load_config
    from foundation.errors import HubError
    from foundation.settings import get_settings
    from hub.commands._audit import cli_actor
    from hub.rights.report import ReportError, check_request, partner_infos, produce
    from hub.rights.report import officer as officer_account
    from hub.store.engine import open_store

    try:
        check_request(person, request)
    except ReportError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    settings = get_settings()
    engine = open_store(settings.store_url)
    try:
        user = officer_account(engine, officer) if officer else None
        actor = None if user else cli_actor()
        partners = partner_infos(load_config(settings))
        report = produce(engine, partners, person, request, user=user, actor=actor)
        html_path, pdf_path = report.write(out)
    except ReportError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    except HubError as exc:
        err_console.print(f"[red]report failed:[/red] {exc}")
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    subject = report.subject
    console.print(f"access report {request} for {person}: {len(subject.records)} records, "
                  f"{len(subject.registrations)} registrations, {len(report.accesses)} "
                  f"accesses")
    console.print(f"  {html_path}\n  {pdf_path}")
    if subject.shielding:
        console.print("[yellow]Someone in this person's household has a protected address: "
                      "the report does not name the organisation holding it and withholds "
                      "staff's stated purposes.[/yellow]")
    if subject.confidential_at:
        console.print("[yellow]This person has a protected (shelter) address at "
                      f"{', '.join(subject.confidential_at)}: the report shows no address. "
                      "If it is to be handed to a representative (a parent, a lawyer), "
                      "check first that naming that partner is safe.[/yellow]")


def register(app: typer.Typer) -> None:
    app.command("inzage")(inzage)
