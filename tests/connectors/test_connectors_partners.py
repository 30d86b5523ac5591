"""Mapping tests per partner: each demo system, read through connectors/partners.yaml, gives back
the canonical rows the demo generated (the partner's own picture, errors included)."""

import pandas as pd
import pytest

from connectors.config import load_config
from connectors.extract import extract_all
from foundation.settings import PROJECT_ROOT, Settings
from hub.demo.population import PARTNERS, generate_population
from hub.demo.services import demo_services
from hub.demo.writers import write_partner_systems

CONFIG = PROJECT_ROOT / "connectors" / "partners.yaml"
PERSON_FIELDS = ["bsn", "first_names", "surname_prefix", "surname", "birth_date", "sex", "street",
                 "house_number", "house_letter", "house_number_suffix", "postcode", "city",
                 "municipality_code", "address_confidential", "role"]
CASE_FIELDS = ["case_type", "status", "start_date", "end_date", "end_reason", "case_worker_name",
               "case_worker_contact"]
@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    home = tmp_path_factory.mktemp("hub")
    settings = Settings(home=home, partners_config=CONFIG, store_url="sqlite://")
    population = generate_population(40, seed=7)
    write_partner_systems(population, settings.partner_systems)
    with pytest.MonkeyPatch.context() as mp:
        for name in ("JBRA_API_URL", "JBRA_API_TOKEN", "RVDK_DB_URL", "LDH_DB_URL"):
            mp.delenv(name, raising=False)
        report = extract_all(load_config(settings), settings, services=demo_services)
    return population, report


def _norm(value: object) -> object:
    if value is None or (not isinstance(value, list) and pd.isna(value)):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return value


@pytest.mark.parametrize("partner", PARTNERS)
def test_partner_persons_map_back_to_the_generated_rows(extracted, partner):
    population, report = extracted
    assert partner not in report.errors, report.errors.get(partner)
    result = report.results[partner]
    assert result.reconciled and not result.rejected_files
    got = result.persons.drop_duplicates("source_record_id").set_index("source_record_id")
    want = population.persons[population.persons["source"] == partner] \
        .drop_duplicates("source_record_id").set_index("source_record_id")
    assert set(got.index) <= set(want.index)
    assert len(got) + result.counts["persons"].out_of_scope >= len(want) * 0.9
    mismatches = {
        field: [rid for rid in got.index
                if _norm(got.at[rid, field]) != _norm(want.at[rid, field])]
        for field in PERSON_FIELDS
    }
    assert {f: ids[:3] for f, ids in mismatches.items() if ids} == {}


@pytest.mark.parametrize("partner", PARTNERS)
def test_partner_registrations_map_back_to_the_generated_cases(extracted, partner):
    population, report = extracted
    result = report.results[partner]
    got = result.registrations.set_index("case_id")
    want = population.registrations[population.registrations["source"] == partner] \
        .set_index("case_id")
    assert len(got) and set(got.index) <= set(want.index)
    for case_id in got.index:
        for field in CASE_FIELDS:
            assert _norm(got.at[case_id, field]) == _norm(want.at[case_id, field]), (case_id, field)
        assert set(got.at[case_id, "person_record_ids"]) <= set(want.at[case_id,
                                                                        "person_record_ids"])
