"""The small family the web and access tests know exactly (a plain module, importable by name).

The store is filled through the store's own tables with a hand-made published version whose
contents the tests know exactly: a household with a mother at a Blijf Groep shelter (confidential
address), a child known to two partners, a father, an unrelated person, one open review item and a
quarantined row that holds a BSN.
"""

import json
from datetime import UTC, date, datetime

import sqlalchemy as sa

from hub.store.build import pair_item_id
from schemas import store as s

PASSWORD = "demo-password-123"
NOW = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
CHILD_BSN = "123456782"
MOTHER_BSN = "111222333"
SHELTER = {"street": "Geheimstraat", "house_number": 7, "postcode": "1441XX", "city": "Purmerend"}
REVIEW_ITEM = pair_item_id("rvdk", "R-5", "veilig_thuis", "VT-2")
SECOND_ITEM = pair_item_id("jbra", "J-2", "rvdk", "R-5")
"""With REVIEW_ITEM one candidate group: R-5 against both records of the child."""

_RECORDS = [
    # source, id, person, household, bsn, first, prefix, surname, birth, sex, role, confidential
    ("blijf_groep", "BG-1", "P-MOTHER", "H-FAMILY", MOTHER_BSN, "Fatma", None, "Çelik",
     "1985-04-12", "V", "victim", True),
    ("veilig_thuis", "VT-1", "P-MOTHER", "H-FAMILY", None, "Fatma", None, "Celik", "1985-04-12",
     "V", "parent_with_custody", False),
    ("veilig_thuis", "VT-2", "P-CHILD", "H-FAMILY", CHILD_BSN, "Jan", "van der", "Berg",
     "2014-03-07", "M", "child", False),
    ("jbra", "J-2", "P-CHILD", "H-FAMILY", CHILD_BSN, "Jan", "v.d.", "Berg", "2014-03-07", "M",
     "child", False),
    ("veilig_thuis", "VT-3", "P-FATHER", "H-FAMILY", None, "Mohammed", None, "El Amrani", "1980",
     "M", "alleged_perpetrator", False),
    ("rvdk", "R-5", "P-OTHER", "H-OTHER", None, "Jan", "van den", "Berg", "2014-07-03", "M",
     "child", False),
    ("wss", "W-1", "P-ANNA", "H-OTHER", "999888777", "Anna", "de", "Vries", "2001-01-02", "V",
     "parent_with_custody", False),
]
_ADDRESS = {"street": "Dorpsstraat", "house_number": 12, "postcode": "1501AB", "city": "Zaandam",
            "municipality_code": "0479"}


