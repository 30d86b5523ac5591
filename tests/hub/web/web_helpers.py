"""Helpers shared by the web tests: an app client over the filled store, and logging in."""

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
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


SAMPLE_IDS = {"household_id": "H-FAMILY", "person_id": "P-CHILD", "item_id": "0123456789abcdef",
              "guide_id": "1", "dispute_id": "1", "group_id": "0123456789abcdef",
              "result_id": "A" * 20, "decision_id": "1", "record_id": "VT-1",
              "source": "veilig_thuis"}
"""A value for every path parameter of the app's routes (the web_store family's ids)."""


def route_methods(engine) -> list[tuple[str, str]]:
    """Every (method, path) the app serves, also inside included routers."""
    routes = api_routes(create_app(engine, WebConfig()).routes)
    return sorted({(m, path) for route, path in routes for m in route.methods - {"HEAD"}})


def assert_refused_everywhere_but(client: TestClient, token: str, engine,
                                  allowed: set[tuple[str, str]]) -> int:
    """Every route outside ``allowed`` (and the login page) answers 403 and shows no family
    data; returns how many routes were checked."""
    checked = 0
    for method, path in route_methods(engine):
        if (method, path) in allowed or path == "/login":
            continue
        response = client.request(method, path.format(**SAMPLE_IDS),
                                  headers={"X-CSRF-Token": token},
                                  data={"csrf_token": token} if method == "POST" else None,
                                  follow_redirects=False)
        assert response.status_code == 403, (method, path, response.status_code)
        assert "H-FAMILY" not in response.text and "Çelik" not in response.text
        checked += 1
    return checked


@contextmanager
def live_server(app) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port in a thread, for the browser tests."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
