"""Incremental publishing: new records amend the published version in place, with the rows a full
build of the same records gives, IDs unchanged, in one transaction.

The matching result is built here from a full ``link()`` of everything, restricted to the new
records (what ``matching.link_increment`` returns for them): the store side is tested on its own.
"""

from pathlib import Path

import pandas as pd
import sqlalchemy as sa
import storefakes as fakes
from store_crash import killed_midway
from store_linking import link_and_publish
from test_store_publish import person_of, published

from hub.store.candidates import candidate_records
from hub.store.decisions import decisions_for_matching
from hub.store.ids import previous_assignments
from hub.store.increment import (
    changed_records,
    fitted_model,
    increment_generation,
    publish_increment,
)
from hub.store.versions import current_version_id
from matching import LinkResult, link, link_increment
from schemas.store import confidential_addresses, id_events, runs, versions

COMPARED = ("source_records", "persons", "households", "household_members", "registrations",
            "registration_persons")
"""Tables whose rows depend only on the records and their IDs (links and review items carry the
run's weights, which a full re-link recomputes for every record)."""


def _keys(frame: pd.DataFrame, left: str = "source", right: str = "source_record_id") -> pd.Series:
    return frame[left].astype("str") + "|" + frame[right].astype("str")


def increment_of(full: LinkResult, new: pd.DataFrame) -> LinkResult:
    """The part of a full result that concerns the ``new`` records."""
    mine = set(_keys(new))
    known = set(full.assignments.loc[~_keys(full.assignments).isin(mine), "person_id"])
    review = full.review
    if not review.empty:
        review = review[_keys(review, "left_source", "left_record_id").isin(mine)
                        | _keys(review, "right_source", "right_record_id").isin(mine)]
    events = full.events
    if not events.empty:
        events = events[(events["event"] == "new") & ~events["id"].isin(known)]
    return LinkResult(full.assignments[_keys(full.assignments).isin(mine)],
                      full.links[_keys(full.links).isin(mine)], review, events,
                      full.household_links.iloc[0:0], {"records": len(new)},
                      full.config_version)