def fill_store(engine: sa.Engine) -> None:
    """Insert one published version (id 1) with the family above."""
    rows, secret, links, persons = [], [], [], {}
    for (source, rid, pid, hid, bsn, first, prefix, surname, birth, sex, role,
         confidential) in _RECORDS:
        address = dict.fromkeys(_ADDRESS) if confidential else _ADDRESS  # same keys: executemany
        rows.append({"version_id": 1, "source": source, "source_record_id": rid, "person_id": pid,
                     "household_id": hid, "bsn": bsn, "first_names": first,
                     "surname_prefix": prefix, "surname": surname, "birth_date": birth,
                     "sex": sex, **address, "address_confidential": confidential,
                     "source_household_ref": None, "role": role, "extracted_at": NOW,
                     "origin": f"demo:{source}", "origin_row": len(rows) + 1,
                     "content_hash": f"h{len(rows)}"})
        if confidential:
            secret.append({"version_id": 1, "source": source, "source_record_id": rid,
                           **SHELTER})
        links.append({"version_id": 1, "source": source, "source_record_id": rid,
                      "person_id": pid, "match_weight": 14.2, "config_version": "test",
                      "explanation": json.dumps({"prior": -3.1, "first_name": ["exact", 6.2],
                                                 "surname": ["fuzzy", 4.0], "total": 14.2})})
        person = persons.setdefault(pid, {
            "version_id": 1, "person_id": pid, "household_id": hid, "bsn": bsn,
            "first_names": first, "surname_prefix": prefix, "surname": surname,
            "birth_date": birth, "sex": sex, "has_confidential_address": False,
            "record_count": 0, "sources": "", **_ADDRESS})
        person["record_count"] += 1
        person["bsn"] = person["bsn"] or bsn
        person["sources"] = ",".join(sorted({*filter(None, person["sources"].split(",")),
                                             source}))
        if confidential:
            person.update({"has_confidential_address": True, "street": None,
                           "house_number": None, "postcode": None, "city": None,
                           "municipality_code": None})
    members = [{"version_id": 1, "household_id": p["household_id"], "person_id": p["person_id"],
                "role": r[10], "roles": r[10]}
               for p in persons.values() for r in _RECORDS if r[2] == p["person_id"]]
    members = list({(m["household_id"], m["person_id"]): m for m in members}.values())
    cases = [("veilig_thuis", "M-1", "melding", "lopend", "Sanne Bakker", "06-12345678",
              ["VT-1", "VT-2", "VT-3"]),
             ("blijf_groep", "BG-9", "opvang", "lopend", "Els Visser", "opvang@blijf.example",
              ["BG-1"]),
             ("jbra", "JB-3", "ots", "lopend", "Kees de Wit", "020-5551234", ["J-2"])]
    person_of = {(r[0], r[1]): r[2] for r in _RECORDS}
    with engine.begin() as conn:
        conn.execute(s.versions.insert(), [{"version_id": 1, "run_id": "run-1",
                                            "status": "published", "created_at": NOW,
                                            "published_at": NOW}])
        conn.execute(s.published_version.insert(), [{"id": 1, "version_id": 1,
                                                     "published_at": NOW}])
        conn.execute(s.runs.insert(), [{"run_id": "run-1", "kind": "publish",
                                        "status": "published", "started_at": NOW,
                                        "version_id": 1}])
        conn.execute(s.run_sources.insert(), [
            {"run_id": "run-1", "source": src, "status": "ok", "last_success_at": NOW}
            for src in ("veilig_thuis", "blijf_groep", "jbra", "rvdk", "wss")])
        conn.execute(s.source_records.insert(), rows)
        conn.execute(s.confidential_addresses.insert(), secret)
        conn.execute(s.person_links.insert(), links)
        conn.execute(s.persons.insert(), list(persons.values()))
        conn.execute(s.households.insert(), [
            {"version_id": 1, "household_id": "H-FAMILY", "member_count": 3, "child_count": 1,
             "sources": "blijf_groep,jbra,veilig_thuis", "has_confidential_address": True},
            {"version_id": 1, "household_id": "H-OTHER", "member_count": 2, "child_count": 1,
             "sources": "rvdk,wss", "has_confidential_address": False}])
        conn.execute(s.household_members.insert(), members)
        conn.execute(s.registrations.insert(), [
            {"version_id": 1, "source": src, "case_id": cid, "case_type": kind,
             "status": status, "start_date": date(2026, 1, 5), "case_worker_name": worker,
             "case_worker_contact": contact, "extracted_at": NOW, "origin": f"demo:{src}",
             "origin_row": 1, "content_hash": cid} for src, cid, kind, status, worker, contact, _
            in cases])
        conn.execute(s.registration_persons.insert(), [
            {"version_id": 1, "source": src, "case_id": cid, "source_record_id": rid,
             "person_id": person_of[(src, rid)]} for src, cid, *_, rids in cases for rid in rids])
        conn.execute(s.review_queue.insert(), [{
            "version_id": 1, "item_id": REVIEW_ITEM, "left_source": "rvdk",
            "left_record_id": "R-5", "right_source": "veilig_thuis", "right_record_id": "VT-2",
            "left_person_id": "P-OTHER", "right_person_id": "P-CHILD", "match_weight": 2.5,
            "match_probability": 0.62, "reason": "birth date differs, names agree",
            "explanation": json.dumps({"first_name": ["exact", 6.2],
                                       "birth_date": ["day_month_swapped", 1.1]})}, {
            "version_id": 1, "item_id": SECOND_ITEM, "left_source": "jbra",
            "left_record_id": "J-2", "right_source": "rvdk", "right_record_id": "R-5",
            "left_person_id": "P-CHILD", "right_person_id": "P-OTHER", "match_weight": 1.5,
            "match_probability": 0.74, "reason": "uncertain_match_weight",
            "explanation": json.dumps({"prior": -3.1, "first_name": ["exact", 6.2],
                                       "surname": ["jw_0.92", 2.0],
                                       "birth_date": ["day_month_swapped", 1.1],
                                       "bsn": ["missing", 0.0], "sex": ["equal", 0.4],
                                       "address": ["different", -5.1], "total": 1.5})}])
        conn.execute(s.quarantine.insert(), [{
            "partner": "wss", "run_id": "run-1", "stage": "extract", "dataset": "persons",
            "origin": "wss.csv", "origin_row": 4, "source_record_id": "W-9",
            "rule": "birth_date_format", "field": "birth_date", "reason": "date not understood",
            "severity": "row", "quarantined_at": NOW,
            "record": json.dumps({"bsn": "555444333", "surname": "Jansen",
                                  "address_confidential": False, "street": "Kerkweg"})}])
