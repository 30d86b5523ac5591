"""Keeps one :class:`SearchIndex` per published version, rebuilt when a new version appears.

The first build happens at start-up; afterwards a search checks the version pointer at most every
few seconds and, when it moved, builds the new index in a background thread while the old one
keeps answering, so a publish never makes searches slow or half-updated.

An erasure and an incremental publish change rows of versions in place, so every search also
compares the store's generation (the erasure generation, one indexed ``max()``, and the count of
published increments) with the one its index was built at. After an erasure the index is rebuilt
before that search answers: an erased person is not found any more. After an increment only the
persons it wrote are read again, into a small layer over the index
(:class:`~hub.web.search.layered.LayeredIndex`): a new record is found at once, without the 20 s
of a million-person rebuild; when the layer grows large, a rebuild in the background folds it in.
"""

import logging
import threading
import time

import sqlalchemy as sa

from hub.store import query
from hub.store.erasure import erasure_generation
from hub.store.increment import increment_generation, increment_persons
from hub.web.search.index import Query, Result, SearchIndex
from hub.web.search.layered import LayeredIndex

log = logging.getLogger(__name__)

COMPACT_PERSONS = 50_000
"""Persons in the increment layer above which a background rebuild folds it into the index
(building the layer again for each increment would cost about a second by then)."""


class SearchService:
    def __init__(self, engine: sa.Engine, check_seconds: float = 5.0) -> None:
        self._engine = engine
        self._check_seconds = check_seconds
        self._index: SearchIndex | LayeredIndex | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()
        self._building = False
        self._generation: tuple[int, int] | None = None
        self._erasure_lock = threading.Lock()

    def _build(self, version: int) -> SearchIndex:
        started = time.perf_counter()
        with self._engine.connect() as conn:
            increments, _ = increment_persons(conn, version)  # before the rows: never fewer
            persons, bsns = query.search_frames(conn, version)
        index = SearchIndex(persons, bsns, version_id=version, increments=increments)
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
        """Rebuild now (blocking this search) when an erasure happened since the last build;
        layer the persons of new increments over the index."""
        generation = self._erasure_generation()
        if generation == self._generation:
            return
        with self._erasure_lock:
            if generation == self._generation:
                return
            version = self._current_version()
            erased = self._generation is None or generation[0] != self._generation[0]
            if (erased or version is None or self._index is None
                    or version != self._index.version_id):
                self._index = self._build(version) if version is not None else None
                self._checked_at = time.monotonic()
            else:
                self._layer()
            self._generation = generation

    def _base(self) -> SearchIndex | None:
        index = self._index
        return index.base if isinstance(index, LayeredIndex) else index

    def _layer(self) -> None:
        """Read the persons the version's increments wrote since the base index was built
        into its layer (called with ``_erasure_lock`` held)."""
        base, index = self._base(), self._index
        if base is None or index is None or base.version_id is None:
            return
        started = time.perf_counter()
        with self._engine.connect() as conn:
            count, persons = increment_persons(conn, base.version_id, skip=base.increments)
            if count == index.increments:
                return
            if persons is None:  # an increment that did not say whom it wrote
                self._index = self._build(base.version_id)
                return
            frames = query.search_frames(conn, base.version_id, persons)
        delta = SearchIndex(*frames, version_id=base.version_id)
        self._index = LayeredIndex(base, delta, count) if persons else base
        log.info("search index for version %s: %s persons of %s increments layered in %.2f s",
                 base.version_id, delta.size, count - base.increments,
                 time.perf_counter() - started)
        if len(persons) > COMPACT_PERSONS:
            self._start_rebuild(base.version_id)

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
            with self._erasure_lock:
                if self._erasure_generation()[0] == generation[0]:  # else it may hold erased rows
                    self._index = index
                    self._layer()  # increments published while it was built
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
        self._start_rebuild(version)

    def _start_rebuild(self, version: int) -> None:
        """Build the version's index in the background while the current one answers."""
        with self._lock:
            if self._building:
                return
            self._building = True
        threading.Thread(target=self._rebuild, args=(version,), daemon=True).start()

    @property
    def version(self) -> int | None:
        return self._index.version_id if self._index else None

    def current_index(self) -> SearchIndex | LayeredIndex | None:
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