def _deliver(store: sa.Engine, families: int, run_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Publish the records of ``families`` families incrementally; returns all staged rows."""
    persons = fakes.persons_frame(fakes.people(families))
    registrations = fakes.registrations_frame(persons)
    with store.connect() as conn:
        version = current_version_id(conn)
        assert version is not None
        deltas = [changed_records(conn, version, source, group,
                                  registrations[registrations["source"] == source])
                  for source, group in persons.groupby("source")]
    new = pd.concat([d.persons for d in deltas], ignore_index=True)
    cases = pd.concat([d.registrations for d in deltas], ignore_index=True)
    full = link(persons, previous=previous_assignments(store))
    publish_increment(store, run_id, new, cases, increment_of(full, new))
    return persons, registrations


def _rows(store: sa.Engine) -> dict[str, list[tuple]]:
    rows = published(store)
    return {t: rows[t] for t in COMPARED}


def test_changed_records_are_the_new_and_corrected_ones(store) -> None:
    persons = fakes.persons_frame(fakes.people(10))
    link_and_publish(store, "run-1", persons, fakes.registrations_frame(persons))
    grown = fakes.persons_frame(fakes.people(12))
    vt = grown[grown["source"] == "veilig_thuis"].copy()
    corrected = vt.index[0]
    vt.loc[corrected, ["first_names", "content_hash"]] = ["Daantje", "changed"]
    dropped = vt.index[1]
    with store.connect() as conn:
        delta = changed_records(conn, current_version_id(conn), "veilig_thuis",
                                vt.drop(index=dropped))
    published_ids = set(persons.loc[persons["source"] == "veilig_thuis", "source_record_id"])
    expected = set(vt["source_record_id"]) - published_ids | {vt.loc[corrected,
                                                                     "source_record_id"]}
    assert set(delta.persons["source_record_id"]) == expected
    assert delta.disappeared == [vt.loc[dropped, "source_record_id"]]


def test_candidates_are_the_persons_and_households_a_new_record_may_join(store) -> None:
    persons = fakes.persons_frame(fakes.people(20))
    link_and_publish(store, "run-1", persons, fakes.registrations_frame(persons))
    ids = previous_assignments(store)
    child = persons[(persons["role"] == "child") & ~persons["address_confidential"]].iloc[0]
    repeat = child.to_frame().T.assign(source="veilig_thuis", source_record_id="VT-NEW-1",
                                       first_names="Dan", bsn=None, source_household_ref=None)
    with store.connect() as conn:
        known = candidate_records(conn, current_version_id(conn), repeat)
    joined = ids[(ids["source"] == child["source"])
                 & (ids["source_record_id"] == child["source_record_id"])].iloc[0]
    household = ids[ids["household_id"] == joined["household_id"]]
    assert set(_keys(household)) <= set(_keys(known))
    assert {"person_id", "household_id"} <= set(known.columns)
    assert len(known) < len(persons)
    # Confidential rows come as matching sees them in a full run: flagged, no address.
    secret = known[known["address_confidential"]]
    assert secret[["street", "postcode", "house_number"]].isna().all().all()


def test_increment_keeps_ids_and_equals_a_full_build(store) -> None:
    persons = fakes.persons_frame(fakes.people(25))
    link_and_publish(store, "run-1", persons, fakes.registrations_frame(persons))
    before = person_of(store)
    with store.connect() as conn:
        version = current_version_id(conn)
        generation = increment_generation(conn)

    grown, grown_registrations = _deliver(store, 30, "inc-1")

    after = person_of(store)
    assert {k: after[k] for k in before} == before
    assert len(after) == len(grown)
    with store.connect() as conn:
        assert current_version_id(conn) == version  # amended in place
        assert increment_generation(conn) == generation + 1
        run = conn.execute(sa.select(runs).where(runs.c.run_id == "inc-1")).one()
        hashes = conn.execute(sa.select(versions.c.input_hash)).scalars().all()
        news = conn.execute(sa.select(id_events.c.entity_id).where(
            id_events.c.run_id == "inc-1", id_events.c.event == "new")).scalars().all()
        secret = conn.execute(sa.select(sa.func.count()).select_from(confidential_addresses)
                              .where(confidential_addresses.c.version_id == version)).scalar()
    assert (run.kind, run.status, run.version_id) == ("increment", "published", version)
    assert hashes == [None] * len(hashes)  # the next full run publishes
    assert set(news) >= set(after.values()) - set(before.values())
    assert secret == (grown["address_confidential"]).sum()
    incremental = _rows(store)

    full = link_and_publish(store, "run-2", grown, grown_registrations)
    assert full.status == "published" and full.version_id != version
    assert person_of(store) == after
    assert _rows(store) == incremental


def test_redelivery_of_the_same_file_adds_nothing(store) -> None:
    persons = fakes.persons_frame(fakes.people(12))
    link_and_publish(store, "run-1", persons, fakes.registrations_frame(persons))
    grown, registrations = _deliver(store, 14, "inc-1")
    with store.connect() as conn:
        version = current_version_id(conn)
        for source, group in grown.groupby("source"):
            delta = changed_records(conn, version, source, group,
                                    registrations[registrations["source"] == source])
            assert delta.empty and not delta.disappeared


STREAM = (22, 23, 25, 26, 28)
"""Families known after each delivery of the stream test (20 before the first)."""


def _with_repeat_reports(persons: pd.DataFrame, families: int) -> pd.DataFrame:
    """Add, per delivery so far, a Veilig Thuis repeat report of a known family's child (first
    name misspelled): the common case of a delivery."""
    children = persons[(persons["role"] == "child") & (persons["source"] != "veilig_thuis")
                       & ~persons["address_confidential"]]
    repeats = []
    for n, size in enumerate(s for s in STREAM if s <= families):
        child = children.iloc[n * 3].copy()
        child["first_names"] = child["first_names"][:-1] + child["first_names"][-1] * 2
        child["source"], child["source_record_id"] = "veilig_thuis", f"VT-REPEAT-{size}"
        child["source_household_ref"] = f"vei-REPEAT-{size}"
        child["content_hash"] = f"repeat-{size}"
        repeats.append(child)
    return pd.concat([persons, pd.DataFrame(repeats)], ignore_index=True) if repeats else persons


def _deliver_linked(store: sa.Engine, families: int, run_id: str
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The real incremental path: delta, candidates, ``link_increment`` with the full run's
    model, publish. Each family's records also repeat an earlier family's child (a repeat
    report with a misspelled first name)."""
    persons = _with_repeat_reports(fakes.persons_frame(fakes.people(families)), families)
    registrations = fakes.registrations_frame(persons)
    with store.connect() as conn:
        version = current_version_id(conn)
        model = fitted_model(conn, version)
        delta = [changed_records(conn, version, source, group,
                                 registrations[registrations["source"] == source])
                 for source, group in persons.groupby("source")]
        new = pd.concat([d.persons for d in delta], ignore_index=True)
        known = candidate_records(conn, version, new)
    assert model is not None
    result = link_increment(new, known, model, decisions=decisions_for_matching(store))
    publish_increment(store, run_id, new, pd.concat([d.registrations for d in delta]), result,
                      expected_version=version)
    return persons, registrations


