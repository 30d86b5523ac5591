"""Why records were linked to one person, in words a family can read.

The store keeps, per source record, the matching explanation: per compared field the agreement
level and its weight (``matching.scoring.explain``), never the compared values. This turns it into
sentences ("first name: the same", "birth date: day and month swapped"). The sentences are English
msgids; the report template translates them (Dutch catalogue), like every other string it shows.
"""

import json
from typing import Any

FIELD_NAMES = {
    "first_name": "First name",
    "surname": "Surname",
    "birth_date": "Birth date",
    "bsn": "BSN",
    "address": "Address",
    "sex": "Sex",
    "role": "Role in the case",
}
LEVEL_WORDS = {
    "exact": "the same",
    "equal": "the same",
    "equal_valid": "the same, valid number",
    "equal_invalid": "the same, but not a valid number",
    "variant": "a known variant of the same name",
    "other_given_name": "one of the other given names",
    "initial": "only the initial agrees",
    "jw_0.92": "almost the same spelling",
    "jw_0.80": "a similar spelling",
    "double_name_part": "one part of a double surname",
    "swapped_with_first_name": "first name and surname swapped",
    "day_month_swapped": "day and month swapped",
    "one_typo": "differs by one typing error",
    "partial_agrees": "partly the same (only year or month known)",
    "one_digit": "differs by one digit",
    "same_postcode": "the same postcode",
    "postcode_typo": "postcode differs by one typing error",
    "different": "different",
    "different_far": "very different",
    "both_valid_different": "two different valid numbers",
    "contested": "not used (disputed)",
    "equal_valid_ignored_conflict": "not used (conflicting numbers)",
    "missing": "not known in one of the records",
    "one_reporter": "one of the two only reported the case",
    "neither_reporter": "both involved in the case",
    "both_reporter": "both only reported the case",
}
GUARDS = {
    "twin_guard": "Counted against: the records could belong to twins.",
    "sibling_guard": "Counted against: the records could belong to siblings.",
    "names_together": "First name and surname both differ.",
}


def strength(total: float | None) -> str:
    """A match weight in words (log2 of the odds that the records are the same person)."""
    if total is None:
        return "no comparison was needed"
    if total >= 15:
        return "very strong agreement"
    if total >= 8:
        return "strong agreement"
    if total >= 3:
        return "agreement"
    return "weak agreement: checked by a data steward"


def explain(explanation: Any, match_weight: float | None) -> dict[str, Any]:
    """``{"lines": [(field msgid, level msgid)], "notes": [msgid], "strength": msgid}``."""
    if isinstance(explanation, str):
        try:
            explanation = json.loads(explanation)
        except ValueError:
            explanation = None
    lines, notes = [], []
    total = match_weight
    if isinstance(explanation, dict):
        for key, value in explanation.items():
            if key in FIELD_NAMES and isinstance(value, list | tuple) and value:
                lines.append((FIELD_NAMES[key], LEVEL_WORDS.get(str(value[0]), str(value[0]))))
            elif key in GUARDS:
                notes.append(GUARDS[key])
        if isinstance(explanation.get("total"), int | float):
            total = float(explanation["total"])
    return {"lines": lines, "notes": notes, "strength": strength(total),
            "linked": bool(lines)}
