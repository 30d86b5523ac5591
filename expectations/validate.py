"""The pure core: validate canonical staging and the merged output, returning outcomes.

No Dagster and no files here: DataFrames in, :class:`~expectations.outcome.ValidationOutcome` out.
Writing quarantine, building Data Docs and reporting to Dagster are done by the callers.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from expectations import derived
from expectations.outcome import ValidationOutcome, rule_result
from expectations.rules import Rule, merged_rules, person_rules, registration_rules
from expectations.runtime import run_suite
from schemas.canonical import CASE_TYPES


def _validate(suite: str, dataset: str, partner: str | None, frame: pd.DataFrame,
              prepared: pd.DataFrame, rules: Sequence[Rule]) -> ValidationOutcome:
    positional = prepared.reset_index(drop=True)
    result = run_suite(suite, rules, positional)
    by_rule = {r.expectation_config.meta.get("rule"): r for r in result.results}
    verdicts = [rule_result(rule, by_rule.get(rule.name), len(positional)) for rule in rules]
    return ValidationOutcome(suite=suite, dataset=dataset, partner=partner, frame=frame,
                             rules=verdicts, gx_results=[result])


def validate_persons(frame: pd.DataFrame, partner: str, today: date | None = None
                     ) -> ValidationOutcome:
    """Run the identity suite on one partner's canonical person rows."""
    rules = person_rules(partner, today or date.today())
    return _validate(f"{partner}.persons", "persons", partner, frame,
                     derived.derive_persons(frame.reset_index(drop=True)), rules)


def validate_registrations(frame: pd.DataFrame, partner: str, person_ids: Iterable[str],
                           case_types: Sequence[str] | None = None) -> ValidationOutcome:
    """Run the registrations suite; ``person_ids`` are the partner's staged source_record_ids.

    ``case_types`` is the partner's vocabulary (see
    :func:`expectations.partner.partner_case_types`);
    the canonical list applies when it is not given.
    """
    rules = registration_rules(partner, case_types or CASE_TYPES)
    return _validate(f"{partner}.registrations", "registrations", partner, frame,
                     derived.derive_registrations(frame.reset_index(drop=True), person_ids), rules)


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


def _record_keys(frame: pd.DataFrame) -> pd.Series:
    return frame["source"].astype("str") + "\x1f" + frame["source_record_id"].astype("str")


def merged_frames(inputs: MergedInputs) -> dict[str, pd.DataFrame]:
    """The derived frames the merged suite validates, one per structural question."""
    staged_keys = _record_keys(inputs.staged)
    quarantined = set(_record_keys(inputs.quarantined)) if len(inputs.quarantined) else set()
    link_counts = _record_keys(inputs.assignments).value_counts()
    records = pd.DataFrame({"source": inputs.staged["source"].astype("str"),
                            "source_record_id": inputs.staged["source_record_id"].astype("str")})
    records["_hub_link_count"] = staged_keys.map(link_counts).fillna(0).astype("int64").to_numpy()
    records["_hub_expected_links"] = (~staged_keys.isin(quarantined)).astype("int64").to_numpy()
    orphans = inputs.assignments[~_record_keys(inputs.assignments).isin(set(staged_keys))]
    if len(orphans):
        extra = pd.DataFrame({"source": orphans["source"].astype("str"),
                              "source_record_id": orphans["source_record_id"].astype("str"),
                              "_hub_link_count": 1, "_hub_expected_links": 0})
        records = pd.concat([records, extra], ignore_index=True)

    members = inputs.members
    if members is None:
        members = inputs.assignments[["household_id", "person_id"]]
    pairs = pd.concat([members[["household_id", "person_id"]],
                       inputs.assignments[["household_id", "person_id"]]])
    pairs = pairs.dropna().drop_duplicates()
    memberships = pairs.groupby("person_id").size().rename("_hub_household_count").reset_index()

    member_counts = members.dropna().groupby("household_id")["person_id"].nunique()
    households = inputs.households[["household_id"]].copy()
    households["_hub_member_count"] = (
        households["household_id"].map(member_counts).fillna(0).astype("int64"))

    persons = inputs.persons.copy()
    persons["_hub_leaks_secret_address"] = _leaks(inputs)

    per_partner = pd.DataFrame({"source": inputs.staged["source"].astype("str")})
    staged_n = per_partner.value_counts().rename("staged")
    held = inputs.quarantined[["source", "source_record_id"]].drop_duplicates()
    quarantined_n = pd.DataFrame({"source": held["source"].astype("str")}).value_counts()
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
    secret_keys = set(zip(linked["person_id"], linked["key"], strict=True))
    open_rows = ~derived.is_confidential(persons)
    person_keys = derived.address_key(persons)
    pairs = zip(persons["person_id"].astype("str"), person_keys, strict=True)
    leak = [bool(is_open) and (pid, key) in secret_keys
            for is_open, (pid, key) in zip(open_rows, pairs, strict=True)]
    return pd.Series(leak, index=persons.index, dtype="object")


def validate_merged(inputs: MergedInputs) -> list[ValidationOutcome]:
    """Run the merged-output suite; every rule is blocking (see :func:`merged_rules`)."""
    frames = merged_frames(inputs)
    outcomes = []
    for name, rules in merged_rules().items():
        frame = frames[name]
        outcomes.append(_validate(f"merged.{name}", name, None, frame, frame, rules))
    return outcomes


def gx_results(outcomes: Iterable[ValidationOutcome]) -> list[Any]:
    """All GX results of some outcomes, for Data Docs."""
    return [r for o in outcomes for r in o.gx_results]
