"""Validate one partner's current staging: read it, run both suites, quarantine, Data Docs.

This is what ``hub validate`` and the Dagster checks call. The result of a partner and run is kept
for the rest of the process, so the staged asset and its checks validate once per run.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from expectations import data_docs
from expectations.outcome import ValidationOutcome
from expectations.quarantine_rows import write_outcomes
from expectations.validate import validate_persons, validate_registrations
from hub.errors import ConfigError
from hub.settings import Settings
from schemas.canonical import CASE_TYPES


@dataclass
class PartnerValidation:
    """Both staging suites of one partner in one run, with where the evidence was written."""

    partner: str
    run_id: str
    persons: ValidationOutcome
    registrations: ValidationOutcome
    quarantine_file: Path | None
    data_docs: Path | None

    @property
    def outcomes(self) -> list[ValidationOutcome]:
        return [self.persons, self.registrations]

    @property
    def blocked(self) -> bool:
        return self.persons.blocked or self.registrations.blocked


_RESULTS: dict[tuple[str, str, str], PartnerValidation] = {}
_KEEP = 32
"""Results kept per process (oldest dropped first): enough for every partner of a run."""


def partner_case_types(settings: Settings, partner: str) -> tuple[str, ...]:
    """The case types a partner can deliver, from its configuration.

    A partner block may list ``case_types:``; otherwise the canonical values of its
    ``registrations.fields.case_type`` mapping (``values:`` or ``constant:``) are its vocabulary.
    Without either (or without a configuration) every canonical case type is accepted.
    """
    try:
        from connectors.config import load_config

        config = load_config(settings)
    except (ConfigError, ImportError):
        return CASE_TYPES
    entry = config.partners.get(partner)
    declared = getattr(entry, "case_types", None) if entry else None
    if declared:
        return tuple(declared)
    dataset = entry.datasets.get("registrations") if entry else None
    rule = dataset.fields.get("case_type") if dataset else None
    if rule is not None and rule.values:
        return tuple(sorted({str(v) for v in rule.values.values() if v}))
    if rule is not None and rule.has_constant and rule.constant:
        return (str(rule.constant),)
    return CASE_TYPES


def read_partner_staging(settings: Settings, partner: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The partner's staged persons and registrations (empty canonical frames when absent)."""
    from connectors.staging import read_staging

    return (read_staging(settings, partner, "persons"),
            read_staging(settings, partner, "registrations"))


def staged_partners(settings: Settings) -> list[str]:
    """Partners that have a staging folder."""
    if not settings.staging.exists():
        return []
    return sorted(p.name for p in settings.staging.iterdir() if p.is_dir())


def validate_partner(settings: Settings, partner: str, run_id: str, *,
                     persons: pd.DataFrame | None = None,
                     registrations: pd.DataFrame | None = None,
                     today: date | None = None, write: bool = True, docs: bool = True,
                     docs_index: bool = True, reuse: bool = True) -> PartnerValidation:
    """Validate a partner's staging (or the given frames) and record quarantine and Data Docs.

    With ``reuse`` (and no frames given) a result already computed in this process for the same
    HUB_HOME, partner and run is returned as is. ``docs_index=False`` writes this partner's
    Data Docs pages but leaves the index page to one :func:`expectations.data_docs.build_index`
    per run (it lists every stored result, so it is the slow part).
    """
    key = (str(settings.home), partner, run_id)
    if reuse and persons is None and registrations is None and key in _RESULTS:
        return _RESULTS[key]
    if persons is None or registrations is None:
        staged_persons, staged_registrations = read_partner_staging(settings, partner)
        persons = staged_persons if persons is None else persons
        registrations = staged_registrations if registrations is None else registrations
    person_outcome = validate_persons(persons, partner, today=today)
    person_ids = persons["source_record_id"].dropna().astype("str") if len(persons) else []
    registration_outcome = validate_registrations(
        registrations, partner, person_ids, partner_case_types(settings, partner))
    outcomes = [person_outcome, registration_outcome]
    quarantine = write_outcomes(settings.quarantine, partner, run_id, outcomes) if write else None
    docs_path = None
    if docs:
        results = [r for o in outcomes for r in o.gx_results]
        docs_path = data_docs.publish(settings.data_docs, results, run_id, index=docs_index)
    result = PartnerValidation(partner=partner, run_id=run_id, persons=person_outcome,
                               registrations=registration_outcome, quarantine_file=quarantine,
                               data_docs=docs_path)
    _RESULTS[key] = result
    while len(_RESULTS) > _KEEP:
        _RESULTS.pop(next(iter(_RESULTS)))
    return result
