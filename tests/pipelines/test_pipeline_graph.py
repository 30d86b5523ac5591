"""The whole graph on demo data, in-process: publish, re-run, a partner down, a steward decision.

One module-scoped sequence of runs on one HUB_HOME and one Dagster instance, as the pilot would
see them night after night; each test asserts one behaviour on the recorded outcome.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
import sqlalchemy as sa

from pipelines.runner import RunSummary, run_pipeline
from schemas.store import persons as persons_table
from schemas.store import run_sources
from schemas.store import source_records as records_table

pytestmark = pytest.mark.slow

DOWN_PARTNER = "rvdk"


@dataclass
class Picture:
    """What a reader of the store sees after a run."""

    version_id: int | None
    assignments: pd.DataFrame
    persons: pd.DataFrame
    records_per_source: dict[str, int]


@dataclass
class Story:
    """The runs of the module and the store after each."""

    summaries: dict[str, RunSummary] = field(default_factory=dict)
    pictures: dict[str, Picture] = field(default_factory=dict)
    partner_rows: pd.DataFrame | None = None
    down_started: datetime | None = None
    separated: tuple[tuple[str, str], tuple[str, str]] | None = None
    docs_index: str = ""
    """The Data Docs index page after the unchanged re-run."""


def picture(store_url: str) -> Picture:
    from hub.store.engine import open_store
    from hub.store.ids import previous_assignments
    from hub.store.versions import current_version_id

    engine = open_store(store_url)
    try:
        with engine.connect() as conn:
            version = current_version_id(conn)
            people = pd.DataFrame(conn.execute(
                sa.select(*[c for c in persons_table.c if c.name != "version_id"])
                .where(persons_table.c.version_id == version)
                .order_by(persons_table.c.person_id)).mappings().all())
            counts = dict(conn.execute(
                sa.select(records_table.c.source, sa.func.count())
                .where(records_table.c.version_id == version)
                .group_by(records_table.c.source)).all())
        assignments = previous_assignments(engine).sort_values(
            ["source", "source_record_id"]).reset_index(drop=True)
    finally:
        engine.dispose()
    return Picture(version, assignments, people, counts)


def _two_records_of_one_person(assignments: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    """Two records from different partners that the hub linked to one person."""
    multi = assignments.groupby("person_id")["source"].nunique()
    person = sorted(multi[multi > 1].index)[0]
    rows = assignments[assignments["person_id"] == person].drop_duplicates("source").head(2)
    return tuple((r.source, r.source_record_id) for r in rows.itertuples())


@pytest.fixture(scope="module")
def story(demo_systems: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Story]:
    """Three nights: a first run, an unchanged re-run, then a night on which RvdK is down and a
    steward has separated two records the hub had linked."""
    from pipeline_cases import make_home

    from foundation.settings import get_settings
    from hub.store.decisions import record_decision
    from hub.store.engine import open_store

    told = Story()
    with pytest.MonkeyPatch.context() as mp:
        instance = dg.DagsterInstance.ephemeral()
        make_home(demo_systems, tmp_path_factory.mktemp("graph") / "hub", mp)
        store_url = get_settings().store_url

        told.summaries["first"] = run_pipeline(instance=instance)
        told.pictures["first"] = picture(store_url)

        told.summaries["again"] = run_pipeline(instance=instance)
        told.pictures["again"] = picture(store_url)
        from expectations.data_docs import docs_index

        told.docs_index = docs_index(get_settings().data_docs).read_text(encoding="utf-8")

        engine = open_store(store_url)
        left, right = _two_records_of_one_person(told.pictures["again"].assignments)
        told.separated = (left, right)
        record_decision(engine, left, right, "cannot_link", "steward-test",
                        reason="two different people (test)")
        told.down_started = datetime.now(UTC)
        with pytest.MonkeyPatch.context() as down:
            down.setenv("RVDK_DB_URL", "sqlite:////nonexistent/partner/rvdk.sqlite")
            told.summaries["down"] = run_pipeline(instance=instance)
        told.pictures["down"] = picture(store_url)
        with engine.connect() as conn:
            told.partner_rows = pd.DataFrame(conn.execute(
                sa.select(run_sources).where(
                    run_sources.c.run_id == told.summaries["down"].publish_run_id)
            ).mappings().all())
        engine.dispose()
        instance.dispose()
    yield told


def test_full_graph_publishes_every_partner(story: Story) -> None:
    first = story.summaries["first"]
    assert first.ok, (first.publish_error, [(p.partner, p.error) for p in first.partners])
    assert {p.partner for p in first.partners} == {
        "veilig_thuis", "rvdk", "blijf_groep", "jbra", "wss", "ldh", "jgb"}
    for partner in first.partners:
        assert partner.counts["persons_read"] == (
            partner.counts["persons_staged"] + partner.counts["persons_quarantined"]
            + partner.counts["persons_out_of_scope"])
    published = first.published
    assert published["status"] == "published"
    assert published["persons"] > 0 and published["households"] > 0
    shot = story.pictures["first"]
    assert set(shot.records_per_source) == {p.partner for p in first.partners}
    assert shot.assignments["person_id"].str.match(r"^P-[0-9A-Z]{10}$").all()
    assert shot.assignments["household_id"].dropna().str.match(r"^H-[0-9A-Z]{10}$").all()
    linking = first.linking
    assert linking["pairs_compared"] >= linking["auto_matched"] > 0
    assert "| match weight | pairs |" in linking["match_weight_distribution"]
    # Operators see where the time went: every partner's steps and the linking step, timed.
    steps = first.step_seconds
    assert {"rvdk__extracted", "rvdk__staged", "linked_persons"} <= set(steps)
    assert all(seconds >= 0 for seconds in steps.values())


def test_unchanged_rerun_keeps_the_store_identical(story: Story) -> None:
    first, again = story.pictures["first"], story.pictures["again"]
    assert story.summaries["again"].published["status"] == "unchanged"
    assert story.summaries["again"].linking["inputs_unchanged"] is True
    # The output is the published version, checked when it was published: not validated again.
    assert story.summaries["first"].checks["merged_output_valid"]["passed"] is True
    assert "unchanged" not in story.summaries["first"].checks["merged_output_valid"]
    assert story.summaries["again"].checks["merged_output_valid"] == {
        "passed": True, "rules_failed": 0, "unchanged": True}
    assert again.version_id == first.version_id
    pd.testing.assert_frame_equal(again.assignments, first.assignments)
    pd.testing.assert_frame_equal(again.persons, first.persons)


def test_data_docs_index_lists_every_partner_validation_of_the_run(story: Story) -> None:
    """Partner pages are written without the index; hub run builds the index once per run."""
    run = story.summaries["first"].ingest_run_id
    # Two results (persons, registrations) per partner of the ingest run are linked.
    assert story.docs_index.count(run) >= 2 * len(story.summaries["first"].partners)


def test_unchanged_staging_is_not_validated_again(story: Story) -> None:
    """The re-run keeps the first run's verdicts (and its quarantine and Data Docs)."""
    first = story.summaries["first"]
    assert all(p.verdicts_reused_from is None for p in first.partners)
    assert {p.verdicts_reused_from for p in story.summaries["again"].partners} == {
        first.ingest_run_id}
    assert story.summaries["again"].ingest_run_id not in story.docs_index


