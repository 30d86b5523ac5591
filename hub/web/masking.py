"""What a page or API response may show of a person: BSNs masked, secret addresses withheld.

Every value leaving the web app passes through here. A confidential address is replaced by a
marker naming the partner that holds it and whether this user may reveal it; BSNs keep their last
two digits. Reveals happen elsewhere (:mod:`hub.web.views`), one value at a time, with a reason.
"""

import json
from typing import Any

from foundation.display import address_text
from foundation.privacy import CONFIDENTIAL_ADDRESS_FIELDS, MASK, mask_bsn, mask_record
from hub.access.roles import Permission, User

ADDRESS_FIELDS = (*CONFIDENTIAL_ADDRESS_FIELDS, "municipality_code")


def display_name(row: dict[str, Any]) -> str:
    parts = (row.get("first_names"), row.get("surname_prefix"), row.get("surname"))
    return " ".join(p for p in parts if p) or "(no name)"


def mask_source_record(record: dict[str, Any], user: User,
                       person_secret: bool = False) -> dict[str, Any]:
    """A source record for display: BSN masked, address withheld when confidential.

    ``person_secret``: the person has a confidential address at some partner. Then every other
    partner's address of that person is withheld too, because it may be the same shelter, or
    lead to it.
    """
    out = {k: v for k, v in record.items() if k not in ADDRESS_FIELDS and k != "bsn"}
    out["bsn_masked"] = mask_bsn(record.get("bsn"))
    out["has_bsn"] = bool(record.get("bsn"))
    out["name"] = display_name(record)
    secret = bool(record.get("address_confidential"))
    out["address_confidential"] = secret
    out["address"] = None if secret or person_secret else address_text(record)
    out["address_withheld"] = person_secret and not secret
    out["may_reveal_address"] = secret and user.may_reveal_address_of(record["source"])
    out["may_reveal_bsn"] = out["has_bsn"] and user.can(Permission.REVEAL_BSN)
    return out


def mask_person(person: dict[str, Any], user: User) -> dict[str, Any]:
    """A golden record for display (its address is empty already when a source keeps it secret)."""
    out = {k: v for k, v in person.items() if k not in ADDRESS_FIELDS and k != "bsn"}
    out["bsn_masked"] = mask_bsn(person.get("bsn"))
    out["has_bsn"] = bool(person.get("bsn"))
    out["name"] = display_name(person)
    secret = bool(person.get("has_confidential_address"))
    out["has_confidential_address"] = secret
    out["address"] = None if secret else address_text(person)
    out["city"] = None if secret else person.get("city")
    out["sources"] = [x for x in str(person.get("sources") or "").split(",") if x]
    out["may_reveal_bsn"] = out["has_bsn"] and user.can(Permission.REVEAL_BSN)
    return out


SEARCH_TERMS_MASKED = {"name", "birth_date", "postcode", "house_number"}
"""Keys of an audit entry's detail that hold what a user typed into a search."""


def mask_typed_name(text: str) -> str:
    """'Jan van den Berg' -> 'J. v. d. B.': enough to see a search was about someone, not who."""
    return " ".join(f"{part[0]}." for part in str(text).split() if part) or MASK


def mask_search_term(key: str, value: Any) -> Any:
    """One typed search term for the audit page: names as initials, birth dates as the year,
    postcodes as the 4-digit area (a full postcode may be a shelter's), house numbers never."""
    if value is None:
        return None
    if key == "name":
        return mask_typed_name(value)
    if key == "birth_date":
        return f"{str(value)[:4]}-**-**"
    if key == "postcode":
        return f"{str(value)[:4]} **"
    return MASK


def audit_detail_for_display(detail: str) -> str:
    """An audit entry's detail JSON with typed search terms masked (for the admin page)."""
    try:
        data = json.loads(detail)
    except (ValueError, TypeError):
        return "(unreadable detail withheld)"
    if not isinstance(data, dict):
        return detail
    shown = {k: mask_search_term(k, v) if k in SEARCH_TERMS_MASKED else v
             for k, v in data.items()}
    return json.dumps(shown, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def mask_quarantine_row(row: dict[str, Any]) -> dict[str, Any]:
    """A quarantine row with its held-back record masked (BSN, confidential address)."""
    out = dict(row)
    text = row.get("record")
    if isinstance(text, str):
        try:
            out["record"] = json.dumps(mask_record(json.loads(text)), ensure_ascii=False,
                                       sort_keys=True)
        except (ValueError, TypeError, AttributeError):
            out["record"] = "(unreadable record withheld)"
    return out
