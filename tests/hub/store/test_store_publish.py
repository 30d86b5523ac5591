"""Publishing: idempotent re-runs, stable IDs, steward decisions, confidential addresses."""

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
import storefakes as fakes
from store_linking import link_and_publish

from hub.store.decisions import decisions_for_matching, open_review_items, record_decision
from hub.store.ids import previous_assignments
from hub.store.versions import current_version_id
from schemas.store import VIEWED_TABLES, confidential_addresses, id_events, runs, versions


def published(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row readers can see, per current_* view, sorted (without version_id)."""
    out = {}
    with engine.connect() as conn:
        for table in VIEWED_TABLES:
            rows = conn.execute(sa.text(f"SELECT * FROM current_{table.name}")).mappings().all()
            out[table.name] = sorted(
                tuple(str(v) for k, v in sorted(r.items()) if k != "version_id") for r in rows
            )
    return out


def person_of(engine: sa.Engine) -> dict[tuple[str, str], str]:
    frame = previous_assignments(engine)
    return dict(zip(zip(frame.source, frame.source_record_id, strict=True), frame.person_id,
                    strict=True))


@pytest.fixture
def inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    persons = fakes.persons_frame(fakes.people(25))
    return persons, fakes.registrations_frame(persons)


def test_rerun_on_unchanged_inputs_changes_nothing(store, inputs, tmp_path: Path) -> None:
    persons, registrations = inputs
    first = link_and_publish(store, "run-1", persons, registrations, snapshots=tmp_path / "snap")
    before = published(store)
    # The same content delivered again later (only extracted_at differs) is no change either.
    again = persons.assign(extracted_at=persons["extracted_at"] + pd.Timedelta(days=1))
    second = link_and_publish(store, "run-2", again, registrations, snapshots=tmp_path / "snap")

    assert first.status == "published" and second.status == "unchanged"
    assert second.version_id == first.version_id
    assert published(store) == before
    assert before["persons"] and before["source_records"]
    with store.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(versions)).scalar_one() == 1
        statuses = {r.run_id: r.status for r in conn.execute(sa.select(runs))}
    assert statuses == {"run-1": "published", "run-2": "unchanged"}


def test_republishing_identical_matching_gives_identical_rows(store, inputs) -> None:
    """Even when a new version is forced, unchanged records keep their IDs and rows."""
    persons, registrations = inputs
    link_and_publish(store, "run-1", persons, registrations)
    before = published(store)
    # A steward decision that matching already agrees with changes the fingerprint, not the rows.
    a, b = persons.iloc[0], persons.iloc[1]
    same = person_of(store)[(a.source, a.source_record_id)] == person_of(store)[
        (b.source, b.source_record_id)]
    record_decision(store, (a.source, a.source_record_id), (b.source, b.source_record_id),
                    "must_link" if same else "cannot_link", "steward")
    result = link_and_publish(store, "run-2", persons, registrations)
    assert result.status == "published"
    assert published(store) == before


def test_added_records_join_existing_persons_without_new_ids(store) -> None:
    truth = fakes.people(25)
    persons = fakes.persons_frame(truth)
    link_and_publish(store, "run-1", persons, fakes.registrations_frame(persons))
    old = person_of(store)

    # Partner ldh now also registers the first family's parent, plus five new families arrive.
    extra = fakes.persons_frame(truth[:1], sources=["ldh"]).iloc[[0]]
    extra["source_record_id"] = "LDH-NEW-1"
    newcomers = fakes.persons_frame([t for t in fakes.people(30) if t["family"] >= "F00025"])
    grown = pd.concat([persons, extra, newcomers], ignore_index=True)
    link_and_publish(store, "run-2", grown, fakes.registrations_frame(grown))
    new = person_of(store)

    assert {k: new[k] for k in old} == old
    same_person = old[(persons.iloc[0].source, persons.iloc[0].source_record_id)]
    first_truth = persons[persons.source_record_id.str.endswith(truth[0]["truth"])]
    assert {old[(r.source, r.source_record_id)] for r in first_truth.itertuples()} == {same_person}
    assert new[("ldh", "LDH-NEW-1")] == same_person


def test_corrected_record_keeps_its_person(store, inputs) -> None:
    persons, registrations = inputs
    link_and_publish(store, "run-1", persons, registrations)
    old = person_of(store)
    fixed = persons.copy()
    fixed.loc[0, "first_names"] = fixed.loc[0, "first_names"] + "je"  # a corrected spelling
    fixed.loc[0, "content_hash"] = "corrected"
    result = link_and_publish(store, "run-2", fixed, registrations)
    assert result.status == "published"
    assert person_of(store) == old


def test_steward_cannot_link_splits_the_next_run_and_is_recorded(store, inputs) -> None:
    persons, registrations = inputs
    link_and_publish(store, "run-1", persons, registrations)
    ids = person_of(store)
    by_person = pd.Series(ids).groupby(pd.Series(ids).values)
    pair = next(list(g.index) for _, g in by_person if len(g) == 2)
    assert ids[pair[0]] == ids[pair[1]]

    record_decision(store, pair[0], pair[1], "cannot_link", "steward", "twins, not one person")
    assert len(decisions_for_matching(store)) == 1
    link_and_publish(store, "run-2", persons, registrations)
    after = person_of(store)

    assert after[pair[0]] != after[pair[1]]
    assert ids[pair[0]] in {after[pair[0]], after[pair[1]]}  # one side keeps the old ID
    with store.connect() as conn:
        events = conn.execute(sa.select(id_events).where(id_events.c.run_id == "run-2")).all()
    assert any(e.event == "split" and e.kind == "person" and e.evidence for e in events)


def test_steward_must_link_merges_in_the_next_run(store, inputs) -> None:
    persons, registrations = inputs
    link_and_publish(store, "run-1", persons, registrations)
    ids = person_of(store)
    keys = list(ids)
    a = keys[0]
    b = next(k for k in keys if ids[k] != ids[a])
    record_decision(store, a, b, "must_link", "steward", "same child, name changed")
    link_and_publish(store, "run-2", persons, registrations)
    after = person_of(store)
    assert after[a] == after[b]


def test_confidential_addresses_are_stored_apart(store, inputs) -> None:
    persons, registrations = inputs
    link_and_publish(store, "run-1", persons, registrations)
    secret = persons[persons.address_confidential]
    assert len(secret) > 0
    with store.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT street, postcode, city, municipality_code FROM current_source_records "
            "WHERE address_confidential")).all()
        kept = conn.execute(sa.select(sa.func.count()).select_from(confidential_addresses)
                            ).scalar_one()
        golden = conn.execute(sa.text(
            "SELECT address_from, has_confidential_address FROM current_persons")).all()
        views = sa.inspect(conn).get_view_names()
    assert rows and all(all(v is None for v in row) for row in rows)
    assert kept == len(secret)
    assert not any((r.address_from or "").startswith("blijf_groep:") for r in golden)
    assert sum(r.has_confidential_address for r in golden) >= 1
    assert "current_confidential_addresses" not in views


def test_review_items_close_when_decided(store) -> None:
    truth = fakes.people(10)
    persons = fakes.persons_frame(truth)
    # The same name at another address, only the birth year and no BSN: too little to link at
    # once, too much to ignore, so matching asks a steward.
    odd = persons.iloc[[0]].copy()
    odd["source"], odd["source_record_id"] = "ldh", "LDH-ODD"
    odd["birth_date"] = odd["birth_date"].str[:4]
    odd["bsn"], odd["postcode"] = None, "9999ZZ"
    persons = pd.concat([persons, odd], ignore_index=True)
    link_and_publish(store, "run-1", persons, fakes.registrations_frame(persons))
    with store.connect() as conn:
        items = open_review_items(conn)
    assert not items.empty
    item = items.iloc[0]
    record_decision(store, (item.left_source, item.left_record_id),
                    (item.right_source, item.right_record_id), "cannot_link", "steward")
    with store.connect() as conn:
        assert item.item_id not in set(open_review_items(conn).item_id)
        assert current_version_id(conn) is not None


def test_changed_version_copies_unchanged_rows_and_equals_a_full_write(
        store, inputs, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows repeated from the published version are copied inside the database; the version
    readers then see is the same as one written wholly from memory."""
    import hub.store.publish as publishing
    import hub.store.reuse as reuse
    from matching import link

    persons, registrations = inputs
    link_and_publish(store, "run-1", persons, registrations)
    fixed = persons.copy()
    fixed.loc[0, "first_names"] = fixed.loc[0, "first_names"] + "je"
    fixed.loc[0, "content_hash"] = "corrected"
    result = link(fixed, previous=previous_assignments(store),
                  decisions=decisions_for_matching(store))

    written: dict[str, int] = {}
    real_insert = publishing.insert_frame

    def counting_insert(conn, table, frame, **constants):
        written[table.name] = written.get(table.name, 0) + len(frame)
        return real_insert(conn, table, frame, **constants)

    monkeypatch.setattr(publishing, "insert_frame", counting_insert)
    copied = publishing.publish(store, "run-2", fixed, registrations, result)
    assert copied.status == "published"
    assert 0 < written["source_records"] < len(fixed)
    assert copied.counts["source_records"] == len(fixed)
    reused = published(store)

    # The same matching result once more, written from memory: another (dummy) decision in
    # force changes the fingerprint, MIN_KEPT_SHARE above 1 switches copying off.
    monkeypatch.setattr(reuse, "MIN_KEPT_SHARE", 2.0)
    forced = pd.DataFrame([{"left_source": "x", "left_record_id": "1", "right_source": "x",
                            "right_record_id": "2", "decision": "cannot_link"}])
    written.clear()
    full = publishing.publish(store, "run-3", fixed, registrations, result, decisions=forced)
    assert full.status == "published" and written["source_records"] == len(fixed)
    assert published(store) == reused
