"""Keeps one :class:`SearchIndex` per published version, rebuilt when a new version appears.

The first build happens at start-up; afterwards a search checks the version pointer at most every
few seconds and, when it moved, builds the new index in a background thread while the old one
keeps answering, so a publish never makes searches slow or half-updated.

An erasure and an incremental publish change rows of versions in place, so every search also
compares the store's generation (the erasure generation, one indexed ``max()``, and the count of
published increments) with the one its index was built at; when it moved, the index is rebuilt
before that search answers: an erased person is not found any more, a new record is found, at once.
"""

import logging
import threading
import time

import sqlalchemy as sa

from hub.store import query
from hub.store.erasure import erasure_generation
from hub.store.increment import increment_generation
from hub.web.search.index import Query, Result, SearchIndex

log = logging.getLogger(__name__)


class SearchService:
    def __init__(self, engine: sa.Engine, check_seconds: float = 5.0) -> None:
        self._engine = engine
        self._check_seconds = check_seconds
        self._index: SearchIndex | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()
        self._building = False
        self._generation: tuple[int, int] | None = None
        self._erasure_lock = threading.Lock()

    def _build(self, version: int) -> SearchIndex:
        started = time.perf_counter()
        with self._engine.connect() as conn:
            persons, bsns = query.search_frames(conn, version)
        index = SearchIndex(persons, bsns, version_id=version)
        log.info("search index for version %s: %s persons in %.1f s", version, index.size,
                 time.perf_counter() - started)
        return index

    def _current_version(self) -> int | None:
        with self._engine.connect() as conn:
            return query.current_version(conn)

    def _erasure_generation(self) -> tuple[int, int]:
        """Moves when rows of a version changed in place (an erasure or an increment)."""
        with self._engine.connect() as conn:
            return erasure_generation(conn), increment_generation(conn)

    def _follow_erasures(self) -> None:
        """Rebuild now (blocking this search) when an erasure happened since the last build."""
        generation = self._erasure_generation()
        if generation == self._generation:
            return
        with self._erasure_lock:
            if generation == self._generation:
                return
            version = self._current_version()
            self._index = self._build(version) if version is not None else None
            self._generation = generation
            self._checked_at = time.monotonic()

    def start(self) -> None:
        """Build the index of the published version now (blocking)."""
        self._generation = self._erasure_generation()
        version = self._current_version()
        self._index = self._build(version) if version is not None else None
        self._checked_at = time.monotonic()

    def _rebuild(self, version: int) -> None:
        try:
            generation = self._erasure_generation()
            index = self._build(version)
            if self._erasure_generation() == generation:  # else it may hold erased rows
                self._index = index
        except Exception:
            log.exception("search index rebuild for version %s failed", version)
        finally:
            self._building = False

    def refresh(self, wait: bool = False) -> None:
        """Start (or with ``wait`` run) a rebuild when the published version moved."""
        version = self._current_version()
        self._checked_at = time.monotonic()
        current = self._index.version_id if self._index else None
        if version is None or version == current:
            return
        if wait or self._index is None:
            self._index = self._build(version)
            return
        with self._lock:
            if self._building:
                return
            self._building = True
        threading.Thread(target=self._rebuild, args=(version,), daemon=True).start()

    @property
    def version(self) -> int | None:
        return self._index.version_id if self._index else None

    def current_index(self) -> SearchIndex | None:
        """The index of the published version (refreshed like :meth:`search`), for the lookup."""
        self._follow_erasures()
        if time.monotonic() - self._checked_at >= self._check_seconds:
            self.refresh()
        return self._index

    def search(self, query: Query) -> Result:
        self._follow_erasures()
        if time.monotonic() - self._checked_at >= self._check_seconds:
            self.refresh()
        if self._index is None:
            return Result([], 0, query.criteria())
        return self._index.search(query)
