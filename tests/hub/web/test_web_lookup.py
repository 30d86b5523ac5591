"""'Is dit gezin bekend?': the lookup page and POST /api/match over the known test family."""

import json
from datetime import UTC, date, datetime
from functools import cache

import pytest
import sqlalchemy as sa
from web_helpers import assert_refused_everywhere_but, client_for, login, nl
from web_store import CHILD_BSN, PASSWORD

from hub.access.audit import iter_entries
from hub.access.users import create_user
from hub.demo import generate_population
from matching import link
from schemas import store as s

ALLOWED_FOR_OUTSIDE = {("GET", "/lookup"), ("POST", "/lookup"), ("POST", "/api/match"),
                       ("GET", "/api/me"), ("GET", "/api/openapi.json"), ("POST", "/logout"),
                       ("GET", "/")}
PURPOSE = "melding Veilig Thuis: is het gezin bekend bij het veiligheidsteam?"


@cache
def _model() -> dict:
    """A model fitted by a real full run (the demo population), as publish keeps it."""
    return link(generate_population(800, seed=5).persons).stats["model"]


@pytest.fixture
def engine(filled_engine: sa.Engine) -> sa.Engine:
    """The family, a twin of the child in the same household, the run's model, and an outside
    professional."""
    with filled_engine.begin() as conn:
        conn.execute(s.runs.insert().values(
            run_id="run-lookup", kind="publish", status="published",
            started_at=datetime(2026, 11, 2, tzinfo=UTC), version_id=1,
            stats=json.dumps({"model": _model()})))
        conn.execute(s.persons.insert().values(
            version_id=1, person_id="P-TWIN", household_id="H-FAMILY", first_names="Piet",
            surname_prefix="van der", surname="Berg", birth_date="2014-03-07", sex="M",
            street="Dorpsstraat", house_number=12, postcode="1501AB", city="Zaandam",
            has_confidential_address=False, record_count=1, sources="jbra"))
        conn.execute(s.household_members.insert().values(
            version_id=1, household_id="H-FAMILY", person_id="P-TWIN"))
    create_user(filled_engine, "outside", PASSWORD, "outside_professional",
                display_name="Lo Lokaal team")
    return filled_engine


def _match(client, token: str, persons: list[dict], purpose: str = PURPOSE):
    return client.post("/api/match", json={"purpose": purpose, "persons": persons},
                       headers={"X-CSRF-Token": token})


def _age(born: date) -> int:
    today = date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def test_finds_family_from_misspelled_name_and_estimated_age(engine: sa.Engine) -> None:
    client = client_for(engine)
    token = login(client, "staff", PASSWORD)
    answer = _match(client, token, [
        {"first_names": "Fatma", "surname": "Celk", "age": _age(date(1985, 4, 12))},
        {"first_names": "Jan", "surname_prefix": "vd", "surname": "Bergh",
         "birth_date": "2014"}]).json()
    assert answer["known"] is True
    best = answer["households"][0]
    assert best["household_id"] == "H-FAMILY"
    matched = {p["input_index"]: p["person_id"] for p in best["persons"]}
    assert matched == {0: "P-MOTHER", 1: "P-CHILD"}
    assert best["match_probability"] > 0.9
    words = best["persons"][0]["explanation"]
    assert any(w.startswith("voornaam") or w.startswith("first name") for w in words)
    assert {c["partner"] for c in best["contacts"]} >= {"veilig_thuis"}
    assert set(best["partners"]) >= {"veilig_thuis", "jbra"}
    assert all(c["case_worker_contact"] for c in best["contacts"])


def test_twin_is_not_offered_as_the_entered_child(engine: sa.Engine) -> None:
    client = client_for(engine)
    token = login(client, "staff", PASSWORD)
    # a third child of the same birth date, not yet known: neither known twin is 'him'
    answer = _match(client, token, [{"first_names": "Kees", "surname_prefix": "van der",
                                     "surname": "Berg", "birth_date": "7-3-2014", "sex": "M"}])
    offered = {p["person_id"] for h in answer.json()["households"] for p in h["persons"]}
    assert not offered & {"P-CHILD", "P-TWIN"}
    # the twin himself is found as himself, not as his brother
    answer = _match(client, token, [{"first_names": "Piet", "surname": "van der Berg",
                                     "birth_date": "2014-03-07"}]).json()
    assert [p["person_id"] for p in answer["households"][0]["persons"]] == ["P-TWIN"]


def test_new_family_is_not_known(engine: sa.Engine) -> None:
    client = client_for(engine)
    token = login(client, "staff", PASSWORD)
    answer = _match(client, token, [{"first_names": "Noor", "surname": "Bakkali",
                                     "birth_date": "2019-09-09", "postcode": "9999 ZZ",
                                     "house_number": 1}]).json()
    assert answer == {"known": False, "households": []}


