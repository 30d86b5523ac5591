"""Words for the store's codes, in one place: roles, case types, statuses, review reasons, ...

The store keeps stable codes (``parent_with_custody``, ``voorlopige_ots``); staff read words. Each
code maps to an English msgid (marked with :func:`N_` for extraction) that the page translates,
so the Dutch lives in the catalogue like every other string. Unknown codes are shown as they are.
Partner display names come from the ``name:`` key of the partner configuration.
"""

from datetime import date, datetime
from functools import cache
from typing import Any

from connectors import config
from foundation.errors import HubError
from foundation.settings import get_settings
from hub.web.i18n import N_, gettext

ROLES = {
    "child": N_("child"),
    "parent_with_custody": N_("parent with custody"),
    "parent_without_custody": N_("parent without custody"),
    "step_parent": N_("step-parent"),
    "foster_parent": N_("foster parent"),
    "guardian": N_("guardian"),
    "partner": N_("partner"),
    "ex_partner": N_("ex-partner"),
    "alleged_perpetrator": N_("alleged perpetrator"),
    "victim": N_("victim"),
    "household_member": N_("household member"),
    "reporter": N_("reporter"),
}

CASE_TYPES = {
    "advies": N_("advice"),
    "melding": N_("report of domestic violence or child abuse"),
    "onderzoek": N_("investigation"),
    "beschermingsonderzoek": N_("child protection investigation"),
    "ots": N_("supervision order (OTS)"),
    "voorlopige_ots": N_("provisional supervision order (voorlopige OTS)"),
    "voogdij": N_("guardianship (voogdij)"),
    "uithuisplaatsing": N_("out-of-home placement (uithuisplaatsing)"),
    "jeugdreclassering": N_("youth probation"),
    "opvang": N_("shelter"),
    "ambulante_hulp": N_("outpatient help"),
}

MEASURES = frozenset({"ots", "voorlopige_ots", "voogdij", "uithuisplaatsing"})
"""Case types that are child protection measures: they stand out on the household's time line."""

STATUSES = {
    "aangemeld": N_("registered"),
    "lopend": N_("active"),
    "afgesloten": N_("closed"),
}

ACTIVE_STATUSES = frozenset({"aangemeld", "lopend"})

SEXES = {"M": N_("male"), "V": N_("female"), "X": N_("unknown or other")}

REVIEW_REASONS = {
    "uncertain_match_weight": N_("The evidence is not strong enough to merge them automatically, "
                                 "nor weak enough to keep them apart."),
    "same_valid_bsn_in_different_persons": N_(
        "Both records carry the same valid BSN but were kept as different persons."),
    "distinct_valid_bsns": N_("The records look alike but carry two different valid BSNs."),
    "conflict_with_cluster_member": N_(
        "Merging them would join records that a partner keeps apart as different people."),
    "cannot_link": N_("A steward decided earlier that these are different persons."),
    "would_merge_known_persons": N_(
        "A newly arrived record fits two persons the registration keeps apart; the new record "
        "joined one of them. Decide whether they are one person."),
}

REVIEW_REASONS_SHORT = {
    "uncertain_match_weight": N_("uncertain match"),
    "same_valid_bsn_in_different_persons": N_("same BSN, different persons"),
    "distinct_valid_bsns": N_("alike, but two different BSNs"),
    "conflict_with_cluster_member": N_("would join records a partner keeps apart"),
    "cannot_link": N_("kept apart by an earlier decision"),
    "would_merge_known_persons": N_("new record fits two known persons"),
}

DECISIONS = {
    "must_link": N_("Accept: same person"),
    "cannot_link": N_("Reject: different persons"),
}

RELATIONS = {"shared_dossier": N_("shares a dossier")}

FIELDS = {
    "prior": N_("starting point (how often two records match by chance)"),
    "first_name": N_("first name"),
    "first_names": N_("first names"),
    "surname": N_("surname"),
    "birth_date": N_("birth date"),
    "sex": N_("sex"),
    "bsn": N_("BSN"),
    "bsn_masked": N_("BSN"),
    "name": N_("name"),
    "postcode": N_("postcode"),
    "house_number": N_("house number"),
    "address": N_("address"),
    "city": N_("city"),
    "household": N_("household"),
    "role": N_("role"),
    "names_together": N_("both names differ"),
    "twin_guard": N_("possibly twins (same family and birth date, other given name)"),
    "sibling_guard": N_("possibly siblings (same family, other birth date)"),
    "tf_first_name": N_("how common the first name is"),
    "tf_surname": N_("how common the surname is"),
    "total": N_("total"),
    "purpose": N_("purpose"),
    "age": N_("estimated age"),
}