def test_stream_of_deliveries_then_full_run_changes_no_id_without_an_event(store) -> None:
    persons = fakes.persons_frame(fakes.people(20))
    link_and_publish(store, "run-0", persons, fakes.registrations_frame(persons))
    first = person_of(store)
    for n, families in enumerate(STREAM, start=1):
        grown, registrations = _deliver_linked(store, families, f"inc-{n}")
        now = person_of(store)
        assert {k: now[k] for k in first} == first  # an increment never moves a known record
    incremental = person_of(store)
    assert len(incremental) == len(grown)
    joined = [incremental[("veilig_thuis", f"VT-REPEAT-{size}")] for size in STREAM]
    assert all(p in first.values() for p in joined)  # repeat reports joined known persons
    link_and_publish(store, "run-full", grown, registrations)
    after = person_of(store)
    with store.connect() as conn:
        recorded = set(conn.execute(sa.select(id_events.c.entity_id).where(
            id_events.c.run_id == "run-full",
            id_events.c.event.in_(["merge", "split"]))).scalars())
    moved = {k for k in incremental if after[k] != incremental[k]}
    assert all(incremental[k] in recorded or after[k] in recorded for k in moved)
    assert len(after) == len(grown)


def test_search_index_finds_the_new_record_at_once(store, monkeypatch) -> None:
    """Without rebuilding the version's index: the increment's persons are layered over it."""
    from hub.web.search.index import Query
    from hub.web.search.layered import LayeredIndex
    from hub.web.search.service import SearchService

    persons = fakes.persons_frame(fakes.people(12))
    link_and_publish(store, "run-1", persons, fakes.registrations_frame(persons))
    service = SearchService(store, check_seconds=3600)
    service.start()
    builds = []
    build = service._build
    monkeypatch.setattr(service, "_build", lambda version: builds.append(version) or build(
        version))
    newcomer = fakes.people(13)[-1]
    query = Query(name=f"{newcomer['first_names']} {newcomer['surname']}")
    assert service.search(query).total == 0
    surnames = sorted({p["surname"] for p in fakes.people(12)})

    def found() -> set[str]:
        return {h.person_id for n in surnames for h in service.search(Query(name=n)).hits}

    before = found()
    assert len(before) >= 12
    _deliver(store, 13, "inc-1")
    assert service.search(query).total >= 1
    assert isinstance(service.current_index(), LayeredIndex) and builds == []
    ids = [h.person_id for h in service.search(Query(name=newcomer["surname"])).hits]
    assert len(ids) == len(set(ids))  # each person once, also those the increment rewrote
    _deliver(store, 14, "inc-2")  # a second increment adds to the layer
    assert service.search(Query(name=fakes.people(14)[-1]["surname"])).total >= 1
    assert builds == [] and service.current_index().increments == 2
    assert before <= found()  # the known persons are still found


def test_sigkill_during_increment_keeps_previous_state(store, store_url: str,
                                                      tmp_path: Path) -> None:
    persons = fakes.persons_frame(fakes.people(20))
    link_and_publish(store, "run-1", persons, fakes.registrations_frame(persons))
    before = published(store)
    grown = fakes.persons_frame(fakes.people(24))
    registrations = fakes.registrations_frame(grown)
    with store.connect() as conn:
        version = current_version_id(conn)
        deltas = [changed_records(conn, version, source, group,
                                  registrations[registrations["source"] == source])
                  for source, group in grown.groupby("source")]
    new = pd.concat([d.persons for d in deltas], ignore_index=True)
    cases = pd.concat([d.registrations for d in deltas], ignore_index=True)
    result = increment_of(link(grown, previous=previous_assignments(store)), new)
    killed_midway("hub.store.increment", "publish_increment", "inc-killed",
                  (new, cases, result), store_url, tmp_path)

    assert published(store) == before
    with store.connect() as conn:
        assert current_version_id(conn) == version
        assert conn.execute(sa.select(runs.c.run_id).where(runs.c.kind == "increment")).all() \
            == []
    # The delivery is still new to the store: the next increment publishes it whole.
    publish_increment(store, "inc-2", new, cases, result)
    assert len(person_of(store)) == len(grown)


