"""Server-side sessions: the cookie holds a random token, the table holds only its SHA-256.

A session ends after a period without activity (idle timeout) and in any case after a fixed
lifetime; deactivating a user ends all their sessions. Each session carries its own CSRF token,
which every form and every state-changing API call must echo.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from hub.access.clock import as_utc, utcnow
from hub.access.roles import Role, User
from schemas.access import sessions, users


@dataclass(frozen=True)
class SessionPolicy:
    """How long sessions live."""

    idle: timedelta = timedelta(minutes=30)
    lifetime: timedelta = timedelta(hours=10)


@dataclass(frozen=True)
class Session:
    user: User
    csrf_token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(engine: sa.Engine, user: User, policy: SessionPolicy) -> tuple[str, Session]:
    """Open a session; returns the cookie token (shown once) and the session."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(sessions.insert().values(
            id=_digest(token), user_id=user.id, csrf_token=csrf, created_at=now,
            last_seen_at=now, expires_at=now + policy.lifetime,
        ))
    return token, Session(user=user, csrf_token=csrf)


TOUCH_EVERY = timedelta(seconds=30)
"""``last_seen_at`` is written at most this often: one write less on most requests."""


def load_session(engine: sa.Engine, token: str | None, policy: SessionPolicy) -> Session | None:
    """The live session of this cookie token, refreshed; None when unknown, idle or expired.

    One read joins the session to its (active) user; the idle clock is written back only when
    it is older than :data:`TOUCH_EVERY`.
    """
    if not token or len(token) > 128:
        return None
    key = _digest(token)
    now = utcnow()
    query = (sa.select(sessions.c.csrf_token, sessions.c.expires_at, sessions.c.last_seen_at,
                       users.c.id, users.c.username, users.c.display_name, users.c.role,
                       users.c.partner)
             .join(users, users.c.id == sessions.c.user_id)
             .where(sessions.c.id == key, users.c.active.is_(True)))
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        end_session(engine, token)  # unknown, or its user was deactivated
        return None
    last_seen, expires = as_utc(row.last_seen_at), as_utc(row.expires_at)
    if last_seen is None or expires is None or expires <= now or last_seen + policy.idle <= now:
        end_session(engine, token)
        return None
    if now - last_seen >= TOUCH_EVERY:
        with engine.begin() as conn:
            conn.execute(sessions.update().where(sessions.c.id == key).values(last_seen_at=now))
    user = User(id=row.id, username=row.username, display_name=row.display_name,
                role=Role(row.role), partner=row.partner)
    return Session(user=user, csrf_token=row.csrf_token)


def end_session(engine: sa.Engine, token: str | None) -> None:
    """Log out: forget the session server-side, so a copied cookie stops working."""
    if token:
        with engine.begin() as conn:
            conn.execute(sessions.delete().where(sessions.c.id == _digest(token)))


def purge_expired(engine: sa.Engine, policy: SessionPolicy) -> int:
    """Delete sessions past their lifetime or idle limit; returns how many."""
    now = utcnow()
    with engine.begin() as conn:
        return conn.execute(sessions.delete().where(
            sa.or_(sessions.c.expires_at <= now, sessions.c.last_seen_at <= now - policy.idle)
        )).rowcount
