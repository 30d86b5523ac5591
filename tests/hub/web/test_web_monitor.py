"""The manager role sees the monitor and nothing else; guides on the web with role checks."""

import re

import pytest
import sqlalchemy as sa
from web_helpers import assert_refused_everywhere_but, client_for, login, nl, route_methods
from web_store import PASSWORD

from hub.access.users import create_user
from schemas.access import audit_log

ALLOWED_FOR_MANAGER = {("GET", "/monitor"), ("GET", "/api/monitor"), ("GET", "/api/me"),
                       ("GET", "/api/openapi.json"), ("POST", "/logout"), ("GET", "/")}
ID_LIKE = re.compile(r"\b[HP]-[A-Z0-9]{4,}\b")


@pytest.fixture
def manager(filled_engine: sa.Engine):
    create_user(filled_engine, "mona", PASSWORD, "manager", display_name="Mona Manager")
    client = client_for(filled_engine)
    token = login(client, "mona", PASSWORD)
    return client, token


def test_manager_cannot_open_any_page_or_api_but_the_monitor(manager, filled_engine) -> None:
    client, token = manager
    routes = route_methods(filled_engine)
    assert ("GET", "/households/{household_id}") in routes and ("GET", "/monitor") in routes
    checked = assert_refused_everywhere_but(client, token, filled_engine, ALLOWED_FOR_MANAGER)
    assert checked >= 15
    home = client.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/monitor"


def test_manager_sees_the_monitor_without_any_id(manager) -> None:
    client, _token = manager
    page = client.get("/monitor?van=2025-12&tot=2026-02")
    assert page.status_code == 200
    assert page.text.count("<svg") >= 10
    assert "<script" not in page.text
    assert not ID_LIKE.search(page.text)
    assert "&lt;5" in page.text  # the family's one household is a small count
    api = client.get("/api/monitor?van=2025-12&tot=2026-02")
    assert api.status_code == 200
    cells = api.json()["cells"]
    assert {c["month"] for c in cells} >= {"2025-12", "2026-01", "2026-02", "totaal"}
    assert not ID_LIKE.search(api.text)
    assert all(c["value"] is None or not 1 <= c["value"] <= 4 for c in cells
               if c["indicator"] not in ("partners_per_household", "faces_per_household"))
    assert client.get("/monitor?van=2026-13").status_code == 400
    assert client.get("/monitor?van=2026-05&tot=2026-01").status_code == 400


def test_staff_may_not_open_the_monitor(filled_engine: sa.Engine) -> None:
    client = client_for(filled_engine)
    login(client, "staff", PASSWORD)
    assert client.get("/monitor").status_code == 403
    assert client.get("/api/monitor").status_code == 403


def test_rst_coordinator_registers_a_guide_shown_on_household_and_in_search(
        filled_engine: sa.Engine) -> None:
    create_user(filled_engine, "rita", PASSWORD, "rst_coordinator", display_name="Rita RST")
    client = client_for(filled_engine)
    token = login(client, "rita", PASSWORD)
    page = client.post("/households/H-FAMILY/guide", data={
        "csrf_token": token, "name": "Gerda Gids", "organisation": "RST Zaanstreek",
        "contact": "06-11112222", "since": "01-09-2026"})
    assert page.status_code == 200 and "Gerda Gids" in page.text and "01-09-2026" in page.text
    found = client.post("/search", data={"csrf_token": token, "name": "Jan van der Berg"})
    assert "Gerda Gids" in found.text
    bad = client.post("/households/H-FAMILY/guide", data={
        "csrf_token": token, "name": "X", "organisation": "Y", "contact": "Z",
        "since": "31-02-2026"})
    assert bad.status_code == 400
    api = client.get("/api/households/H-FAMILY").json()
    [guide] = api["guides"]
    ended = client.post(f"/api/guides/{guide['guide_id']}/end", headers={"X-CSRF-Token": token},
                        json={"until": "2026-11-30", "reason": "family moved on"})
    assert ended.status_code == 200 and ended.json()["until"] == "2026-11-30"
    with filled_engine.connect() as conn:
        actions = [r.action for r in conn.execute(sa.select(audit_log.c.action))]
    assert "guide_set" in actions and "guide_end" in actions


def test_staff_may_not_register_a_guide_and_the_attempt_is_audited(
        filled_engine: sa.Engine) -> None:
    client = client_for(filled_engine)
    token = login(client, "staff", PASSWORD)
    page = client.get("/households/H-FAMILY")
    assert nl("No fixed guide registered.") in page.text and 'action="/households/' not in page.text
    refused = client.post("/households/H-FAMILY/guide", data={
        "csrf_token": token, "name": "Gerda", "organisation": "RST", "contact": "06",
        "since": "01-09-2026"})
    assert refused.status_code == 403
    with filled_engine.connect() as conn:
        denied = conn.execute(sa.select(audit_log.c.detail).where(
            audit_log.c.action == "denied")).scalars().all()
    assert any("manage_guides" in d for d in denied)


def test_steward_sees_guides_to_settle(filled_engine: sa.Engine) -> None:
    from datetime import UTC, date, datetime

    from schemas.guides import guides

    with filled_engine.begin() as conn:  # two current guides, as a merge leaves them
        for name in ("Anna Gids", "Bert Gids"):
            conn.execute(guides.insert().values(
                household_id="H-FAMILY", name=name, organisation="RST", contact="06-1",
                since=date(2026, 5, 1), registered_by="x", registered_at=datetime.now(UTC)))
    client = client_for(filled_engine)
    login(client, "steward", PASSWORD)
    page = client.get("/guides")
    assert page.status_code == 200
    assert "Anna Gids" in page.text and "Bert Gids" in page.text and "H-FAMILY" in page.text
    household = client.get("/households/H-FAMILY")
    conflict = nl("Two fixed guides after households were merged: a steward must end one.")
    assert conflict in household.text
    staff = client_for(filled_engine)
    login(staff, "staff", PASSWORD)
    assert staff.get("/guides").status_code == 403
