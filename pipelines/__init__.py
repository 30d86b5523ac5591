"""Dagster wiring of the registration hub: partner extraction, validation, linking, publishing.

Only wiring lives here. The work itself is done by ``connectors`` (extraction, staging),
``expectations`` (validation), ``matching`` (linking) and ``hub.store`` (publishing); the assets
call them and describe what happened in their metadata.
"""
