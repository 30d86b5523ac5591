"""Every expectation rejects its bad case and accepts its good case."""

from datetime import date

import pandas as pd
import pytest

from expectations import person_rules, registration_rules, validate_persons, validate_registrations

TODAY = date(2026, 11, 22)
P = "veilig_thuis"

# rule, rows (overrides per row), should the rule fail?
PERSON_CASES = [
    ("person_source_is_partner", [{"source": "rvdk"}], True),
    ("person_source_is_partner", [{}], False),
    ("address_confidential_present", [{"address_confidential": None}], True),
    ("address_confidential_present", [{"address_confidential": True}], False),
    ("source_record_id_present", [{"source_record_id": None}], True),
    ("source_record_id_present", [{"source_record_id": "  "}], True),
    ("source_record_id_present", [{"source_record_id": "A-1"}], False),
    ("source_record_id_unique", [{"source_record_id": "x"}, {"source_record_id": "x"}], True),
    ("source_record_id_unique", [{"source_record_id": "x"}, {"source_record_id": "y"}], False),
    ("name_present", [{"surname": None, "first_names": None}], True),
    ("name_present", [{"surname": "", "first_names": " "}], True),
    ("name_present", [{"surname": None, "first_names": "Sanne"}], False),
    ("name_present", [{"surname": "Visser", "first_names": None}], False),
    ("birth_date_format", [{"birth_date": "07-03-2014"}], True),
    ("birth_date_format", [{"birth_date": "2014/03/07"}], True),
    ("birth_date_format", [{"birth_date": "2014-13"}], True),
    ("birth_date_format", [{"birth_date": "2014-03"}], False),
    ("birth_date_format", [{"birth_date": None}], False),
    ("birth_date_exists", [{"birth_date": "2014-02-30"}], True),
    ("birth_date_exists", [{"birth_date": "2016-02-29"}], False),
    ("birth_date_not_in_future", [{"birth_date": "2026-11-23"}], True),
    ("birth_date_not_in_future", [{"birth_date": "2027"}], True),
    ("birth_date_not_in_future", [{"birth_date": "2026-11-22"}], False),
    ("birth_date_not_in_future", [{"birth_date": "2026"}], False),
    ("age_at_most_110", [{"birth_date": "1916-11-21"}], True),
    ("age_at_most_110", [{"birth_date": "1915"}], True),
    ("age_at_most_110", [{"birth_date": "1916-11-22"}], False),
    ("age_at_most_110", [{"birth_date": "1916"}], False),
    ("sex_in_vocabulary", [{"sex": "F"}], True),
    ("sex_in_vocabulary", [{"sex": "m"}], True),
    ("sex_in_vocabulary", [{"sex": "X"}, {"sex": None}, {"sex": ""}], False),
    ("bsn_nine_digits", [{"bsn": "11122233"}], True),
    ("bsn_nine_digits", [{"bsn": "1112223334"}], True),
    ("bsn_nine_digits", [{"bsn": "11122233a"}], True),
    ("bsn_nine_digits", [{"bsn": None}, {"bsn": ""}], False),
    ("bsn_elfproef", [{"bsn": "111222334"}], True),
    ("bsn_elfproef", [{"bsn": "111222333"}, {"bsn": None}], False),
    ("postcode_format", [{"postcode": "1501 AB"}], True),
    ("postcode_format", [{"postcode": "0123AB"}], True),
    ("postcode_format", [{"postcode": "1501ab"}], True),
    ("postcode_format", [{"postcode": "1501SA"}, {"postcode": "1501SD"}, {"postcode": "1501SS"}],
     True),
    ("postcode_format", [{"postcode": "1441XY"}, {"postcode": None}], False),
    ("house_number_range", [{"house_number": 0}], True),
    ("house_number_range", [{"house_number": 100000}], True),
    ("house_number_range", [{"house_number": 1}, {"house_number": 99999}, {"house_number": None}],
     False),
]

REGISTRATION_CASES = [
    ("registration_source_is_partner", [{"source": "rvdk"}], None, True),
    ("registration_source_is_partner", [{}], None, False),
    ("case_id_present", [{"case_id": None}], None, True),
    ("case_id_present", [{"case_id": "M-1"}], None, False),
    ("case_id_unique", [{"case_id": "x"}, {"case_id": "x"}], None, True),
    ("case_id_unique", [{"case_id": "x"}, {"case_id": "y"}], None, False),
    ("case_type_in_partner_vocabulary", [{"case_type": "ots"}], ["melding", "advies"], True),
    ("case_type_in_partner_vocabulary", [{"case_type": "melding"}], ["melding", "advies"], False),
    ("case_type_in_partner_vocabulary", [{"case_type": "onbekend"}], None, True),
    ("case_type_in_partner_vocabulary", [{"case_type": "voogdij"}], None, False),
    ("status_in_vocabulary", [{"status": "open"}], None, True),
    ("status_in_vocabulary", [{"status": "afgesloten"}], None, False),
    ("start_date_not_after_end_date",
     [{"start_date": date(2024, 2, 1), "end_date": date(2024, 1, 31)}], None, True),
    ("start_date_not_after_end_date",
     [{"start_date": date(2024, 2, 1), "end_date": date(2024, 2, 1)}, {"end_date": None}],
     None, False),
    ("registration_names_persons", [{"person_record_ids": []}], None, True),
    ("registration_names_persons", [{"person_record_ids": ["r0"]}], None, False),
    ("registration_persons_exist", [{"person_record_ids": ["r0", "r9"]}], None, True),
    ("registration_persons_exist", [{"person_record_ids": ["r0", "r1"]}], None, False),
]


