"""REST connector against a real local HTTP server: pagination, 401, 5xx then success, timeouts."""

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from connectors.extract import extract_partner
from foundation.errors import SourceUnavailableError

TOKEN = "s3cret-token"
RECORDS = [
    {"id": f"J{i}", "bsn": f"00000000{i}", "name": {"given": "Noor", "family": "Berg, van den"},
     "gender": "female", "dob": "2015-06-0" + str(i), "address": {"postcode": "1501ab"},
     "updated_at": f"2026-01-0{i}T10:00:00Z"}
    for i in range(1, 6)
]


class Api:
    """Scenario state of the fake partner API: the server reads it, tests set and inspect it."""

    def __init__(self) -> None:
        self.records = list(RECORDS)
        self.requests: list[str] = []
        self.fail_first = 0  # answer this many requests with HTTP 500
        self.delay = 0.0  # seconds before answering (timeouts)


def make_handler(api: Api) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output clean
            pass

        def send(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            api.requests.append(self.path)
            if api.delay:
                time.sleep(api.delay)
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self.send(401, {"error": "unauthorized"})
            if api.fail_first > 0:
                api.fail_first -= 1
                return self.send(500, {"error": "boom"})
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            records = [r for r in api.records
                       if r["updated_at"] > query.get("updated_since", "")]
            if url.path == "/v1/paged":
                page, size = int(query["page"]), int(query["per_page"])
                return self.send(200, {"data": records[(page - 1) * size: page * size]})
            if url.path == "/v1/offset":
                offset, limit = int(query["offset"]), int(query["limit"])
                return self.send(200, {"items": records[offset: offset + limit]})
            if url.path == "/v1/linked":
                cursor = int(query.get("cursor", 0))
                nxt = f"/v1/linked?cursor={cursor + 2}" if cursor + 2 < len(records) else None
                return self.send(200, {"data": records[cursor: cursor + 2],
                                       "links": {"next": nxt}})
            return self.send(404, {"error": "not found"})

    return Handler


@pytest.fixture
def api() -> Iterator[tuple[Api, str]]:
    state = Api()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def rest_config(endpoint: str, pagination: str, records_path: str, timeout: float = 5,
                retries: int = 2) -> str:
    return f"""
partners:
  jbra:
    kind: rest
    connection: {{base_url: "${{API_URL}}", token: "${{API_TOKEN}}", timeout: {timeout},
                  retries: {retries}, backoff: 0.01}}
    persons:
      endpoint: {endpoint}
      records_path: {records_path}
      pagination: {pagination}
      watermark: updated_at
      watermark_param: updated_since
      fields:
        source_record_id: {{column: id}}
        bsn: {{column: bsn}}
        first_names: {{column: name.given}}
        surname: {{column: name.family, parse: surname_with_prefix}}
        sex: {{column: gender, values: {{female: V, male: M}}}}
        birth_date: {{column: dob}}
        postcode: {{column: address.postcode}}
        address_confidential: {{constant: false}}
"""


STYLES = {
    "page": ("/paged", "{style: page, page_param: page, size_param: per_page, size: 2}", "data"),
    "offset": ("/offset", "{style: offset, offset_param: offset, limit_param: limit, size: 2}",
               "items"),
    "next_link": ("/linked", "{style: next_link, path: links.next}", "data"),
}


@pytest.mark.parametrize("style", list(STYLES))
def test_pagination_reads_every_page_and_increments(make_config, hub_settings, api, style):
    state, url = api
    config = make_config(rest_config(*STYLES[style]), environ={"API_URL": url, "API_TOKEN": TOKEN})
    first = extract_partner("jbra", config, hub_settings, "r1")
    assert sorted(first.persons["source_record_id"]) == [r["id"] for r in RECORDS]
    assert len(state.requests) >= 3  # five records in pages of two
    person = first.persons.set_index("source_record_id").loc["J1"]
    assert (person["surname_prefix"], person["surname"], person["sex"]) == ("van den", "Berg", "V")
    assert person["postcode"] == "1501AB" and person["bsn"] == "000000001"

    state.records.append({**RECORDS[0], "id": "J6", "updated_at": "2026-02-01T10:00:00Z"})
    state.requests.clear()
    second = extract_partner("jbra", config, hub_settings, "r2")
    assert second.persons["source_record_id"].tolist() == ["J6"]
    assert all("updated_since=2026-01-05T10" in r for r in state.requests)


def test_401_is_not_retried_and_names_the_endpoint(make_config, hub_settings, api):
    state, url = api
    config = make_config(rest_config(*STYLES["page"]), environ={"API_URL": url,
                                                                "API_TOKEN": "wrong"})
    with pytest.raises(SourceUnavailableError) as info:
        extract_partner("jbra", config, hub_settings, "r1")
    assert len(state.requests) == 1
    assert "401" in str(info.value) and info.value.origin.endswith("/v1/paged")
    assert info.value.partner == "jbra"


def test_server_errors_are_retried_until_success(make_config, hub_settings, api):
    state, url = api
    state.fail_first = 2
    config = make_config(rest_config(*STYLES["next_link"]), environ={"API_URL": url,
                                                                     "API_TOKEN": TOKEN})
    result = extract_partner("jbra", config, hub_settings, "r1")
    assert len(result.persons) == 5
    assert len(state.requests) == 2 + 3  # two failures, then three pages


def test_persistent_server_errors_fail_the_partner(make_config, hub_settings, api):
    state, url = api
    state.fail_first = 100
    config = make_config(rest_config(*STYLES["page"]), environ={"API_URL": url,
                                                                "API_TOKEN": TOKEN})
    with pytest.raises(SourceUnavailableError, match="HTTP 500 after 3 attempts"):
        extract_partner("jbra", config, hub_settings, "r1")
    assert len(state.requests) == 3


def test_timeouts_are_retried_then_fail_clearly(make_config, hub_settings, api):
    state, url = api
    state.delay = 0.6
    config = make_config(rest_config(*STYLES["page"], timeout=0.2, retries=1),
                         environ={"API_URL": url, "API_TOKEN": TOKEN})
    with pytest.raises(SourceUnavailableError, match="timed out after 2 attempts") as info:
        extract_partner("jbra", config, hub_settings, "r1")
    assert info.value.origin.endswith("/v1/paged")


def test_unreachable_api_is_source_unavailable(make_config, hub_settings):
    config = make_config(rest_config(*STYLES["page"], retries=0),
                         environ={"API_URL": "http://127.0.0.1:1/v1", "API_TOKEN": TOKEN})
    with pytest.raises(SourceUnavailableError, match="connection failed"):
        extract_partner("jbra", config, hub_settings, "r1")
