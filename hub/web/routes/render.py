"""Rendering of server-side pages with the user, CSRF token and language every template needs."""

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from hub.access.roles import Permission
from hub.web import i18n
from hub.web.security import hub_state


def render(request: Request, template: str, context: dict[str, Any] | None = None,
           status_code: int = 200) -> HTMLResponse:
    """Render ``template`` in the request's language (``?lang=`` is remembered in a cookie)."""
    session = getattr(request.state, "session", None)
    user = session.user if session else None
    asked = request.query_params.get("lang")
    language = i18n.choose_language(asked, request.cookies.get(i18n.LANG_COOKIE))
    i18n.set_language(language)
    base = {
        "user": user,
        "csrf_token": session.csrf_token if session else None,
        "can": (lambda p: bool(user and user.can(Permission(p)))),
        "lang": language,
        "other_lang": "en" if language == "nl" else "nl",
    }
    response = hub_state(request).templates.TemplateResponse(
        request, template, {**base, **(context or {})}, status_code=status_code
    )
    if asked in i18n.LANGUAGES:
        response.set_cookie(i18n.LANG_COOKIE, language, max_age=365 * 24 * 3600,
                            httponly=True, samesite="lax")
    return response
