"""Asset keys and group names, in one place so jobs, sensors and tests agree on them."""

import dagster as dg

REGISTRATION_GROUP = "registration"
"""The shared assets downstream of all partners: linking and the published registration."""

LINKED_PERSONS = dg.AssetKey("linked_persons")
HOUSEHOLD_SUMMARY = dg.AssetKey("household_summary")
"""A report on the households ``linked_persons`` built, and the gate before publishing."""
MERGED_REGISTRATION = dg.AssetKey("merged_registration")
REGISTRATION_KEYS = (LINKED_PERSONS, HOUSEHOLD_SUMMARY, MERGED_REGISTRATION)

MONITOR_GROUP = "monitor"
"""The fixed guides and the proeftuin monitor, downstream of the merged registration."""
FIXED_GUIDES = dg.AssetKey("fixed_guides")
PROEFTUIN_MONITOR = dg.AssetKey("proeftuin_monitor")

INCREMENT_GROUP = "increment"
"""One asset per partner that publishes a delivery into the published version between full runs
(neither in the ingest job nor in the nightly publish job)."""

OWNER = "team:data-stewards"


def extracted_key(partner: str) -> dg.AssetKey:
    """``<partner>/extracted``: the partner's rows read from its own system into staging."""
    return dg.AssetKey([partner, "extracted"])


def staged_key(partner: str) -> dg.AssetKey:
    """``<partner>/staged``: the partner's staging after validation (failing rows quarantined)."""
    return dg.AssetKey([partner, "staged"])


def partner_pool(partner: str) -> str:
    """One concurrency pool per partner system: never two extractions of one partner at once.

    Two runs extracting the same partner at the same time would race on its watermark and its
    processed-file list (``state/<partner>.json``).
    """
    return f"source_{partner}"


STORE_POOL = "hub_store"
"""Publishing into the merged store runs one at a time."""


def increment_key(partner: str) -> dg.AssetKey:
    """``<partner>/increment``: the partner's new records linked and published between full runs."""
    return dg.AssetKey([partner, "increment"])