def test_candidates_by_name_alone_fold_case_beyond_ascii(store) -> None:
    persons = fakes.persons_frame(fakes.people(6))
    first = persons.index[0]
    persons.loc[first, ["surname", "surname_prefix", "content_hash"]] = ["Özdemir", None, "oz"]
    link_and_publish(store, "run-1", persons, fakes.registrations_frame(persons))
    known = persons.loc[first]
    other = persons.loc[[first]].assign(
        source="veilig_thuis", source_record_id="VT-NEW-OZ", surname="ÖZDEMIR", bsn=None,
        birth_date="1999-09-09", postcode="9999ZZ", house_number=1, source_household_ref=None,
        first_names=str(known["first_names"]).upper())
    with store.connect() as conn:
        found = candidate_records(conn, current_version_id(conn), other)
    assert known["source_record_id"] in set(found["source_record_id"])


def test_a_corrected_record_moves_its_cases_and_golden_records_like_a_full_build(store) -> None:
    persons = fakes.persons_frame(fakes.people(12))
    registrations = fakes.registrations_frame(persons)
    link_and_publish(store, "run-1", persons, registrations)
    # Veilig Thuis corrects a child's record into someone else: a new person of its own.
    ids = person_of(store)
    shared = pd.Series([ids[(a, b)] for a, b in zip(persons["source"],
                                                    persons["source_record_id"], strict=True)])
    several = shared.map(shared.value_counts()) > 1
    vt = persons.index[(persons["source"] == "veilig_thuis") & several.to_numpy()][0]
    corrected = persons.copy()
    corrected.loc[vt, ["first_names", "surname", "birth_date", "bsn", "street", "postcode",
                       "house_number", "content_hash"]] = [
        "Quirijn", "Zwanenburg", "2015-05-05", None, "Kade", "1999ZZ", 7, "corrected"]
    before = person_of(store)
    with store.connect() as conn:
        version = current_version_id(conn)
        delta = changed_records(conn, version, "veilig_thuis",
                                corrected[corrected["source"] == "veilig_thuis"],
                                registrations[registrations["source"] == "veilig_thuis"])
    assert list(delta.persons["source_record_id"]) == [corrected.loc[vt, "source_record_id"]]
    full = link(corrected, previous=previous_assignments(store))
    publish_increment(store, "inc-1", delta.persons, delta.registrations,
                      increment_of(full, delta.persons))
    key = ("veilig_thuis", corrected.loc[vt, "source_record_id"])
    assert person_of(store)[key] != before[key]
    incremental = _rows(store)
    link_and_publish(store, "run-2", corrected, registrations)
    assert _rows(store) == incremental


def test_the_amended_versions_snapshot_is_removed_not_left_stale(store, tmp_path: Path) -> None:
    persons = fakes.persons_frame(fakes.people(8))
    published_run = link_and_publish(store, "run-1", persons, fakes.registrations_frame(persons),
                                     snapshots=tmp_path / "snapshots")
    assert published_run.snapshot is not None and published_run.snapshot.exists()
    grown = fakes.persons_frame(fakes.people(9))
    with store.connect() as conn:
        version = current_version_id(conn)
        new = pd.concat([changed_records(conn, version, source, group).persons
                         for source, group in grown.groupby("source")], ignore_index=True)
    result = increment_of(link(grown, previous=previous_assignments(store)), new)
    publish_increment(store, "inc-1", new, None, result, snapshots=tmp_path / "snapshots")
    assert not published_run.snapshot.exists()


def test_every_candidate_criterion_is_an_index_lookup_on_sqlite(tmp_path: Path) -> None:
    """A delivery's candidates are found through the version's candidate indexes, one query per
    criterion, never by reading every published record (SQLite's query plan says which)."""
    from hub.store.candidates import _seed_conditions
    from hub.store.engine import make_engine, upgrade
    from schemas.store import source_records

    url = f"sqlite:///{tmp_path / 'hub.sqlite'}"
    upgrade(url)
    new = pd.DataFrame([{"source": "veilig_thuis", "source_record_id": "VT-1", "bsn": "111222333",
                         "first_names": "Daan", "surname": "Yılmaz", "birth_date": "2019-05-02",
                         "postcode": "1501AB", "house_number": 12,
                         "source_household_ref": "M-1"}])
    conditions = _seed_conditions(new)
    assert len(conditions) == 5  # BSN, birth date, names, address, dossier reference
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            for condition in conditions:
                query = sa.select(source_records.c.source_record_id).where(
                    source_records.c.version_id == 1, condition)
                sql = str(query.compile(dialect=conn.dialect,
                                        compile_kwargs={"literal_binds": True}))
                plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql(
                    f"EXPLAIN QUERY PLAN {sql}"))
                assert "USING INDEX" in plan and "SCAN" not in plan, plan
    finally:
        engine.dispose()
