"""One Great Expectations context per process, and running a list of rules on a DataFrame.

GX takes seconds to import and a moment to set up, so it is imported here lazily and the
ephemeral context with its one pandas data source is built once and reused for every validation.
"""

from collections.abc import Sequence
from functools import cache
from typing import Any

import pandas as pd

from expectations.rules import Rule

RESULT_FORMAT = {"result_format": "COMPLETE", "include_unexpected_rows": False}


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


def run_suite(name: str, rules: Sequence[Rule], frame: pd.DataFrame) -> Any:
    """Validate ``frame`` (positional index) and return GX's ExpectationSuiteValidationResult."""
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
    return batch.validate(build_suite(name, rules), result_format=RESULT_FORMAT)
