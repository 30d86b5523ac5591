"""The hub's expectations as data: one :class:`Rule` per check, with its severity and reason.

A rule names the Great Expectations expectation that decides it, so GX is the only judge of a row;
the hub adds the severity (``blocking`` stops publishing, ``row`` quarantines the failing rows and
lets the rest continue) and a reason a steward can act on. Reasons never contain a value, only
field names, so they are safe in logs, quarantine listings and Dagster metadata.

Rules that GX cannot express on the raw columns (the elfproef, partial birth dates, references to
other tables) work on derived columns that :mod:`expectations.derived` adds before validation.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from schemas.canonical import CASE_STATUSES, SEXES

Severity = Literal["blocking", "row"]
BLOCKING: Severity = "blocking"
ROW: Severity = "row"
Scope = Literal["row", "set"]
ROW_SCOPE: Scope = "row"
SET_SCOPE: Scope = "set"
"""A rule's scope: a ``row`` rule's verdict on a row depends on that row's content alone (and on
the rules, the vocabulary and the date), so it holds as long as the row is unchanged; a ``set``
rule's verdict depends on other rows too (uniqueness, references) and is decided over all rows."""

MAX_AGE_YEARS = 110
HOUSE_NUMBER_RANGE = (1, 99999)
POSTCODE_REGEX = r"^[1-9][0-9]{3}(?!SA|SD|SS)[A-Z]{2}$"
"""Dutch postcode: four digits (no leading zero), two capitals; SA, SD and SS are never issued."""
BSN_FORMAT_REGEX = r"^[0-9]{9}$"
BIRTH_DATE_REGEX = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"


@dataclass(frozen=True)
class Rule:
    """One expectation with the hub's severity and a value-free reason."""

    name: str
    severity: Severity
    field: str | None
    reason: str
    build: Callable[[], Any]
    """Returns the GX expectation; called lazily so importing this module does not import GX."""
    scope: Scope = ROW_SCOPE
    inputs: tuple[str, ...] = ()
    """The canonical columns a ``set`` rule reads: only these are derived when it is decided over
    every row while the row rules look at the changed rows only."""

    def expectation(self) -> Any:
        """The GX expectation, tagged with this rule's name and severity in its ``meta``."""
        expectation = self.build()
        expectation.meta = {"rule": self.name, "severity": self.severity}
        expectation.notes = self.reason
        return expectation


def _gxe() -> Any:
    import great_expectations.expectations as gxe

    return gxe


def _at_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def person_rules(partner: str, today: date) -> list[Rule]:
    """Rules for ``staging/<partner>/persons.parquet`` (the identity suite)."""
    oldest = _at_midnight(_years_before(today, MAX_AGE_YEARS))
    low, high = HOUSE_NUMBER_RANGE
    return [
        Rule("person_source_is_partner", BLOCKING, "source",
             "source is not the partner being validated (staging mixed up)",
             lambda: _gxe().ExpectColumnValuesToBeInSet(column="_hub_source", value_set=[partner])),
        Rule("address_confidential_present", BLOCKING, "address_confidential",
             "address_confidential flag missing: a secret address could be shown",
             lambda: _gxe().ExpectColumnValuesToNotBeNull(column="address_confidential")),
        Rule("source_record_id_present", ROW, "source_record_id",
             "source_record_id is empty",
             lambda: _gxe().ExpectColumnValuesToNotBeNull(column="_hub_source_record_id")),
        Rule("source_record_id_unique", ROW, "source_record_id",
             "source_record_id occurs more than once for this partner",
             lambda: _gxe().ExpectCompoundColumnsToBeUnique(
                 column_list=["_hub_source", "_hub_source_record_id"]),
             SET_SCOPE, ("source", "source_record_id")),
        Rule("name_present", ROW, "surname",
             "neither surname nor first_names is filled",
             lambda: _gxe().ExpectColumnValuesToNotBeNull(column="_hub_name")),
        Rule("birth_date_format", ROW, "birth_date",
             "birth_date is not YYYY-MM-DD, YYYY-MM or YYYY",
             lambda: _gxe().ExpectColumnValuesToMatchRegex(column="_hub_birth_date",
                                                           regex=BIRTH_DATE_REGEX)),
        Rule("birth_date_exists", ROW, "birth_date",
             "birth_date is not a calendar date (e.g. 31 February)",
             lambda: _gxe().ExpectColumnValuesToBeInSet(column="_hub_birth_date_real",
                                                        value_set=[True])),
        Rule("birth_date_not_in_future", ROW, "birth_date",
             "birth_date lies in the future",
             lambda: _gxe().ExpectColumnValuesToBeBetween(column="_hub_birth_earliest",
                                                          max_value=_at_midnight(today))),
        Rule("age_at_most_110", ROW, "birth_date",
             f"birth_date makes the person older than {MAX_AGE_YEARS} years",
             lambda: _gxe().ExpectColumnValuesToBeBetween(column="_hub_birth_latest",
                                                          min_value=oldest)),
        Rule("sex_in_vocabulary", ROW, "sex",
             f"sex is not one of {', '.join(SEXES)} or empty",
             lambda: _gxe().ExpectColumnValuesToBeInSet(column="_hub_sex", value_set=list(SEXES))),
        Rule("bsn_nine_digits", ROW, "bsn",
             "bsn is not 9 digits",
             lambda: _gxe().ExpectColumnValuesToMatchRegex(column="_hub_bsn",
                                                           regex=BSN_FORMAT_REGEX)),
        Rule("bsn_elfproef", ROW, "bsn",
             "bsn fails the elfproef (check digit)",
             lambda: _gxe().ExpectColumnValuesToBeInSet(column="_hub_bsn_elfproef",
                                                        value_set=[True])),
        Rule("postcode_format", ROW, "postcode",
             "postcode is not 4 digits + 2 letters (SA, SD, SS excluded)",
             lambda: _gxe().ExpectColumnValuesToMatchRegex(column="_hub_postcode",
                                                           regex=POSTCODE_REGEX)),
        Rule("house_number_range", ROW, "house_number",
             f"house_number is outside {low}..{high}",
             lambda: _gxe().ExpectColumnValuesToBeBetween(column="_hub_house_number",
                                                          min_value=low, max_value=high)),
    ]


