"""The asset checks in Dagster: a blocking failure stops downstream assets, row failures warn."""

import dagster as dg
from validation_cases import PARTNER, person, registration

from pipelines.catalog import PartnerEntry
from pipelines.checks import merged_checks
from pipelines.defs.partners import build_staged
from pipelines.io_managers import VALIDATED_IO, ValidatedIOManager
from pipelines.keys import staged_key
from pipelines.resources import HubResource

STAGED = staged_key(PARTNER)
staged = build_staged(PartnerEntry(key=PARTNER, name=PARTNER, kind="files", drop_folder=None))
"""The partner's real staged asset (staging is written by the test), with its checks."""


@dg.asset(deps=[STAGED])
def linked_persons() -> None:
    """Stand-in for linking: must not run when staging fails a blocking rule."""


def _run(home) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [staged, linked_persons],
        resources={"hub": HubResource(home=str(home)),
                   VALIDATED_IO: ValidatedIOManager(hub=HubResource(home=str(home)))},
        raise_on_error=False,
    )


def _evaluations(result) -> dict[str, dg.AssetCheckEvaluation]:
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def test_blocking_failure_stops_downstream(hub_settings, stage) -> None:
    stage(hub_settings.home, PARTNER, [person(0), person(1, source="rvdk")], [registration(0)])
    result = _run(hub_settings.home)
    checks = _evaluations(result)
    assert not checks["persons_blocking_rules"].passed
    assert checks["registrations_blocking_rules"].passed
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert STAGED in materialized
    assert dg.AssetKey("linked_persons") not in materialized


def test_row_failures_warn_and_downstream_runs(hub_settings, stage) -> None:
    stage(hub_settings.home, PARTNER,
          [person(0), person(1, bsn="111222334"), person(2, address_confidential=True,
                                                           bsn="111222334")],
          [registration(0)])
    result = _run(hub_settings.home)
    checks = _evaluations(result)
    row_check = checks["persons_row_level_rules"]
    assert not row_check.passed and row_check.severity == dg.AssetCheckSeverity.WARN
    assert row_check.metadata["failed_rows"].value == 2
    sample = row_check.metadata["failing_rows_masked"].value
    assert "bsn_elfproef" in sample and "111222334" not in sample and "*******34" in sample
    assert str(row_check.metadata["data_docs"].value).endswith("index.html")
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey("linked_persons") in materialized


def test_merged_check_blocks_publishing(hub_settings) -> None:
    import pandas as pd

    from expectations import MergedInputs

    merged_key = dg.AssetKey("merged_registration")

    @dg.asset(key=merged_key)
    def merged() -> None:
        """Stand-in for the merged output."""

    @dg.asset(deps=[merged_key])
    def published() -> None:
        """Stand-in for publishing."""

    def load(settings, run_id) -> MergedInputs:
        staged_rows = pd.DataFrame({"source": [PARTNER] * 2, "source_record_id": ["r0", "r1"],
                                    "address_confidential": [False, False]})
        assignments = pd.DataFrame({"source": [PARTNER], "source_record_id": ["r0"],
                                    "person_id": ["P-1"], "household_id": ["H-1"]})
        return MergedInputs(staged=staged_rows, quarantined=staged_rows.iloc[0:0],
                            assignments=assignments,
                            households=pd.DataFrame({"household_id": ["H-1"]}),
                            persons=pd.DataFrame({"person_id": ["P-1"],
                                                  "address_confidential": [False]}))

    result = dg.materialize([merged, published, *merged_checks(merged_key, load)],
                            resources={"hub": HubResource(home=str(hub_settings.home))},
                            raise_on_error=False)
    check = _evaluations(result)["merged_output_valid"]
    assert not check.passed
    assert "record_linked_to_exactly_one_person" in check.description
    assert "counts_reconcile" in check.description
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey("published") not in materialized


def test_a_case_naming_an_unstaged_person_is_quarantined_and_shown(hub_settings, stage) -> None:
    """A case whose person was quarantined at extraction (an unknown role, say) fails a row rule;
    its failing rows show the case's person record ids, and the partner's staging still
    materialises (the check's table once broke on the list of ids)."""
    stage(hub_settings.home, PARTNER, [person(0)],
          [registration(0), registration(1, person_record_ids=["r0", "r9", "r8"])])
    result = _run(hub_settings.home)
    checks = _evaluations(result)
    row_check = checks["registrations_row_level_rules"]
    assert not row_check.passed
    sample = row_check.metadata["failing_rows_masked"].value
    assert "registration_persons_exist" in sample and "r0, r9, r8" in sample
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert STAGED in materialized
