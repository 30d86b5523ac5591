"""Search results kept server-side for a short while, so the results page can be a GET.

A search is a POST (the criteria may hold a BSN or a name, which must not end up in a URL, a log
or the browser history). The POST stores the result under a random id and redirects to
``/search/results/<id>`` (post/redirect/get): Back from a person returns to that page without a
"confirm form resubmission", and the URL holds nothing but the random id. Entries belong to the
user who searched and expire after a few minutes; the memory used is capped.
"""

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from hub.web.search.index import Result


@dataclass(frozen=True)
class Stored:
    username: str
    form: dict[str, Any]
    result: Result
    stored_at: float


class ResultStore:
    """In-memory, per-process store of recent search results (id -> result), TTL and size bound."""

    def __init__(self, ttl_seconds: float = 15 * 60, max_entries: int = 2000) -> None:
        self._ttl = ttl_seconds
        self._max = max_entries
        self._items: OrderedDict[str, Stored] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, username: str, form: dict[str, Any], result: Result) -> str:
        result_id = secrets.token_urlsafe(16)
        with self._lock:
            self._expire()
            self._items[result_id] = Stored(username, form, result, time.monotonic())
            while len(self._items) > self._max:
                self._items.popitem(last=False)
        return result_id

    def get(self, result_id: str, username: str) -> Stored | None:
        """The stored result, if it exists, has not expired and belongs to ``username``."""
        with self._lock:
            self._expire()
            item = self._items.get(result_id)
        return item if item is not None and item.username == username else None

    def _expire(self) -> None:
        limit = time.monotonic() - self._ttl
        while self._items:
            key, first = next(iter(self._items.items()))
            if first.stored_at >= limit:
                break
            del self._items[key]
