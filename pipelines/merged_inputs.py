"""Assemble the merged output for its validation (``expectations.MergedInputs``) before publishing.

The merged checks run on ``household_summary``, the last asset before publishing, so a failing
blocking rule stops ``merged_registration`` and the previous version stays published. Golden
records are built with the store's own pure functions, exactly as publishing will build them.
"""

import pandas as pd

from expectations import MergedInputs
from foundation.ids import has_id
from foundation.settings import Settings
from hub.store.build import source_records, split_confidential
from hub.store.survivorship import golden_records
from pipelines.catalog import load_catalog
from pipelines.linkstore import load_link_result
from pipelines.validated import read_all_held_back, read_all_validated


def load_merged_inputs(settings: Settings, run_id: str) -> MergedInputs:
    """``(settings, run_id) -> MergedInputs`` for :func:`pipelines.checks.merged_checks`."""
    partners = [p.key for p in load_catalog(settings)]
    persons = read_all_validated(settings, partners, "persons")
    held_back = read_all_held_back(settings, partners)
    result = load_link_result(
        settings.linking,
        columns={"links": ["source", "source_record_id"], "review": ["match_weight"],
                 "events": ["kind"]},
    )
    records, _secret = split_confidential(source_records(persons, result.assignments))
    golden = golden_records(records)
    # Every address on a golden record is an open field: none may equal a secret address.
    golden["address_confidential"] = False
    staged = pd.concat([persons, held_back], ignore_index=True)
    ids = result.assignments["household_id"]
    households = pd.DataFrame({"household_id": ids[has_id(ids)].drop_duplicates()})
    return MergedInputs(staged=staged, quarantined=held_back, assignments=result.assignments,
                        households=households, persons=golden)
