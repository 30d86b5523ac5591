"""Server-side guards: session, role and CSRF checks as FastAPI dependencies, and cookies.

Every route except the login page declares :func:`guard` (a test walks the routing table to prove
it). Pages without a session redirect to the login page; API calls get 401. A wrong role gets
403 and an audit entry. Unsafe methods (POST) also need the session's CSRF token, from the form
field ``csrf_token`` or the header ``X-CSRF-Token``.
"""

import hmac
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from fastapi import Request, Response
from fastapi.templating import Jinja2Templates

from foundation.i18n import N_
from hub.access import audit
from hub.access.roles import Permission
from hub.access.sessions import Session, load_session
from hub.access.throttle import LoginThrottle
from hub.web.config import WebConfig
from hub.web.search.service import SearchService

LOGIN_CSRF_COOKIE = "hub_login_csrf"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass
class HubState:
    """Everything a request needs, kept on ``app.state.hub``."""

    engine: sa.Engine
    config: WebConfig
    search: SearchService
    templates: Jinja2Templates
    throttle: LoginThrottle = field(default_factory=LoginThrottle)


class AuthRequired(Exception):
    def __init__(self, api: bool) -> None:
        self.api = api


class Forbidden(Exception):
    def __init__(self, api: bool, message: str) -> None:
        self.api = api
        self.message = message


def hub_state(request: Request) -> HubState:
    return request.app.state.hub


def client_address(request: Request) -> str:
    """The client's IP address as the server sees it (behind a proxy: set
    ``HUB_WEB_TRUSTED_PROXIES`` so uvicorn takes it from ``X-Forwarded-For``)."""
    return request.client.host if request.client else "unknown"


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _sent_csrf_token(request: Request) -> str | None:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else None
    return None


def tokens_match(expected: str | None, sent: str | None) -> bool:
    if not expected or not sent:
        return False
    return hmac.compare_digest(expected.encode(), sent.encode())


def guard(permission: Permission | None = None) -> Callable:
    """Dependency: a live session, the permission (if any), and CSRF on unsafe methods."""

    async def dependency(request: Request) -> Session:
        state = hub_state(request)
        api = is_api(request)
        session = load_session(state.engine, request.cookies.get(state.config.cookie_name),
                               state.config.session)
        if session is None:
            raise AuthRequired(api)
        request.state.session = session
        if request.method not in SAFE_METHODS and not tokens_match(
            session.csrf_token, await _sent_csrf_token(request)
        ):
            audit.record(state.engine, "csrf_rejected", user=session.user,
                         detail={"path": request.url.path, "method": request.method})
            raise Forbidden(api, N_("the form is out of date or was not sent by this app "
                                    "(CSRF token missing or wrong); reload the page"))
        if permission is not None and not session.user.can(permission):
            audit.record(state.engine, "denied", user=session.user,
                         detail={"path": request.url.path, "needs": permission.value})
            raise Forbidden(api, N_("your role does not allow this page"))
        return session

    # a marker for the route audit test
    dependency.hub_guard = True  # type: ignore[attr-defined]
    dependency.permission = permission  # type: ignore[attr-defined]
    return dependency


def set_session_cookie(response: Response, config: WebConfig, token: str) -> None:
    response.set_cookie(
        config.cookie_name, token, httponly=True, samesite="strict",
        secure=config.secure_cookies, path="/",
        max_age=int(config.session.lifetime.total_seconds()),
    )


def clear_session_cookie(response: Response, config: WebConfig) -> None:
    response.delete_cookie(config.cookie_name, path="/", httponly=True, samesite="strict",
                           secure=config.secure_cookies)


def set_login_csrf(response: Response, config: WebConfig, token: str) -> None:
    """A login-form token (double-submit cookie), so a foreign site cannot log you in as it."""
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=config.secure_cookies, path="/login", max_age=3600)


SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                               "base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
"""Sent with every response: no framing, no caching of personal data, no foreign scripts."""
