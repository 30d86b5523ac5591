"""``hub guide``: register, end and list a household's fixed guide ("vaste begeleider").

Changes are made in the name of a hub account (``--as``) whose role may manage guides (data
steward or RST coordinator), and audited like the web form's. Wrong values exit 2 and change
nothing.
"""

import typer

from hub.commands._errors import fail
from hub.commands._store import store_engine
from hub.console import console

guide_app = typer.Typer(help="The fixed guide per household: set, end, list, decide.",
                        no_args_is_help=True)

AS_HELP = ("Your hub account (steward or rst_coordinator): the change is made and audited in "
           "its name.")


def _run(action):  # noqa: ANN001, ANN202 - a callable returning the changed guide
    from foundation.errors import HubError

    try:
        return action()
    except HubError as exc:
        fail(str(exc))


@guide_app.command("set")
def set_command(
    household_id: str = typer.Argument(..., help="The household, e.g. H-6IYK4GYODU."),
    name: str = typer.Option(..., "--name", help="The guide's name."),
    organisation: str = typer.Option(..., "--organisation", help="The guide's organisation."),
    contact: str = typer.Option(..., "--contact", help="Work phone or e-mail."),
    since: str = typer.Option(..., "--since", help="First day, dd-mm-jjjj (not in the future)."),
    as_user: str = typer.Option(..., "--as", help=AS_HELP),
) -> None:
    """Register a household's fixed guide; a current guide ends the day before."""
    from hub import guide_actions as actions

    engine = store_engine()
    guide = _run(lambda: actions.set_guide(
        engine, actions.account(engine, as_user), household_id, name=name,
        organisation=organisation, contact=contact,
        since=actions.parse_day(since, "since")))
    console.print(f"guide #{guide.guide_id} registered for {guide.household_id} "
                  f"from {guide.since:%d-%m-%Y}")


@guide_app.command("end")
def end_command(
    guide_id: int = typer.Argument(..., help="The guide's number (see `hub guide list`)."),
    until: str = typer.Option(..., "--until", help="Last day, dd-mm-jjjj."),
    reason: str = typer.Option(..., "--reason", help="Why the guide ends."),
    as_user: str = typer.Option(..., "--as", help=AS_HELP),
) -> None:
    """End a current guide (also how a steward resolves two guides after a merge)."""
    from hub import guide_actions as actions

    engine = store_engine()
    guide = _run(lambda: actions.end_guide(engine, actions.account(engine, as_user), guide_id,
                                           until=actions.parse_day(until, "until"),
                                           reason=reason))
    console.print(f"guide #{guide.guide_id} of {guide.household_id} ended on "
                  f"{guide.until:%d-%m-%Y}")


@guide_app.command("decide")
def decide_command(
    guide_id: int = typer.Argument(..., help="A guide pending after a split."),
    household_id: str = typer.Option(..., "--household", help="The household that keeps it."),
    as_user: str = typer.Option(..., "--as", help="Your hub account (a data steward)."),
) -> None:
    """Decide which household keeps a guide after its household was split."""
    from hub import guide_actions as actions

    engine = store_engine()
    guide = _run(lambda: actions.decide(engine, actions.account(engine, as_user), guide_id,
                                        household_id))
    console.print(f"guide #{guide.guide_id} stays with {guide.household_id}")


@guide_app.command("list")
def list_command(
    household_id: str = typer.Option(None, "--household", help="Only this household."),
    include_ended: bool = typer.Option(False, "--all", help="Also ended guides."),
    pending: bool = typer.Option(False, "--pending",
                                 help="Only guides waiting for a steward (split, gone)."),
    conflicts: bool = typer.Option(False, "--conflicts",
                                   help="Only households with two current guides (merges)."),
) -> None:
    """List fixed guides (reconciled with the published households first)."""
    from rich.table import Table

    from hub import guide_actions as actions
    from hub.store import guides as store_guides

    if conflicts and (pending or include_ended):
        fail("--conflicts cannot be combined with --pending or --all")
    engine = store_engine()
    actions.reconcile(engine)
    if conflicts:
        rows = [g for group in store_guides.conflicts(engine).values() for g in group]
    else:
        rows = store_guides.list_guides(engine, household_id=household_id,
                                        include_ended=include_ended, pending_only=pending)
    table = Table("#", "household", "name", "organisation", "contact", "since", "until",
                  "to decide", title=f"{len(rows)} fixed guide(s)")
    for g in rows:
        table.add_row(str(g.guide_id), g.household_id, g.name, g.organisation, g.contact,
                      f"{g.since:%d-%m-%Y}", f"{g.until:%d-%m-%Y}" if g.until else "",
                      f"{g.pending}: {', '.join(g.pending_options)}" if g.pending else "")
    console.print(table)


@guide_app.command("history")
def history_command(
    household_id: str = typer.Argument(..., help="The household."),
) -> None:
    """Every change to the guides the household has or had (who, when, what)."""
    from rich.table import Table

    from hub.store import guides as store_guides

    events = store_guides.history(store_engine(), household_id)
    table = Table("when", "guide", "event", "by", "detail",
                  title=f"{len(events)} change(s) of guides of {household_id}")
    for e in events:
        table.add_row(f"{e['at']:%d-%m-%Y %H:%M}", f"#{e['guide_id']}", e["event"], e["actor"],
                      ", ".join(f"{k}={v}" for k, v in sorted(e["detail"].items())))
    console.print(table)


@guide_app.command("demo")
def demo_command(
    seed: int = typer.Option(7, "--seed", help="Random seed (make demo uses 7)."),
) -> None:
    """Demo store only (HUB_DEMO=1): register fixed guides for about two in three families
    helped in the pilot, so the monitor shows the share with a guide."""
    import os

    from hub.demo.guides import register_demo_guides

    if os.environ.get("HUB_DEMO") != "1":
        fail("hub guide demo writes synthetic guides: only for the demo store (set HUB_DEMO=1)")
    engine = store_engine()
    added = _run(lambda: register_demo_guides(engine, seed))
    console.print(f"{added} demo guide(s) registered")


def register(app: typer.Typer) -> None:
    app.add_typer(guide_app, name="guide")
