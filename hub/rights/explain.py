"""Why records were linked to one person, in words a family can read.

The store keeps, per source record, the matching explanation: per compared field the agreement
level and its weight (``matching.scoring.explain``), never the compared values. This turns it into
sentences ("first name: the same", "birth date: day and month swapped"). The sentences are English
msgids; the report template translates them (Dutch catalogue), like every other string it shows.
"""

import json
from typing import Any

from foundation.i18n import N_

FIELD_NAMES = {
    "first_name": N_("First name"),
    "surname": N_("Surname"),
    "birth_date": "Birth date",
    "bsn": "BSN",
    "address": "Address",
    "sex": "Sex",
    "role": N_("Role in the case"),
}
LEVEL_WORDS = {
    "exact": "the same",
    "equal": "the same",
    "equal_valid": N_("the same, valid number"),
    "equal_invalid": N_("the same, but not a valid number"),
    "variant": N_("a known variant of the same name"),
    "other_given_name": N_("one of the other given names"),
    "initial": N_("only the initial agrees"),
    "jw_0.92": N_("almost the same spelling"),
    "jw_0.80": N_("a similar spelling"),
    "double_name_part": N_("one part of a double surname"),
    "swapped_with_first_name": N_("first name and surname swapped"),
    "day_month_swapped": "day and month swapped",
    "one_typo": N_("differs by one typing error"),
    "partial_agrees": N_("partly the same (only year or month known)"),
    "one_digit": N_("differs by one digit"),
    "same_postcode": N_("the same postcode"),
    "postcode_typo": N_("postcode differs by one typing error"),
    "different": "different",
    "different_far": N_("very different"),
    "both_valid_different": "two different valid numbers",
    "contested": N_("not used (disputed)"),
    "equal_valid_ignored_conflict": N_("not used (conflicting numbers)"),
    "missing": N_("not known in one of the records"),
    "one_reporter": N_("one of the two only reported the case"),
    "neither_reporter": N_("both involved in the case"),
    "both_reporter": N_("both only reported the case"),
}
GUARDS = {
    "twin_guard": N_("Counted against: the records could belong to twins."),
    "sibling_guard": N_("Counted against: the records could belong to siblings."),
    "names_together": N_("First name and surname both differ."),
}


def strength(total: float | None) -> str:
    """A match weight in words (log2 of the odds that the records are the same person)."""
    if total is None:
        return N_("no comparison was needed")
    if total >= 15:
        return N_("very strong agreement")
    if total >= 8:
        return N_("strong agreement")
    if total >= 3:
        return N_("agreement")
    return N_("weak agreement: checked by a data steward")


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
