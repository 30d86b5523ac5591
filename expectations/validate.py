"""The pure core: validate canonical staging and the merged output, returning outcomes.

No Dagster and no files here: DataFrames in, :class:`~expectations.outcome.ValidationOutcome` out.
Writing quarantine, building Data Docs and reporting to Dagster are done by the callers.

A partner's staging changes by a few rows between runs (a drop-folder delivery of 50 records
into 400,000). With the :class:`RowVerdicts` of the last validation, GX judges the row rules on
the changed rows only and keeps the verdicts of the rows whose content is unchanged; the set
rules (uniqueness, references) are always decided over every row. The outcome is the one a
validation of every row gives (tests/expectations/test_validation_changes.py checks this).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from expectations import derived
from expectations.outcome import RuleResult, ValidationOutcome, rule_result
from expectations.rules import (
    ROW_SCOPE,
    SET_SCOPE,
    Rule,
    merged_rules,
    person_rules,
    registration_rules,
)
from expectations.runtime import run_suite
from foundation.arrow import text_array
from foundation.ids import has_id_arrow
from schemas.canonical import CASE_TYPES

CONTENT_HASH = "content_hash"
"""The staging column that says whether a row's content changed (connectors.mapping computes it:
the hub's one rule for "unchanged")."""

Prepare = Callable[[pd.DataFrame], pd.DataFrame]
"""Adds the derived columns a suite reads to canonical rows (positional index)."""


@dataclass(frozen=True)
class RowVerdicts:
    """The row rules' verdicts of one validation, by row content: ``hashes`` are the validated
    rows' content hashes, ``failed`` says per row rule which of those rows failed it (aligned
    with ``hashes``). No row values, so it may be kept beside the validation's evidence."""

    hashes: pa.Array
    failed: dict[str, np.ndarray]

    def covers(self, rules: Sequence[Rule]) -> bool:
        """True when it holds a verdict for every row rule of ``rules``."""
        return all(r.name in self.failed for r in rules if r.scope == ROW_SCOPE)

    def to_table(self) -> pa.Table:
        """One row per validated row: its hash and one failed/passed column per row rule."""
        return pa.table({CONTENT_HASH: self.hashes,
                         **{rule: pa.array(mask) for rule, mask in self.failed.items()}})

    @classmethod
    def from_table(cls, table: pa.Table) -> "RowVerdicts":
        return cls(table[CONTENT_HASH].combine_chunks(),
                   {name: table[name].to_numpy().astype(bool)
                    for name in table.column_names if name != CONTENT_HASH})


def row_verdicts(outcome: ValidationOutcome) -> RowVerdicts | None:
    """What an outcome lets a later validation keep; None when a rule could not be evaluated or
    the rows carry no content hash (then the next validation judges every row)."""
    if CONTENT_HASH not in outcome.frame.columns or any(r.error for r in outcome.rules):
        return None
    failed = {}
    for result in outcome.rules:
        if result.scope == ROW_SCOPE:
            mask = np.zeros(len(outcome.frame), dtype=bool)
            mask[list(result.failed_rows)] = True
            failed[result.rule] = mask
    return RowVerdicts(text_array(outcome.frame[CONTENT_HASH]), failed)


def _validate(suite: str, dataset: str, partner: str | None, frame: pd.DataFrame,
              prepare: Prepare, rules: Sequence[Rule],
              earlier: RowVerdicts | None = None) -> ValidationOutcome:
    if (earlier is not None and len(earlier.hashes) and earlier.covers(rules)
            and CONTENT_HASH in frame.columns):
        return _validate_changes(suite, dataset, partner, frame, prepare, rules, earlier)
    result, judged = _judged(suite, rules, prepare(frame.reset_index(drop=True)))
    return ValidationOutcome(suite=suite, dataset=dataset, partner=partner, frame=frame,
                             rules=[judged[rule.name] for rule in rules], gx_results=[result])


def _judged(suite: str, rules: Sequence[Rule], rows: pd.DataFrame) -> tuple[Any, dict[str,
                                                                                  RuleResult]]:
    """GX's result of the rules on ``rows`` (positional index) and each rule's verdict."""
    result = run_suite(suite, rules, rows)
    by_rule = {r.expectation_config.meta.get("rule"): r for r in result.results}
    return result, {rule.name: rule_result(rule, by_rule.get(rule.name), len(rows))
                    for rule in rules}