LEVELS = {
    "exact": N_("the same"),
    "equal": N_("the same"),
    "different": N_("different"),
    "different_far": N_("far apart"),
    "missing": N_("missing on one side"),
    "initial": N_("only an initial agrees"),
    "jw_0.80": N_("somewhat alike"),
    "jw_0.92": N_("nearly the same (a typo)"),
    "other_given_name": N_("another of the given names"),
    "variant": N_("a variant of the same name"),
    "swapped_with_first_name": N_("swapped with the first name"),
    "double_name_part": N_("one part of a double name"),
    "one_typo": N_("one typo"),
    "partial_agrees": N_("only partly known, agrees"),
    "day_month_swapped": N_("day and month swapped"),
    "both_valid_different": N_("two different valid numbers"),
    "one_digit": N_("one digit differs"),
    "equal_invalid": N_("the same, but not a valid BSN"),
    "equal_valid": N_("the same valid BSN"),
    "contested": N_("also used by a relative: no evidence"),
    "equal_valid_ignored_conflict": N_("the same, ignored: names and birth date disagree"),
    "same_postcode": N_("same postcode, other house"),
    "postcode_typo": N_("postcode typo, same house"),
    "one_reporter": N_("one of them is the reporter"),
    "neither_reporter": N_("neither is the reporter"),
    "both_reporter": N_("both are reporters"),
}

RULE_FIXES = {
    "parse": N_("The file could not be read: check its format, columns and encoding."),
    "source_record_id_present": N_("Fill in the record's number (the partner's key)."),
    "source_record_id_unique": N_("Give each person one record number; remove the duplicate."),
    "name_present": N_("Fill in the surname."),
    "birth_date_format": N_("Write the birth date as the agreed date format."),
    "birth_date_exists": N_("Correct the birth date: that day does not exist."),
    "birth_date_not_in_future": N_("Correct the birth date: it lies in the future."),
    "age_at_most_110": N_("Correct the birth date: the person would be over 110."),
    "sex_in_vocabulary": N_("Use one of the agreed values for sex."),
    "bsn_nine_digits": N_("Correct the BSN: it must have 9 digits."),
    "bsn_elfproef": N_("Correct the BSN: it fails the eleven test (a typo?)."),
    "postcode_format": N_("Write the postcode as 1234 AB."),
    "house_number_range": N_("Correct the house number."),
    "case_id_present": N_("Fill in the case number."),
    "case_id_unique": N_("Give each case one number; remove the duplicate."),
    "case_type_in_partner_vocabulary": N_("Use one of the agreed case types."),
    "status_in_vocabulary": N_("Use one of the agreed statuses."),
    "start_date_not_after_end_date": N_("Correct the dates: the case ends before it starts."),
    "registration_names_persons": N_("Name at least one person in the case."),
    "registration_persons_exist": N_("Deliver the persons the case names, or correct their "
                                     "numbers."),
}

QUARANTINE_STATES = {
    "fixed": N_("fixed by a later delivery"),
    "failing": N_("still failing"),
    "unknown": N_("cannot tell (no record number)"),
}

STAGES = {"extract": N_("reading"), "stage": N_("checking"), "validate": N_("checking")}

USER_ROLES = {"staff": N_("staff"), "steward": N_("data steward"), "admin": N_("administrator")}

KINDS: dict[str, dict[str, str]] = {
    "role": ROLES, "case_type": CASE_TYPES, "status": STATUSES, "sex": SEXES,
    "reason": REVIEW_REASONS, "reason_short": REVIEW_REASONS_SHORT, "decision": DECISIONS,
    "relation": RELATIONS, "field": FIELDS,
    "user_role": USER_ROLES, "level": LEVELS, "fix": RULE_FIXES,
    "quarantine_state": QUARANTINE_STATES, "stage": STAGES,
}


def label(code: Any, kind: str) -> str:
    """The translated words for ``code`` of ``kind``; comma-joined codes become a word list."""
    if code is None or code == "":
        return ""
    text = str(code)
    words = KINDS[kind]
    if "," in text and text not in words:
        return ", ".join(label(part, kind) for part in text.split(",") if part)
    msgid = words.get(text)
    return gettext(msgid) if msgid else text


@cache
def partner_names() -> dict[str, str]:
    """Partner key -> display name (the ``name:`` key of the partner configuration), read once
    per process; an unreadable configuration shows keys instead."""
    try:
        return config.partner_names(get_settings())
    except (OSError, HubError):
        return {}


@cache
def name_ranks() -> dict[str, int]:
    """Partner key -> survivorship rank for names (``trust: name``), read once per process."""
    return config.trust_ranks(get_settings()).get("name", {})


def partner(key: Any) -> str:
    """The partner's display name, or its key when the configuration does not name it."""
    if key is None:
        return ""
    return partner_names().get(str(key), str(key))


def partners(keys: Any) -> str:
    """Display names of comma-joined partner keys (as the store keeps ``sources``)."""
    items = keys.split(",") if isinstance(keys, str) else list(keys or ())
    return ", ".join(partner(k) for k in items if k)


def nl_date(value: Any) -> str:
    """A date as dd-mm-jjjj (partial dates as mm-jjjj or jjjj); a timestamp adds hh:mm."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    text = str(value)
    parts = text[:10].split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        rest = text[10:].lstrip("T ")
        day = f"{parts[2]}-{parts[1]}-{parts[0]}"
        return f"{day} {rest[:5]}" if rest[:5].count(":") == 1 else day
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return f"{parts[1]}-{parts[0]}"
    return text
