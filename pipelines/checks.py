"""Dagster asset checks that run the hub's Great Expectations suites (``expectations/``).

``staging_check_specs`` are each partner's two checks per dataset, declared on its staged asset
and yielded with it from the one validation the asset runs: the blocking rules (a failure stops
every downstream asset: nothing is linked or published from that staging) and the row-level rules
(failing rows are quarantined and the check warns). ``merged_checks`` guards the merged output.
Metadata carries counts per rule, a few failing rows with BSN and confidential addresses masked,
and a link to the run's Data Docs. GX is imported only when a check runs.
"""

from collections.abc import Callable, Sequence
from typing import Any

import dagster as dg
import numpy as np
import pandas as pd

from expectations import MergedInputs, data_docs
from expectations.rules import BLOCKING
from expectations.validate import validate_merged
from foundation.privacy import mask_frame
from foundation.settings import Settings
from pipelines.memory import release_memory
from pipelines.resources import HubResource
from pipelines.validation import PartnerValidation

SAMPLE_ROWS = 5
ID_COLUMNS = {"persons": "source_record_id", "registrations": "case_id"}
MERGED_CHECK = "merged_output_valid"
MERGED_SAFE_COLUMNS = (
    "source", "source_record_id", "person_id", "household_id", "staged", "quarantined", "linked",
    "_hub_link_count", "_hub_expected_links", "_hub_household_count", "_hub_member_count",
    "_hub_unreconciled",
)
"""Identifiers and counts only: a failing merged row is shown without any personal field."""


def _markdown(frame: pd.DataFrame) -> str:
    """A small Markdown table (values already masked)."""
    if frame.empty:
        return "(none)"
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join(_cell(v) for v in row) + " |"
            for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def _cell(value: Any) -> str:
    """One table cell; a list (a case's person record ids) as its items, comma-separated."""
    if isinstance(value, list | tuple | np.ndarray):
        return ", ".join(_cell(v) for v in value)
    return "" if pd.isna(value) else str(value).replace("|", "/")


def _sample(outcome, results) -> pd.DataFrame:  # noqa: ANN001 - expectations types, lazy import
    """A few failing rows per rule: id, origin row, the failing field (masked) and the rule."""
    id_column = ID_COLUMNS.get(outcome.dataset)
    picked = {result.rule: list(result.failed_rows[:SAMPLE_ROWS]) for result in results}
    positions = sorted({p for found in picked.values() for p in found})
    # one masking of every sampled row (per rule it cost a tenth of a second a check)
    masked = mask_frame(outcome.frame.iloc[positions]).reset_index(drop=True)
    where = {position: i for i, position in enumerate(positions)}
    rows = []
    for result in results:
        for position in picked[result.rule]:
            record = masked.iloc[where[position]]
            field = result.field
            rows.append({
                "rule": result.rule,
                "id": record.get(id_column) if id_column else None,
                "origin_row": record.get("origin_row"),
                "field": field,
                "value": record.get(field) if field in masked.columns else None,
            })
    return pd.DataFrame(rows, columns=["rule", "id", "origin_row", "field", "value"])


def outcome_metadata(outcome, results, docs: str | None) -> dict[str, Any]:  # noqa: ANN001
    """Counts per rule, masked failing rows and the Data Docs link, for one check."""
    counts = pd.DataFrame(
        [{"rule": r.rule, "severity": r.severity, "failed": r.failed,
          "evaluated": r.evaluated, "error": r.error or ""} for r in results]
    )
    metadata: dict[str, Any] = {
        "rows": len(outcome.frame),
        "failed_rows": len({i for r in results for i in r.failed_rows}),
        "rules_failed": sum(not r.success for r in results),
        "counts": dg.MetadataValue.md(_markdown(counts)),
        "failing_rows_masked": dg.MetadataValue.md(_markdown(_sample(outcome, results))),
    }
    if docs:
        metadata["data_docs"] = dg.MetadataValue.path(docs)
        metadata["data_docs_url"] = dg.MetadataValue.url(f"file://{docs}")
    return metadata


STAGING_CHECKS = tuple((dataset, blocking) for dataset in ("persons", "registrations")
                       for blocking in (True, False))
"""Each partner's two checks per dataset: the blocking rules and the row-level rules."""


def _check_name(dataset: str, blocking: bool) -> str:
    return f"{dataset}_{'blocking' if blocking else 'row_level'}_rules"


