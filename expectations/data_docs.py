"""Great Expectations Data Docs per run, under ``HUB_HOME/data_docs``, without personal values.

Validation itself runs in the in-memory context (fast, one per process). For the docs, each
result is copied with every list of failing *values* removed (counts and row positions stay) and
stored in a file context whose Data Docs site is then rebuilt for those results. So the HTML never
shows a BSN or a confidential address, whatever a rule looked at.

The index page lists every stored result, so rebuilding it costs more with every run: a run that
validates many partners writes their pages with ``index=False`` and calls :func:`build_index` once.
"""

import copy
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from expectations.docs_offline import make_offline
from foundation.files import private_dir

VALUE_KEYS = (
    "unexpected_list",
    "partial_unexpected_list",
    "partial_unexpected_counts",
    "unexpected_index_query",
    "partial_unexpected_index_list",
    "details",
    "observed_value",
)
"""Result entries that may hold data values: dropped before anything is written to disk."""


@cache
def _file_context(root: str) -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="file", project_root_dir=root)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def sanitise(result: Any) -> Any:
    """A copy of an ExpectationSuiteValidationResult with no data values left in it.

    Shallow copies with the value entries left out, not a deep copy that then drops them: the
    failing-value lists are the bulk of a result (seconds to copy at a million rows). The input
    is not changed.
    """
    clean = copy.copy(result)
    items = []
    for original in result.results:
        item = copy.copy(original)
        if original.result:
            item.result = {k: v for k, v in original.result.items() if k not in VALUE_KEYS}
        item.exception_info = {
            "raised_exception": bool((original.exception_info or {}).get("raised_exception")),
            "exception_message": None,
            "exception_traceback": None,
        }
        items.append(item)
    clean.results = items
    return clean


def docs_index(root: Path) -> Path:
    """The Data Docs start page under a data_docs folder."""
    return root / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


def publish(root: Path, results: Iterable[Any], run_id: str, index: bool = True) -> Path:
    """Store sanitised results under ``run_id``, rebuild their pages, return the index page.

    With ``index=False`` the index page is left for a later :func:`build_index`.
    """
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    private_dir(root)
    context = _file_context(str(root))
    run = RunIdentifier(run_name=run_id, run_time=datetime.now(UTC))
    identifiers = []
    for result in results:
        clean = sanitise(result)
        suite_id = ExpectationSuiteIdentifier(name=clean.suite_name)
        key = ValidationResultIdentifier(expectation_suite_identifier=suite_id, run_id=run,
                                         batch_identifier=clean.batch_id or "frame")
        context.validation_results_store.set(key, clean)
        identifiers.append(key)
    if identifiers:
        context.build_data_docs(resource_identifiers=identifiers, build_index=index)
        make_offline(docs_index(root).parent)  # no CDN, no tracking logo; our own index
    return docs_index(root)


def build_index(root: Path) -> Path:
    """Rebuild only the Data Docs index page (every stored result listed); returns its path."""
    if not root.exists():
        return docs_index(root)
    context = _file_context(str(root))
    for name, config in (context.variables.data_docs_sites or {}).items():
        # GX has no public index-only build; this is what build_data_docs does per site.
        builder = context._init_site_builder_for_data_docs_site_creation(  # noqa: SLF001
            site_name=name, site_config=config)
        builder.site_index_builder.build(build_index=True)
    make_offline(docs_index(root).parent)
    return docs_index(root)
