"""Link and publish in one call, for the store's tests: the store side of a pipeline run.

Dagster's assets call the same pieces separately (previous assignments and decisions in, matching,
then :func:`hub.store.publish.publish`); this function is the reference order of those calls. It
lives with the tests because the store itself must not orchestrate matching (the layers).
"""

from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from hub.store.decisions import decisions_for_matching
from hub.store.ids import previous_assignments
from hub.store.publish import PartnerRun, PublishResult, is_unchanged, publish
from hub.store.versions import current_version
from matching import LinkConfig, LinkResult, link


def link_and_publish(
    engine: sa.Engine,
    run_id: str,
    persons: pd.DataFrame,
    registrations: pd.DataFrame,
    *,
    config: LinkConfig | None = None,
    quarantined: pd.DataFrame | None = None,
    partners: list[PartnerRun] | None = None,
    snapshots: Path | None = None,
    keep: int | None = None,
) -> PublishResult:
    """Match ``persons`` against the published IDs and decisions, then publish the result.

    Matching is skipped when the inputs equal those of the published version.
    """
    config = config or LinkConfig()
    decisions = decisions_for_matching(engine)
    if is_unchanged(engine, persons, registrations, config.version(), decisions):
        empty = pd.DataFrame()
        with engine.connect() as conn:
            version = current_version(conn)
        stats = {"skipped": "inputs unchanged",
                 "version_id": version.version_id if version is not None else None}
        # An empty result: publish sees the unchanged inputs and keeps the current version.
        result = LinkResult(empty, empty, empty, empty, empty, stats, config.version())
    else:
        result = link(persons, previous=previous_assignments(engine), decisions=decisions,
                      config=config)
    return publish(engine, run_id, persons, registrations, result, decisions=decisions,
                   quarantined=quarantined, partners=partners, snapshots=snapshots, keep=keep)
