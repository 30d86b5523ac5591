"""``hub users``: manage web app accounts (add, list, password, deactivate, demo)."""

import sys

import typer

from hub.commands._audit import cli_actor
from hub.commands._errors import FAILED, fail
from hub.console import console

users_app = typer.Typer(help="Manage accounts of the web app (staff, steward, admin, privacy "
                                 "officer).",
                        no_args_is_help=True)


def _engine():  # noqa: ANN202 - imported lazily to keep `hub --help` fast
    from foundation.settings import get_settings
    from hub.access.audit_key import load_key
    from hub.commands._errors import reported
    from hub.store.engine import open_store

    with reported("cannot open the store"):
        load_key()  # account changes are audited: no key, no change (not a change unaudited)
        return open_store(get_settings().store_url)


def _new_password(generate: bool, prompt: str) -> tuple[bool, str]:
    """A generated password (to print once: ``True``) or one typed twice at the terminal."""
    from hub.access.passwords import generate_password

    if generate or not sys.stdin.isatty():
        return True, generate_password()
    return False, typer.prompt(prompt, hide_input=True, confirmation_prompt=True)


def _fail(message: str) -> None:
    fail(message, FAILED)


@users_app.command("add")
def add(
    username: str = typer.Argument(..., help="Login name: letters, digits, '.', '_' or '-'."),
    role: str = typer.Option(..., "--role", "-r",
                             help="staff, steward, admin or privacy_officer."),
    partner: str = typer.Option(None, "--partner", "-p",
                                help="Partner affiliation, e.g. blijf_groep: lets the user "
                                     "reveal that partner's confidential addresses."),
    name: str = typer.Option(None, "--name", help="Full name shown in the app."),
    generate: bool = typer.Option(False, "--generate",
                                  help="Generate a password and print it once (default when "
                                       "not on a terminal)."),
) -> None:
    """Add an account; asks for the password (argon2id-hashed) or generates one."""
    from hub.access import audit
    from hub.access.errors import AccessError
    from hub.access.users import create_user

    shown, password = _new_password(generate, "Password (12+ characters)")
    engine = _engine()
    try:
        user = create_user(engine, username, password, role, partner=partner, display_name=name)
    except AccessError as exc:
        _fail(str(exc))
    audit.record(engine, "user_created", actor=cli_actor(), target_kind="user",
                 target_id=user.username, detail={"role": user.role.value,
                                                  "partner": user.partner})
    console.print(f"Created {user.username} ({user.role.value}"
                  f"{', ' + user.partner if user.partner else ''}).")
    if shown:
        console.print(f"Password (shown once): {password}")


@users_app.command("list")
def list_users() -> None:
    """List accounts with role, partner and state (never passwords)."""
    from rich.table import Table

    from hub.access.users import list_accounts

    table = Table("user", "name", "role", "partner", "state", "created (UTC)")
    for a in list_accounts(_engine()):
        state = "inactive" if not a.active else "locked" if a.locked else "active"
        table.add_row(a.user.username, a.user.display_name, a.user.role.value,
                      a.user.partner or "", state, a.created_at)
    console.print(table)


@users_app.command("passwd")
def passwd(username: str = typer.Argument(..., help="The account."),
           generate: bool = typer.Option(False, "--generate",
                                         help="Generate a new password and print it once.")
           ) -> None:
    """Set a new password (also lifts a lock-out after failed logins)."""
    from hub.access import audit
    from hub.access.errors import AccessError
    from hub.access.users import set_password

    shown, password = _new_password(generate, "New password (12+ characters)")
    engine = _engine()
    try:
        set_password(engine, username, password)
    except AccessError as exc:
        _fail(str(exc))
    audit.record(engine, "password_set", actor=cli_actor(), target_kind="user",
                 target_id=username.lower())
    console.print(f"Password of {username} changed.")
    if shown:
        console.print(f"Password (shown once): {password}")


@users_app.command("deactivate")
def deactivate(username: str = typer.Argument(..., help="The account to switch off.")) -> None:
    """Deactivate an account; its open sessions end at once.

    Accounts are never deleted, so the audit log keeps naming real users.
    """
    from hub.access import audit
    from hub.access.errors import AccessError
    from hub.access.users import set_active

    engine = _engine()
    try:
        set_active(engine, username, False)
    except AccessError as exc:
        _fail(str(exc))
    audit.record(engine, "user_deactivated", actor=cli_actor(), target_kind="user",
                 target_id=username.lower())
    console.print(f"Deactivated {username}.")


@users_app.command("demo")
def demo() -> None:
    """Create one demo account per role (demo store only) and print their log-ins."""
    print_demo_logins(_engine())


def print_demo_logins(engine) -> None:  # noqa: ANN001
    from rich.table import Table

    from hub.access import audit
    from hub.access.demo import ensure_demo_users

    logins = ensure_demo_users(engine)
    audit.record(engine, "demo_users", actor=cli_actor(),
                 detail={"users": [x.username for x in logins]})
    table = Table("user", "role", "partner", "password (shown once)",
                  title="Demo log-ins (synthetic data only)")
    for x in logins:
        table.add_row(x.username, x.role, x.partner or "", x.password)
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
