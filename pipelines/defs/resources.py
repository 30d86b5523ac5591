"""Resources and the executor every job uses.

The in-process executor runs a job's steps one after another in one process: on a small machine
it is clearly faster than one process per step (GX and pandas are imported once), and the heavy
step, linking, is one step anyway. Scaling out replaces it (docs/pipeline.md).
"""

import dagster as dg

from pipelines.io_managers import (
    LINKING_IO,
    VALIDATED_IO,
    LinkingIOManager,
    ValidatedIOManager,
)
from pipelines.resources import HubResource

defs = dg.Definitions(
    resources={"hub": HubResource(), LINKING_IO: LinkingIOManager(hub=HubResource()),
               VALIDATED_IO: ValidatedIOManager(hub=HubResource())},
    executor=dg.in_process_executor,
)