def staging_check_specs(partner: str, asset_key: dg.AssetKey) -> list[dg.AssetCheckSpec]:
    """The checks a partner's staged asset declares and yields (``check_specs``)."""
    return [
        dg.AssetCheckSpec(
            name=_check_name(dataset, blocking),
            asset=asset_key,
            blocking=blocking,
            description=(
                f"{partner} {dataset}: "
                + ("blocking expectations; a failure stops linking and publishing."
                   if blocking else
                   "row-level expectations; failing rows are quarantined, the rest continues.")
            ),
        )
        for dataset, blocking in STAGING_CHECKS
    ]


def staging_check_results(validation: PartnerValidation,
                          asset_key: dg.AssetKey) -> list[dg.AssetCheckResult]:
    """The outcome of :func:`staging_check_specs` for one validation of the partner's staging."""
    docs = str(validation.data_docs) if validation.data_docs else None
    out = []
    for dataset, blocking in STAGING_CHECKS:
        outcome = getattr(validation, dataset)
        results = [r for r in outcome.rules
                   if (r.severity == BLOCKING or r.error is not None) == blocking]
        failed = [r for r in results if not r.success]
        out.append(dg.AssetCheckResult(
            asset_key=asset_key,
            check_name=_check_name(dataset, blocking),
            passed=not failed,
            severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
            metadata=outcome_metadata(outcome, results, docs),
            description=("; ".join(f"{r.rule}: {r.failed} rows" + (f" ({r.error})" if r.error
                                                                   else "") for r in failed)
                         or None),
        ))
    return out


MergedLoader = Callable[[Settings, str], MergedInputs]
"""``(settings, run_id) -> expectations.MergedInputs``: how the pipeline assembles its output."""


def merged_checks(asset_key: dg.AssetKey, load_inputs: MergedLoader,
                  additional_deps: Sequence[dg.AssetKey] = (),
                  already_published: Callable[[Settings], bool] | None = None,
                  ) -> list[dg.AssetChecksDefinition]:
    """A blocking check of the merged output: links, households, secret addresses, counts.

    ``already_published(settings)`` may say that the output to check is the published version
    itself (an unchanged re-run); the check then passes without validating it again.
    """

    @dg.asset_check(
        asset=dg.AssetKey.from_coercible(asset_key),
        name=MERGED_CHECK,
        blocking=True,
        additional_deps=list(additional_deps),
        description=(
            "Every staged record linked to exactly one person, every person in at most one "
            "household, no empty household, no confidential address on an open record, and "
            "staged = linked + quarantined per partner."
        ),
    )
    def check(context: dg.AssetCheckExecutionContext, hub: HubResource) -> dg.AssetCheckResult:
        settings = hub.settings()
        if already_published is not None and already_published(settings):
            return dg.AssetCheckResult(
                passed=True,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={"rules_failed": 0, "unchanged": True},
                description="linked from the published version's own inputs: the output is "
                            "that version, which passed this check when it was published",
            )
        outcomes = validate_merged(load_inputs(settings, context.run.run_id))
        release_memory()  # the inputs (golden records of every person) are gone now
        results_gx = [r for o in outcomes for r in o.gx_results]
        docs = str(data_docs.publish(settings.data_docs, results_gx, context.run.run_id))
        results = [r for o in outcomes for r in o.rules]
        failed = [r for r in results if not r.success]
        metadata: dict[str, Any] = {
            "counts": dg.MetadataValue.md(_markdown(pd.DataFrame(
                [{"rule": r.rule, "failed": r.failed, "evaluated": r.evaluated,
                  "error": r.error or ""} for r in results]))),
            "rules_failed": len(failed),
            "data_docs": dg.MetadataValue.path(docs),
            "data_docs_url": dg.MetadataValue.url(f"file://{docs}"),
        }
        for outcome in outcomes:
            bad = [r for r in outcome.rules if r.failed_rows]
            if bad:
                rows = outcome.frame.iloc[list(bad[0].failed_rows[:SAMPLE_ROWS])]
                visible = [c for c in rows.columns if c in MERGED_SAFE_COLUMNS]
                metadata[f"failing_{outcome.dataset}"] = dg.MetadataValue.md(
                    _markdown(rows[visible]))
        return dg.AssetCheckResult(
            passed=not failed,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata=metadata,
            description="; ".join(f"{r.rule}: {r.failed} rows" for r in failed) or None,
        )

    return [check]
