"""`hub users`, `hub audit verify` and `hub web --help` from the command line."""

import sqlalchemy as sa
from typer.testing import CliRunner

from foundation.settings import Settings
from hub.cli import app
from hub.store.engine import make_engine
from schemas.access import audit_log

runner = CliRunner()


def _flat(text: str) -> str:
    """Output without rich's line wrapping."""
    return " ".join(text.split())


def test_users_add_list_and_demo(hub_settings: Settings) -> None:
    added = runner.invoke(app, ["users", "add", "Nina", "--role", "steward", "--partner", "jbra",
                                "--generate"])
    assert added.exit_code == 0, added.output
    assert "Created nina (steward, jbra)" in added.output and "shown once" in added.output
    duplicate = runner.invoke(app, ["users", "add", "nina", "--role", "staff", "--generate"])
    bad_role = runner.invoke(app, ["users", "add", "x", "--role", "root", "--generate"])
    assert duplicate.exit_code == bad_role.exit_code == 1
    demo = runner.invoke(app, ["users", "demo"])
    assert demo.exit_code == 0
    for name in ("demo-staff", "demo-blijf", "demo-steward", "demo-admin", "demo-privacy"):
        assert name in demo.output
    listing = runner.invoke(app, ["users", "list"])
    assert "nina" in listing.output and "demo-blijf" in listing.output
    assert "argon2" not in listing.output


def test_audit_verify_reports_the_first_broken_entry(hub_settings: Settings) -> None:
    runner.invoke(app, ["users", "add", "nina", "--role", "staff", "--generate"])
    runner.invoke(app, ["users", "add", "omar", "--role", "staff", "--generate"])
    head = runner.invoke(app, ["audit", "verify", "--show-head"])
    assert head.exit_code == 0 and "2 entries" in head.output
    noted = head.output.split("head ")[1].split()[0]
    engine = make_engine(hub_settings.store_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TRIGGER access_audit_log_no_delete"))
        conn.execute(audit_log.delete().where(audit_log.c.seq == 2))
    truncated = runner.invoke(app, ["audit", "verify", "--expect-head", noted])
    assert truncated.exit_code == 1 and "removed from the end" in _flat(truncated.output)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TRIGGER access_audit_log_no_update"))
        conn.execute(audit_log.update().where(audit_log.c.seq == 1).values(actor="mallory"))
    engine.dispose()
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1 and "BROKEN at entry 1" in _flat(broken.output)


def test_web_command_documents_its_options() -> None:
    result = runner.invoke(app, ["web", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--demo-users"):
        assert option in result.output
