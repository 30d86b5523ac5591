"""The partner configuration is validated before anything is read."""

import pytest
from connectors_cases import PERSON_FIELDS

from connectors.config import DEMO_API_TOKEN, load_config
from foundation.errors import ConfigError

FILES_PARTNER = """
partners:
  vt:
    kind: files
    connection: {folder: "${HUB_HOME}/partners/vt/inbox"}
    persons:
      pattern: "*.csv"
      fields:
"""


def test_env_and_hub_home_are_expanded(make_config, hub_settings):
    config = make_config("""
        scope: {municipality_codes: [479], postcode_ranges: [[1500, 1509]]}
        partners:
          rvdk:
            kind: sql
            connection: {url: "${RVDK_DB_URL}"}
            persons:
              table: personen
              fields:
                source_record_id: {column: id}
                address_confidential: {constant: false}
    """, environ={"RVDK_DB_URL": "postgresql+psycopg2://u@db/x"})
    assert config.partners["rvdk"].connection["url"] == "postgresql+psycopg2://u@db/x"
    assert config.scope.municipality_codes == {"0479"}
    assert config.scope.postcode_ranges == ((1500, 1509),)


ENV_PARTNERS = """
    partners:
      rvdk:
        kind: sql
        connection: {url: "${RVDK_DB_URL}"}
        persons:
          table: personen
          fields: {source_record_id: {column: id}, address_confidential: {constant: false}}
      jbra:
        kind: rest
        connection: {base_url: "${JBRA_API_URL}", token: "${JBRA_API_TOKEN}"}
        persons:
          endpoint: /persons
          fields: {source_record_id: {column: id}, address_confidential: {constant: false}}
"""
"""Two partners whose connections come from environment variables only."""


def test_demo_defaults_apply_only_when_env_is_unset(make_config, hub_settings):
    demo = make_config(ENV_PARTNERS)
    assert demo.partners["rvdk"].connection["url"].startswith("sqlite:///")
    assert str(hub_settings.partner_systems) in demo.partners["rvdk"].connection["url"]
    assert demo.partners["jbra"].demo_api
    assert demo.partners["jbra"].connection["token"] == DEMO_API_TOKEN
    real = make_config(ENV_PARTNERS, environ={
        "JBRA_API_URL": "https://api.example", "JBRA_API_TOKEN": "s",
        "RVDK_DB_URL": "postgresql+psycopg2://u@db/x"})
    assert not real.partners["jbra"].demo_api
    assert real.partners["jbra"].connection["base_url"] == "https://api.example"


@pytest.mark.parametrize("flag", ["", "0", "yes"])
@pytest.mark.parametrize("unset, partner", [("JBRA_API_URL", "jbra"), ("RVDK_DB_URL", "rvdk")])
def test_without_hub_demo_an_unset_partner_setting_is_a_config_error(make_config, flag, unset,
                                                                     partner):
    """Issue 16, 4: a production hub with a typo never falls back to the demo systems."""
    environ = {"HUB_DEMO": flag, "JBRA_API_URL": "https://api.example", "JBRA_API_TOKEN": "s",
               "RVDK_DB_URL": "sqlite:///x.sqlite"}
    del environ[unset]
    with pytest.raises(ConfigError) as caught:
        make_config(ENV_PARTNERS, environ=environ)
    assert caught.value.partner == partner and unset in str(caught.value)
    assert "HUB_DEMO=1" in str(caught.value)


def test_unset_secret_is_a_config_error(make_config):
    with pytest.raises(ConfigError, match="SECRET_TOKEN"):
        make_config("""
            partners:
              x:
                kind: rest
                connection: {base_url: "https://x.example", token: "${SECRET_TOKEN}"}
                persons:
                  endpoint: /p
                  fields: {source_record_id: {column: id}, address_confidential: {constant: false}}
        """)


def test_persons_mapping_without_address_confidential_is_refused(make_config):
    with pytest.raises(ConfigError) as info:
        make_config(FILES_PARTNER + "        source_record_id: {column: id}\n")
    assert info.value.field == "address_confidential" and info.value.partner == "vt"


@pytest.mark.parametrize("field_line, field", [
    ("        shoe_size: {column: maat}", "shoe_size"),
    ("        role: {column: rol, values: {kind: kiddo}}", "role"),
    ("        role: {constant: boss}", "role"),
    ("        sex: {column: g, values: {man: Male}}", "sex"),
    ("        surname: {column: n, parse: soundex}", "surname"),
    ("        surname: {column: n, constant: x}", "surname"),
], ids=["unknown-field", "unknown-role", "unknown-role-constant", "unknown-sex", "unknown-parser",
        "column-and-constant"])
def test_unknown_fields_and_vocabulary_are_refused(make_config, field_line, field):
    text = FILES_PARTNER + "        source_record_id: {column: id}\n" \
        "        address_confidential: {constant: false}\n" + field_line + "\n"
    with pytest.raises(ConfigError) as info:
        make_config(text)
    assert info.value.field == field


def test_unknown_case_type_is_refused(make_config):
    with pytest.raises(ConfigError, match="case_type"):
        make_config("""
            partners:
              x:
                kind: files
                connection: {folder: /tmp/x}
                registrations:
                  pattern: "*.csv"
                  fields:
                    case_id: {column: id}
                    person_record_ids: {column: p, parse: list}
                    case_type: {column: t, values: {OTS: ondertoezichtstelling}}
        """)


def test_full_person_mapping_is_accepted(make_config):
    config = make_config(FILES_PARTNER + PERSON_FIELDS)
    rules = config.partners["vt"].datasets["persons"].fields
    assert rules["sex"].values == {"man": "M", "vrouw": "V", "onbekend": "X"}
    assert rules["birth_date"].date_formats == ("%d-%m-%Y", "%Y")


def test_missing_file_is_a_config_error(hub_settings, tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(hub_settings, tmp_path / "nope.yaml")
