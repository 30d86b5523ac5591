"""``hub dispute``: mark a partner's value that a person disputes (GDPR art. 16), list, clear.

The hub never edits partner data: a dispute is shown on the household and person pages and in
access reports, with the partner that holds the value and how to reach it, until that partner's
next delivery changes the value.
"""

from typing import Annotated

import typer

from hub.commands._audit import cli_actor
from hub.commands._store import store_engine
from hub.console import console, err_console

dispute_app = typer.Typer(help="Values a person disputes (shown until the partner corrects "
                               "them).", no_args_is_help=True)


def _actor(by: str | None) -> str:
    return (by or cli_actor())[:64]


@dispute_app.command("add")
def add(
    source: Annotated[str, typer.Option("--source", metavar="PARTNER",
                                        help="Partner whose system holds the value.")],
    record: Annotated[str, typer.Option("--record", metavar="ID",
                                        help="The partner's record id (person page).")],
    field: Annotated[str, typer.Option(
        "--field", help="name, birth_date, sex, bsn, address or role.")],
    note: Annotated[str | None, typer.Option(
        "--note", help="What the person says is wrong (no BSN, no address).")] = None,
    by: Annotated[str | None, typer.Option("--by", metavar="USERNAME",
                                           help="Steward who marks it (default: OS user).")]
    = None,
) -> None:
    """Mark the published value as disputed. Exit code 2 for an unknown partner, record or
    field."""
    from foundation.errors import StoreError
    from hub.access import audit
    from hub.store import disputes

    engine = store_engine()
    try:
        dispute = disputes.add(engine, source, record, field, _actor(by), note)
    except StoreError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    audit.record(engine, "dispute_add", actor=_actor(by), target_kind="person",
                 target_id=dispute.person_id,
                 detail={"dispute_id": dispute.dispute_id, "record": f"{source}:{record}",
                         "field": field})
    engine.dispose()
    console.print(f"dispute {dispute.dispute_id}: {field} of {source}:{record} "
                  f"(person {dispute.person_id}) marked as disputed")


@dispute_app.command("list")
def list_(
    person: Annotated[str | None, typer.Option("--person", metavar="PERSON_ID",
                                               help="Only this person's disputes.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Also closed disputes.")] = False,
) -> None:
    """Disputes (open ones unless --all): which value, which partner, since when; no values."""
    from hub.store import disputes

    engine = store_engine()
    rows = disputes.listing(engine, [person] if person else None,
                            status=None if all_ else disputes.OPEN)
    engine.dispose()
    if not rows:
        console.print("no disputes")
        return
    for d in rows:
        closed = f" closed {d.closed_at:%d-%m-%Y} by {d.closed_by}" if d.closed_at else ""
        console.print(f"{d.dispute_id:>5}  {d.status:8} {d.person_id:16} {d.source}:"
                      f"{d.source_record_id}  {d.field:10} since {d.marked_at:%d-%m-%Y}{closed}")


@dispute_app.command("clear")
def clear(
    dispute_id: Annotated[int, typer.Argument(metavar="ID", help="Dispute number (list).")],
    by: Annotated[str | None, typer.Option("--by", metavar="USERNAME",
                                           help="Who closes it (default: OS user).")] = None,
) -> None:
    """Close an open dispute by hand (withdrawn, or marked by mistake). Exit code 2 when there
    is no such open dispute."""
    from foundation.errors import StoreError
    from hub.access import audit
    from hub.store import disputes

    engine = store_engine()
    try:
        dispute = disputes.clear(engine, dispute_id, _actor(by))
    except StoreError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    audit.record(engine, "dispute_clear", actor=_actor(by), target_kind="person",
                 target_id=dispute.person_id, detail={"dispute_id": dispute_id})
    engine.dispose()
    console.print(f"dispute {dispute_id} cleared")


def register(app: typer.Typer) -> None:
    app.add_typer(dispute_app, name="dispute")