def _validate_changes(suite: str, dataset: str, partner: str | None, frame: pd.DataFrame,
                      prepare: Prepare, rules: Sequence[Rule],
                      earlier: RowVerdicts) -> ValidationOutcome:
    """Row rules on the rows whose content hash the earlier validation did not see, their
    earlier verdicts on the others; set rules on every row (only the columns they read)."""
    positional = frame.reset_index(drop=True)
    hashes = text_array(positional[CONTENT_HASH])
    # one hash lookup per row: where the earlier validation saw this content, if it did
    where = pc.index_in(hashes, value_set=earlier.hashes)
    kept = pc.fill_null(pc.and_(pc.is_valid(where), pc.not_equal(hashes, "")), False
                        ).to_numpy(zero_copy_only=False).astype(bool)
    earlier_row = pc.fill_null(where, 0).to_numpy().astype(np.int64)
    changed = np.flatnonzero(~kept)
    row_rules = [r for r in rules if r.scope == ROW_SCOPE]
    set_rules = [r for r in rules if r.scope == SET_SCOPE]
    results: list[Any] = []
    judged: dict[str, RuleResult] = {}
    if len(changed) and row_rules:
        result, judged = _judged(suite, row_rules, prepare(
            positional.iloc[changed].reset_index(drop=True)))
        results.append(result)
    if set_rules:
        inputs = [c for c in dict.fromkeys(i for r in set_rules for i in r.inputs)
                  if c in positional.columns]
        result, on_all = _judged(suite, set_rules, prepare(positional[inputs]))
        results.append(result)
        judged |= on_all
    verdicts = []
    for rule in rules:
        verdict = judged.get(rule.name)
        if rule.scope == SET_SCOPE and verdict is not None:
            verdicts.append(verdict)
            continue
        still = kept & earlier.failed[rule.name][earlier_row]
        failed = set(np.flatnonzero(still).tolist())
        if verdict is not None:
            failed |= {int(changed[p]) for p in verdict.failed_rows}
        verdicts.append(RuleResult(
            rule=rule.name, severity=rule.severity, field=rule.field, reason=rule.reason,
            evaluated=len(positional), failed_rows=tuple(sorted(failed)),
            error=verdict.error if verdict is not None else None, scope=rule.scope))
    return ValidationOutcome(suite=suite, dataset=dataset, partner=partner, frame=frame,
                             rules=verdicts, gx_results=results, kept=kept)


def validate_persons(frame: pd.DataFrame, partner: str, today: date | None = None,
                     earlier: RowVerdicts | None = None) -> ValidationOutcome:
    """Run the identity suite on one partner's canonical person rows (``earlier``: keep the
    row verdicts of unchanged rows, see the module docs)."""
    rules = person_rules(partner, today or date.today())
    return _validate(f"{partner}.persons", "persons", partner, frame, derived.derive_persons,
                     rules, earlier)


def validate_registrations(frame: pd.DataFrame, partner: str, person_ids: Iterable[str],
                           case_types: Sequence[str] | None = None,
                           earlier: RowVerdicts | None = None) -> ValidationOutcome:
    """Run the registrations suite; ``person_ids`` are the partner's staged source_record_ids.

    ``case_types`` is the partner's vocabulary (see
    :func:`pipelines.validation.partner_case_types`);
    the canonical list applies when it is not given.
    """
    rules = registration_rules(partner, case_types or CASE_TYPES)
    known = derived.person_id_set(person_ids)
    return _validate(f"{partner}.registrations", "registrations", partner, frame,
                     lambda rows: derived.derive_registrations(rows, known), rules, earlier)


@dataclass(frozen=True)
class MergedInputs:
    """The merged output as the pipeline hands it to validation.

    - ``staged``: every staged person row of all partners (source, source_record_id, and the
      address fields with address_confidential), including rows later quarantined;
    - ``quarantined``: source, source_record_id of person rows held back by validation;
    - ``assignments``: source, source_record_id, person_id, household_id (one row per link);
    - ``households``: household_id of every published household;
    - ``members``: household_id, person_id (defaults to the assignments' pairs);
    - ``persons``: golden records (person_id, address fields, address_confidential).
    """

    staged: pd.DataFrame
    quarantined: pd.DataFrame
    assignments: pd.DataFrame
    households: pd.DataFrame
    persons: pd.DataFrame
    members: pd.DataFrame | None = None


def _record_keys(frame: pd.DataFrame) -> pa.Array:
    """``source \x1f source_record_id`` per row: one hashable key for a record."""
    return pc.binary_join_element_wise(text_array(frame["source"]),
                                       text_array(frame["source_record_id"]), "\x1f")


def _present(values: pa.Array) -> pa.Array:
    """True where an id is given (:func:`foundation.ids.has_id`)."""
    return has_id_arrow(values)


