"""Reveals need a reason category and meaningful text; failed reveals are audited; the audit
page shows typed search terms only masked (issue 16, sections 3 and 5)."""

import pytest
import sqlalchemy as sa
from web_helpers import client_for, login
from web_store import CHILD_BSN, PASSWORD, SHELTER

from hub.access import audit
from hub.web import views


@pytest.mark.parametrize(
    ("category", "reason"),
    [("investigation", "aaaaaaaaaa"), ("investigation", "asdfghjkl;qwertyuiop"),
     ("", "verify identity with the school"), ("curiosity", "verify identity with school"),
     ("other", "xx yy zz qq")],
    ids=["ten-junk-chars", "one-junk-word", "no-category", "unknown-category", "too-short"],
)
def test_a_reveal_needs_a_category_and_a_meaningful_reason(category: str, reason: str) -> None:
    assert views.reveal_reason_problem(category, reason) is not None


def test_a_good_reason_passes_and_both_parts_are_audited(filled_engine) -> None:
    assert views.reveal_reason_problem("safety", "check before the home visit") is None
    with client_for(filled_engine) as client:
        token = login(client, "staff", PASSWORD)
        junk = client.post("/api/persons/P-CHILD/reveal", headers={"X-CSRF-Token": token},
                           json={"field": "bsn", "source": "jbra", "record_id": "J-2",
                                 "category": "investigation", "reason": "aaaaaaaaaa"})
        page_junk = client.post("/persons/P-CHILD/reveal",
                                data={"field": "bsn", "source": "jbra", "record_id": "J-2",
                                      "reason": "aaaaaaaaaa", "csrf_token": token})
        good = client.post("/api/persons/P-CHILD/reveal", headers={"X-CSRF-Token": token},
                           json={"field": "bsn", "source": "jbra", "record_id": "J-2",
                                 "category": "subject_request",
                                 "reason": "mother asks which BSN we hold"})
    assert junk.status_code == page_junk.status_code == 400
    assert good.status_code == 200 and good.json()["value"] == CHILD_BSN
    entry = [e for e in audit.iter_entries(filled_engine) if e.action == "reveal"][-1]
    assert '"category":"subject_request"' in entry.detail
    assert entry.reason == "mother asks which BSN we hold"


def test_reveal_attempts_ending_in_400_404_or_422_are_audited(filled_engine) -> None:
    with client_for(filled_engine) as client:
        token = login(client, "blijf", PASSWORD)
        headers = {"X-CSRF-Token": token}
        body = {"field": "address", "source": "blijf_groep", "record_id": "BG-1",
                "category": "safety", "reason": "safety check before the visit"}
        answers = [
            client.post("/api/persons/P-NOBODY/reveal", headers=headers, json=body),
            client.post("/api/persons/P-CHILD/reveal", headers=headers, json=body),
            client.post("/api/persons/P-MOTHER/reveal", headers=headers,
                        json={**body, "reason": "x"}),
            client.post("/api/persons/P-MOTHER/reveal", headers=headers,
                        json={**body, "field": "street"}),
            client.post("/api/persons/P-MOTHER/reveal", headers=headers,
                        json={**body, "reason": "y" * 600}),
        ]
    assert [a.status_code for a in answers] == [404, 404, 400, 400, 422]
    failed = [e for e in audit.iter_entries(filled_engine) if e.action == "reveal_failed"]
    assert [e.target_id for e in failed] == ["P-NOBODY", "P-CHILD", "P-MOTHER", "P-MOTHER",
                                             "P-MOTHER"]
    assert ['"status":404' in e.detail for e in failed[:2]] == [True, True]
    assert '"status":422' in failed[-1].detail
    assert SHELTER["street"] not in " ".join(e.detail for e in failed)


def test_the_audit_page_shows_search_terms_masked(filled_engine) -> None:
    with client_for(filled_engine) as client:
        token = login(client, "staff", PASSWORD)
        client.post("/api/search", headers={"X-CSRF-Token": token},
                    json={"name": "Marieke Zonnebloem", "birth_date": "1985-04-23",
                          "postcode": SHELTER["postcode"]})
        client.post("/logout", data={"csrf_token": token})
        login(client, "admin", PASSWORD)
        page = client.get("/admin/audit")
    assert page.status_code == 200
    for typed in ("Marieke", "Zonnebloem", "1985-04-23", SHELTER["postcode"]):
        assert typed not in page.text
    assert "M. Z." in page.text and "1985" in page.text
    with filled_engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(sa.text(
            "SELECT detail FROM access_audit_log WHERE action = 'search'")) for v in row)
    assert SHELTER["postcode"] not in stored  # a full postcode may be the shelter's
