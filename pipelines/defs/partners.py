"""Per-partner assets, made from the partner configuration: ``<partner>/extracted`` and
``<partner>/staged``.

Adding a partner is a YAML block in ``connectors/partners.yaml``; this factory builds its assets,
groups them under the partner's key and gives each partner its own concurrency pool. Extraction is
retried with exponential backoff and jitter (a partner system may be briefly down); a partner that
stays down fails its own assets only (see ``pipelines/defs/jobs.py`` for how the others go on).
"""

import os
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

import dagster as dg

from connectors.extract import extract_partner
from expectations.runtime import import_in_background
from foundation.errors import HubError, SourceUnavailableError
from hub.demo.services import demo_services
from pipelines.catalog import PartnerEntry, hub_config, load_catalog
from pipelines.checks import staging_check_results, staging_check_specs
from pipelines.freshness import last_extract_time, record_extract, record_validation
from pipelines.io_managers import VALIDATED_IO, Validated
from pipelines.keys import OWNER, extracted_key, partner_pool, staged_key
from pipelines.metadata import counts_metadata
from pipelines.resources import HubResource
from pipelines.validation import validate_partner

KIND_LABELS = {"files": "csv", "sql": "sql", "rest": "api"}


def extract_retry_policy() -> dg.RetryPolicy:
    """Retries for flaky sources: ``HUB_EXTRACT_RETRIES`` times (default 3), starting after
    ``HUB_EXTRACT_RETRY_DELAY`` seconds (default 5), doubling, with jitter."""
    return dg.RetryPolicy(
        max_retries=int(os.environ.get("HUB_EXTRACT_RETRIES", "3")),
        delay=float(os.environ.get("HUB_EXTRACT_RETRY_DELAY", "5")),
        backoff=dg.Backoff.EXPONENTIAL,
        jitter=dg.Jitter.PLUS_MINUS,
    )


def build_extracted(partner: PartnerEntry, retry_policy: dg.RetryPolicy) -> dg.AssetsDefinition:
    """``<partner>/extracted``: read the partner's system and upsert its canonical staging."""

    @dg.asset(
        key=extracted_key(partner.key),
        group_name=partner.key,
        owners=[OWNER],
        kinds={"python", KIND_LABELS.get(partner.kind, partner.kind), "parquet"},
        pool=partner_pool(partner.key),
        retry_policy=retry_policy,
        description=(
            f"Meldingen, dossiers and persons read from {partner.name} ({partner.kind}), mapped to "
            "the canonical form and upserted into staging. Rows outside the proeftuin are counted, "
            "never stored; rows that cannot be mapped go to quarantine with their reason."
        ),
        tags={"hub/partner": partner.key, "hub/stage": "extract"},
    )
    def extracted(context: dg.AssetExecutionContext, hub: HubResource) -> dg.MaterializeResult:
        settings = hub.settings()
        try:
            config = hub_config(settings)
            # Starts the local demo API when the partner is the demo's (no URL configured).
            with demo_services(config, settings, [partner.key]) as live:
                result = extract_partner(partner.key, live, settings, context.run.run_id)
        except SourceUnavailableError as exc:
            if context.retry_number >= retry_policy.max_retries:
                record_extract(settings, partner.key, error=str(exc))
            raise  # retried by the retry policy, then fails this partner only
        except HubError as exc:
            # A configuration or parse problem does not go away by retrying.
            record_extract(settings, partner.key, error=str(exc))
            raise dg.Failure(description=str(exc), allow_retries=False) from exc
        record_extract(settings, partner.key)
        counts = {name: asdict(row) for name, row in result.counts.items()}
        staged_rows = int(counts.get("persons", {}).get("staged", 0))
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": staged_rows,
                **counts_metadata(counts),
                "rejected_files": len(result.rejected_files),
                "rejected": "\n".join(f"{name}: {why}" for name, why in result.rejections.items()),
                "retry_attempt": context.retry_number,
            }
        )

    return extracted


def build_staged(partner: PartnerEntry) -> dg.AssetsDefinition:
    """``<partner>/staged``: the partner's staging validated; passing rows go on to linking."""

    @dg.asset(
        key=staged_key(partner.key),
        deps=[extracted_key(partner.key)],
        group_name=partner.key,
        owners=[OWNER],
        kinds={"python", "great_expectations", "parquet"},
        description=(
            f"The current picture of {partner.name} after validation with Great Expectations: "
            "rows failing a row-level rule are quarantined with the rule and reason, the rest "
            "goes on to linking. A failing blocking rule keeps the last good data of this "
            "partner in use and stops publishing from this staging."
        ),
        tags={"hub/partner": partner.key, "hub/stage": "validate"},
        check_specs=staging_check_specs(partner.key, staged_key(partner.key)),
        io_manager_key=VALIDATED_IO,
    )
    def staged(context: dg.AssetExecutionContext, hub: HubResource
               ) -> Iterator[dg.Output[Validated | None] | dg.AssetCheckResult]:
        settings = hub.settings()
        import_in_background()  # while the staging is read
        # Pages only: the Data Docs index is rebuilt once per run (hub run after ingesting, the
        # merged check when publishing), not once per partner.
        # skip_unchanged: a partner whose staging, rules and date are those of its last
        # validation keeps that validation's verdicts (a drop-folder run re-validates only the
        # partner that dropped a file).
        validation = validate_partner(settings, partner.key, context.run.run_id, docs_index=False,
                                      skip_unchanged=True)
        handed_over = None  # blocked: the IO manager writes nothing, the last good data stays
        if not validation.blocked:
            persons = validation.persons
            handed_over = Validated(
                persons=persons.passed, registrations=validation.registrations.passed,
                held_back=persons.frame.iloc[persons.quarantined_positions],
                extracted_at=last_extract_time(settings, partner.key, persons.frame),
                run_id=context.run.run_id)
        record_validation(settings, partner.key, validation.blocked)
        metadata: dict[str, Any] = {"dagster/row_count": int(len(validation.persons.passed))}
        for outcome in validation.outcomes:
            metadata[f"{outcome.dataset}_staged"] = int(len(outcome.frame))
            metadata[f"{outcome.dataset}_passed"] = int(len(outcome.passed))
            metadata[f"{outcome.dataset}_quarantined"] = int(len(outcome.quarantined_positions))
            # rows whose content did not change keep their row verdicts (pipelines/validation.py)
            metadata[f"{outcome.dataset}_verdicts_kept"] = int(outcome.kept_rows)
        metadata["blocked"] = validation.blocked
        if validation.reused_from:
            metadata["verdicts_reused_from_run"] = validation.reused_from
        if validation.data_docs:
            metadata["data_docs"] = dg.MetadataValue.path(str(validation.data_docs))
        if validation.blocked:
            context.log.warning(
                f"{partner.key}: a blocking rule failed; its last validated data stays in use"
            )
        yield dg.Output(handed_over, metadata=metadata)
        yield from staging_check_results(validation, staged_key(partner.key))

    return staged


def build_partner_defs(
    partners: list[PartnerEntry], retry_policy: dg.RetryPolicy | None = None
) -> dg.Definitions:
    """Every partner's assets (the staged one with the Great Expectations checks on its staging)."""
    policy = retry_policy or extract_retry_policy()
    assets: list[dg.AssetsDefinition] = []
    for partner in partners:
        assets += [build_extracted(partner, policy), build_staged(partner)]
    return dg.Definitions(assets=assets)


@dg.definitions
def defs() -> dg.Definitions:
    return build_partner_defs(load_catalog())
