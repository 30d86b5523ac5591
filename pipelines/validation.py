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

When the staging changed but the rules, vocabulary and date did not, the row verdicts of the last
validation are kept for the rows whose content is unchanged (``<dataset>-rows.parquet`` beside
the verdicts: content hashes and failed rules, no values): GX judges the row rules on the new and
changed rows and the set rules on every row (:mod:`expectations.validate`). A delivery of 50
records into a 400,000-row staging so costs GX 50 rows, not 400,000.
"""

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import expectations
from connectors.config import load_config
from connectors.staging import read_staging, staging_path
from expectations import data_docs
from expectations.outcome import RuleResult, ValidationOutcome
from expectations.quarantine_rows import write_outcomes
from expectations.validate import (
    RowVerdicts,
    row_verdicts,
    validate_persons,
    validate_registrations,
)
from foundation import privacy
from foundation import quarantine as foundation_quarantine
from foundation.errors import ConfigError
from foundation.files import private_write
from foundation.quarantine_schema import QUARANTINE_SCHEMA
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
    def kept_rows(self) -> int:
        """Rows whose row verdicts were kept from the last validation (content unchanged)."""
        return sum(o.kept_rows for o in self.outcomes)

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
    fingerprint = context = None
    if persons is None and registrations is None and write:
        context = context_fingerprint(settings, partner, today or date.today())
        fingerprint = staging_fingerprint(settings, partner, context)
    if persons is None or registrations is None:
        staged_persons, staged_registrations = read_partner_staging(settings, partner)
        persons = staged_persons if persons is None else persons
        registrations = staged_registrations if registrations is None else registrations
    saved = _read_verdicts(settings, partner) if skip_unchanged and fingerprint else None
    if saved is not None and saved.get("fingerprint") == fingerprint:
        result = _reused(partner, run_id, persons, registrations, saved)
    else:
        earlier = (_earlier_rows(settings, partner, context, saved)
                   if saved is not None and context is not None else {})
        person_outcome = validate_persons(persons, partner, today=today,
                                          earlier=earlier.get("persons"))
        person_ids = persons["source_record_id"].dropna().astype("str") if len(persons) else []
        registration_outcome = validate_registrations(
            registrations, partner, person_ids, partner_case_types(settings, partner),
            earlier=earlier.get("registrations"))
        outcomes = [person_outcome, registration_outcome]
        quarantine = (write_outcomes(settings.quarantine, partner, run_id, outcomes,
                                     earlier=_earlier_quarantine(saved, outcomes))
                      if write else None)
        docs_path = None
        if docs:
            results = [r for o in outcomes for r in o.gx_results]
            docs_path = data_docs.publish(settings.data_docs, results, run_id, index=docs_index)
        result = PartnerValidation(partner=partner, run_id=run_id, persons=person_outcome,
                                   registrations=registration_outcome, quarantine_file=quarantine,
                                   data_docs=docs_path)
        if fingerprint is not None and context is not None:
            _write_rows(settings, partner, context, run_id, outcomes)
            _write_verdicts(settings, partner, fingerprint, result)
    return result


RULE_MODULES = ("rules.py", "derived.py", "validate.py", "outcome.py", "runtime.py",
                "quarantine_rows.py")
"""The code that decides a verdict: a change to any of it invalidates saved verdicts."""
MASKING_MODULES = (privacy, foundation_quarantine)
"""The code that writes the masked quarantine entries kept verdicts carry over."""


def verdicts_path(settings: Settings, partner: str) -> Path:
    """``HUB_HOME/validation/<partner>/verdicts.json``: the last validation's verdicts."""
    return settings.validation / partner / "verdicts.json"


def context_fingerprint(settings: Settings, partner: str, today: date) -> str:
    """What a row's verdict depends on besides the row: the rule code, the partner's case-type
    vocabulary and the date (rules compare birth dates with today)."""
    digest = hashlib.sha256()
    here = Path(expectations.__file__).resolve().parent
    for name in RULE_MODULES:
        digest.update((here / name).read_bytes())
    for module in MASKING_MODULES:
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update(repr(partner_case_types(settings, partner)).encode())
    digest.update(today.isoformat().encode())
    return digest.hexdigest()


def staging_fingerprint(settings: Settings, partner: str, context: str) -> str:
    """What a validation's verdicts depend on: the staging files' bytes and the context
    (:func:`context_fingerprint`)."""
    digest = hashlib.sha256(context.encode())
    for dataset in ("persons", "registrations"):
        path = staging_path(settings, partner, dataset)
        if path.exists():
            with path.open("rb") as handle:
                digest.update(hashlib.file_digest(handle, "sha256").digest())
        else:
            digest.update(b"absent")
    return digest.hexdigest()


def rows_path(settings: Settings, partner: str, dataset: str) -> Path:
    """``HUB_HOME/validation/<partner>/<dataset>-rows.parquet``: the last validation's row
    verdicts by content hash (:class:`expectations.validate.RowVerdicts`)."""
    return settings.validation / partner / f"{dataset}-rows.parquet"


CONTEXT_KEY = b"hub.validation.context"
"""Parquet metadata key of a rows file: the context its verdicts hold for."""
RUN_KEY = b"hub.validation.run_id"
"""Parquet metadata key of a rows file: the run that validated (that of ``verdicts.json``)."""


def _write_rows(settings: Settings, partner: str, context: str, run_id: str,
                outcomes: list[ValidationOutcome]) -> None:
    """Keep each dataset's row verdicts for the next validation (or remove stale ones)."""
    for outcome in outcomes:
        path = rows_path(settings, partner, outcome.dataset)
        verdicts = row_verdicts(outcome)
        if verdicts is None:
            path.unlink(missing_ok=True)
            continue
        table = verdicts.to_table()
        table = table.replace_schema_metadata({CONTEXT_KEY: context.encode(),
                                               RUN_KEY: run_id.encode()})
        path.parent.mkdir(parents=True, exist_ok=True)
        with private_write(path) as tmp:
            pq.write_table(table, tmp)


def _earlier_rows(settings: Settings, partner: str, context: str, saved: dict
                  ) -> dict[str, RowVerdicts]:
    """The kept row verdicts of the validation ``saved`` describes, where they hold in
    ``context``, per dataset (none when unreadable)."""
    found = {}
    for dataset in ("persons", "registrations"):
        try:
            table = pq.read_table(rows_path(settings, partner, dataset))
        except (OSError, pa.ArrowException):
            continue
        meta = table.schema.metadata or {}
        if (meta.get(CONTEXT_KEY) == context.encode()
                and meta.get(RUN_KEY) == str(saved.get("run_id")).encode()):
            found[dataset] = RowVerdicts.from_table(table)
    return found


def _earlier_quarantine(saved: dict | None, outcomes: list[ValidationOutcome]
                        ) -> pd.DataFrame | None:
    """The stored validation entries of the run ``saved`` describes, for the outcomes that kept
    its verdicts to carry over; None (build every entry) when none kept or the file is gone."""
    if saved is None or not any(o.kept_rows for o in outcomes):
        return None
    name = saved.get("quarantine_file")
    if not name:  # that validation held nothing back
        return QUARANTINE_SCHEMA.empty_table().to_pandas()
    try:
        table = pq.read_table(name, schema=QUARANTINE_SCHEMA)
    except (OSError, pa.ArrowException):
        return None
    return table.to_pandas()


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
