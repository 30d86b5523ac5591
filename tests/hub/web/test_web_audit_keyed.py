"""The keyed audit chain and its head noted outside the database (issue 16, section 3).

An insider who can write the database (triggers dropped) but holds neither the key nor the
anchor files cannot truncate, empty or rewrite the log without `hub audit verify` failing.
"""

import hashlib
import os
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from foundation.errors import ConfigError
from foundation.settings import Settings
from hub.access import audit, audit_anchor, audit_key
from hub.access.roles import Role, User
from hub.cli import app
from hub.store.engine import make_engine
from schemas.access import audit_log

ANNA = User(id=1, username="anna", display_name="Anna", role=Role.STAFF)
runner = CliRunner()


def _fill(engine: sa.Engine, n: int = 5) -> None:
    for i in range(n):
        audit.record(engine, "view", user=ANNA, target_kind="household", target_id=f"H-{i}")


def _untrigger(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TRIGGER access_audit_log_no_update"))
        conn.execute(sa.text("DROP TRIGGER access_audit_log_no_delete"))


def _rechain(engine: sa.Engine, key: bytes | None) -> None:
    """What the red team did: rewrite every entry's hashes from the start."""
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(sa.select(audit_log)
                                                       .order_by(audit_log.c.seq))]
    prev = audit.GENESIS
    with engine.begin() as conn:
        conn.execute(audit_log.delete())
        for row in rows:
            row["actor"] = "mallory"
            row["prev_hash"], row["hash"] = prev, audit.entry_hash(row, prev, key)
            prev = row["hash"]
            conn.execute(audit_log.insert().values(**row))


def _delete(engine: sa.Engine, where: sa.ColumnElement | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(audit_log.delete() if where is None else audit_log.delete().where(where))


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        (lambda e: _delete(e, audit_log.c.seq >= 4), "removed from the end"),
        (lambda e: _delete(e), "removed from the end"),
        (lambda e: _rechain(e, None), "recomputed without the key"),
        (lambda e: _rechain(e, b"an-insider-made-up-key-" + b"x" * 16),
         "recomputed without the key"),
    ],
    ids=["newest-rows-deleted", "table-emptied", "rechained-sha256", "rechained-other-key"],
)
def test_truncation_emptying_and_rewriting_are_found(access_engine, tamper, problem) -> None:
    _fill(access_engine)
    assert audit.verify(access_engine).ok
    _untrigger(access_engine)
    tamper(access_engine)
    result = audit.verify(access_engine)
    assert not result.ok and problem in result.problem


def test_a_rewrite_with_the_key_still_differs_from_the_noted_head(access_engine) -> None:
    _fill(access_engine)
    _untrigger(access_engine)
    _rechain(access_engine, audit.load_key())
    result = audit.verify(access_engine)
    assert not result.ok and "noted outside the database" in result.problem


def test_every_entry_notes_the_head_in_an_owner_only_day_file(access_engine) -> None:
    _fill(access_engine, 3)
    folder = audit_anchor.anchor_folder(access_engine)
    files = list(folder.glob("head-*.log"))
    assert len(files) == 1 and stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    lines = files[0].read_text().splitlines()
    assert [line.split()[0] for line in lines] == ["1", "2", "3"]


def test_no_anchor_is_a_warning(access_engine) -> None:
    _fill(access_engine, 2)
    for path in audit_anchor.anchor_folder(access_engine).glob("*"):
        path.unlink()
    result = audit.verify(access_engine)
    assert result.ok and any("noted outside the database" in w for w in result.warnings)


