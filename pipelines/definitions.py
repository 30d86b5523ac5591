"""Entry point of the Dagster code location ``registration_hub`` (``dg dev``, ``dg check defs``).

Everything is found in ``pipelines/defs/``, one module per concern: partners (the asset factory
over the partner configuration), linking, publishing, jobs, schedules, sensors, resources.
"""

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    from foundation.files import restrict_new_files

    restrict_new_files()  # staging, store, snapshots, Dagster storage: owner-only
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
