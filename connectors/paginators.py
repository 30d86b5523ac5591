"""REST pagination as small paginators, after dlt's: each says what to ask for next.

A paginator turns a page that came back into the next request, or None when the source has no
more. ``pagination.style`` in ``partners.yaml`` picks one (:data:`PAGINATORS`); a new style is one
class here and one name in that table, and the reading loop (:func:`connectors.rest.read_rest`)
stays as it is.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urljoin

from connectors.json_path import dig


@dataclass(frozen=True)
class PageRequest:
    """One GET: the URL and its query parameters (None: the URL carries them already)."""

    url: str
    params: dict[str, Any] | None


class Paginator(Protocol):
    """What to ask for first, and what next after a page (None: that was the last page)."""

    def first(self, url: str, params: dict[str, Any]) -> PageRequest: ...

    def next(self, request: PageRequest, body: Any,
             records: list[dict[str, Any]]) -> PageRequest | None: ...


class SinglePage:
    """No pagination: one request answers everything."""

    def first(self, url: str, params: dict[str, Any]) -> PageRequest:
        return PageRequest(url, params)

    def next(self, request: PageRequest, body: Any,
             records: list[dict[str, Any]]) -> PageRequest | None:
        return None


class NextLink:
    """The body names the next page's URL (``path``, dotted); absent on the last page."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.path = str(options.get("path", "next"))

    def first(self, url: str, params: dict[str, Any]) -> PageRequest:
        return PageRequest(url, params)

    def next(self, request: PageRequest, body: Any,
             records: list[dict[str, Any]]) -> PageRequest | None:
        link = dig(body, self.path)
        return PageRequest(urljoin(request.url, str(link)), None) if link else None


class _Counted:
    """Pages of ``size`` records asked for by a counter; a short page is the last one."""

    counter_param: str
    size_param: str

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.size = int(options.get("size", 500))

    def _start(self) -> int:
        raise NotImplementedError

    def _advance(self, counter: int, records: list[dict[str, Any]]) -> int:
        raise NotImplementedError

    def first(self, url: str, params: dict[str, Any]) -> PageRequest:
        return PageRequest(url, {**params, self.counter_param: self._start(),
                                 self.size_param: self.size})

    def next(self, request: PageRequest, body: Any,
             records: list[dict[str, Any]]) -> PageRequest | None:
        if len(records) < self.size or request.params is None:
            return None
        counter = self._advance(int(request.params[self.counter_param]), records)
        return PageRequest(request.url, {**request.params, self.counter_param: counter})


class PageNumber(_Counted):
    """``page_param`` counts pages from ``start`` (1), ``size_param`` is the page size."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        super().__init__(options)
        self.counter_param = str(options.get("page_param", "page"))
        self.size_param = str(options.get("size_param", "per_page"))
        self.start = int(options.get("start", 1))

    def _start(self) -> int:
        return self.start

    def _advance(self, counter: int, records: list[dict[str, Any]]) -> int:
        return counter + 1


class Offset(_Counted):
    """``offset_param`` counts records from 0, ``limit_param`` is the page size."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        super().__init__(options)
        self.counter_param = str(options.get("offset_param", "offset"))
        self.size_param = str(options.get("limit_param", "limit"))

    def _start(self) -> int:
        return 0

    def _advance(self, counter: int, records: list[dict[str, Any]]) -> int:
        return counter + len(records)


PAGINATORS: dict[str, Callable[[Mapping[str, Any]], Paginator]] = {
    "page": PageNumber,
    "next_link": NextLink,
    "offset": Offset,
}
"""``pagination.style`` -> paginator; the configuration accepts exactly these names."""


def paginator_for(pagination: Mapping[str, Any] | None) -> Paginator:
    """The paginator a dataset's ``pagination:`` block asks for (none: a single page)."""
    if not pagination:
        return SinglePage()
    return PAGINATORS[str(pagination["style"])](pagination)
