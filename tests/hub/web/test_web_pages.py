"""What staff and stewards see and do: search, household, person, review, audit trail."""

from datetime import UTC, datetime

import sqlalchemy as sa
from web_helpers import client_for, login
from web_store import PASSWORD, REVIEW_ITEM, SECOND_ITEM

from hub.access import audit
from hub.store.decisions import decisions_for_matching

GROUP = min(REVIEW_ITEM, SECOND_ITEM)
"""A candidate group is named after its smallest item id."""


def test_staff_find_a_misspelled_child_and_see_whom_to_call(filled_engine) -> None:
    with client_for(filled_engine) as client:
        token = login(client, "staff", PASSWORD)
        results = client.post("/search", data={"name": "jan vd bergh", "csrf_token": token})
        household = client.get("/households/H-FAMILY")
    assert "/persons/P-CHILD" in results.text and "/households/H-FAMILY" in results.text
    for text in ("Jan van der Berg", "Fatma Çelik", "Mohammed El Amrani", "Sanne Bakker",
                 "06-12345678", "melding huiselijk geweld", "opvang", "ondertoezichtstelling",
                 "Veilig Thuis Zaanstreek-Waterland"):
        assert text in household.text, text
    assert "Hoe actueel" in household.text and "01-11-2026" in household.text
    assert "Gezin El Amrani / Çelik / Van der Berg" in household.text  # family names, eldest first
    assert "Ook bekend als: Fatma Celik (Veilig Thuis Zaanstreek-Waterland)" in household.text
    assert "Jan v.d. Berg (Jeugdbescherming Regio Amsterdam)" in household.text
    active = household.text.split("Lopende zaken")[1].split("Het traject")[0]
    assert active.count('class="case is-active"') == 3  # one row per case, not per member
    assert 'href="tel:0612345678"' in active and 'href="mailto:opvang@blijf.example"' in active
    assert "ondertoezichtstelling (OTS)" in active and "maatregel" in active
    assert household.text.count('class="bar measure') == 1  # the OTS stands out on the line


def test_the_golden_name_rule_in_words() -> None:
    from hub.web import i18n
    from hub.web.views import name_rule

    i18n.set_language("nl")
    assert name_rule("jbra").startswith("this partner ranks first")  # a msgid, shown translated
    assert name_rule("veilig_thuis") == "no partner that ranks higher for names knows this person"
    assert name_rule("new_partner") == "the only or highest-ranked partner that knows this person"
    assert name_rule(None) is None


def test_search_combines_criteria(filled_engine) -> None:
    with client_for(filled_engine) as client:
        token = login(client, "staff", PASSWORD)
        headers = {"X-CSRF-Token": token}
        by_date = client.post("/api/search", json={"name": "Berg", "birth_date": "7-3-2014"},
                              headers=headers).json()
        by_address = client.post("/api/search", json={"postcode": "1501 ab",
                                                      "house_number": "12"},
                                 headers=headers).json()
        bad_date = client.post("/api/search", json={"birth_date": "31-02-2014"}, headers=headers)
    assert [h["person_id"] for h in by_date["hits"]] == ["P-CHILD"]
    assert "P-MOTHER" not in {h["person_id"] for h in by_address["hits"]}  # shelter: no address
    assert {"P-CHILD", "P-FATHER", "P-ANNA"} <= {h["person_id"] for h in by_address["hits"]}
    assert bad_date.status_code == 400
    assert all("bsn" not in h for h in by_date["hits"])


def test_person_page_explains_each_link(filled_engine) -> None:
    with client_for(filled_engine) as client:
        login(client, "staff", PASSWORD)
        page = client.get("/persons/P-CHILD")
        api = client.get("/api/persons/P-CHILD").json()
    assert "Veilig Thuis Zaanstreek-Waterland" in page.text and "J-2" in page.text
    assert "Dorpsstraat 12, 1501AB Zaandam" in page.text  # no secret: addresses are shown
    assert "voornaam" in page.text and "gelijk" in page.text
    assert {r["source_record_id"] for r in api["records"]} == {"VT-2", "J-2"}
    assert api["records"][0]["explanation"]["total"] == 14.2


