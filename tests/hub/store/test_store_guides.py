"""The fixed guide survives a re-run, follows a merge (conflict listed) and waits for a steward
after a split."""

from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa
import storefakes as fakes
from store_linking import link_and_publish

from hub.store import guides as g

TODAY = date(2026, 12, 4)


def _household_of(engine: sa.Engine, record_id: str) -> str:
    with engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT household_id FROM current_source_records WHERE source_record_id = :r"),
            {"r": record_id}).scalar_one()


def _set(engine: sa.Engine, household: str, name: str, since: date) -> g.Guide:
    return g.set_guide(engine, household, name=name, organisation="Regionaal Veiligheidsteam",
                       contact="06-12345678", since=since, actor="rst", today=TODAY)


@pytest.fixture
def families() -> dict[str, pd.DataFrame]:
    truth = fakes.people(6)
    persons = fakes.persons_frame(truth)
    f0 = [t for t in truth if t["family"] == "F00000"]
    f1 = [t for t in truth if t["family"] == "F00001"]
    # LDH registers family 0's parent and family 1's child together at family 0's address:
    # matching then sees one household
    join = fakes.persons_frame([f0[0], f1[0]], sources=["ldh"]).drop_duplicates(
        "source_record_id").iloc[:2].reset_index(drop=True)
    for column in ("street", "house_number", "postcode", "city"):
        join[column] = f0[0][column]
    join["source_household_ref"] = "ldh-JOIN"
    join["source_record_id"] = ["LDH-J1", "LDH-J2"]
    return {"apart": persons, "joined": pd.concat([persons, join], ignore_index=True)}


def _publish(engine: sa.Engine, run: str, persons: pd.DataFrame) -> None:
    link_and_publish(engine, run, persons, fakes.registrations_frame(persons))


def test_guide_survives_rerun_merge_and_split(store, families) -> None:
    _publish(store, "run-1", families["apart"])
    h0, h1 = _household_of(store, "JBR-T00000-0"), _household_of(store, "JBR-T00001-0")
    assert h0 != h1
    first = _set(store, h0, "Anna Gids", date(2026, 5, 1))
    second = _set(store, h1, "Bert Gids", date(2026, 6, 1))

    # a re-run with changed content publishes a new version: the guide stays put
    changed = families["apart"].copy()
    changed.loc[0, "content_hash"] = "corrected"
    _publish(store, "run-2", changed)
    assert g.reconcile(store) == g.Reconciled()
    assert [x.guide_id for x in g.list_guides(store, household_id=h0)] == [first.guide_id]

    # merge: the retired household's guide moves to the survivor; two guides = a conflict
    _publish(store, "run-3", families["joined"])
    assert _household_of(store, "JBR-T00001-0") == h0
    assert g.reconcile(store).moved == 1
    assert g.reconcile(store) == g.Reconciled()  # idempotent
    assert {x.guide_id for x in g.conflicts(store)[h0]} == {first.guide_id, second.guide_id}
    g.end_guide(store, first.guide_id, until=date(2026, 12, 1), reason="Bert stays the guide",
                actor="steward")
    assert g.conflicts(store) == {}

    # split: the guide stays but is pending until a steward decides who keeps it
    _publish(store, "run-4", families["apart"])
    assert _household_of(store, "JBR-T00001-0") == h1
    assert g.reconcile(store).split == 1
    assert g.reconcile(store) == g.Reconciled()
    pending = g.list_guides(store, pending_only=True)
    assert [x.guide_id for x in pending] == [second.guide_id]
    assert pending[0].pending == "split" and set(pending[0].pending_options) == {h0, h1}
    decided = g.decide(store, second.guide_id, h1, actor="steward")
    assert decided.household_id == h1 and decided.pending is None

    events = [e["event"] for e in g.history(store, h1)]
    assert events == ["set", "merged", "split", "decided"]
    assert [e["event"] for e in g.history(store, h0)
            if e["guide_id"] == first.guide_id] == ["set", "end"]
    with store.connect() as conn:
        assert g.guide_contacts(conn, h1)[0]["name"] == "Bert Gids"
        assert g.guide_contacts(conn, h0) == []


def test_a_new_guide_replaces_the_current_one(store, families) -> None:
    _publish(store, "run-1", families["apart"])
    h0 = _household_of(store, "JBR-T00000-0")
    old = _set(store, h0, "Anna Gids", date(2026, 5, 1))
    new = _set(store, h0, "Carla Gids", date(2026, 9, 1))
    [current] = g.list_guides(store, household_id=h0)
    assert current.guide_id == new.guide_id
    [ended] = [x for x in g.list_guides(store, household_id=h0, include_ended=True)
               if x.guide_id == old.guide_id]
    assert ended.until == date(2026, 8, 31) and ended.end_reason == "replaced"


@pytest.mark.parametrize(("change", "field"), [
    ({"household": "H-NOSUCHHOUSE"}, "household_id"),
    ({"name": "  "}, "name"),
    ({"since": date(2027, 1, 1)}, "since"),
])
def test_bad_guide_values_are_refused(store, families, change: dict, field: str) -> None:
    _publish(store, "run-1", families["apart"])
    args = {"household": _household_of(store, "JBR-T00000-0"), "name": "Anna",
            "since": date(2026, 5, 1)} | change
    with pytest.raises(g.GuideError) as caught:
        g.set_guide(store, args["household"], name=args["name"], organisation="RST",
                    contact="rst@example.org", since=args["since"], actor="rst", today=TODAY)
    assert caught.value.field == field
    assert g.list_guides(store) == []


def test_ending_needs_a_reason_and_a_current_guide(store, families) -> None:
    _publish(store, "run-1", families["apart"])
    guide = _set(store, _household_of(store, "JBR-T00000-0"), "Anna", date(2026, 5, 1))
    with pytest.raises(g.GuideError):
        g.end_guide(store, guide.guide_id, until=date(2026, 6, 1), reason="", actor="x")
    g.end_guide(store, guide.guide_id, until=date(2026, 6, 1), reason="family moved away",
                actor="x")
    with pytest.raises(g.GuideError):
        g.end_guide(store, guide.guide_id, until=date(2026, 7, 1), reason="again please",
                    actor="x")
