"""A partner whose staging, rules and date did not change keeps its last verdicts (no GX run)."""

from datetime import timedelta
from pathlib import Path

import pandas as pd
from validation_cases import PARTNER, TODAY, person, registration, write_staging

from foundation.quarantine import read_quarantine
from foundation.settings import get_settings
from pipelines.validation import validate_partner, verdicts_path


def _stage(home: Path, extra: list[dict] | None = None) -> None:
    persons = [person(0), person(1, bsn="111222334"), person(2, sex="F"), *(extra or [])]
    write_staging(home, PARTNER, persons, [registration(0)])


def _verdicts(result) -> list:
    return [(o.dataset, r.rule, r.failed_rows) for o in result.outcomes for r in o.rules]


def test_unchanged_staging_reuses_the_verdicts_and_a_change_revalidates(tmp_path: Path) -> None:
    settings = get_settings(tmp_path / "hub")
    _stage(settings.home)
    first = validate_partner(settings, PARTNER, "run-1", today=TODAY, docs=False,
                             skip_unchanged=True)
    assert first.reused_from is None
    assert verdicts_path(settings, PARTNER).exists()
    assert "111222334" not in verdicts_path(settings, PARTNER).read_text(encoding="utf-8")

    again = validate_partner(settings, PARTNER, "run-2", today=TODAY, docs=False,
                             skip_unchanged=True)
    assert again.reused_from == "run-1"
    assert _verdicts(again) == _verdicts(first)
    pd.testing.assert_frame_equal(again.persons.passed, first.persons.passed)
    assert again.persons.quarantined_positions == first.persons.quarantined_positions == [1, 2]
    assert read_quarantine(settings.quarantine, run_id="run-2").empty  # run-1's stays the record

    # Without skip_unchanged (``hub validate``), on another day, or after a change: validated.
    assert validate_partner(settings, PARTNER, "run-3", today=TODAY, docs=False).reused_from is None
    next_day = validate_partner(settings, PARTNER, "run-4", today=TODAY + timedelta(days=1),
                                docs=False, skip_unchanged=True)
    assert next_day.reused_from is None
    _stage(settings.home, extra=[person(3, bsn="123")])
    changed = validate_partner(settings, PARTNER, "run-5", today=TODAY + timedelta(days=1),
                               docs=False, skip_unchanged=True)
    assert changed.reused_from is None
    assert "r3" not in set(changed.persons.passed["source_record_id"])
