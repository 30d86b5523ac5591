"""Each pagination style as a paginator: what it asks for first and after a page."""

import pytest

from connectors.paginators import PageRequest, paginator_for

TWO = [{"id": 1}, {"id": 2}]


def _walk(pagination: dict | None, pages: list[tuple[dict, list]]) -> list[PageRequest]:
    """The requests a paginator makes when the source answers ``pages`` in turn."""
    paginator = paginator_for(pagination)
    request = paginator.first("https://api.example/v1/items", {"since": "x"})
    asked = []
    for body, records in pages:
        asked.append(request)
        request = paginator.next(request, body, records)
        if request is None:
            break
    return asked


@pytest.mark.parametrize(("pagination", "pages", "expected"), [
    (None, [({}, TWO)], [{"since": "x"}]),
    ({"style": "page", "size": 2}, [({}, TWO), ({}, TWO[:1])],
     [{"since": "x", "page": 1, "per_page": 2}, {"since": "x", "page": 2, "per_page": 2}]),
    ({"style": "offset", "size": 2, "offset_param": "o", "limit_param": "l"},
     [({}, TWO), ({}, [])],
     [{"since": "x", "o": 0, "l": 2}, {"since": "x", "o": 2, "l": 2}]),
], ids=["single", "page", "offset"])
def test_counted_paginators_stop_at_a_short_page(pagination, pages, expected) -> None:
    assert [r.params for r in _walk(pagination, pages)] == expected


def test_next_link_follows_the_body_and_stops_without_one() -> None:
    pages = [({"links": {"next": "/v1/items?cursor=2"}}, TWO), ({"links": {}}, TWO)]
    asked = _walk({"style": "next_link", "path": "links.next"}, pages)
    assert [(r.url, r.params) for r in asked] == [
        ("https://api.example/v1/items", {"since": "x"}),
        ("https://api.example/v1/items?cursor=2", None)]
