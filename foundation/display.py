"""How a Dutch address reads on a page or in a report: one rule for the web app and the
access report (``Dorpsstraat 12a-2, 1501AB Zaandam``)."""

from collections.abc import Mapping
from typing import Any


def address_text(row: Mapping[str, Any]) -> str | None:
    """'Dorpsstraat 12a-2, 1501AB Zaandam' from canonical address fields, or None without any."""
    number = "".join(str(row[k]) for k in ("house_number", "house_letter") if row.get(k))
    if row.get("house_number_suffix"):
        number += f"-{row['house_number_suffix']}"
    street = " ".join(p for p in (row.get("street"), number) if p)
    place = " ".join(p for p in (row.get("postcode"), row.get("city")) if p)
    return ", ".join(p for p in (street, place) if p) or None