def _ids(cases: list) -> list[str]:
    return [f"{c[0]}-{'bad' if c[-1] else 'good'}{i}" for i, c in enumerate(cases)]


def _combined(cases: list, build, make_frame, id_column: str) -> tuple[pd.DataFrame, list]:
    """All cases in one frame (GX costs about a second per run, whatever the row count).

    Ids get the case number as prefix, so uniqueness is only ever judged within one case.
    """
    rows, spans = [], []
    for number, case in enumerate(cases):
        start = len(rows)
        for overrides in case[1]:
            row = build(len(rows), **overrides)
            if isinstance(row[id_column], str) and row[id_column].strip():
                row[id_column] = f"case{number}-{row[id_column]}"
            rows.append(row)
        spans.append(range(start, len(rows)))
    return make_frame(rows), spans


@pytest.fixture(scope="module")
def person_results():
    from validation_cases import frame, person

    df, spans = _combined(PERSON_CASES, person, frame, "source_record_id")
    return validate_persons(df, P, today=TODAY), spans


@pytest.fixture(scope="module")
def registration_results():
    from validation_cases import frame, registration

    outcomes = {}
    for vocabulary in (None, ("melding", "advies")):
        wanted = list(vocabulary) if vocabulary else None
        cases = [c for c in REGISTRATION_CASES if c[2] == wanted]
        df, spans = _combined(cases, registration, frame, "case_id")
        outcome = validate_registrations(df, P, ["r0", "r1"], vocabulary)
        for case, span in zip(cases, spans, strict=True):
            outcomes[id(case)] = (outcome, span)
    return outcomes


def _failing(outcome, rule: str, span: range) -> list[int]:
    result = next(r for r in outcome.rules if r.rule == rule)
    assert result.error is None
    return [i for i in result.failed_rows if i in span]


@pytest.mark.parametrize("number", range(len(PERSON_CASES)), ids=_ids(PERSON_CASES))
def test_person_rule(number, person_results) -> None:
    rule, _, fails = PERSON_CASES[number]
    outcome, spans = person_results
    failing = _failing(outcome, rule, spans[number])
    assert bool(failing) is fails
    if fails:
        passed = set(outcome.passed.index)
        severity = next(r.severity for r in outcome.rules if r.rule == rule)
        assert severity == "blocking" or not passed & set(failing)


@pytest.mark.parametrize("number", range(len(REGISTRATION_CASES)), ids=_ids(REGISTRATION_CASES))
def test_registration_rule(number, registration_results) -> None:
    case = REGISTRATION_CASES[number]
    outcome, span = registration_results[id(case)]
    assert bool(_failing(outcome, case[0], span)) is case[-1]


def test_every_rule_has_a_case() -> None:
    """A new rule without a bad and a good case in the tables above fails here."""
    covered = {c[0] for c in PERSON_CASES} | {c[0] for c in REGISTRATION_CASES}
    bad = {c[0] for c in PERSON_CASES + REGISTRATION_CASES if c[-1]}
    good = {c[0] for c in PERSON_CASES + REGISTRATION_CASES if not c[-1]}
    names = {r.name for r in person_rules(P, TODAY)} | {r.name for r in registration_rules(P, [])}
    assert names == covered == bad == good


def test_missing_flag_column_blocks(make_person, make_frame) -> None:
    """Staging without the address_confidential column cannot be evaluated: that blocks."""
    df = make_frame([make_person()]).drop(columns=["address_confidential"])
    outcome = validate_persons(df, P, today=TODAY)
    assert outcome.blocked
    assert [r.rule for r in outcome.blocking_failures] == ["address_confidential_present"]


def test_all_good_rows_pass(make_person, make_frame) -> None:
    df = make_frame([make_person(i) for i in range(3)])
    outcome = validate_persons(df, P, today=TODAY)
    assert not outcome.blocked
    assert outcome.quarantined_positions == []
    pd.testing.assert_frame_equal(outcome.passed, df)
