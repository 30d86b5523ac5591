"""Survivorship rules: which partner's record gives each golden field (docs/store.md)."""

from datetime import UTC, datetime

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.nl import bsn as stdnum_bsn

from foundation.bsn import valid_bsns as valid_bsn
from hub.store.households import household_members, households
from hub.store.survivorship import golden_records

OLD = datetime(2026, 1, 1, tzinfo=UTC)
NEW = datetime(2026, 6, 1, tzinfo=UTC)


def rec(source: str, rid: str, **values: object) -> dict:
    base = {"person_id": "P-1", "household_id": "H-1", "source": source, "source_record_id": rid,
            "bsn": None, "first_names": None, "surname_prefix": None, "surname": None,
            "birth_date": None, "sex": None, "street": None, "house_number": None,
            "house_letter": None, "house_number_suffix": None, "postcode": None, "city": None,
            "municipality_code": None, "address_confidential": False, "role": "child",
            "extracted_at": OLD}
    base.update(values)
    return base


def golden(*rows: dict) -> pd.Series:
    return golden_records(pd.DataFrame(list(rows))).iloc[0]


def test_bsn_from_the_raad_beats_others_and_invalid_ones_never_win() -> None:
    g = golden(
        rec("veilig_thuis", "v1", bsn="111222333", extracted_at=NEW),
        rec("rvdk", "r1", bsn="123456782"),
        rec("jbra", "j1", bsn="123456789"),  # fails the elfproef
    )
    assert g.bsn == "123456782" and g.bsn_from == "rvdk:r1"
    only_invalid = golden(rec("rvdk", "r1", bsn="123456789"))
    assert pd.isna(only_invalid.bsn)


def test_names_come_whole_from_the_most_recent_gi_record() -> None:
    g = golden(
        rec("rvdk", "r1", first_names="Jan", surname="Berg", surname_prefix="van den",
            extracted_at=NEW),
        rec("jbra", "j1", first_names="Johannes", surname="Bergh", extracted_at=OLD),
        rec("wss", "w1", first_names="Johan", surname="Berg", extracted_at=NEW),
    )
    assert (g.first_names, g.surname) == ("Johan", "Berg") and pd.isna(g.surname_prefix)
    assert g.name_from == "wss:w1"


def test_the_most_precise_birth_date_wins_over_rank() -> None:
    g = golden(rec("rvdk", "r1", birth_date="2014"), rec("veilig_thuis", "v1",
                                                           birth_date="2014-03-07"))
    assert g.birth_date == "2014-03-07"


def test_golden_address_never_comes_from_a_confidential_record() -> None:
    g = golden(
        rec("blijf_groep", "b1", street="Geheim", postcode="1500ZZ", address_confidential=True,
            extracted_at=NEW),
        rec("veilig_thuis", "v1", street="Westzijde", house_number=3, postcode="1506AB"),
    )
    assert g.street == "Westzijde" and g.address_from == "veilig_thuis:v1"
    assert bool(g.has_confidential_address)
    secret_only = golden(rec("blijf_groep", "b1", street="Geheim", address_confidential=True))
    assert pd.isna(secret_only.street) and pd.isna(secret_only.address_from)


def test_members_keep_all_roles_and_reporters_are_no_members() -> None:
    rows = pd.DataFrame([
        rec("jbra", "j1", person_id="P-1", role="parent_with_custody"),
        rec("veilig_thuis", "v1", person_id="P-1", role="victim"),
        rec("jbra", "j2", person_id="P-2", role="child"),
        rec("veilig_thuis", "v2", person_id="P-3", role="reporter"),
    ])
    members = household_members(rows).set_index("person_id")
    assert members.loc["P-1", "role"] == "parent_with_custody"
    assert members.loc["P-1", "roles"] == "parent_with_custody,victim"
    assert "P-3" not in members.index
    house = households(rows, members.reset_index()).iloc[0]
    assert (house.member_count, house.child_count) == (2, 1)
    assert house.sources == "jbra,veilig_thuis"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="0123456789 .-x", max_size=12), min_size=1, max_size=20))
def test_vectorised_elfproef_agrees_with_python_stdnum(values: list[str]) -> None:
    got = valid_bsn(pd.Series(values, dtype="str")).tolist()
    assert got == [bool(stdnum_bsn.is_valid(v)) for v in values]


def test_a_new_partner_is_ranked_by_its_trust_in_partners_yaml(tmp_path, monkeypatch) -> None:
    """Adding a partner needs no code: its ``trust:`` in the configuration ranks its records."""
    config = tmp_path / "partners.yaml"
    config.write_text(
        "partners:\n"
        "  rvdk: {trust: {bsn: 1, name: 1}}\n"
        "  brp_koppeling: {trust: {bsn: 0}}\n", encoding="utf-8")
    monkeypatch.setenv("HUB_PARTNERS_CONFIG", str(config))
    rows = (rec("rvdk", "r1", bsn="123456782", first_names="Jan"),
            rec("brp_koppeling", "b1", bsn="111222333", first_names="Johannes"))
    g = golden(*rows)
    assert g.bsn_from == "brp_koppeling:b1"  # bsn rank 0
    assert g.name_from == "rvdk:r1"  # no name rank: after every ranked partner
    from hub.access.roles import parse_partner

    assert parse_partner("brp_koppeling") == "brp_koppeling"


def test_trust_must_be_ranks_of_known_fields(tmp_path) -> None:
    import pytest

    from connectors.config import trust_ranks
    from foundation.errors import ConfigError
    from foundation.settings import Settings

    config = tmp_path / "partners.yaml"
    config.write_text("partners:\n  rvdk: {trust: {address: 0}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="trust"):
        trust_ranks(Settings(home=tmp_path, partners_config=config, store_url="sqlite://"))
