"""Data Docs work offline: no CDN script, stylesheet or tracking image on any page, and an index
that names partner, asset and run without needing a script."""

from pathlib import Path

from validation_cases import TODAY, frame, person

from expectations.data_docs import build_index, publish
from expectations.docs_offline import strip_external
from expectations.validate import validate_persons


def test_pages_load_nothing_from_the_internet_and_the_index_names_partner_asset_run(
        tmp_path: Path) -> None:
    outcome = validate_persons(frame([person(0), person(1, postcode="15QX")]), "veilig_thuis",
                               today=TODAY)
    index = publish(tmp_path, outcome.gx_results, "run-demo-1")
    build_index(tmp_path)  # GX's index build must not bring the CDN back
    site = index.parent
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for needle in ("<script src=\"http", "href=\"https://cdn", "href=\"https://unpkg",
                       "https://great-expectations-web-assets", "https://maxcdn"):
            assert needle not in text, (page, needle)
    text = index.read_text(encoding="utf-8")
    assert "<script" not in text
    assert "veilig_thuis" in text and "persons" in text and "run-demo-1" in text
    assert "rules failed" in text  # the malformed postcode
    assert "validations/veilig_thuis/persons/run-demo-1/" in text


def test_stripping_keeps_local_files_and_runs_once() -> None:
    page = ("<html><head><script src=\"https://code.jquery.com/jquery.js\"></script>"
            "<link rel=\"stylesheet\" href=\"static/local.css\">"
            "<style>.x{background:url('https://x.example/a.png')}</style></head><body></body>"
            "</html>")
    clean = strip_external(page)
    assert "jquery" not in clean and "static/local.css" in clean and "x.example" not in clean
    assert strip_external(clean) == clean
