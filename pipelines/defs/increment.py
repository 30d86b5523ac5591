"""``<partner>/increment``: a partner's delivery published into the published version within
seconds, between full runs (the logic: :mod:`pipelines.increment`, :mod:`hub.store.increment`)."""

import dagster as dg

from hub.store.engine import open_store
from pipelines.catalog import load_catalog
from pipelines.increment import FULL_RUN, run_increment
from pipelines.io_managers import ValidatedRows
from pipelines.keys import INCREMENT_GROUP, OWNER, STORE_POOL, increment_key, staged_key
from pipelines.resources import HubResource

OUTCOME = "outcome"
"""Metadata key: ``published``, ``unchanged`` or ``full_run`` (read by the full-run sensor)."""


def build_increment(partner: str) -> dg.AssetsDefinition:
    """The incremental publish of one partner's last validated rows."""

    @dg.asset(
        key=increment_key(partner),
        ins={"rows": dg.AssetIn(staged_key(partner))},
        group_name=INCREMENT_GROUP,
        owners=[OWNER],
        kinds={"python", "sqlite", "postgres"},
        pool=STORE_POOL,
        description=(
            "The partner's new and corrected records (a melding, a dossier update) linked to the "
            "known persons and households of the published registration and published at once, "
            "without a full re-link: they join existing persons and households (IDs unchanged) "
            "or start new ones; unsure pairs go to the review queue. Large deliveries and "
            "records that disappeared are left to the full run."
        ),
    )
    def increment(context: dg.AssetExecutionContext, hub: HubResource,
                  rows: ValidatedRows | None) -> dg.MaterializeResult:
        settings = hub.settings()
        if rows is None:
            return dg.MaterializeResult(metadata={OUTCOME: "unchanged",
                                                  "reason": "no validated rows"})
        engine = open_store(settings.store_url)
        try:
            # the tables: only the changed rows become a DataFrame
            outcome = run_increment(engine, context.run.run_id, partner, rows.persons_table,
                                    rows.registrations_table, snapshots=settings.snapshots)
        finally:
            engine.dispose()
        if outcome.status == FULL_RUN:
            context.log.info(f"left for the full run: {outcome.reason}")
        return dg.MaterializeResult(metadata={
            OUTCOME: outcome.status,
            "reason": outcome.reason,
            "version_id": outcome.version_id if outcome.version_id is not None else -1,
            **{key: int(value) for key, value in outcome.counts.items()},
            **{f"seconds_{step}": value for step, value in outcome.seconds.items()},
            "seconds": round(sum(outcome.seconds.values()), 3),
        })

    return increment


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=[build_increment(p.key) for p in load_catalog()])
