"""Jeugdbescherming Regio Amsterdam: the data behind its REST API, as one JSON file.

``api_data.json`` holds ``clients`` (nested name and address objects, ISO dates, English keys, Dutch
role words) and ``cases`` (with ``clientIds``), each with an ``updatedAt`` timestamp for incremental
pulls. :mod:`hub.demo.api_server` serves it with paging and a bearer token.
"""

import json
from pathlib import Path

from hub.demo.population import Population
from hub.demo.writers.common import (
    CASE_TYPE,
    ROLE,
    SEX,
    STATUS,
    clean,
    partner_cases,
    partner_rows,
    updated_at,
)

PARTNER = "jbra"
DATA_FILE = "api_data.json"


def _iso(value: object) -> str | None:
    value = clean(value)
    return None if value is None else value.isoformat()


def _stamp(value: object) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def records(population: Population) -> dict[str, list[dict]]:
    """``{"clients": [...], "cases": [...]}`` as the JBRA API returns them."""
    rows = partner_rows(population, PARTNER)
    stamps = updated_at(rows)
    clients = []
    for r, stamp in zip(rows.itertuples(index=False), stamps, strict=True):
        number = clean(r.house_number)
        clients.append({
            "id": r.source_record_id,
            "caseId": r.case_id,
            "role": ROLE[PARTNER][r.role],
            "name": {"given": clean(r.first_names), "prefix": clean(r.surname_prefix),
                     "family": clean(r.surname)},
            "birthDate": clean(r.birth_date),
            "gender": None if clean(r.sex) is None else SEX[PARTNER][r.sex],
            "bsn": clean(r.bsn),
            "address": {
                "street": clean(r.street), "number": None if number is None else int(number),
                "letter": clean(r.house_letter), "addition": clean(r.house_number_suffix),
                "postalCode": clean(r.postcode), "city": clean(r.city),
                "municipalityCode": clean(r.municipality_code),
            },
            "updatedAt": _stamp(stamp),
        })
    cases_frame = partner_cases(population, PARTNER)
    case_stamps = updated_at(cases_frame)
    cases = [
        {
            "id": c.case_id,
            "type": CASE_TYPE[PARTNER][c.case_type],
            "status": STATUS[PARTNER][c.status],
            "startDate": _iso(c.start_date),
            "endDate": _iso(c.end_date),
            "endReason": clean(c.end_reason),
            "caseWorker": {"name": clean(c.case_worker_name),
                           "contact": clean(c.case_worker_contact)},
            "clientIds": list(c.person_record_ids),
            "updatedAt": _stamp(stamp),
        }
        for c, stamp in zip(cases_frame.itertuples(index=False), case_stamps, strict=True)
    ]
    return {"clients": clients, "cases": cases}


def write(population: Population, folder: Path) -> int:
    """Write ``folder/api_data.json``; returns the number of client records."""
    folder.mkdir(parents=True, exist_ok=True)
    data = records(population)
    (folder / DATA_FILE).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return len(data["clients"])