def test_steward_decides_a_review_item_for_the_next_run(filled_engine) -> None:
    with client_for(filled_engine) as client:
        token = login(client, "steward", PASSWORD)
        queue = client.get("/review")
        assert f"/review/group/{GROUP}" in queue.text
        item = client.get(f"/review/{REVIEW_ITEM}")
        assert "R-5" in item.text and "VT-2" in item.text and "dag en maand" in item.text
        done = client.post(f"/review/{REVIEW_ITEM}/decision",
                           data={"decision": "cannot_link", "reason": "different birth dates",
                                 "csrf_token": token})
        assert done.status_code == 200 and "different birth dates" in done.text
        assert "volgende verwerking" in done.text  # says when it takes effect
    decisions = decisions_for_matching(filled_engine)
    assert decisions.to_dict("records") == [{
        "left_source": "rvdk", "left_record_id": "R-5", "right_source": "veilig_thuis",
        "right_record_id": "VT-2", "decision": "cannot_link"}]
    entry = [e for e in audit.iter_entries(filled_engine) if e.action == "decision"][-1]
    assert entry.actor == "steward" and entry.target_id == REVIEW_ITEM
    assert entry.reason == "different birth dates"


def test_review_by_candidate_group_with_aligned_records_and_waterfall(filled_engine) -> None:
    with client_for(filled_engine) as client:
        login(client, "steward", PASSWORD)
        queue = client.get("/review")
        group = client.get(f"/review/group/{SECOND_ITEM}")  # any pair names its group
        by_partner = client.get("/review?partner=wss")
        by_reason = client.get("/review?reason=uncertain_match_weight")
        old = client.get("/review?age=3650")
    assert "3 registraties, 2 paren" in queue.text and "1 kandidaatgroep" in queue.text
    for text in ("R-5", "VT-2", "J-2", "Veilig Thuis Zaanstreek-Waterland",
                 "Het bewijs is niet sterk genoeg", "wijkt af", "dag en maand verwisseld",
                 "Overslaan: twijfel", "volgende verwerking"):
        assert text in group.text, text
    assert group.text.count("<svg") >= 8 and 'class="down"' in group.text  # the waterfall
    assert "uncertain_match_weight" not in group.text.split("<main")[1].replace(
        'value="uncertain_match_weight"', "")
    assert "Niets te beoordelen" in by_partner.text
    assert "/review/group/" in by_reason.text and "Niets te beoordelen" in old.text


def test_steward_decides_a_group_undoes_it_and_splits_a_person(filled_engine) -> None:
    with client_for(filled_engine) as client:
        token = login(client, "steward", PASSWORD)
        decided = client.post(f"/review/group/{REVIEW_ITEM}/decision", data={
            f"d_{REVIEW_ITEM}": "cannot_link", f"d_{SECOND_ITEM}": "skip",
            "reason": "other birth date, other child", "csrf_token": token})
        assert "Besluit vastgelegd" in decided.text
        assert "Afwijzen: verschillende personen" in decided.text
        assert decisions_for_matching(filled_engine)["decision"].tolist() == ["cannot_link"]
        with filled_engine.connect() as conn:
            decision_id = conn.execute(sa.text(
                "select decision_id from steward_decisions")).scalar()
        undone = client.post(f"/review/decisions/{decision_id}/undo",
                             data={"csrf_token": token})
        assert "Besluit teruggedraaid" in undone.text and "teruggedraaid op" in undone.text
        assert decisions_for_matching(filled_engine).empty
        assert f"/review/group/{GROUP}" in undone.text  # open again
        again = client.post(f"/review/decisions/{decision_id}/undo", data={"csrf_token": token})
        assert again.status_code == 404
        person = client.get("/persons/P-CHILD")
        assert "Deze registratie afsplitsen" in person.text
        split = client.post("/persons/P-CHILD/split", data={
            "source": "jbra", "record_id": "J-2", "reason": "another child entirely",
            "csrf_token": token})
        assert "Splitsing vastgelegd" in split.text
        stranger = client.post("/persons/P-CHILD/split", data={
            "source": "rvdk", "record_id": "R-5", "reason": "another child entirely",
            "csrf_token": token})
        assert stranger.status_code == 404
    assert decisions_for_matching(filled_engine).to_dict("records") == [{
        "left_source": "jbra", "left_record_id": "J-2", "right_source": "veilig_thuis",
        "right_record_id": "VT-2", "decision": "cannot_link"}]
    actions = [e.action for e in audit.iter_entries(filled_engine)]
    assert {"decision", "decision_revoked", "split"} <= set(actions)


