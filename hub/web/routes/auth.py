"""Login and logout. The only routes reachable without a session are GET and POST /login."""

import hashlib
import hmac
import math
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from hub.access import audit
from hub.access.audit_key import load_key
from hub.access.roles import Role
from hub.access.sessions import Session, end_session, load_session, start_session
from hub.access.users import authenticate, is_account
from hub.web.i18n import N_
from hub.web.routes.render import render
from hub.web.security import (
    LOGIN_CSRF_COOKIE,
    clear_session_cookie,
    client_address,
    guard,
    hub_state,
    set_login_csrf,
    set_session_cookie,
    tokens_match,
)

router = APIRouter(include_in_schema=False)

HOME = {Role.STAFF: "/search", Role.STEWARD: "/review", Role.ADMIN: "/admin/users",
        Role.PRIVACY_OFFICER: "/privacy/inzage", Role.RST_COORDINATOR: "/search",
        Role.MANAGER: "/monitor", Role.OUTSIDE_PROFESSIONAL: "/lookup"}


def _login_page(request: Request, error: str | None = None, status_code: int = 200,
                retry_after: float | None = None,
                error_args: dict[str, object] | None = None) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html",
                      {"error": error, "error_args": error_args or {}, "login_csrf": token},
                      status_code=status_code)
    set_login_csrf(response, hub_state(request).config, token)
    if retry_after is not None:
        response.headers["Retry-After"] = str(math.ceil(retry_after))
    return response


def typed_name_reference(name: str) -> str:
    """A keyed fingerprint of a typed user name that is no account: repeated attempts with the
    same name can be told apart in the audit log without storing the name, which is often a
    password typed into the wrong field."""
    return hmac.new(load_key(), name.encode(), hashlib.sha256).hexdigest()[:16]


@router.get("/login")
def login_form(request: Request) -> Response:
    """The login page (also where every other page sends you without a session)."""
    state = hub_state(request)
    session = load_session(state.engine, request.cookies.get(state.config.cookie_name),
                           state.config.session)
    if session is not None:
        return RedirectResponse(HOME[session.user.role], status_code=303)
    return _login_page(request)


@router.post("/login")
def login(request: Request, username: Annotated[str, Form(max_length=200)],
          password: Annotated[str, Form(max_length=1000)],
          csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    """Check the password (argon2id), open a server-side session, set an HttpOnly cookie."""
    state = hub_state(request)
    if not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE), csrf_token):
        return _login_page(request, N_("The login form expired; please try again."), 403)
    name, client = username.strip().lower()[:64], client_address(request)
    known = is_account(state.engine, name)
    wait = state.throttle.wait_seconds(client, name)
    if wait > 0:
        audit.record(state.engine, "login_throttled", actor=name if known else "?",
                     detail={"client": client, "wait_seconds": math.ceil(wait),
                             **({} if known else {"typed": typed_name_reference(name)})})
        return _login_page(request, N_("Too many failed log-ins from this computer; try again in "
                                       "%(seconds)s seconds."), 429, retry_after=wait,
                           error_args={"seconds": math.ceil(wait)})
    user = authenticate(state.engine, username, password)
    if user is None:
        state.throttle.failed(client, name)
        audit.record(state.engine, "login_failed", actor=name if known else "?",
                     detail={"client": client,
                             **({} if known else {"typed": typed_name_reference(name)})})
        return _login_page(request, N_("Unknown user name or wrong password."), 401)
    state.throttle.succeeded(client, name)
    token, _ = start_session(state.engine, user, state.config.session)
    audit.record(state.engine, "login", user=user)
    response = RedirectResponse(HOME[user.role], status_code=303)
    set_session_cookie(response, state.config, token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, session: Annotated[Session, Depends(guard())]) -> Response:
    """End the session server-side (a copied cookie stops working too)."""
    state = hub_state(request)
    end_session(state.engine, request.cookies.get(state.config.cookie_name))
    audit.record(state.engine, "logout", user=session.user)
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, state.config)
    return response
