"""A drop-folder delivery after a full run takes the incremental path end to end: the sensor asks
for it, the run reads and validates the file and publishes its records into the published version
(a repeat report joins the known child, a new family gets new IDs, known IDs stay)."""

from pathlib import Path

import dagster as dg
import pytest

from pipelines.keys import increment_key

pytestmark = pytest.mark.slow

HEADER = ("Meldingnummer;Soort;Status;Datum binnenkomst;Datum afsluiting;Reden afsluiting;"
          "Medewerker;Contact medewerker;Persoonsnummer;Rol;Voornamen;Tussenvoegsel;Achternaam;"
          "Geboortedatum;Geslacht;BSN;Straat;Huisnummer;Huisletter;Toevoeging;Postcode;"
          "Woonplaats;Gemeentecode")
CASE = "M2026-009001;Melding;Lopend;03-12-2026;;;Nicole Visser;n.visser@veiligthuiszw.nl"
NEW_FAMILY = [
    f"{CASE};M2026-009001-02;Slachtoffer;Fatma;;Yilmazoglu;02-02-1991;vrouw;;"
    "Rosmolenstraat;12;;;1502 AB;Zaandam;0479",
    f"{CASE};M2026-009001-03;Kind;Daan;;Yilmazoglu;05-06-2020;man;;"
    "Rosmolenstraat;12;;;1502 AB;Zaandam;0479",
]


def _known_child(inbox: Path) -> list[str]:
    """A child of the first export, as its fields stand in the file."""
    for line in (inbox / "VT_export_20261001.csv").read_text(encoding="cp1252").splitlines()[1:]:
        fields = line.split(";")
        if fields[9] == "Kind" and fields[15]:
            return fields
    raise AssertionError("the demo export holds no child with a BSN")


def test_a_delivery_after_a_full_run_is_published_incrementally(demo_home: Path) -> None:
    from foundation.settings import get_settings
    from hub.store.engine import open_store
    from hub.store.ids import previous_assignments
    from pipelines.runner import load_definitions, run_pipeline

    with dg.instance_for_test() as instance:
        inbox = demo_home / "partners" / "veilig_thuis" / "inbox"
        child = _known_child(inbox)  # read before the run moves the file away
        run_pipeline(instance=instance)
        engine = open_store(get_settings().store_url)
        before = previous_assignments(engine)
        repeat = [*CASE.split(";"), "M2026-009001-01", "Kind", child[10][:-1] + child[10][-1] * 2,
                  *child[11:]]
        (inbox / "VT_export_20261204.csv").write_text(
            "\r\n".join([HEADER, ";".join(repeat), *NEW_FAMILY]) + "\r\n", encoding="cp1252")

        defs = load_definitions()
        sensor = defs.resolve_sensor_def("partner_drop_folders")
        tick = sensor(dg.build_sensor_context(instance=instance, cursor=None))
        request = {r.tags["hub/partner"]: r for r in tick.run_requests}["veilig_thuis"]
        assert increment_key("veilig_thuis") in request.asset_selection
        result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
            instance=instance, asset_selection=list(request.asset_selection), tags=request.tags)
        assert result.success
        metadata = {key: value.value for event in result.get_asset_materialization_events()
                    for materialization in [event.step_materialization_data.materialization]
                    if materialization.asset_key == increment_key("veilig_thuis")
                    for key, value in materialization.metadata.items()}
        after = previous_assignments(engine)
        engine.dispose()

    assert metadata["outcome"] == "published"
    assert metadata["new_records"] == 3 and metadata["joined_existing_persons"] >= 1
    ids = dict(zip(zip(after["source"], after["source_record_id"], strict=True),
                   after["person_id"], strict=True))
    known = dict(zip(zip(before["source"], before["source_record_id"], strict=True),
                     before["person_id"], strict=True))
    assert {k: ids[k] for k in known} == known  # no published ID moved
    assert ids[("veilig_thuis", "M2026-009001-01")] == known[("veilig_thuis", child[8])]
    newcomers = {ids[("veilig_thuis", f"M2026-009001-0{n}")] for n in (2, 3)}
    assert len(newcomers) == 2 and not newcomers & set(known.values())
