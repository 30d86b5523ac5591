"""Blijf Groep: a tab-separated UTF-8 export (with BOM) with a "Geheim adres" flag per client.

Women and children in a shelter have the shelter's address, flagged ``ja``: several unrelated
families share it. Names come as "Roepnaam" and "Achternaam" with the tussenvoegsel in front
("van der Berg"); house numbers combined ("12a-2"); dates dd/mm/jjjj.
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
    house_number_text,
    mapped,
    partial_date,
    partner_rows,
    spaced_postcode,
    texts,
)

PARTNER = "blijf_groep"


def _surname(prefix: object, surname: object) -> str | None:
    if not isinstance(surname, str):
        return None
    return f"{prefix} {surname}" if isinstance(prefix, str) else surname


def native_frame(population: Population) -> pd.DataFrame:
    """The client export as Blijf Groep's system writes it."""
    rows = partner_rows(population, PARTNER)
    postcodes = [spaced_postcode(v, lower=i % 3 == 0) for i, v in enumerate(rows["postcode"])]
    return pd.DataFrame(
        {
            "Cliëntnummer": texts(rows["source_record_id"]),
            "Dossiernummer": texts(rows["case_id"]),
            "Traject": mapped(rows["case_type"], CASE_TYPE[PARTNER]),
            "Fase": mapped(rows["status"], STATUS[PARTNER]),
            "Startdatum": [day(v, "%d/%m/%Y") for v in rows["start_date"]],
            "Einddatum": [day(v, "%d/%m/%Y") for v in rows["end_date"]],
            "Reden uitstroom": texts(rows["end_reason"]),
            "Hulpverlener": texts(rows["case_worker_name"]),
            "Bereikbaar via": texts(rows["case_worker_contact"]),
            "Relatie tot dossier": mapped(rows["role"], ROLE[PARTNER]),
            "Roepnaam": texts(rows["first_names"]),
            "Achternaam": [_surname(p, s) for p, s in zip(rows["surname_prefix"],
                                                            rows["surname"], strict=True)],
            "Geboortedatum": [partial_date(v, "dmy", "/") for v in rows["birth_date"]],
            "Geslacht": mapped(rows["sex"], SEX[PARTNER]),
            "BSN": texts(rows["bsn"]),
            "Straat": texts(rows["street"]),
            "Huisnr": [house_number_text(n, letter, s) for n, letter, s in zip(
                rows["house_number"], rows["house_letter"], rows["house_number_suffix"],
                strict=True)],
            "Postcode": postcodes,
            "Plaats": texts(rows["city"]),
            "Geheim adres": ["ja" if v else "nee" for v in rows["address_confidential"]],
        }
    )


def write(population: Population, folder: Path) -> int:
    """Write ``folder/inbox/blijf_clienten_<day>.txt``; returns the number of person rows."""
    inbox = folder / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    frame = native_frame(population)
    frame.to_csv(inbox / "blijf_clienten_20261101.txt", sep="\t", index=False,
                 encoding="utf-8-sig")
    return len(frame)
