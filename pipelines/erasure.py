"""Erasure in the pipeline's own hand-over files: validated Parquet and the linking result."""

from foundation.erasure import Criterion, scrub_parquet_tree
from foundation.settings import Settings
from pipelines.linkstore import linking_folder


def erase_pipeline_files(settings: Settings, crit: Criterion, record_ids: set[str],
                         case_ids: set[str]) -> int:
    """Rows removed from ``validated/`` and ``linking/`` under HUB_HOME."""
    return sum(scrub_parquet_tree(folder, crit, record_ids, case_ids)
               for folder in (settings.home / "validated", linking_folder(settings.home)))