def test_staff_may_not_split_or_undo(filled_engine) -> None:
    with client_for(filled_engine) as client:
        token = login(client, "staff", PASSWORD)
        person = client.get("/persons/P-CHILD")
        split = client.post("/persons/P-CHILD/split", data={
            "source": "jbra", "record_id": "J-2", "reason": "another child entirely",
            "csrf_token": token})
    assert "afsplitsen" not in person.text and split.status_code == 403
    assert decisions_for_matching(filled_engine).empty


def test_every_read_is_in_a_verifiable_audit_trail(filled_engine) -> None:
    with client_for(filled_engine) as client:
        token = login(client, "steward", PASSWORD)
        client.post("/search", data={"name": "Vries", "csrf_token": token})
        client.get("/households/H-OTHER")
        client.get("/persons/P-ANNA")
        client.get("/quarantine")
    entries = list(audit.iter_entries(filled_engine))
    assert [(e.action, e.target_kind, e.target_id) for e in entries] == [
        ("login", None, None), ("view", "review_queue", None), ("search", "search", None),
        ("view", "household", "H-OTHER"),
        ("view", "person", "P-ANNA"), ("view", "quarantine", None)]
    assert all(e.actor == "steward" for e in entries)
    assert audit.verify(filled_engine).ok


def test_admin_creates_a_user_with_a_one_time_password(filled_engine) -> None:
    with client_for(filled_engine) as client:
        token = login(client, "admin", PASSWORD)
        page = client.post("/admin/users", data={"username": "nina", "role": "steward",
                                                 "partner": "jbra", "csrf_token": token})
        password = page.text.split("eenmalig getoond: <strong class=\"mono\">")[1].split("<")[0]
        audit_page = client.get("/admin/audit")
    assert "Keten intact" in audit_page.text
    with client_for(filled_engine) as client:
        login(client, "nina", password)
        me = client.get("/api/me").json()
    assert me["role"] == "steward" and me["partner"] == "jbra"


def test_a_new_published_version_is_searched_after_refresh(filled_engine) -> None:
    from hub.web.app import create_app
    from hub.web.config import WebConfig
    from schemas import store as s

    app = create_app(filled_engine, WebConfig())
    service = app.state.hub.search
    service.start()
    with filled_engine.begin() as conn:
        conn.execute(s.persons.insert().values(
            version_id=2, person_id="P-NEW", household_id=None, first_names="Zoë",
            surname="Zwart", has_confidential_address=False, record_count=1, sources="ldh"))
        conn.execute(s.published_version.update().values(version_id=2))
    service.refresh(wait=True)
    from hub.web.search.index import Query

    assert [h.person_id for h in service.search(Query(name="Zoe Zwart")).hits] == ["P-NEW"]
    assert service.version == 2
    with filled_engine.connect() as conn:
        assert conn.execute(sa.select(s.published_version.c.version_id)).scalar() == 2


def test_quarantine_value_is_masked_and_a_later_delivery_counts_as_fixed(filled_engine) -> None:
    from hub.web.views import offending_value
    from schemas import store as s

    row = {"field": "bsn", "record": '{"bsn": "555444333", "surname": "Jansen"}'}
    assert offending_value(row) == "*******33"
    with filled_engine.begin() as conn:  # Anna's record W-1 was once held back, now published
        conn.execute(s.quarantine.insert().values(
            partner="wss", run_id="run-0", stage="extract", dataset="persons",
            origin="wss_old.csv", origin_row=2, source_record_id="W-1", rule="bsn_elfproef",
            field="bsn", reason="BSN fails the elfproef", severity="row",
            quarantined_at=datetime(2026, 10, 1, tzinfo=UTC),
            record='{"bsn": "999888770", "surname": "Vries"}'))
    with client_for(filled_engine) as client:
        login(client, "steward", PASSWORD)
        page = client.get("/quarantine?partner=wss")
    assert "hersteld door een latere levering" in page.text and "*******70" in page.text
    assert "999888770" not in page.text and "elfproef" in page.text


