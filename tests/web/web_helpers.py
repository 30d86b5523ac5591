"""Helpers shared by the web tests: an app client over the filled store, and logging in."""

import re

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