def merged_frames(inputs: MergedInputs) -> dict[str, pd.DataFrame]:
    """The derived frames the merged suite validates, one per structural question.

    Keys are joined and looked up with Arrow compute (hash tables in C++): at a million records
    the same questions asked with Python sets and string concatenation took about a minute.
    """
    staged_keys = _record_keys(inputs.staged)
    link_keys = _record_keys(inputs.assignments)
    link_counts = pc.value_counts(link_keys)
    position = pc.index_in(staged_keys, value_set=link_counts.field("values"))
    counts = pc.fill_null(pc.take(link_counts.field("counts"), position), 0)
    if len(inputs.quarantined):
        held = pc.is_in(staged_keys, value_set=_record_keys(inputs.quarantined))
    else:
        held = pa.array(np.zeros(len(staged_keys), dtype=bool))
    records = pd.DataFrame({"source": inputs.staged["source"].astype("str").to_numpy(),
                            "source_record_id": inputs.staged["source_record_id"].astype("str")
                            .to_numpy()})
    records["_hub_link_count"] = counts.to_numpy().astype("int64")
    records["_hub_expected_links"] = pc.invert(held).to_numpy(zero_copy_only=False).astype(
        "int64")
    orphan = pc.invert(pc.is_in(link_keys, value_set=staged_keys))
    orphans = inputs.assignments[orphan.to_numpy(zero_copy_only=False)]
    if len(orphans):
        extra = pd.DataFrame({"source": orphans["source"].astype("str"),
                              "source_record_id": orphans["source_record_id"].astype("str"),
                              "_hub_link_count": 1, "_hub_expected_links": 0})
        records = pd.concat([records, extra], ignore_index=True)

    members = inputs.members
    if members is None:
        members = inputs.assignments[["household_id", "person_id"]]
    pairs = pa.table({
        "household_id": pa.concat_arrays([text_array(members["household_id"]),
                                          text_array(inputs.assignments["household_id"])]),
        "person_id": pa.concat_arrays([text_array(members["person_id"]),
                                       text_array(inputs.assignments["person_id"])]),
    })
    pairs = pairs.filter(pc.and_(_present(pairs["household_id"]), _present(pairs["person_id"])))
    memberships = (pairs.group_by(["person_id", "household_id"]).aggregate([])
                   .group_by("person_id").aggregate([("household_id", "count")])
                   .rename_columns(["person_id", "_hub_household_count"])
                   .to_pandas().sort_values("person_id", ignore_index=True))
    memberships["_hub_household_count"] = memberships["_hub_household_count"].astype("int64")

    given = pa.table({"household_id": text_array(members["household_id"]),
                      "person_id": text_array(members["person_id"])})
    given = given.filter(pc.and_(_present(given["household_id"]), _present(given["person_id"])))
    per_household = given.group_by("household_id").aggregate([("person_id", "count_distinct")])
    households = inputs.households[["household_id"]].copy()
    where = pc.index_in(text_array(households["household_id"]),
                        value_set=per_household["household_id"].combine_chunks())
    households["_hub_member_count"] = pc.fill_null(
        pc.take(per_household["person_id_count_distinct"], where), 0).to_numpy().astype("int64")

    persons = inputs.persons.copy()
    persons["_hub_leaks_secret_address"] = _leaks(inputs)

    per_partner = pd.DataFrame({"source": inputs.staged["source"].astype("str")})
    staged_n = per_partner.value_counts().rename("staged")
    held_back = inputs.quarantined[["source", "source_record_id"]].drop_duplicates()
    quarantined_n = pd.DataFrame({"source": held_back["source"].astype("str")}).value_counts()
    linked_n = pd.DataFrame({"source": inputs.assignments["source"].astype("str")}).value_counts()
    recon = pd.concat([staged_n, quarantined_n.rename("quarantined"), linked_n.rename("linked")],
                      axis=1).fillna(0).astype("int64").reset_index()
    recon["_hub_unreconciled"] = recon["staged"] - recon["quarantined"] - recon["linked"]
    return {"records": records, "memberships": memberships, "households": households,
            "persons": persons, "reconciliation": recon}


def _leaks(inputs: MergedInputs) -> pd.Series:
    """True for a non-confidential golden record that carries an address a partner keeps secret.

    Compares the full address (postcode, number, letter, suffix) of each golden record not marked
    confidential with the confidential addresses of the staged records linked to that person.
    """
    persons = inputs.persons
    staged = inputs.staged
    secret = staged[derived.is_confidential(staged)]
    keys = pd.DataFrame({"source": secret["source"].astype("str"),
                         "source_record_id": secret["source_record_id"].astype("str"),
                         "key": derived.address_key(secret)}).dropna()
    links = inputs.assignments[["source", "source_record_id", "person_id"]].astype("str")
    linked = keys.merge(links, on=["source", "source_record_id"])
    secret_keys = pc.binary_join_element_wise(text_array(linked["person_id"]),
                                              text_array(linked["key"]), "\x1f")
    person_keys = pc.binary_join_element_wise(text_array(persons["person_id"]),
                                              text_array(derived.address_key(persons)), "\x1f")
    shown = pc.fill_null(pc.is_in(person_keys, value_set=secret_keys), False)
    open_rows = ~derived.is_confidential(persons).to_numpy()
    leak = open_rows & shown.to_numpy(zero_copy_only=False)
    return pd.Series(leak.tolist(), index=persons.index, dtype="object")


def _as_is(frame: pd.DataFrame) -> pd.DataFrame:
    return frame


def validate_merged(inputs: MergedInputs) -> list[ValidationOutcome]:
    """Run the merged-output suite; every rule is blocking (see :func:`merged_rules`)."""
    frames = merged_frames(inputs)
    outcomes = []
    for name, rules in merged_rules().items():
        frame = frames[name]
        outcomes.append(_validate(f"merged.{name}", name, None, frame, _as_is, rules))
    return outcomes


def gx_results(outcomes: Iterable[ValidationOutcome]) -> list[Any]:
    """All GX results of some outcomes, for Data Docs."""
    return [r for o in outcomes for r in o.gx_results]
