"""Erasure everywhere the hub keeps a record, and in the pipeline's own hand-over files.

Each layer erases its own copies (connectors: staging and the archive of drop files; foundation:
quarantine files; this module: validated and linking files; the store: every version, history
tables and snapshots). :func:`erase_everywhere` runs them in that order; it lives here, at the top
of the layers, because only this layer may know all the others. ``hub erase`` and retention use it.
"""

from collections.abc import Iterable

import sqlalchemy as sa

from connectors.erasure import erase_partner_files
from foundation.erasure import Criterion, scrub_parquet_tree
from foundation.settings import Settings
from hub.store.erasure import ErasureResult, erase, find_ids
from pipelines.validation import rows_path


def erase_pipeline_files(settings: Settings, crit: Criterion, record_ids: set[str],
                         case_ids: set[str]) -> int:
    """Rows removed from ``validated/`` and ``linking/`` under HUB_HOME, and the partner's kept
    row verdicts dropped: they name rows by content hash, a pseudonym of the erased record, so
    the partner's next validation judges every row again (files dropped count one each)."""
    removed = sum(scrub_parquet_tree(folder, crit, record_ids, case_ids)
                  for folder in (settings.validated, settings.linking))
    if record_ids or case_ids:
        for dataset in ("persons", "registrations"):
            path = rows_path(settings, crit.source, dataset)
            if path.exists():
                path.unlink()
                removed += 1
    return removed


def erase_everywhere(settings: Settings, engine: sa.Engine, crit: Criterion,
                     reason: str | None = None, erased_by: str | None = None,
                     case_ids: Iterable[str] = ()) -> ErasureResult:
    """Erase what ``crit`` names from every layer's copies; returns the store's result.

    ``case_ids``: cases of ``crit.source`` to erase as well (retention erases a case that has
    expired while a person it names stays for another case).
    """
    record_ids, found_cases = find_ids(settings, engine, crit)
    cases = found_cases | {str(c) for c in case_ids}
    removed = erase_partner_files(settings, crit, record_ids, cases)
    removed["quarantine_files"] = scrub_parquet_tree(settings.quarantine / crit.source, crit,
                                                     record_ids, cases)
    removed["pipeline_files"] = erase_pipeline_files(settings, crit, record_ids, cases)
    removed["files"] = sum(removed.values())
    return erase(settings, engine, crit, reason=reason, erased_by=erased_by,
                 ids=(record_ids, cases), removed_elsewhere=removed)
