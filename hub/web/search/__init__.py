"""In-memory person search over the published version: fuzzy names, exact BSN, date, address."""

from hub.web.search.index import Hit, Query, SearchIndex

__all__ = ["Hit", "Query", "SearchIndex"]
