"""One Great Expectations context per process, and running a list of rules on a DataFrame.

GX takes seconds to import and a moment to set up, so it is imported here lazily and the
ephemeral context with its one pandas data source is built once and reused for every validation.
"""

import importlib
import threading
from collections.abc import Sequence
from functools import cache
from typing import Any

import pandas as pd

from expectations.rules import Rule

RESULT_FORMAT = {"result_format": "COMPLETE", "include_unexpected_rows": False}


@cache
def import_in_background() -> threading.Thread:
    """Start importing GX in a daemon thread and return it (once per process).

    The import takes about two seconds of a validation. A step that validates soon (a partner's
    staged asset, before it reads its staging) calls this first, so that the import runs while
    the step reads files; the validation's own import then waits for it (Python's import lock)
    instead of starting over. (Started during extraction instead, it slowed the extraction more
    than it saved: both hold the interpreter lock.)
    """
    thread = threading.Thread(target=importlib.import_module, args=("great_expectations",),
                              name="import-great-expectations", daemon=True)
    thread.start()
    return thread


@cache
def _batch_definition() -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("hub").add_dataframe_asset("frame")
    return asset.add_batch_definition_whole_dataframe("whole_frame")


def build_suite(name: str, rules: Sequence[Rule]) -> Any:
    """A GX suite holding the rules' expectations (meta carries rule name and severity)."""
    import great_expectations as gx

    return gx.ExpectationSuite(name=name, expectations=[rule.expectation() for rule in rules])


def used_columns(suite: Any) -> list[str]:
    """The columns a suite's expectations read, in first-use order."""
    names: list[str] = []
    for expectation in suite.expectations:
        for attribute in ("column", "column_A", "column_B"):
            value = getattr(expectation, attribute, None)
            if isinstance(value, str):
                names.append(value)
        names.extend(getattr(expectation, "column_list", None) or [])
    return list(dict.fromkeys(names))


def run_suite(name: str, rules: Sequence[Rule], frame: pd.DataFrame) -> Any:
    """Validate ``frame`` (positional index) and return GX's ExpectationSuiteValidationResult.

    Only the columns the rules read are handed to GX (it hashes and copies what it gets); a
    column the frame lacks stays absent, so its expectation errors and blocks.
    """
    suite = build_suite(name, rules)
    columns = [c for c in used_columns(suite) if c in frame.columns]
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame[columns]})
    return batch.validate(suite, result_format=RESULT_FORMAT)
