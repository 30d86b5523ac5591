"""Disputed values: marked by a steward, shown with the partner to ask, gone when the partner's
delivery changes the value; the hub never edits the value."""

import sqlalchemy as sa
from typer.testing import CliRunner
from web_store import PASSWORD

from hub.cli import app
from hub.store import disputes
from schemas import store as s

runner = CliRunner()


def _birth_date(engine: sa.Engine, record: str) -> str:
    r = s.source_records.c
    with engine.connect() as conn:
        return conn.execute(sa.select(r.birth_date).where(r.source_record_id == record)).scalar()


def test_a_dispute_stays_until_the_delivery_changes_the_value(family: sa.Engine) -> None:
    dispute = disputes.add(family, "veilig_thuis", "VT-2", "birth_date", "steward",
                           "the child was born on 3 July")
    assert dispute.person_id == "P-CHILD" and dispute.status == disputes.OPEN
    assert _birth_date(family, "VT-2") == "2014-03-07"  # the hub changed nothing
    with family.begin() as conn:  # a delivery that changes only another field
        assert disputes.resolve_changed(conn, 1) == 0
    assert [d.dispute_id for d in disputes.listing(family, ["P-CHILD"])] == [dispute.dispute_id]
    r = s.source_records.c
    with family.begin() as conn:  # the partner corrected it: the next version has the new date
        conn.execute(s.source_records.update().where(r.source_record_id == "VT-2")
                     .values(birth_date="2014-07-03"))
        assert disputes.resolve_changed(conn, 1) == 1
    closed = disputes.get(family, dispute.dispute_id)
    assert (closed.status, closed.closed_by, closed.closed_version_id) == ("changed", "delivery",
                                                                          1)
    assert disputes.listing(family, ["P-CHILD"]) == []


def test_no_value_is_kept_in_clear(family: sa.Engine) -> None:
    disputes.add(family, "jbra", "J-2", "bsn", "steward")
    with family.connect() as conn:
        row = conn.execute(sa.select(s.disputes)).mappings().one()
    assert "123456782" not in " ".join(str(v) for v in row.values())


def test_pages_show_the_dispute_with_the_partner_to_ask(family: sa.Engine) -> None:
    from web_helpers import client_for, login, nl

    steward = client_for(family)
    token = login(steward, "steward", PASSWORD)
    done = steward.post("/persons/P-CHILD/disputes", data={
        "record": "veilig_thuis:VT-2", "field": "birth_date", "note": "wrong day",
        "csrf_token": token})
    assert done.status_code == 200
    assert nl("Disputed") in done.text and "088 000 1101" in done.text
    staff = client_for(family)
    login(staff, "staff", PASSWORD)
    household = staff.get("/households/H-FAMILY").text
    assert nl("Disputed") in household and "Veilig Thuis Zaanstreek-Waterland" in household
    assert "Mark as disputed" not in staff.get("/persons/P-CHILD").text  # staff may not mark
    staff_token = staff.get("/api/me").json()["csrf_token"]
    assert staff.post("/persons/P-CHILD/disputes", data={
        "record": "veilig_thuis:VT-2", "field": "sex", "csrf_token": staff_token},
    ).status_code == 403
    # a record of somebody else cannot be disputed through this person's page
    assert steward.post("/persons/P-CHILD/disputes", data={
        "record": "veilig_thuis:VT-1", "field": "name", "csrf_token": token}).status_code == 404
    dispute_id = disputes.listing(family, ["P-CHILD"])[0].dispute_id
    steward.post(f"/disputes/{dispute_id}/clear", data={"csrf_token": token})
    assert nl("Disputed") not in staff.get("/persons/P-CHILD").text


def test_cli_add_list_clear_and_wrong_values(family: sa.Engine) -> None:
    added = runner.invoke(app, ["dispute", "add", "--source", "jbra", "--record", "J-2",
                                "--field", "name", "--by", "steward"])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["dispute", "list", "--person", "P-CHILD"])
    assert "jbra:J-2" in listed.output and "name" in listed.output
    for args in (["--source", "jbra", "--record", "J-2", "--field", "shoe_size"],
                 ["--source", "jbra", "--record", "NOPE", "--field", "name"],
                 ["--source", "jbra", "--record", "J-2", "--field", "name"],  # already open
                 ["--source", "blijf_groep", "--record", "BG-1", "--field", "address"]):
        wrong = runner.invoke(app, ["dispute", "add", *args])
        assert wrong.exit_code == 2, (args, wrong.output)
    assert len(disputes.listing(family)) == 1
    dispute_id = disputes.listing(family)[0].dispute_id
    assert runner.invoke(app, ["dispute", "clear", str(dispute_id)]).exit_code == 0
    assert runner.invoke(app, ["dispute", "clear", str(dispute_id)]).exit_code == 2
    assert runner.invoke(app, ["dispute", "clear", "abc"]).exit_code == 2


def test_the_publish_of_a_changed_delivery_closes_the_dispute(hub_settings) -> None:
    import storefakes as fakes
    from store_linking import link_and_publish

    from hub.store.engine import open_store

    engine = open_store(hub_settings.store_url)
    persons = fakes.persons_frame(fakes.people(6))
    registrations = fakes.registrations_frame(persons)
    link_and_publish(engine, "run-1", persons, registrations)
    first, second = persons.iloc[0], persons.iloc[1]
    kept = disputes.add(engine, second.source, second.source_record_id, "name", "steward")
    changed = disputes.add(engine, first.source, first.source_record_id, "birth_date", "steward")
    corrected = persons.copy()
    corrected.loc[0, "birth_date"] = "1999-09-09"
    corrected.loc[0, "content_hash"] = "corrected"
    result = link_and_publish(engine, "run-2", corrected, registrations)
    assert result.status == "published"
    assert disputes.get(engine, changed.dispute_id).status == "changed"
    assert disputes.get(engine, changed.dispute_id).closed_version_id == result.version_id
    assert disputes.get(engine, kept.dispute_id).status == "open"
    engine.dispose()