def test_outside_role_learns_only_known_and_contact(engine: sa.Engine) -> None:
    client = client_for(engine)
    token = login(client, "outside", PASSWORD)
    response = _match(client, token, [{"first_names": "Jan", "surname": "van der Berg",
                                       "bsn": CHILD_BSN}])
    assert response.status_code == 200
    answer = response.json()
    assert answer["known"] is True
    text = response.text
    for secret in (CHILD_BSN, "Dorpsstraat", "1501", "2014", "Jan", "Berg", "ondertoezicht"):
        assert secret not in text
    assert all(h["persons"] == [] and h["partners"] == [] for h in answer["households"])
    assert answer["households"][0]["contacts"]


def test_outside_role_gets_403_on_every_other_route(engine: sa.Engine) -> None:
    client = client_for(engine)
    token = login(client, "outside", PASSWORD)
    checked = assert_refused_everywhere_but(client, token, engine, ALLOWED_FOR_OUTSIDE)
    assert checked >= 15
    home = client.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/lookup"


def test_outside_role_page_shows_known_and_contact_only(engine: sa.Engine) -> None:
    client = client_for(engine)
    token = login(client, "outside", PASSWORD)
    page = client.post("/lookup", data={
        "csrf_token": token, "purpose": PURPOSE, "first_names_0": "Fatma",
        "surname_0": "Çelik", "birth_date_0": "12-4-1985"})
    assert page.status_code == 200
    assert nl("Known: contact the people below") in page.text
    assert "06-" in page.text or "@" in page.text  # a case worker's contact
    assert "P-MOTHER" not in page.text and "1985" not in page.text.replace(
        'value="12-4-1985"', "")
    assert 'href="/households/' not in page.text


def test_staff_page_answers_and_names_the_wrong_field(engine: sa.Engine) -> None:
    client = client_for(engine)
    token = login(client, "staff", PASSWORD)
    page = client.post("/lookup", data={
        "csrf_token": token, "purpose": PURPOSE, "first_names_0": "Jan",
        "surname_0": "van der Berg", "birth_date_0": "7-3-2014", "first_names_1": "Fatma",
        "surname_1": "Celik"})
    assert page.status_code == 200 and "P-CHILD" in page.text
    assert nl("first name") in page.text  # the per-field explanation in words
    bad = client.post("/lookup", data={"csrf_token": token, "purpose": PURPOSE,
                                       "surname_1": "Berg", "bsn_1": "123456789"})
    assert bad.status_code == 422
    assert nl("Person %(n)s") % {"n": 2} in bad.text
    assert nl("this BSN fails the eleven test; check the digits") in bad.text
    assert "123456789" not in bad.text


def test_every_lookup_is_audited_without_a_clear_bsn(engine: sa.Engine) -> None:
    client = client_for(engine)
    token = login(client, "staff", PASSWORD)
    _match(client, token, [{"surname": "Berg", "bsn": CHILD_BSN}])
    _match(client, token, [{"surname": "Berg", "bsn": "123456789"}])  # fails the 11-test
    logged = [e for e in iter_entries(engine) if e.action in ("lookup", "lookup_refused")]
    assert [e.action for e in logged][-2:] in (["lookup", "lookup_refused"],
                                              ["lookup_refused", "lookup"])
    assert all(PURPOSE[:40] in (e.reason or "") for e in logged)
    dump = json.dumps([[e.detail, e.reason] for e in logged], default=str)
    assert CHILD_BSN not in dump and "123456789" not in dump


@pytest.mark.parametrize(("persons", "purpose", "field"), [
    ([{"surname": "Berg", "birth_date": "31-2-2014"}], PURPOSE, "persons[0].birth_date"),
    ([{"surname": "Berg", "bsn": "12345"}], PURPOSE, "persons[0].bsn"),
    ([{"surname": "Berg", "bsn": "123456789"}], PURPOSE, "persons[0].bsn"),
    ([{}], PURPOSE, "persons"),
    ([], PURPOSE, "persons"),
    ([{"surname": "Berg"}], "", "purpose"),
])
def test_bad_input_gets_its_message(engine: sa.Engine, persons: list, purpose: str,
                                    field: str) -> None:
    client = client_for(engine)
    token = login(client, "staff", PASSWORD)
    response = _match(client, token, persons, purpose)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert response.json()["detail"]


def test_match_needs_csrf_and_is_in_the_openapi_spec(engine: sa.Engine) -> None:
    client = client_for(engine)
    token = login(client, "staff", PASSWORD)
    refused = client.post("/api/match", json={"purpose": PURPOSE, "persons": [{"surname": "x"}]})
    assert refused.status_code == 403
    spec = client.get("/api/openapi.json").json()
    assert "/api/match" in spec["paths"]
    assert token
