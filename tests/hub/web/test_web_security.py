"""The obvious attacks fail: no session, wrong role, missing CSRF token, forged decisions,
SQL injection; secrets stay masked unless revealed by the right person with a reason."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from web_helpers import api_routes, client_for, login
from web_store import CHILD_BSN, MOTHER_BSN, PASSWORD, REVIEW_ITEM, SHELTER

from hub.access import audit
from hub.access.sessions import SessionPolicy
from hub.web.app import create_app
from hub.web.config import WebConfig
from schemas import store as s
from schemas.access import audit_log

PAGES = ["/", "/search", "/households/H-FAMILY", "/persons/P-CHILD", "/review",
         f"/review/{REVIEW_ITEM}", f"/review/group/{REVIEW_ITEM}", "/quarantine",
         "/admin/users", "/admin/audit"]
API_GETS = ["/api/me", "/api/openapi.json", "/api/households/H-FAMILY", "/api/persons/P-CHILD",
            "/api/review", f"/api/review/{REVIEW_ITEM}", "/api/quarantine"]
POSTS = [("/search", {"name": "Berg"}), ("/persons/P-CHILD/reveal",
          {"field": "bsn", "source": "veilig_thuis", "record_id": "VT-2",
           "category": "investigation", "reason": "calling the school"}),
         (f"/review/{REVIEW_ITEM}/decision", {"decision": "must_link", "reason": "same child!"}),
         (f"/review/group/{REVIEW_ITEM}/decision",
          {f"d_{REVIEW_ITEM}": "must_link", "reason": "same child, really"}),
         ("/review/decisions/1/undo", {}),
         (f"/review/group/{REVIEW_ITEM}/assign", {"steward": "steward"}),
         ("/persons/P-CHILD/split", {"source": "jbra", "record_id": "J-2",
                                     "reason": "another child entirely"}),
         ("/admin/users", {"username": "eve", "role": "admin"}), ("/logout", {})]


def _decisions(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(s.steward_decisions)).scalar()


def test_every_route_but_login_declares_the_guard(filled_engine) -> None:
    app = create_app(filled_engine, WebConfig())
    open_routes = {("/login", "GET"), ("/login", "POST")}
    routes = api_routes(app.routes)
    assert len(routes) > 20  # the walk reaches into the included routers
    for route, path in routes:
        guarded = any(getattr(d.call, "hub_guard", False) for d in route.dependant.dependencies)
        for method in route.methods:
            assert guarded or (path, method) in open_routes, f"{method} {path}"


def test_no_session_means_login_page_or_401_and_no_change(filled_engine) -> None:
    with client_for(filled_engine) as client:
        for path in PAGES:
            response = client.get(path, follow_redirects=False)
            assert response.status_code == 303, path
            assert response.headers["location"] == "/login", path
        for path in API_GETS:
            assert client.get(path).status_code == 401, path
        for path, data in POSTS:
            response = client.post(path, data=data, follow_redirects=False)
            assert response.status_code == 303 and response.headers["location"] == "/login"
        assert client.post("/api/search", json={"name": "Berg"}).status_code == 401
    assert _decisions(filled_engine) == 0


WRONG_ROLE = {
    "staff": ["/review", f"/review/{REVIEW_ITEM}", "/overview", "/quarantine", "/admin/users",
              "/admin/audit", "/api/review", "/api/quarantine"],
    "steward": ["/admin/users", "/admin/audit"],
    "admin": ["/search", "/households/H-FAMILY", "/persons/P-CHILD", "/review",
              "/api/persons/P-CHILD", "/api/households/H-FAMILY", "/api/quarantine"],
}


@pytest.mark.parametrize("user", list(WRONG_ROLE))
def test_wrong_role_is_refused_and_audited(filled_engine, user: str) -> None:
    with client_for(filled_engine) as client:
        login(client, user, PASSWORD)
        for path in WRONG_ROLE[user]:
            assert client.get(path).status_code == 403, path
    denied = [e for e in audit.iter_entries(filled_engine) if e.action == "denied"]
    assert len(denied) == len(WRONG_ROLE[user]) and {e.actor for e in denied} == {user}
    for entry, path in zip(denied, WRONG_ROLE[user], strict=True):
        assert path in entry.detail


def test_admin_cannot_search_through_the_api(filled_engine) -> None:
    with client_for(filled_engine) as client:
        token = login(client, "admin", PASSWORD)
        response = client.post("/api/search", json={"name": "Berg"},
                               headers={"X-CSRF-Token": token})
    assert response.status_code == 403


@pytest.mark.parametrize("token", [None, "forged-token"], ids=["missing", "wrong"])
def test_forms_without_the_csrf_token_are_refused(filled_engine, token: str | None) -> None:
    with client_for(filled_engine) as client:
        login(client, "steward", PASSWORD)
        extra = {"csrf_token": token} if token else {}
        decision = client.post(f"/review/{REVIEW_ITEM}/decision",
                               data={"decision": "must_link", "reason": "looks the same", **extra})
        search = client.post("/search", data={"name": "Berg", **extra})
        api = client.post(f"/api/review/{REVIEW_ITEM}/decision",
                          json={"decision": "must_link", "reason": "looks the same"},
                          headers={"X-CSRF-Token": token} if token else {})
    assert decision.status_code == search.status_code == api.status_code == 403
    assert _decisions(filled_engine) == 0
    assert any(e.action == "csrf_rejected" for e in audit.iter_entries(filled_engine))


def test_forged_decisions_are_refused(filled_engine) -> None:
    with client_for(filled_engine) as client:
        token = login(client, "staff", PASSWORD)  # a real session and token, but not a steward
        by_staff = client.post(f"/review/{REVIEW_ITEM}/decision",
                               data={"decision": "must_link", "reason": "trust me, same",
                                     "csrf_token": token})
        assert by_staff.status_code == 403
    with client_for(filled_engine) as client:
        token = login(client, "steward", PASSWORD)
        unknown = client.post(f"/review/{'a' * 40}/decision",
                              data={"decision": "must_link", "reason": "pair is made up",
                                    "csrf_token": token})
        bad_value = client.post(f"/review/{REVIEW_ITEM}/decision",
                                data={"decision": "delete_all", "reason": "why not, really",
                                      "csrf_token": token})
        no_reason = client.post(f"/review/{REVIEW_ITEM}/decision",
                                data={"decision": "must_link", "csrf_token": token})
    assert (unknown.status_code, bad_value.status_code, no_reason.status_code) == (404, 400, 400)
    assert _decisions(filled_engine) == 0


INJECTIONS = ["'; DROP TABLE persons; --", "Berg' OR '1'='1", "\" UNION SELECT bsn FROM persons --",
              "%", "_"]


def test_sql_injection_in_search_finds_nothing_and_breaks_nothing(filled_engine) -> None:
    with client_for(filled_engine) as client:
        token = login(client, "staff", PASSWORD)
        for name in INJECTIONS:
            page = client.post("/search", data={"name": name, "csrf_token": token})
            api = client.post("/api/search", json={"name": name, "postcode": "1501AB"},
                              headers={"X-CSRF-Token": token})
            assert page.status_code == 200 and api.status_code == 200, name
            assert CHILD_BSN not in page.text and MOTHER_BSN not in page.text
            assert "P-MOTHER" not in api.text
    with filled_engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(s.persons)).scalar() == 5


def test_injection_in_ids_is_rejected(filled_engine) -> None:
    with client_for(filled_engine) as client:
        login(client, "steward", PASSWORD)
        assert client.get("/persons/P-1' OR '1'='1").status_code in (404, 422)
        assert client.get("/review/1 OR 1=1").status_code in (404, 422)


def test_bsn_search_is_a_post_and_never_shows_or_logs_the_bsn(filled_engine) -> None:
    with client_for(filled_engine) as client:
        token = login(client, "staff", PASSWORD)
        response = client.post("/search", data={"bsn": CHILD_BSN, "csrf_token": token})
        assert client.get(f"/search?bsn={CHILD_BSN}").status_code == 200  # ignored, no search
    assert "/persons/P-CHILD" in response.text and CHILD_BSN not in response.text
    assert "*******82" in response.text
    searches = [e for e in audit.iter_entries(filled_engine) if e.action == "search"]
    assert len(searches) == 1 and '"searched_by_bsn":true' in searches[0].detail
    with filled_engine.connect() as conn:
        dump = " ".join(str(v) for row in conn.execute(sa.select(audit_log)) for v in row)
    assert CHILD_BSN not in dump


def test_confidential_address_is_masked_for_other_staff(filled_engine) -> None:
    with client_for(filled_engine) as client:
        token = login(client, "staff", PASSWORD)
        household = client.get("/households/H-FAMILY")
        person = client.get("/persons/P-MOTHER")
        api = client.get("/api/persons/P-MOTHER")
        attempt = client.post("/persons/P-MOTHER/reveal",
                              data={"field": "address", "source": "blijf_groep",
                                    "record_id": "BG-1", "reason": "need to visit her",
                                    "category": "safety",
                                    "csrf_token": token})
    for response in (household, person, api):
        assert response.status_code == 200
        assert SHELTER["street"] not in response.text and SHELTER["postcode"] not in response.text
        assert MOTHER_BSN not in response.text
    assert "geheim adres" in person.text and "Adres tonen" not in person.text
    # Veilig Thuis's address of the same woman is withheld too: it may lead to the shelter.
    assert "Dorpsstraat" not in person.text and "Dorpsstraat" not in api.text
    assert "adres afgeschermd" in person.text
    assert attempt.status_code == 403 and SHELTER["street"] not in attempt.text
    assert any(e.action == "reveal_denied" for e in audit.iter_entries(filled_engine))


def test_partner_staff_reveal_their_own_confidential_address_with_a_reason(filled_engine):
    with client_for(filled_engine) as client:
        token = login(client, "blijf", PASSWORD)
        page = client.get("/persons/P-MOTHER")
        assert "Adres tonen" in page.text and SHELTER["street"] not in page.text
        no_reason = client.post("/persons/P-MOTHER/reveal",
                                data={"field": "address", "source": "blijf_groep",
                                      "record_id": "BG-1", "reason": "", "csrf_token": token})
        shown = client.post("/persons/P-MOTHER/reveal",
                            data={"field": "address", "source": "blijf_groep",
                                  "record_id": "BG-1", "reason": "safety check before visit",
                                  "category": "safety",
                                  "csrf_token": token})
        wrong_record = client.post("/persons/P-CHILD/reveal",
                                   data={"field": "address", "source": "blijf_groep",
                                         "record_id": "BG-1", "reason": "safety check visit",
                                         "category": "safety",
                                         "csrf_token": token})
    assert no_reason.status_code == 400
    assert shown.status_code == 200 and SHELTER["street"] in shown.text
    assert wrong_record.status_code == 404
    reveal = [e for e in audit.iter_entries(filled_engine) if e.action == "reveal"]
    assert len(reveal) == 1 and reveal[0].actor == "blijf"
    assert reveal[0].target_id == "P-MOTHER" and reveal[0].reason == "safety check before visit"


def test_bsn_reveal_through_the_api_is_audited(filled_engine) -> None:
    with client_for(filled_engine) as client:
        token = login(client, "staff", PASSWORD)
        response = client.post("/api/persons/P-CHILD/reveal", headers={"X-CSRF-Token": token},
                               json={"field": "bsn", "source": "jbra", "record_id": "J-2",
                                     "category": "investigation",
                                     "reason": "verify identity with school"})
    assert response.status_code == 200 and response.json()["value"] == CHILD_BSN
    entry = [e for e in audit.iter_entries(filled_engine) if e.action == "reveal"][-1]
    assert CHILD_BSN not in entry.detail and entry.reason == "verify identity with school"


def test_quarantine_list_masks_held_back_records(filled_engine) -> None:
    with client_for(filled_engine) as client:
        login(client, "steward", PASSWORD)
        page = client.get("/quarantine?partner=wss")
        api = client.get("/api/quarantine")
    assert page.status_code == api.status_code == 200
    assert "555444333" not in page.text and "555444333" not in api.text
    assert "Schrijf de geboortedatum" in page.text and "nog steeds afgekeurd" in page.text
    assert "wss.csv, regel 4" in page.text and "W-9" in page.text


def test_session_cookie_flags_expiry_and_logout(filled_engine) -> None:
    with client_for(filled_engine) as client:
        page = client.get("/login")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        response = client.post("/login", follow_redirects=False,
                               data={"username": "staff", "password": PASSWORD,
                                     "csrf_token": token})
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        csrf = client.get("/api/me").json()["csrf_token"]
        client.post("/logout", data={"csrf_token": csrf})
        assert client.get("/api/me").status_code == 401
    idle = WebConfig(session=SessionPolicy(idle=timedelta(seconds=0)))
    with client_for(filled_engine, idle) as client:
        login_page = client.get("/login")
        token = login_page.text.split('name="csrf_token" value="')[1].split('"')[0]
        client.post("/login", data={"username": "staff", "password": PASSWORD,
                                    "csrf_token": token})
        assert client.get("/api/me").status_code == 401  # expired at once


def test_secure_flag_is_configurable(filled_engine) -> None:
    with client_for(filled_engine, WebConfig(secure_cookies=True)) as client:
        page = client.get("/login")
        assert "secure" in page.headers["set-cookie"].lower()


def test_login_csrf_and_failures_are_handled(filled_engine) -> None:
    with client_for(filled_engine) as client:
        no_token = client.post("/login", data={"username": "staff", "password": PASSWORD})
        token = client.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
        wrong = client.post("/login", data={"username": "staff", "password": "nope-nope-nope",
                                            "csrf_token": token})
    assert no_token.status_code == 403 and wrong.status_code == 401
    assert "Onbekende gebruikersnaam of verkeerd wachtwoord" in wrong.text
    actions = [e.action for e in audit.iter_entries(filled_engine)]
    assert actions == ["login_failed"]


def test_security_headers_and_no_public_openapi(filled_engine) -> None:
    with client_for(filled_engine) as client:
        page = client.get("/login")
        assert client.get("/openapi.json").status_code == 404
        assert client.get("/docs").status_code == 404
        login(client, "staff", PASSWORD)
        spec = client.get("/api/openapi.json")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    assert spec.status_code == 200 and "/api/search" in spec.json()["paths"]
