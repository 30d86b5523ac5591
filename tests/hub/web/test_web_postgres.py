"""The pages' reads, reveals and decisions work the same on a PostgreSQL store."""

import pytest
from web_store import CHILD_BSN, REVIEW_ITEM, SHELTER, fill_store

from hub.access import audit
from hub.access.roles import Role, User
from hub.store.decisions import decisions_for_matching
from hub.store.engine import make_engine, upgrade
from hub.web import views
from hub.web.search.index import Query
from hub.web.search.service import SearchService

pytestmark = pytest.mark.postgres

BLIJF = User(id=1, username="bo", display_name="Bo", role=Role.STAFF, partner="blijf_groep")
STEWARD = User(id=2, username="stef", display_name="Stef", role=Role.STEWARD)


def test_views_on_postgres(pg_url: str) -> None:
    upgrade(pg_url)
    engine = make_engine(pg_url)
    try:
        fill_store(engine)
        service = SearchService(engine)
        service.start()
        found = views.search(engine, service, BLIJF, Query(name="Jan vd Berg", bsn=CHILD_BSN))
        assert [h.person_id for h in found.hits] == ["P-CHILD"]
        household = views.household(engine, BLIJF, "H-FAMILY")
        assert {m["person_id"] for m in household["members"]} == {"P-MOTHER", "P-CHILD",
                                                                   "P-FATHER"}
        shown = views.person(engine, BLIJF, "P-MOTHER", views.Reveal(
            "address", "blijf_groep", "BG-1", "safety check before visit", "safety"))
        assert SHELTER["street"] in shown["revealed"]["value"]
        views.decide(engine, STEWARD, REVIEW_ITEM, "must_link", "same child, date typo")
        assert decisions_for_matching(engine)["decision"].tolist() == ["must_link"]
        assert audit.verify(engine).ok
    finally:
        engine.dispose()
