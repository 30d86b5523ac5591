"""Validate one partner's current staging: read it, run both suites, quarantine, Data Docs.

It joins two sibling layers (``connectors``' staging files and configuration, ``expectations``'
rules), so it lives above both, here in the pipeline layer; ``hub validate`` calls it too.

This is what ``hub validate`` and each partner's staged asset call; the asset yields its checks
from the one result (``pipelines.checks.staging_check_results``).

With ``skip_unchanged`` (the pipeline's choice) a partner whose staging files, rules and date are
those of its last validation is not validated again: the verdicts of that validation (rule, failing
row positions) are read back from ``HUB_HOME/validation/<partner>/verdicts.json`` and applied to
the same staging. Its quarantine and Data Docs stay those of the run that validated. A drop-folder
run for one partner so validates that partner only.
"""

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import pandas as pd

import expectations
from connectors.config import load_config
from connectors.staging import read_staging, staging_path
from expectations import data_docs
from expectations.outcome import RuleResult, ValidationOutcome
from expectations.quarantine_rows import write_outcomes
from expectations.validate import validate_persons, validate_registrations
from foundation.errors import ConfigError
from foundation.settings import Settings
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
    reused_from: str | None = None
    """The run whose verdicts were reused because nothing changed since (see module docs)."""

    @property
    def outcomes(self) -> list[ValidationOutcome]:
        return [self.persons, self.registrations]

    @property
    def blocked(self) -> bool:
        return self.persons.blocked or self.registrations.blocked


def partner_case_types(settings: Settings, partner: str) -> tuple[str, ...]:
    """The case types a partner can deliver, from its configuration.

    A partner block may list ``case_types:``; otherwise the canonical values of its
    ``registrations.fields.case_type`` mapping (``values:`` or ``constant:``) are its vocabulary.
    Without either (or without a configuration) every canonical case type is accepted.
    """
    try:
        config = load_config(settings)
    except ConfigError:
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
                     docs_index: bool = True,
                     skip_unchanged: bool = False) -> PartnerValidation:
    """Validate a partner's staging (or the given frames) and record quarantine and Data Docs.

    ``docs_index=False`` writes this partner's Data Docs pages but leaves the index page to one
    :func:`expectations.data_docs.build_index` per run (it lists every stored result, so it is the
    slow part).
    """
    fingerprint = None
    if persons is None and registrations is None and write:
        fingerprint = staging_fingerprint(settings, partner, today or date.today())
    if persons is None or registrations is None:
        staged_persons, staged_registrations = read_partner_staging(settings, partner)
        persons = staged_persons if persons is None else persons
        registrations = staged_registrations if registrations is None else registrations
    saved = _read_verdicts(settings, partner) if skip_unchanged and fingerprint else None
    if saved is not None and saved.get("fingerprint") == fingerprint:
        result = _reused(partner, run_id, persons, registrations, saved)
    else:
        person_outcome = validate_persons(persons, partner, today=today)
        person_ids = persons["source_record_id"].dropna().astype("str") if len(persons) else []
        registration_outcome = validate_registrations(
            registrations, partner, person_ids, partner_case_types(settings, partner))
        outcomes = [person_outcome, registration_outcome]
        quarantine = (write_outcomes(settings.quarantine, partner, run_id, outcomes)
                      if write else None)
        docs_path = None
        if docs:
            results = [r for o in outcomes for r in o.gx_results]
            docs_path = data_docs.publish(settings.data_docs, results, run_id, index=docs_index)
        result = PartnerValidation(partner=partner, run_id=run_id, persons=person_outcome,
                                   registrations=registration_outcome, quarantine_file=quarantine,
                                   data_docs=docs_path)
        if fingerprint is not None:
            _write_verdicts(settings, partner, fingerprint, result)
    return result


RULE_MODULES = ("rules.py", "derived.py", "validate.py", "outcome.py", "runtime.py")
"""The code that decides a verdict: a change to any of it invalidates saved verdicts."""


def verdicts_path(settings: Settings, partner: str) -> Path:
    """``HUB_HOME/validation/<partner>/verdicts.json``: the last validation's verdicts."""
    return settings.validation / partner / "verdicts.json"


def staging_fingerprint(settings: Settings, partner: str, today: date) -> str:
    """What a validation's verdicts depend on: the staging files' bytes, the rule code, the
    partner's case-type vocabulary and the date (rules compare birth dates with today)."""
    digest = hashlib.sha256()
    for dataset in ("persons", "registrations"):
        path = staging_path(settings, partner, dataset)
        if path.exists():
            with path.open("rb") as handle:
                digest.update(hashlib.file_digest(handle, "sha256").digest())
        else:
            digest.update(b"absent")
    here = Path(expectations.__file__).resolve().parent
    for name in RULE_MODULES:
        digest.update((here / name).read_bytes())
    digest.update(repr(partner_case_types(settings, partner)).encode())
    digest.update(today.isoformat().encode())
    return digest.hexdigest()


def _write_verdicts(settings: Settings, partner: str, fingerprint: str,
                    result: PartnerValidation) -> None:
    """Save rule names, counts and failing row positions (never row values), atomically."""
    path = verdicts_path(settings, partner)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "fingerprint": fingerprint,
        "run_id": result.run_id,
        "quarantine_file": str(result.quarantine_file) if result.quarantine_file else None,
        "outcomes": {o.dataset: {"suite": o.suite, "rules": [asdict(r) for r in o.rules]}
                     for o in result.outcomes},
    }
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(body), encoding="utf-8")
    tmp.replace(path)


def _read_verdicts(settings: Settings, partner: str) -> dict | None:
    path = verdicts_path(settings, partner)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _reused(partner: str, run_id: str, persons: pd.DataFrame, registrations: pd.DataFrame,
            saved: dict) -> PartnerValidation:
    """The saved verdicts applied to the (byte-identical) staging they were made on."""

    def outcome(dataset: str, frame: pd.DataFrame) -> ValidationOutcome:
        entry = saved["outcomes"][dataset]
        rules = [RuleResult(**{**r, "failed_rows": tuple(r["failed_rows"])})
                 for r in entry["rules"]]
        return ValidationOutcome(suite=entry["suite"], dataset=dataset, partner=partner,
                                 frame=frame, rules=rules)

    quarantine = saved.get("quarantine_file")
    return PartnerValidation(partner=partner, run_id=run_id,
                             persons=outcome("persons", persons),
                             registrations=outcome("registrations", registrations),
                             quarantine_file=Path(quarantine) if quarantine else None,
                             data_docs=None, reused_from=saved.get("run_id"))
