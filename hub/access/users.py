"""Accounts: create, list, authenticate (no lock-out for everyone), deactivate."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from hub.access.clock import as_utc, utcnow
from hub.access.errors import AccessError
from hub.access.passwords import hash_password, needs_rehash, verify_password
from hub.access.roles import Role, User, parse_partner, parse_role
from schemas.access import users


@dataclass(frozen=True)
class Account:
    """An account row as listed by ``hub users list`` (never with its hash)."""

    user: User
    active: bool
    locked: bool
    created_at: str


def _to_user(row: sa.Row) -> User:
    return User(id=row.id, username=row.username, display_name=row.display_name,
                role=Role(row.role), partner=row.partner)


def create_user(engine: sa.Engine, username: str, password: str, role: str | Role,
                partner: str | None = None, display_name: str | None = None) -> User:
    """Create an account; the password is hashed with argon2id before it reaches the database."""
    name = username.strip().lower()
    if not name or len(name) > 64 or not all(c.isalnum() or c in "._-" for c in name):
        raise AccessError("a username is 1-64 letters, digits, '.', '_' or '-'", field="username")
    try:
        parsed_role = parse_role(str(role))
        parsed_partner = parse_partner(partner)
        password_hash = hash_password(password)
    except ValueError as exc:
        raise AccessError(str(exc)) from None
    now = utcnow()
    with engine.begin() as conn:
        if conn.execute(sa.select(users.c.id).where(users.c.username == name)).first():
            raise AccessError(f"user {name} already exists", field="username")
        key = conn.execute(
            users.insert().values(
                username=name, display_name=display_name or name, role=parsed_role.value,
                partner=parsed_partner, password_hash=password_hash, active=True,
                failed_logins=0, created_at=now, password_changed_at=now,
            )
        ).inserted_primary_key
        if key is None:
            raise AccessError("the store returned no id for the new user")
        new_id = int(key[0])
    return User(id=new_id, username=name, display_name=display_name or name, role=parsed_role,
                partner=parsed_partner)


def set_password(engine: sa.Engine, username: str, password: str) -> None:
    """Replace a password (and lift a lock-out)."""
    try:
        password_hash = hash_password(password)
    except ValueError as exc:
        raise AccessError(str(exc), field="password") from None
    with engine.begin() as conn:
        done = conn.execute(
            users.update().where(users.c.username == username.strip().lower()).values(
                password_hash=password_hash, password_changed_at=utcnow(), failed_logins=0,
                locked_until=None,
            )
        ).rowcount
    if not done:
        raise AccessError(f"no user {username}", field="username")


def set_active(engine: sa.Engine, username: str, active: bool) -> None:
    """Deactivate (or reactivate) an account; its open sessions stop working at once."""
    with engine.begin() as conn:
        done = conn.execute(
            users.update().where(users.c.username == username.strip().lower())
            .values(active=active)
        ).rowcount
    if not done:
        raise AccessError(f"no user {username}", field="username")


def list_accounts(engine: sa.Engine) -> list[Account]:
    """All accounts, by username."""
    now = utcnow()
    with engine.connect() as conn:
        rows = conn.execute(sa.select(users).order_by(users.c.username)).all()
    return [
        Account(user=_to_user(r), active=bool(r.active),
                locked=_locked(r.locked_until, now),
                created_at=r.created_at.isoformat(timespec="seconds"))
        for r in rows
    ]


def is_account(engine: sa.Engine, username: str) -> bool:
    """Whether a user name belongs to an account (for the audit entry of a failed login only:
    a typed name that is no account is not stored, it may be a mistyped password)."""
    with engine.connect() as conn:
        return conn.execute(sa.select(users.c.id).where(
            users.c.username == username.strip().lower())).first() is not None


def authenticate(engine: sa.Engine, username: str, password: str) -> User | None:
    """Return the user when name and password match an active, unlocked account.

    Failures are counted on the account (shown to admins), but they do not lock it: a lock for
    everyone would let anyone who knows a name shut its owner out. Guessing is slowed per client
    and per account-and-client instead (:mod:`hub.access.throttle`). ``locked_until`` is still
    honoured when an admin sets it. The answer is the same for every failure (no user
    enumeration).
    """
    name = username.strip().lower()
    with engine.begin() as conn:
        row = conn.execute(sa.select(users).where(users.c.username == name)).first()
        if row is None or not row.active:
            verify_password(None, password)
            return None
        now = utcnow()
        if _locked(row.locked_until, now):
            verify_password(None, password)
            return None
        if not verify_password(row.password_hash, password):
            conn.execute(users.update().where(users.c.id == row.id)
                         .values(failed_logins=row.failed_logins + 1))
            return None
        values: dict[str, int | str | None] = {"failed_logins": 0, "locked_until": None}
        if needs_rehash(row.password_hash):
            values["password_hash"] = hash_password(password)
        conn.execute(users.update().where(users.c.id == row.id).values(**values))
        return _to_user(row)


def _locked(locked_until: datetime | None, now: datetime) -> bool:
    """Whether an account locked until ``locked_until`` (stored naive, UTC) is locked at ``now``."""
    until = as_utc(locked_until)
    return until is not None and until > now
