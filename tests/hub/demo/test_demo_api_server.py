"""The JBRA demo API: a real HTTP server with paging, a bearer token, a filter and faults."""

import json
from pathlib import Path

import httpx
import pytest

from foundation.errors import ConfigError
from hub.demo.api_server import Faults, serve_jbra, start_server
from hub.demo.writers.jbra import DATA_FILE

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    clients = [{"id": f"c{i:03d}", "updatedAt": f"2026-10-{1 + i % 28:02d}T08:00:00Z",
                "name": {"given": "Test"}} for i in range(23)]
    cases = [{"id": "JBRA-1", "clientIds": ["c000"], "updatedAt": "2026-10-01T08:00:00Z"}]
    (tmp_path / DATA_FILE).write_text(json.dumps({"clients": clients, "cases": cases}))
    return tmp_path


def test_pages_cover_every_record_once_and_link_to_the_next(data_dir: Path) -> None:
    with serve_jbra(data_dir, TOKEN) as base:
        assert base.startswith("http://127.0.0.1:")
        seen, url, pages = [], f"{base}/api/v1/clients?per_page=10", 0
        while url:
            body = httpx.get(url, headers=AUTH).json()
            seen += [r["id"] for r in body["data"]]
            assert body["meta"]["total"] == 23
            url = body["links"]["next"] and base + body["links"]["next"]
            pages += 1
    assert pages == 3
    assert sorted(seen) == [f"c{i:03d}" for i in range(23)]


def test_requests_without_the_right_token_get_401(data_dir: Path) -> None:
    with serve_jbra(data_dir, TOKEN) as base:
        assert httpx.get(f"{base}/api/v1/clients").status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert httpx.get(f"{base}/api/v1/cases", headers=wrong).status_code == 401
        assert httpx.get(f"{base}/api/v1/cases", headers=AUTH).status_code == 200


def test_updated_since_returns_only_later_changes(data_dir: Path) -> None:
    with serve_jbra(data_dir, TOKEN) as base:
        body = httpx.get(f"{base}/api/v1/clients", headers=AUTH,
                         params={"updated_since": "2026-10-20T08:00:00Z", "per_page": 100}).json()
    assert body["data"]
    assert all(r["updatedAt"] > "2026-10-20T08:00:00Z" for r in body["data"])
    assert body["meta"]["total"] == len(body["data"]) < 23


def test_bad_paging_parameters_are_a_client_error(data_dir: Path) -> None:
    with serve_jbra(data_dir, TOKEN) as base:
        response = httpx.get(f"{base}/api/v1/clients?page=abc", headers=AUTH)
    assert response.status_code == 400


def test_fault_injection_fails_the_first_requests_then_recovers(data_dir: Path) -> None:
    with serve_jbra(data_dir, TOKEN, fail_first=2) as base:
        codes = [httpx.get(f"{base}/api/v1/cases", headers=AUTH).status_code for _ in range(3)]
    assert codes == [500, 500, 200]


def test_fault_injection_delay_causes_client_timeouts(data_dir: Path) -> None:
    server = start_server(data_dir, TOKEN, faults=Faults(delay=0.5))
    try:
        with pytest.raises(httpx.TimeoutException):
            httpx.get(f"{server.base_url}/api/v1/cases", headers=AUTH, timeout=0.1)
        server.faults.delay = 0.0
        assert httpx.get(f"{server.base_url}/api/v1/cases", headers=AUTH).status_code == 200
    finally:
        server.shutdown()
        server.server_close()


def test_missing_data_or_token_is_a_config_error(tmp_path: Path, data_dir: Path) -> None:
    with pytest.raises(ConfigError), serve_jbra(tmp_path / "nothing", TOKEN):
        pass
    with pytest.raises(ConfigError), serve_jbra(data_dir, ""):
        pass