def test_steward_overview_draws_weights_quarantine_completeness_and_review_ages(
        filled_engine) -> None:
    from schemas import store as s

    with filled_engine.begin() as conn:
        conn.execute(s.run_sources.update().where(s.run_sources.c.source == "wss").values(
            counts='{"persons_read": 8, "persons_staged": 6, "persons_quarantined": 2, '
                   '"persons_out_of_scope": 0}'))
    with client_for(filled_engine) as client:
        login(client, "steward", PASSWORD)
        page = client.get("/overview")
    with client_for(filled_engine) as client:
        login(client, "staff", PASSWORD)
        staff = client.get("/overview")
    assert page.status_code == 200 and staff.status_code == 403
    text = page.text
    assert "Matchgewichten" in text and "logaritmische schaal" in text
    assert "9 gekoppelde registraties en te beoordelen paren" in text  # 7 links + 2 pairs
    assert "laatste verwerking 25.0%" in text  # 2 of 8 rows of WSS quarantined
    assert "Volledigheid van velden" in text and "voornamen 100%" in text
    assert "2 open paren in 1 kandidaatgroep." in text and "twijfelachtige match" in text
    assert " dagen: 2" in text  # both pairs first seen on 01-11-2026, in one age bucket
    assert text.count("<svg") >= 10 and "<script" not in text


def test_steward_assigns_a_group_and_filters_by_assignee(filled_engine) -> None:
    with client_for(filled_engine) as client:
        token = login(client, "steward", PASSWORD)
        before = client.get("/review?assignee=-")
        done = client.post(f"/review/group/{SECOND_ITEM}/assign",
                           data={"steward": "steward", "csrf_token": token})
        mine = client.get("/review?assignee=steward")
        nobody = client.get("/review?assignee=-")
        bad = client.post(f"/review/group/{GROUP}/assign",
                          data={"steward": "staff", "csrf_token": token})
    assert f"/review/group/{GROUP}" in before.text
    assert "toegewezen aan steward" in done.text and "Toegewezen." in done.text
    assert f"/review/group/{GROUP}" in mine.text and "Niets te beoordelen" in nobody.text
    assert bad.status_code == 400  # staff is not a data steward
    assert any(e.action == "review_assigned" for e in audit.iter_entries(filled_engine))


def test_freshness_is_the_age_of_the_last_delivery_with_data(filled_engine) -> None:
    """A later run that read nothing from a partner does not make its data look newer."""
    from web_store import NOW

    from schemas import store as s

    later = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    with filled_engine.begin() as conn:
        conn.execute(s.run_sources.update().values(counts='{"persons_read": 3}'))
        conn.execute(s.runs.insert().values(run_id="run-2", kind="publish", status="published",
                                            started_at=later, version_id=1))
        conn.execute(s.run_sources.insert(), [
            {"run_id": "run-2", "source": "veilig_thuis", "status": "ok",
             "last_success_at": later, "counts": '{"persons_read": 0, "persons_staged": 0}'},
            {"run_id": "run-2", "source": "jbra", "status": "ok", "last_success_at": later,
             "counts": '{"persons": {"read": 4, "staged": 4}}'}])
    with client_for(filled_engine) as client:
        login(client, "staff", PASSWORD)
        page = client.get("/households/H-FAMILY")
    fresh = page.text.split("Hoe actueel")[1]
    vt = fresh.split("Veilig Thuis Zaanstreek-Waterland")[1].split("</li>")[0]
    jbra = fresh.split("Jeugdbescherming Regio Amsterdam")[1].split("</li>")[0]
    assert f"{NOW:%d-%m-%Y}" in vt and "20-11-2026" not in vt  # nothing new on 20-11
    assert "20-11-2026" in jbra
    assert "Raad voor de Kinderbescherming" not in fresh  # not involved with this family