def test_partner_down_keeps_its_last_good_data_and_shows_its_age(story: Story) -> None:
    down = story.summaries["down"]
    status = {p.partner: p.status for p in down.partners}
    assert status[DOWN_PARTNER] == "failed"
    assert all(s == "ok" for p, s in status.items() if p != DOWN_PARTNER)
    assert next(p.error for p in down.partners if p.partner == DOWN_PARTNER).startswith(
        "SourceUnavailableError: ")
    assert down.publish_error is None
    assert down.published["partners_with_old_data"] == DOWN_PARTNER
    assert "extract failed" in down.published["partner_freshness"]
    before, after = story.pictures["again"], story.pictures["down"]
    assert after.records_per_source[DOWN_PARTNER] == before.records_per_source[DOWN_PARTNER]
    row = story.partner_rows.set_index("source").loc[DOWN_PARTNER]
    assert row["status"] == "failed"
    last_success = pd.Timestamp(row["last_success_at"])
    last_success = last_success if last_success.tzinfo else last_success.tz_localize(UTC)
    assert last_success < pd.Timestamp(story.down_started)
    others = story.partner_rows[story.partner_rows["source"] != DOWN_PARTNER]
    assert (others["status"] == "ok").all()


def test_steward_decision_changes_the_next_run(story: Story) -> None:
    (ls, lid), (rs, rid) = story.separated
    before = story.pictures["again"].assignments.set_index(["source", "source_record_id"])
    after = story.pictures["down"].assignments.set_index(["source", "source_record_id"])
    assert before.loc[(ls, lid), "person_id"] == before.loc[(rs, rid), "person_id"]
    assert after.loc[(ls, lid), "person_id"] != after.loc[(rs, rid), "person_id"]
    decided = story.summaries["down"]
    assert decided.published["status"] == "published"
    assert decided.linking["steward_decisions"] == 1
    assert decided.linking["inputs_unchanged"] is False
    assert story.pictures["down"].version_id != story.pictures["again"].version_id