def registration_rules(partner: str, case_types: Sequence[str]) -> list[Rule]:
    """Rules for ``staging/<partner>/registrations.parquet``."""
    vocabulary = sorted(set(case_types))
    return [
        Rule("registration_source_is_partner", BLOCKING, "source",
             "source is not the partner being validated (staging mixed up)",
             lambda: _gxe().ExpectColumnValuesToBeInSet(column="_hub_source", value_set=[partner])),
        Rule("case_id_present", ROW, "case_id", "case_id is empty",
             lambda: _gxe().ExpectColumnValuesToNotBeNull(column="_hub_case_id")),
        Rule("case_id_unique", ROW, "case_id", "case_id occurs more than once for this partner",
             lambda: _gxe().ExpectColumnValuesToBeUnique(column="_hub_case_id"),
             SET_SCOPE, ("case_id",)),
        Rule("case_type_in_partner_vocabulary", ROW, "case_type",
             "case_type is not in this partner's case types",
             lambda: _gxe().ExpectColumnValuesToBeInSet(column="_hub_case_type",
                                                        value_set=vocabulary)),
        Rule("status_in_vocabulary", ROW, "status",
             f"status is not one of {', '.join(CASE_STATUSES)}",
             lambda: _gxe().ExpectColumnValuesToBeInSet(column="_hub_status",
                                                        value_set=list(CASE_STATUSES))),
        Rule("start_date_not_after_end_date", ROW, "end_date",
             "end_date lies before start_date",
             lambda: _gxe().ExpectColumnPairValuesAToBeGreaterThanB(
                 column_A="_hub_end_date", column_B="_hub_start_date", or_equal=True,
                 ignore_row_if="either_value_is_missing")),
        Rule("registration_names_persons", ROW, "person_record_ids",
             "the case names no person",
             lambda: _gxe().ExpectColumnValuesToBeBetween(column="_hub_person_ref_count",
                                                          min_value=1)),
        Rule("registration_persons_exist", ROW, "person_record_ids",
             "the case refers to a person record that is not in this partner's staging",
             lambda: _gxe().ExpectColumnValuesToBeBetween(column="_hub_unknown_person_refs",
                                                          max_value=0),
             SET_SCOPE, ("person_record_ids",)),
    ]


def merged_rules() -> dict[str, list[Rule]]:
    """Rules for the merged output, keyed by the derived frame each one validates."""
    return {
        "records": [
            Rule("record_linked_to_exactly_one_person", BLOCKING, "person_id",
                 "a staged record is linked to no person or to more than one (or a quarantined "
                 "record was linked)",
                 lambda: _gxe().ExpectColumnPairValuesToBeEqual(
                     column_A="_hub_link_count", column_B="_hub_expected_links")),
        ],
        "memberships": [
            Rule("person_in_at_most_one_household", BLOCKING, "household_id",
                 "a person belongs to more than one household",
                 lambda: _gxe().ExpectColumnValuesToBeBetween(column="_hub_household_count",
                                                              max_value=1)),
        ],
        "households": [
            Rule("household_has_members", BLOCKING, "household_id",
                 "a household has no members",
                 lambda: _gxe().ExpectColumnValuesToBeBetween(column="_hub_member_count",
                                                              min_value=1)),
        ],
        "persons": [
            Rule("no_confidential_address_copied", BLOCKING, "address_confidential",
                 "a confidential address appears on a record not marked confidential",
                 lambda: _gxe().ExpectColumnValuesToBeInSet(column="_hub_leaks_secret_address",
                                                            value_set=[False])),
        ],
        "reconciliation": [
            Rule("counts_reconcile", BLOCKING, None,
                 "staged records != linked records + quarantined records for a partner",
                 lambda: _gxe().ExpectColumnValuesToBeBetween(column="_hub_unreconciled",
                                                              min_value=0, max_value=0)),
        ],
    }