def test_an_existing_unkeyed_chain_is_accepted_as_a_declared_prefix_only(
        access_engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries written before the key (plain SHA-256) verify only as many as declared outside
    the database; none may follow a keyed one, so a forger cannot fall back to the old scheme."""
    prev = audit.GENESIS
    with access_engine.begin() as conn:
        for seq in (1, 2):
            row = {"seq": seq, "at": f"2026-11-0{seq}T10:00:00.000000+00:00", "actor": "old",
                   "role": None, "action": "login", "target_kind": None, "target_id": None,
                   "detail": "{}", "reason": None, "prev_hash": prev}
            row["hash"] = prev = audit.entry_hash(row, prev)
            conn.execute(audit_log.insert().values(**row))
    _fill(access_engine, 2)
    assert audit.count_unkeyed(access_engine) == 2
    undeclared = audit.verify(access_engine)
    assert undeclared.broken_at == 1 and "HUB_AUDIT_UNKEYED_ENTRIES" in undeclared.problem
    monkeypatch.setenv("HUB_AUDIT_UNKEYED_ENTRIES", "2")
    result = audit.verify(access_engine)
    assert result.ok and result.entries == 4 and result.unkeyed == 2
    assert any("before the chain was keyed" in w for w in result.warnings)
    with access_engine.connect() as conn:
        last = conn.execute(sa.select(audit_log).where(audit_log.c.seq == 4)).first()
    row = dict(last._mapping, seq=5, prev_hash=last.hash)
    row["hash"] = audit.entry_hash(row, last.hash)  # unkeyed after keyed
    with access_engine.begin() as conn:
        conn.execute(audit_log.insert().values(**row))
    assert audit.verify(access_engine).broken_at == 5


def test_key_file_is_created_owner_only_in_the_demo(hub_settings: Settings,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUB_AUDIT_KEY")
    monkeypatch.setenv("HUB_DEMO", "1")
    key = audit_key.load_key()
    path = hub_settings.home / "secrets" / "audit.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(key) == 64
    assert audit_key.load_key() == key
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        audit_key.load_key()


def test_missing_key_in_production_is_a_configuration_error(
        hub_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUB_AUDIT_KEY")
    monkeypatch.delenv("HUB_DEMO", raising=False)
    with pytest.raises(ConfigError, match="hub audit init-key"):
        audit_key.load_key()
    assert not (hub_settings.home / "secrets").exists()
    created = runner.invoke(app, ["audit", "init-key"])
    assert created.exit_code == 0, created.output
    assert len(audit_key.load_key()) == 64
    again = runner.invoke(app, ["audit", "init-key"])
    assert again.exit_code == 2 and "never replaced" in " ".join(again.output.split())


def test_a_short_key_in_the_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_AUDIT_KEY", "short")
    with pytest.raises(ConfigError, match="at least 32"):
        audit_key.load_key()


def _store(settings: Settings) -> sa.Engine:
    runner.invoke(app, ["users", "add", "nina", "--role", "staff", "--generate"])
    runner.invoke(app, ["users", "add", "omar", "--role", "staff", "--generate"])
    return make_engine(settings.store_url)


def test_cli_verify_fails_on_deleted_newest_rows_without_a_noted_head(
        hub_settings: Settings) -> None:
    engine = _store(hub_settings)
    _untrigger(engine)
    with engine.begin() as conn:
        conn.execute(audit_log.delete().where(audit_log.c.seq == 2))
    engine.dispose()
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1, result.output
    assert "removed from the end" in " ".join(result.output.split())


def test_cli_verify_warns_without_anchor(hub_settings: Settings) -> None:
    engine = _store(hub_settings)
    for path in audit_anchor.anchor_folder(engine).glob("*"):
        path.unlink()
    engine.dispose()
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0 and "warning: no head" in " ".join(result.output.split())


def test_cli_verify_without_audit_table_or_store_is_a_message(hub_settings: Settings) -> None:
    missing = runner.invoke(app, ["audit", "verify"])
    assert missing.exit_code == 2 and "no store here yet" in " ".join(missing.output.split())
    assert not hub_settings.home.exists()  # verifying created nothing
    path = Path(hub_settings.store_url.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True)
    sa.create_engine(hub_settings.store_url).connect().close()
    empty = runner.invoke(app, ["audit", "verify"])
    assert empty.exit_code == 2 and "no audit log" in " ".join(empty.output.split())
    assert not isinstance(empty.exception, Exception) or isinstance(empty.exception, SystemExit)


def test_the_chain_is_hmac_sha256_under_the_key(access_engine) -> None:
    entry = audit.record(access_engine, "login", user=ANNA)
    import hmac

    body = audit.canonical_json({n: getattr(entry, n) for n in audit.HASHED_FIELDS})
    expected = hmac.new(audit.load_key(), f"{entry.prev_hash}\n{body}".encode(),
                        hashlib.sha256).hexdigest()
    assert entry.hash == expected


def test_account_changes_without_a_key_change_nothing(hub_settings: Settings,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUB_AUDIT_KEY")
    monkeypatch.delenv("HUB_DEMO", raising=False)
    result = runner.invoke(app, ["users", "add", "nina", "--role", "staff", "--generate"])
    assert result.exit_code == 2 and "no audit key" in " ".join(result.output.split())
    assert not hub_settings.home.exists()
