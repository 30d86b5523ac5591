"""``merged_registration``: the one merged registration, published atomically into the store."""

from datetime import UTC, datetime
from typing import Any

import dagster as dg
import pandas as pd

from foundation.quarantine import read_quarantine
from foundation.settings import Settings
from hub.store.engine import open_store
from hub.store.publish import PartnerRun, publish
from pipelines.catalog import load_catalog
from pipelines.checks import merged_checks
from pipelines.freshness import OK, partner_freshness
from pipelines.keys import (
    HOUSEHOLD_SUMMARY,
    LINKED_PERSONS,
    MERGED_REGISTRATION,
    OWNER,
    REGISTRATION_GROUP,
    STORE_POOL,
    extracted_key,
    staged_key,
)
from pipelines.linkstore import load_decisions
from pipelines.memory import release_memory
from pipelines.merged_inputs import load_merged_inputs
from pipelines.metadata import column_lineage, freshness_markdown, sqlalchemy_table_schema
from pipelines.resources import HubResource
from pipelines.store_io import output_is_published
from pipelines.validated import read_all_validated
from schemas.store import households as households_table
from schemas.store import persons as persons_table
from schemas.store import registrations as registrations_table

PERSON_LINEAGE = {
    "bsn": ["bsn"],
    "first_names": ["first_names"],
    "surname_prefix": ["surname_prefix"],
    "surname": ["surname"],
    "birth_date": ["birth_date"],
    "sex": ["sex"],
    "street": ["street"],
    "house_number": ["house_number"],
    "house_letter": ["house_letter"],
    "house_number_suffix": ["house_number_suffix"],
    "postcode": ["postcode"],
    "city": ["city"],
    "municipality_code": ["municipality_code"],
    "has_confidential_address": ["address_confidential"],
    "sources": ["source"],
}
"""Which canonical staging columns each column of the published ``persons`` table comes from."""


def _partner_runs(
    context: dg.AssetExecutionContext, settings: Settings, partners: list[str]
) -> tuple[list, pd.DataFrame]:
    """Per-partner status and freshness for the store's run history, and the table behind it."""
    freshness = partner_freshness(settings, partners)
    runs = []
    for row in freshness.itertuples(index=False):
        event = context.instance.get_latest_materialization_event(extracted_key(row.partner))
        counts = None
        if event is not None and event.asset_materialization is not None:
            counts = {k: v.value for k, v in event.asset_materialization.metadata.items()
                      if k.startswith(("persons_", "registrations_"))}
        last = None if pd.isna(row.last_good_extract) else row.last_good_extract.to_pydatetime()
        runs.append(PartnerRun(source=row.partner, status="ok" if row.status == OK else "failed",
                               last_success_at=last, counts=counts,
                               error=None if row.status == OK else row.error or row.status))
    return runs, freshness


def build_publishing_assets(partners: list[str]) -> dg.Definitions:
    """The published registration and the merged-output checks that guard it."""
    @dg.asset(
        key=MERGED_REGISTRATION,
        ins={"linked": dg.AssetIn(LINKED_PERSONS)},
        deps=[HOUSEHOLD_SUMMARY],
        group_name=REGISTRATION_GROUP,
        owners=[OWNER],
        kinds={"python", "sqlite", "postgres"},
        pool=STORE_POOL,
        description=(
            "The merged registration staff search: persons (golden records), households with "
            "members and roles, every partner's registrations (melding, OTS, dossier) with "
            "case worker and status, and each partner's freshness. Published atomically: readers "
            "see the previous version until this one is complete. Unchanged inputs publish "
            "nothing new."
        ),
        metadata={
            "dagster/column_schema": sqlalchemy_table_schema(persons_table),
            "dagster/column_lineage": column_lineage(
                PERSON_LINEAGE, [staged_key(p) for p in partners]
            ),
        },
    )
    def merged_registration(
        context: dg.AssetExecutionContext, hub: HubResource, linked: Any
    ) -> dg.MaterializeResult:
        settings = hub.settings()
        release_memory()  # what earlier steps of this process freed, before the largest one
        configured = [p.key for p in load_catalog(settings)]
        folder = settings.linking
        result = linked  # the matching.LinkResult linked_persons handed over
        partner_runs, freshness = _partner_runs(context, settings, configured)
        engine = open_store(settings.store_url)
        try:
            published = publish(
                engine,
                context.run.run_id,
                read_all_validated(settings, configured, "persons"),
                read_all_validated(settings, configured, "registrations"),
                result,
                decisions=load_decisions(folder),
                quarantined=read_quarantine(settings.quarantine),
                partners=partner_runs,
                snapshots=settings.snapshots,
            )
            store = engine.url.render_as_string(hide_password=True)
        finally:
            engine.dispose()
            release_memory()
        counts = published.counts
        stale = [r.source for r in partner_runs if r.status != "ok"]
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": int(counts.get("persons", 0)),
                "status": published.status,
                "version_id": published.version_id,
                "persons": int(counts.get("persons", 0)),
                "households": int(counts.get("households", 0)),
                "registrations": int(counts.get("registrations", 0)),
                "source_records": int(counts.get("source_records", 0)),
                "review_items": int(counts.get("review_queue", 0)),
                "partners_with_old_data": ", ".join(stale) or "none",
                "partner_freshness": dg.MetadataValue.md(
                    freshness_markdown(freshness, datetime.now(UTC))
                ),
                "store": store,
                "snapshot": dg.MetadataValue.path(str(published.snapshot or "")),
                "publish_seconds": round(published.seconds, 2),
                "households_schema": sqlalchemy_table_schema(households_table),
                "registrations_schema": sqlalchemy_table_schema(registrations_table),
            }
        )

    checks = merged_checks(HOUSEHOLD_SUMMARY, load_merged_inputs,
                           already_published=output_is_published)
    return dg.Definitions(assets=[merged_registration], asset_checks=checks)


@dg.definitions
def defs() -> dg.Definitions:
    return build_publishing_assets([p.key for p in load_catalog()])
