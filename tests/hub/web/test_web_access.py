"""Accounts, passwords, sessions and roles: the rules the web app relies on."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from hub.access import sessions as sess
from hub.access.errors import AccessError
from hub.access.roles import Permission, Role
from hub.access.users import authenticate, create_user, list_accounts, set_active
from schemas.access import sessions as sessions_table
from schemas.access import users as users_table

PASSWORD = "correct horse battery"


def test_password_is_stored_as_argon2_hash_and_checked(access_engine: sa.Engine) -> None:
    create_user(access_engine, "Anna", PASSWORD, "staff", partner="blijf_groep")
    with access_engine.connect() as conn:
        stored = conn.execute(sa.select(users_table.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    user = authenticate(access_engine, "anna", PASSWORD)
    assert user is not None and user.role is Role.STAFF and user.partner == "blijf_groep"
    assert authenticate(access_engine, "anna", PASSWORD + "x") is None
    assert authenticate(access_engine, "nobody", PASSWORD) is None


@pytest.mark.parametrize(
    ("username", "role", "partner", "password"),
    [("a b", "staff", None, PASSWORD), ("x", "boss", None, PASSWORD),
     ("x", "staff", "acme", PASSWORD), ("x", "staff", None, "short")],
    ids=["space-in-name", "unknown-role", "unknown-partner", "weak-password"],
)
def test_invalid_accounts_are_refused(access_engine: sa.Engine, username: str, role: str,
                                      partner: str | None, password: str) -> None:
    with pytest.raises(AccessError):
        create_user(access_engine, username, password, role, partner=partner)


def test_duplicate_username_is_refused(access_engine: sa.Engine) -> None:
    create_user(access_engine, "anna", PASSWORD, "staff")
    with pytest.raises(AccessError, match="already exists"):
        create_user(access_engine, "ANNA", PASSWORD, "admin")


def test_repeated_failures_do_not_lock_the_account_for_everyone(access_engine) -> None:
    """Throttling is per client (hub.access.throttle): wrong passwords typed elsewhere must not
    shut the owner out (issue 16: lock-out was a denial of service)."""
    create_user(access_engine, "anna", PASSWORD, "staff")
    for _ in range(20):
        assert authenticate(access_engine, "anna", "wrong password!!") is None
    assert authenticate(access_engine, "anna", PASSWORD) is not None
    assert not list_accounts(access_engine)[0].locked


def test_roles_grant_least_privilege() -> None:
    from hub.access.roles import GRANTS

    assert Permission.REVIEW not in GRANTS[Role.STAFF]
    assert Permission.REVIEW in GRANTS[Role.STEWARD]
    assert Permission.SEARCH not in GRANTS[Role.ADMIN]
    assert Permission.MANAGE_USERS in GRANTS[Role.ADMIN]


def test_only_the_registering_partner_may_reveal_a_secret_address(access_engine) -> None:
    blijf = create_user(access_engine, "bo", PASSWORD, "staff", partner="blijf_groep")
    other = create_user(access_engine, "vt", PASSWORD, "staff", partner="veilig_thuis")
    admin = create_user(access_engine, "ad", PASSWORD, "admin", partner="blijf_groep")
    assert blijf.may_reveal_address_of("blijf_groep")
    assert not other.may_reveal_address_of("blijf_groep")
    assert not admin.may_reveal_address_of("blijf_groep")  # admins do not browse families


def test_session_lives_until_idle_or_lifetime_and_stores_no_token(access_engine) -> None:
    user = create_user(access_engine, "anna", PASSWORD, "staff")
    policy = sess.SessionPolicy(idle=timedelta(minutes=30), lifetime=timedelta(hours=8))
    token, session = sess.start_session(access_engine, user, policy)
    loaded = sess.load_session(access_engine, token, policy)
    assert loaded is not None and loaded.user.username == "anna"
    assert loaded.csrf_token == session.csrf_token
    with access_engine.connect() as conn:
        assert conn.execute(sa.select(sessions_table.c.id)).scalar_one() != token
    assert sess.load_session(access_engine, token + "x", policy) is None
    assert sess.load_session(access_engine, token, sess.SessionPolicy(idle=timedelta(0))) is None
    assert sess.load_session(access_engine, token, policy) is None  # idle session was deleted


def test_session_ends_at_its_lifetime_and_on_logout_and_deactivation(access_engine) -> None:
    user = create_user(access_engine, "anna", PASSWORD, "staff")
    short = sess.SessionPolicy(lifetime=timedelta(seconds=-1))
    token, _ = sess.start_session(access_engine, user, short)
    assert sess.load_session(access_engine, token, sess.SessionPolicy()) is None
    policy = sess.SessionPolicy()
    token, _ = sess.start_session(access_engine, user, policy)
    sess.end_session(access_engine, token)
    assert sess.load_session(access_engine, token, policy) is None
    token, _ = sess.start_session(access_engine, user, policy)
    set_active(access_engine, "anna", False)
    assert sess.load_session(access_engine, token, policy) is None
