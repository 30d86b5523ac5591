"""Helpers shared by the web tests: an app client over the filled store, and logging in."""

import re

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from hub.web.app import create_app
from hub.web.config import WebConfig

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def client_for(engine, config: WebConfig | None = None) -> TestClient:
    return TestClient(create_app(engine, config or WebConfig()), follow_redirects=True)


def login(client: TestClient, username: str, password: str) -> str:
    """Log in through the form; returns the session's CSRF token."""
    page = client.get("/login")
    token = CSRF.search(page.text).group(1)
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": token})
    assert response.status_code == 200, response.text
    return client.get("/api/me").json()["csrf_token"]


def api_routes(routes: list, prefix: str = "") -> list[tuple[APIRoute, str]]:
    """Every API route with its full path, also inside included routers (FastAPI 0.165 wraps
    an included router, so a plain walk over ``app.routes`` sees none of its routes)."""
    out: list[tuple[APIRoute, str]] = []
    for route in routes:
        if isinstance(route, APIRoute):
            out.append((route, prefix + route.path))
        elif hasattr(route, "original_router"):
            out += api_routes(route.original_router.routes, prefix + route.include_context.prefix)
    return out


def nl(msgid: str) -> str:
    """The Dutch a page shows for an English msgid (Dutch is the pages' default language)."""
    from hub.web.i18n import translations

    return translations("nl").gettext(msgid)
