"""A real local HTTP server for the JBRA demo API: paging, a bearer token and injectable faults.

``GET /api/v1/clients`` and ``GET /api/v1/cases`` return ``{"data": [...], "meta": {page, per_page,
total, total_pages}, "links": {"self", "next"}}``; ``?page=`` (from 1) and ``?per_page=`` (max
1000) page through records ordered by ``updatedAt`` then id; ``?updated_since=`` (ISO timestamp)
keeps records changed after it. Without ``Authorization: Bearer <token>`` the answer is 401.

Faults for connector tests: the first ``fail_first`` requests answer 500, and every answer can be
delayed by ``delay`` seconds (to trigger client timeouts). Both can be changed while serving through
the :class:`Faults` object of the running server.
"""

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

from foundation.errors import ConfigError
from hub.demo.writers.jbra import DATA_FILE

ENDPOINTS = {"/api/v1/clients": "clients", "/api/v1/cases": "cases"}
MAX_PER_PAGE = 1000
DEFAULT_PER_PAGE = 100


@dataclass
class Faults:
    """Injected failures: answer 500 to the first ``fail_first`` requests; delay every answer."""

    fail_first: int = 0
    delay: float = 0.0
    requests: int = 0


def _parse_time(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class JbraServer(ThreadingHTTPServer):
    """The HTTP server with its data, token and faults."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], data: dict[str, list[dict]], token: str,
                 faults: Faults) -> None:
        super().__init__(address, _Handler)
        self.token = token
        self.faults = faults
        self.lock = threading.Lock()
        self.data = {
            key: sorted(records, key=lambda r: (r.get("updatedAt") or "", r["id"]))
            for key, records in data.items()
        }

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class _Handler(BaseHTTPRequestHandler):
    server: JbraServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Silent: request lines would end up in test and demo output."""

    def _send(self, status: int, body: dict) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        if status == 401:
            self.send_header("WWW-Authenticate", 'Bearer realm="jbra-demo"')
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        faults = self.server.faults
        with self.server.lock:
            faults.requests += 1
            failing = faults.requests <= faults.fail_first
        if faults.delay:
            time.sleep(faults.delay)
        if failing:
            self._send(500, {"error": "injected failure"})
            return
        url = urlparse(self.path)
        if url.path == "/health":
            self._send(200, {"status": "ok"})
            return
        if self.headers.get("Authorization", "") != f"Bearer {self.server.token}":
            self._send(401, {"error": "missing or invalid bearer token"})
            return
        key = ENDPOINTS.get(url.path.rstrip("/"))
        if key is None:
            self._send(404, {"error": "unknown endpoint"})
            return
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        try:
            page = max(1, int(query.get("page", 1)))
            per_page = min(MAX_PER_PAGE, max(1, int(query.get("per_page", DEFAULT_PER_PAGE))))
            since = _parse_time(query["updated_since"]) if query.get("updated_since") else None
        except ValueError:
            self._send(400, {"error": "page, per_page or updated_since is not valid"})
            return
        records = self.server.data[key]
        if since is not None:
            records = [r for r in records if _parse_time(r["updatedAt"]) > since]
        total = len(records)
        pages = max(1, -(-total // per_page))
        chunk = records[(page - 1) * per_page: page * per_page]
        keep = {k: v for k, v in query.items() if k not in ("page", "per_page")}

        def link(p: int) -> str:
            return f"{url.path}?{urlencode({**keep, 'page': p, 'per_page': per_page})}"

        self._send(200, {
            "data": chunk,
            "meta": {"page": page, "per_page": per_page, "total": total, "total_pages": pages},
            "links": {"self": link(page), "next": link(page + 1) if page < pages else None},
        })


def load_data(data_dir: Path) -> dict[str, list[dict]]:
    """Read the JSON file written by ``hub demo-data`` for jbra."""
    path = Path(data_dir) / DATA_FILE
    if not path.exists():
        raise ConfigError("demo API data not found; run `hub demo-data` first", partner="jbra",
                          origin=str(path))
    return json.loads(path.read_text(encoding="utf-8"))


def start_server(data_dir: Path, token: str, port: int = 0, host: str = "127.0.0.1",
                 faults: Faults | None = None) -> JbraServer:
    """Start serving in a background thread; call ``shutdown()`` and ``server_close()`` to stop."""
    server = JbraServer((host, port), load_data(data_dir), token, faults or Faults())
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     name="jbra-demo-api", daemon=True).start()
    return server


@contextmanager
def serve_jbra(data_dir: Path, token: str | None, port: int = 0, fail_first: int = 0,
               delay: float = 0.0) -> Iterator[str]:
    """Serve the JBRA demo API on 127.0.0.1 while the block runs; yields the base URL."""
    if not token:
        raise ConfigError("the demo API needs a bearer token", partner="jbra", field="token")
    server = start_server(data_dir, token, port, faults=Faults(fail_first, delay))
    try:
        yield server.base_url
    finally:
        server.shutdown()
        server.server_close()
