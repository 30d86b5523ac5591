"""The audit log is hash-chained, append-only, BSN-free, and verification finds tampering."""

import pytest
import sqlalchemy as sa

from hub.access import audit
from hub.access.roles import Role, User
from schemas.access import audit_log

ANNA = User(id=1, username="anna", display_name="Anna", role=Role.STAFF)


def _fill(engine: sa.Engine, n: int = 5) -> None:
    audit.record(engine, "login", user=ANNA)
    for i in range(n - 1):
        audit.record(engine, "view", user=ANNA, target_kind="household", target_id=f"H-{i}",
                     detail={"page": "household"})


def _drop_triggers(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TRIGGER access_audit_log_no_update"))
        conn.execute(sa.text("DROP TRIGGER access_audit_log_no_delete"))


def test_intact_chain_verifies(access_engine: sa.Engine) -> None:
    _fill(access_engine)
    result = audit.verify(access_engine)
    assert result.ok and result.entries == 5


def test_database_refuses_update_and_delete(access_engine: sa.Engine) -> None:
    _fill(access_engine, 2)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with access_engine.begin() as conn:
            conn.execute(audit_log.update().values(actor="mallory"))
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with access_engine.begin() as conn:
            conn.execute(audit_log.delete())


@pytest.mark.parametrize(
    ("tamper", "broken_at"),
    [
        (lambda c: c.execute(audit_log.update().where(audit_log.c.seq == 3)
                             .values(target_id="H-other")), 3),
        (lambda c: c.execute(audit_log.delete().where(audit_log.c.seq == 2)), 3),
        (lambda c: c.execute(audit_log.update().where(audit_log.c.seq == 4)
                             .values(reason="made up")), 4),
    ],
    ids=["edited-target", "deleted-entry", "added-reason"],
)
def test_tampering_is_found_at_the_first_broken_entry(access_engine, tamper, broken_at) -> None:
    _fill(access_engine)
    _drop_triggers(access_engine)
    with access_engine.begin() as conn:
        tamper(conn)
    result = audit.verify(access_engine)
    assert not result.ok and result.broken_at == broken_at


@pytest.mark.parametrize(("key", "broken_at"), [(None, 2), (audit.load_key, 3)],
                         ids=["without-key", "insider-with-key"])
def test_rehashed_forgery_breaks_the_link_to_the_next_entry(access_engine, key,
                                                            broken_at) -> None:
    _fill(access_engine)
    _drop_triggers(access_engine)
    with access_engine.connect() as conn:
        row = conn.execute(sa.select(audit_log).where(audit_log.c.seq == 2)).first()
    forged = dict(row._mapping, actor="mallory")
    forged["hash"] = audit.entry_hash(forged, forged["prev_hash"], key() if key else None)
    with access_engine.begin() as conn:
        conn.execute(audit_log.update().where(audit_log.c.seq == 2).values(**forged))
    result = audit.verify(access_engine)
    assert not result.ok and result.broken_at == broken_at


def test_no_bsn_in_clear_in_an_entry(access_engine: sa.Engine) -> None:
    entry = audit.record(access_engine, "search", user=ANNA,
                         detail={"by": ["bsn"], "note": "typed 123456782 by mistake"},
                         reason="called about 123456782")
    with access_engine.connect() as conn:
        text = " ".join(str(v) for v in conn.execute(sa.select(audit_log)).first())
    assert "123456782" not in text and "*******82" in entry.detail


def test_concurrent_writers_keep_one_chain(access_engine: sa.Engine) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: audit.record(access_engine, "view", user=ANNA,
                                             target_id=str(i)), range(40)))
    result = audit.verify(access_engine)
    assert result.ok and result.entries == 40


@pytest.mark.postgres
def test_postgres_audit_log_is_append_only_after_migration(pg_url: str) -> None:
    from hub.store.engine import make_engine, upgrade

    upgrade(pg_url)
    engine = make_engine(pg_url)
    try:
        _fill(engine, 3)
        assert audit.verify(engine).ok
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(audit_log.update().values(actor="mallory"))
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(audit_log.delete())
    finally:
        engine.dispose()


@pytest.mark.mariadb
def test_mariadb_audit_log_is_append_only(mariadb_url: str) -> None:
    from schemas.access import audit_log as table
    from schemas.store import metadata

    engine = sa.create_engine(mariadb_url)
    try:
        metadata.create_all(engine, tables=[table])
        _fill(engine, 3)
        assert audit.verify(engine).ok
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(audit_log.delete())
    finally:
        engine.dispose()
