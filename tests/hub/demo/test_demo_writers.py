"""The native partner systems are written in their own, different shapes and can be read back."""

import json
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from hub.demo import generate_population
from hub.demo.writers import TRUTH_DIR, write_partner_systems


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object, dict[str, int]]:
    out = tmp_path_factory.mktemp("partners")
    population = generate_population(250, seed=3, profile="hard")
    counts = write_partner_systems(population, out)
    return out, population, counts


def test_every_partner_gets_its_own_folder_and_truth_stays_apart(written) -> None:
    out, population, counts = written
    assert sorted(p.name for p in out.iterdir()) == sorted([*counts, TRUTH_DIR])
    assert counts == population.persons["source"].value_counts().to_dict()
    truth_files = {p.name for p in (out / TRUTH_DIR).iterdir()}
    assert {"truth.parquet", "persons.parquet", "registrations.parquet"} <= truth_files
    for partner in counts:
        assert not any("truth" in p.name for p in (out / partner).rglob("*"))


def test_veilig_thuis_is_cp1252_semicolon_csv_with_dutch_dates(written) -> None:
    out, population, counts = written
    files = sorted((out / "veilig_thuis" / "inbox").glob("*.csv"))
    assert len(files) == 2
    raw = b"".join(f.read_bytes() for f in files)
    assert any(b > 127 for b in raw)  # ë, é: single bytes in cp1252
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    frames = [pd.read_csv(f, sep=";", encoding="cp1252", dtype="str") for f in files]
    frame = pd.concat(frames)
    assert len(frame) == counts["veilig_thuis"]
    assert frame["Geboortedatum"].dropna().str.fullmatch(r"\d{2}-\d{2}-\d{4}").all()
    assert (frame["Rol"] == "Melder").any()
    assert frame["BSN"].isna().any()  # partial reports without BSN
    assert frame["BSN"].dropna().str.startswith("0").any()  # zero-padding kept in text


def test_rvdk_and_ldh_are_sqlite_databases_with_separate_tables(written) -> None:
    out, population, counts = written
    for partner, tables, people in (("rvdk", {"personen", "zaken", "zaak_betrokkenen"},
                                     "personen"), ("ldh", {"dossiers", "clients"}, "clients")):
        engine = sa.create_engine(f"sqlite:///{out / partner / (partner + '.sqlite')}")
        with engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) == tables
            n = conn.execute(sa.text(f"SELECT COUNT(*) FROM {people}")).scalar_one()
        engine.dispose()
        assert n == counts[partner]


def test_rvdk_holds_confidential_shelter_addresses(written) -> None:
    out, population, counts = written
    engine = sa.create_engine(f"sqlite:///{out / 'rvdk' / 'rvdk.sqlite'}")
    with engine.connect() as conn:
        secret = conn.execute(sa.text("SELECT COUNT(*) FROM personen WHERE adres_geheim")).scalar()
    engine.dispose()
    expected = population.persons.query("source == 'rvdk'")["address_confidential"].sum()
    assert secret == expected


def test_blijf_groep_flags_secret_shelter_addresses(written) -> None:
    out, population, _ = written
    path = next((out / "blijf_groep" / "inbox").iterdir())
    frame = pd.read_csv(path, sep="\t", encoding="utf-8-sig", dtype="str")
    assert set(frame["Geheim adres"]) == {"ja", "nee"}
    shelters = frame[frame["Geheim adres"] == "ja"]
    # one shelter address, several unrelated dossiers
    assert shelters.groupby(["Straat", "Huisnr"])["Dossiernummer"].nunique().max() > 1


def test_wss_is_an_xlsx_with_combined_name_and_house_number_fields(written) -> None:
    out, _, counts = written
    path = next((out / "wss" / "inbox").glob("*.xlsx"))
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["Clienten", "Maatregelen"]
    clients = pd.read_excel(path, sheet_name="Clienten", dtype="str")
    assert len(clients) == counts["wss"]
    assert clients["Naam"].str.contains(", ", regex=False).any()  # "Berg, van der"
    assert not clients["BSN"].dropna().str.startswith("0").any()  # stored as numbers
    assert clients["Geboortedatum"].dropna().str.fullmatch(r"\d{8}").all()


def test_jgb_is_utf8_comma_csv_with_iso_dates(written) -> None:
    out, _, counts = written
    inbox = out / "jgb" / "inbox"
    personen = pd.read_csv(next(inbox.glob("personen_*.csv")), dtype="str", encoding="utf-8")
    zaken = pd.read_csv(next(inbox.glob("zaken_*.csv")), dtype="str", encoding="utf-8")
    assert len(personen) == counts["jgb"]
    assert personen["geboortedatum"].dropna().str.fullmatch(r"\d{4}(-\d{2}){0,2}").all()
    listed = zaken["betrokkenen"].str.split(";").explode()
    assert set(listed) == set(personen["persoon_id"])


def test_jbra_data_file_has_nested_records_with_update_times(written) -> None:
    out, _, counts = written
    data = json.loads((out / "jbra" / "api_data.json").read_text(encoding="utf-8"))
    assert len(data["clients"]) == counts["jbra"]
    client = data["clients"][0]
    assert {"given", "prefix", "family"} == set(client["name"])
    assert client["updatedAt"].endswith("Z")
    ids = {c["id"] for c in data["clients"]}
    assert {i for case in data["cases"] for i in case["clientIds"]} == ids


def test_every_native_shape_differs(written) -> None:
    out, _, _ = written
    files = [p for p in out.rglob("*") if p.is_file() and TRUTH_DIR not in p.parts]
    suffixes = {p.parent.parent.name if p.parent.name == "inbox" else p.parent.name: p.suffix
                for p in files}
    assert suffixes["veilig_thuis"] == ".csv" and suffixes["wss"] == ".xlsx"
    assert suffixes["rvdk"] == suffixes["ldh"] == ".sqlite"
    assert suffixes["jbra"] == ".json" and suffixes["blijf_groep"] == ".txt"
