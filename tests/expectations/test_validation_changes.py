"""A changed staging is validated by its changed rows: GX judges the row rules on the new and
changed rows, keeps the earlier verdicts of unchanged ones, and decides the set rules over every
row. The outcome must be the one a validation of every row gives."""

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from validation_cases import PARTNER, TODAY, frame, person, registration, write_staging

from expectations.validate import (
    RowVerdicts,
    row_verdicts,
    validate_persons,
    validate_registrations,
)
from foundation.quarantine import read_quarantine
from foundation.settings import get_settings
from pipelines.validation import rows_path, validate_partner

LINEAGE = ("extracted_at", "origin", "origin_row", "content_hash")


def hashed(rows: list[dict]) -> list[dict]:
    """Rows with a content hash of their content, as the connectors give them."""
    out = []
    for row in rows:
        content = repr(sorted((k, repr(v)) for k, v in row.items() if k not in LINEAGE))
        out.append({**row, "content_hash": hashlib.sha256(content.encode()).hexdigest()})
    return out


def _failures(outcome) -> dict[str, tuple[int, ...]]:
    return {r.rule: r.failed_rows for r in outcome.rules}


def _earlier(outcome) -> RowVerdicts:
    verdicts = row_verdicts(outcome)
    assert verdicts is not None
    return verdicts


def test_changed_persons_give_the_verdicts_of_a_full_validation() -> None:
    before = hashed([person(0), person(1, bsn="111222334"), person(2, sex="F"),
                     person(3), person(4, birth_date="2014-02-30"), person(5)])
    first = validate_persons(frame(before), PARTNER, today=TODAY)
    after = hashed([
        before[0],                                   # unchanged, passes
        before[1],                                   # unchanged, fails the elfproef
        person(2),                                   # corrected: passes now
        person(3, postcode="0123AB"),                # changed: fails now
        before[4],                                   # unchanged, fails birth_date_exists
        person(6, source_record_id="r0", first_names="Daan"),  # new, duplicates r0's id
        person(7, surname=None, first_names=None),   # new, no name
    ])
    # person 5 disappeared
    changed = validate_persons(frame(after), PARTNER, today=TODAY, earlier=_earlier(first))
    full = validate_persons(frame(after), PARTNER, today=TODAY)

    assert _failures(changed) == _failures(full)
    assert changed.quarantined_positions == full.quarantined_positions == [0, 1, 3, 4, 5, 6]
    assert changed.kept_rows == 3 and full.kept_rows == 0
    # GX saw the four changed rows for the row rules, every row for the set rule
    row_run, set_run = changed.gx_results
    assert {r.result.get("element_count") for r in row_run.results} == {4}
    assert {r.result.get("element_count") for r in set_run.results} == {7}


def test_an_unchanged_case_fails_when_the_person_it_names_disappears() -> None:
    people = hashed([person(0), person(1)])
    cases = hashed([registration(0), registration(1, person_record_ids=["r1"]),
                    registration(2, case_type="onbekend")])
    first = validate_registrations(frame(cases), PARTNER, ["r0", "r1"])
    assert _failures(first)["registration_persons_exist"] == ()
    again = validate_registrations(frame(cases), PARTNER, [people[0]["source_record_id"]],
                                   earlier=_earlier(first))
    full = validate_registrations(frame(cases), PARTNER, ["r0"])
    assert _failures(again) == _failures(full)
    assert _failures(again)["registration_persons_exist"] == (1,)
    assert _failures(again)["case_type_in_partner_vocabulary"] == (2,)  # kept verdict
    assert again.kept_rows == 3
    assert len(again.gx_results) == 1  # nothing changed: only the set rules ran


def test_rows_without_a_content_hash_are_always_judged() -> None:
    rows = hashed([person(0), person(1, sex="F")])
    first = validate_persons(frame(rows), PARTNER, today=TODAY)
    rows[1]["content_hash"] = ""
    again = validate_persons(frame(rows), PARTNER, today=TODAY, earlier=_earlier(first))
    assert again.kept_rows == 1
    assert _failures(again)["sex_in_vocabulary"] == (1,)


def _stage(home: Path, persons: list[dict], cases: list[dict]) -> None:
    write_staging(home, PARTNER, hashed(persons), hashed(cases))


def test_a_delivery_is_validated_by_its_changed_rows_and_quarantine_stays_whole(
        tmp_path: Path) -> None:
    settings = get_settings(tmp_path / "hub")
    persons = [person(i) for i in range(5)] + [person(5, bsn="111222334")]
    _stage(settings.home, persons, [registration(0)])
    first = validate_partner(settings, PARTNER, "run-1", today=TODAY, docs=False,
                             skip_unchanged=True)
    assert first.kept_rows == 0
    assert rows_path(settings, PARTNER, "persons").exists()
    assert "111222334" not in rows_path(settings, PARTNER, "persons").read_bytes().decode(
        "latin-1")

    _stage(settings.home, [*persons, person(6, sex="F")], [registration(0), registration(1)])
    second = validate_partner(settings, PARTNER, "run-2", today=TODAY, docs=False,
                              skip_unchanged=True)
    assert second.persons.kept_rows == 6 and second.registrations.kept_rows == 1
    assert second.persons.quarantined_positions == [5, 6]
    listed = read_quarantine(settings.quarantine, run_id="run-2")
    assert sorted(listed["source_record_id"]) == ["r5", "r6"]  # the old failure is listed too
    assert "111222334" not in "".join(listed["record"])  # carried over as stored: masked
    # the same entries as a validation of every row writes
    validate_partner(settings, PARTNER, "full-2", today=TODAY, docs=False)
    columns = ["dataset", "source_record_id", "rule", "reason", "origin_row", "record"]
    full = read_quarantine(settings.quarantine, run_id="full-2")
    assert (listed[columns].sort_values(columns).values.tolist()
            == full[columns].sort_values(columns).values.tolist())

    # another day (the age rules compare with today): every row is judged again
    next_day = validate_partner(settings, PARTNER, "run-3", today=TODAY + timedelta(days=1),
                                docs=False, skip_unchanged=True)
    assert next_day.reused_from is None and next_day.kept_rows == 0
    assert next_day.persons.quarantined_positions == [5, 6]


@pytest.mark.parametrize("damage", ["missing", "other_context"])
def test_unusable_kept_verdicts_mean_a_full_validation(tmp_path: Path, damage: str) -> None:
    settings = get_settings(tmp_path / "hub")
    persons = [person(0), person(1, sex="F")]
    _stage(settings.home, persons, [registration(0)])
    validate_partner(settings, PARTNER, "run-1", today=TODAY, docs=False, skip_unchanged=True)
    path = rows_path(settings, PARTNER, "persons")
    if damage == "missing":
        path.unlink()
    else:
        path.write_bytes(b"not parquet")
    _stage(settings.home, [*persons, person(2)], [registration(0)])
    again = validate_partner(settings, PARTNER, "run-2", today=TODAY, docs=False,
                             skip_unchanged=True)
    assert again.persons.kept_rows == 0
    assert again.persons.quarantined_positions == [1]


def test_verdicts_of_an_empty_staging_keep_nothing() -> None:
    first = validate_persons(frame(hashed([person(0)])).iloc[0:0], PARTNER, today=TODAY)
    rows = hashed([person(0), person(1, sex="F")])
    again = validate_persons(frame(rows), PARTNER, today=TODAY, earlier=_earlier(first))
    assert again.kept_rows == 0
    assert _failures(again)["sex_in_vocabulary"] == (1,)
