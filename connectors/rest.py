"""REST connector: JSON over HTTP with a bearer token, pagination, timeouts and retries.

Timeouts, connection errors and 5xx answers are retried with exponential backoff and jitter; a 4xx
answer is not (401 means the token is wrong: retrying will not fix it). Pagination is a
paginator per style (:mod:`connectors.paginators`, after dlt's): ``page`` (page number and size),
``next_link`` (a URL in the body) and ``offset`` (offset and limit). Incremental runs send the
last watermark as a query parameter.
"""

import random
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urljoin

import httpx
import pandas as pd

from connectors.config import DatasetConfig, PartnerConfig
from connectors.delivery import Delivery
from connectors.json_path import dig
from connectors.mapping import ORIGIN, ORIGIN_ROW
from connectors.paginators import PageRequest, paginator_for
from connectors.state import decode_watermark, encode_watermark
from foundation.errors import ParseError, SourceUnavailableError

DEFAULT_TIMEOUT = 10.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 0.5
MAX_PAGES = 100_000
BATCH_ROWS = 20_000
"""Records gathered from pages before one chunk is mapped."""


class Fetcher:
    """GET JSON with retries on timeouts, connection errors and 5xx; none on 4xx."""

    def __init__(self, client: httpx.Client, partner: str, retries: int, backoff: float,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.client = client
        self.partner = partner
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.attempts = 0

    def get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        """The parsed JSON body; raises SourceUnavailableError naming the endpoint."""
        origin = url.split("?")[0]
        for attempt in range(self.retries + 1):
            self.attempts += 1
            try:
                response = self.client.get(url, params=params)
            except httpx.TimeoutException:
                problem = "timed out"
            except httpx.TransportError as exc:
                problem = f"connection failed ({type(exc).__name__})"
            else:
                if response.status_code < 400:
                    try:
                        return response.json()
                    except ValueError:
                        raise ParseError("answer is not JSON", partner=self.partner,
                                         origin=origin) from None
                if response.status_code < 500:
                    raise SourceUnavailableError(_refused(response.status_code),
                                                 partner=self.partner, origin=origin)
                problem = f"server error HTTP {response.status_code}"
            if attempt < self.retries:
                delay = self.backoff * (2 ** attempt)
                self.sleep(delay * random.uniform(0.5, 1.5))
        raise SourceUnavailableError(f"{problem} after {self.retries + 1} attempts",
                                     partner=self.partner, origin=origin)


def _refused(status: int) -> str:
    if status == 401:
        return "refused: HTTP 401 unauthorized (check the API token)"
    if status == 403:
        return "refused: HTTP 403 forbidden"
    return f"refused: HTTP {status}"


def _pages(fetcher: Fetcher, url: str, dataset: DatasetConfig,
           params: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    """Yield the list of records on each page until the paginator says there are no more."""
    paginator = paginator_for(dataset.pagination)
    request: PageRequest | None = paginator.first(url, params)
    for _ in range(MAX_PAGES):
        if request is None:
            return
        body = fetcher.get(request.url, request.params)
        records = _records(body, dataset, url, fetcher.partner)
        if records:
            yield records
        request = paginator.next(request, body, records)


def _records(body: Any, dataset: DatasetConfig, url: str, partner: str) -> list[dict[str, Any]]:
    records = dig(body, dataset.records_path)
    if records is None:
        return []
    if not isinstance(records, list):
        raise ParseError(f"records_path {dataset.records_path!r} is not a list", partner=partner,
                         origin=url)
    return records


def read_rest(partner: PartnerConfig, dataset: DatasetConfig, state: dict[str, Any],
              transport: httpx.BaseTransport | None = None,
              sleep: Callable[[float], None] = time.sleep) -> Iterator[Delivery]:
    """Yield the one delivery of an endpoint; its chunks are pages of flattened records."""
    conn = partner.connection
    base_url = str(conn["base_url"]).rstrip("/") + "/"
    url = urljoin(base_url, str(dataset.endpoint).lstrip("/"))
    last = decode_watermark(state.get("watermarks", {}).get(dataset.name))
    delivery = Delivery(origin=str(dataset.endpoint), chunks=iter(()),
                        full=dataset.watermark is None)
    delivery.chunks = _chunks(partner, dataset, url, last, delivery, transport, sleep)
    yield delivery


def _frame(records: list[dict[str, Any]], dataset: DatasetConfig, row: int,
           high: Any) -> tuple[pd.DataFrame, Any]:
    """Flatten records into a chunk numbered from ``row + 1``; returns it and the new watermark."""
    frame = pd.json_normalize(records, sep=".") if records else pd.DataFrame()
    frame = frame.astype("object")
    frame[ORIGIN] = str(dataset.endpoint)
    frame[ORIGIN_ROW] = range(row + 1, row + len(frame) + 1)
    if dataset.watermark and dataset.watermark in frame and len(frame):
        top = frame[dataset.watermark].dropna()
        if len(top):
            page_high = max(str(v) for v in top)
            high = page_high if high is None or page_high > str(high) else high
    return frame, high


def _chunks(partner: PartnerConfig, dataset: DatasetConfig, url: str, last: Any,
            delivery: Delivery, transport: httpx.BaseTransport | None,
            sleep: Callable[[float], None]) -> Iterator[pd.DataFrame]:
    conn = partner.connection
    headers = {"Accept": "application/json"}
    if conn.get("token"):
        headers["Authorization"] = f"Bearer {conn['token']}"
    timeout = float(conn.get("timeout", DEFAULT_TIMEOUT))
    params = dict(dataset.params)
    if dataset.watermark and last is not None:
        params[dataset.watermark_param or dataset.watermark] = last
    high = last
    row = 0
    with httpx.Client(headers=headers, timeout=timeout, transport=transport,
                      follow_redirects=True) as client:
        fetcher = Fetcher(client, partner.key, int(conn.get("retries", DEFAULT_RETRIES)),
                          float(conn.get("backoff", DEFAULT_BACKOFF)), sleep)
        # Pages are small (hundreds of records); mapping them one by one cost more in fixed
        # per-chunk work than the mapping itself, so pages are gathered into bigger chunks.
        pending: list[dict[str, Any]] = []
        yielded = False
        for records in _pages(fetcher, url, dataset, params):
            pending.extend(records)
            if len(pending) < BATCH_ROWS:
                continue
            frame, high = _frame(pending, dataset, row, high)
            row += len(frame)
            pending, yielded = [], True
            yield frame
        if pending or not yielded:
            frame, high = _frame(pending, dataset, row, high)
            yield frame
    if dataset.watermark:
        delivery.state = {"watermark": encode_watermark(high)}
