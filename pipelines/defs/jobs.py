"""Jobs, and how a failing partner does not block the others.

A full run is two jobs. ``ingest_partners`` extracts and validates every partner; each partner's
assets are independent, so one partner that stays down (after its retries) fails only its own
steps. ``publish_registration`` then links and publishes from every partner's last validated
data, whatever the ingest run's outcome: a partner that failed today contributes yesterday's data,
and the published registration records its age. The nightly schedule starts the ingest job, the
sensors in ``sensors.py`` start publishing when it ends; ``hub run`` runs both in-process.
Incremental publishing (the ``increment`` group) is in neither job: the drop-folder sensor
selects it for one partner's delivery, and the nightly run stays a full re-link.
"""

import dagster as dg

from pipelines.keys import INCREMENT_GROUP, MONITOR_GROUP, REGISTRATION_GROUP

INGEST_JOB = "ingest_partners"
PUBLISH_JOB = "publish_registration"

ingest_partners = dg.define_asset_job(
    INGEST_JOB,
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups(REGISTRATION_GROUP,
                                                                 MONITOR_GROUP,
                                                                 INCREMENT_GROUP),
    description="Extract and validate every partner (each on its own; failures stay local).",
    tags={"hub/phase": "ingest"},
)

publish_registration = dg.define_asset_job(
    PUBLISH_JOB,
    selection=dg.AssetSelection.groups(REGISTRATION_GROUP, MONITOR_GROUP),
    description="Link every partner's last validated data and publish the merged registration "
                "(then reconcile fixed guides and compute the proeftuin monitor).",
    tags={"hub/phase": "publish"},
)

defs = dg.Definitions(jobs=[ingest_partners, publish_registration])
