"""Rendering of server-side pages with the user and CSRF token every template needs."""

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from hub.access.roles import Permission
from hub.web.security import hub_state


def render(request: Request, template: str, context: dict[str, Any] | None = None,
           status_code: int = 200) -> HTMLResponse:
    session = getattr(request.state, "session", None)
    user = session.user if session else None
    base = {
        "user": user,
        "csrf_token": session.csrf_token if session else None,
        "can": (lambda p: bool(user and user.can(Permission(p)))),
    }
    return hub_state(request).templates.TemplateResponse(
        request, template, {**base, **(context or {})}, status_code=status_code
    )
