"""De Jeugd- en Gezinsbeschermers: two UTF-8 CSV files, comma separated, ISO dates.

``personen_<day>.csv`` has one row per person with the zaak it belongs to; ``zaken_<day>.csv`` one
row per zaak with its betrokkenen as a ``;``-separated list of person ids.
"""

from pathlib import Path

import pandas as pd

from hub.demo.population import Population
from hub.demo.writers.common import (
    CASE_TYPE,
    ROLE,
    SEX,
    STATUS,
    day,
    ints,
    mapped,
    partner_cases,
    partner_rows,
    texts,
)

PARTNER = "jgb"


def native_frames(population: Population) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(personen, zaken) as the JGB system exports them."""
    rows = partner_rows(population, PARTNER)
    personen = pd.DataFrame(
        {
            "persoon_id": texts(rows["source_record_id"]),
            "zaak_id": texts(rows["case_id"]),
            "rol": mapped(rows["role"], ROLE[PARTNER]),
            "voornaam": texts(rows["first_names"]),
            "tussenvoegsel": texts(rows["surname_prefix"]),
            "achternaam": texts(rows["surname"]),
            "geboortedatum": texts(rows["birth_date"]),
            "geslacht": mapped(rows["sex"], SEX[PARTNER]),
            "bsn": texts(rows["bsn"]),
            "straat": texts(rows["street"]),
            "huisnummer": ints(rows["house_number"]),
            "huisletter": texts(rows["house_letter"]),
            "toevoeging": texts(rows["house_number_suffix"]),
            "postcode": texts(rows["postcode"]),
            "plaats": texts(rows["city"]),
        }
    )
    cases = partner_cases(population, PARTNER)
    zaken = pd.DataFrame(
        {
            "zaak_id": texts(cases["case_id"]),
            "soort": mapped(cases["case_type"], CASE_TYPE[PARTNER]),
            "status": mapped(cases["status"], STATUS[PARTNER]),
            "begindatum": [day(v, "%Y-%m-%d") for v in cases["start_date"]],
            "einddatum": [day(v, "%Y-%m-%d") for v in cases["end_date"]],
            "reden_einde": texts(cases["end_reason"]),
            "jeugdbeschermer": texts(cases["case_worker_name"]),
            "contact": texts(cases["case_worker_contact"]),
            "betrokkenen": [";".join(ids) for ids in cases["person_record_ids"]],
        }
    )
    return personen, zaken


def write(population: Population, folder: Path) -> int:
    """Write both files into ``folder/inbox``; returns the number of person rows."""
    inbox = folder / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    personen, zaken = native_frames(population)
    personen.to_csv(inbox / "personen_20261101.csv", index=False, encoding="utf-8")
    zaken.to_csv(inbox / "zaken_20261101.csv", index=False, encoding="utf-8")
    return len(personen)
