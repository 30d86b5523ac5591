"""Access reports: exactly the person's own data and accesses, no one else's, PDF = HTML."""

import html as htmllib
import json
import re
from collections import Counter
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner
from web_store import CHILD_BSN, MOTHER_BSN, PASSWORD, SHELTER

from hub.access import audit
from hub.access.roles import Role, User
from hub.cli import app
from hub.rights.report import ReportError, produce
from hub.web import views
from hub.web.search.index import Query
from hub.web.search.service import SearchService
from schemas.access import audit_log

runner = CliRunner()
STAFF = User(id=1, username="staff", display_name="Staff", role=Role.STAFF)
BLIJF = User(id=2, username="blijf", display_name="Blijf", role=Role.STAFF, partner="blijf_groep")
STEWARD = User(id=3, username="steward", display_name="Steward", role=Role.STEWARD)

MOTHER_WORDS = ("Fatma", "Çelik", "Celik", "BG-1", "VT-1")
CHILD_WORDS = ("Jan", "Berg", "VT-2", "J-2", "JB-3", "Kees de Wit")
FATHER_WORDS = ("Mohammed", "El Amrani", "VT-3")
SHELTER_WORDS = (SHELTER["street"], SHELTER["postcode"], "Geheimstraat 7")


class _Text(HTMLParser):
    """The visible text of an HTML document (no style, no title)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._skip += tag in {"style", "title", "head"}

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in {"style", "title", "head"}

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return htmllib.unescape(" ".join(parser.parts))


def pdf_text(data: bytes) -> str:
    """The PDF's text; a line broken after a word's own hyphen ('Zaanstreek-' / 'Waterland' in
    a narrow table cell) is joined again."""
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    return re.sub(r"(?<=\w-)\n(?=\w)", "", text)


def _accesses(engine: sa.Engine) -> None:
    """Staff search that shows father and child, a household view, a person view of the mother,
    a reveal of the mother's secret address by Blijf staff, and a steward's review of the child."""
    service = SearchService(engine, 0)
    service.start()
    views.search(engine, service, STAFF, Query(name="Mohammed El Amrani"))
    views.household(engine, STAFF, "H-FAMILY")
    views.household(engine, BLIJF, "H-FAMILY")  # shelter staff look at the whole family
    views.person(engine, STAFF, "P-MOTHER")
    views.person(engine, BLIJF, "P-MOTHER", views.Reveal(
        field="address", source="blijf_groep", record_id="BG-1",
        reason="visit planned with the shelter team", category="safety"))
    from web_store import REVIEW_ITEM
    views.review_item(engine, STEWARD, REVIEW_ITEM)


def test_report_for_the_father_has_only_his_data(family: sa.Engine, partners: dict) -> None:
    _accesses(family)
    report = produce(family, partners, "P-FATHER", "AVG-2026-0001", actor="cli:test")
    text = visible_text(report.html)
    assert [r["source_record_id"] for r in report.subject.records] == ["VT-3"]
    assert "Mohammed" in text and "El Amrani" in text
    for word in (*MOTHER_WORDS, *CHILD_WORDS, *SHELTER_WORDS,
                 "Els Visser", "opvang@blijf.example"):
        assert word not in text, word
    assert MOTHER_BSN not in report.html and CHILD_BSN not in report.html
    assert [c["case_id"] for c in report.subject.registrations] == ["M-1"]
    # his accesses: the search that showed him, the household view, and this report
    kinds = [(a.action, a.kind) for a in report.accesses]
    assert kinds == [("search", "search"), ("view", "household"), ("view", "household"),
                     ("inzage", "person")]
    assert "Registratiehub" in text and "Medewerker" in text  # organisation and role
    views.person(family, STAFF, "P-FATHER", views.Reveal(
        field="bsn", source="veilig_thuis", record_id="VT-3",
        reason="mother now staying at the Blijf shelter in Purmerend", category="investigation"))
    report = produce(family, partners, "P-FATHER", "AVG-2026-0001B", actor="cli:test")
    text = visible_text(report.html)
    assert "Purmerend" not in text and "shelter" not in text
    assert "niet getoond voor de veiligheid van een ander" in text
    assert "inzageverzoek AVG-2026-0001B" in text  # the report's own reference is shown
    # that the shelter's staff looked at his family is logged, but the shelter is not named
    assert "Blijf" not in text and "blijf" not in report.html
    assert "niet genoemd" in text
    assert "Veilig Thuis Zaanstreek-Waterland, functionaris gegevensbescherming" in text
    assert "Registratiehub" in text and "Medewerker" in text  # organisation and role
    assert "staff" not in text.split()  # no user names


def test_report_for_the_mother_shows_no_address_and_her_own_accesses(
        family: sa.Engine, partners: dict) -> None:
    _accesses(family)
    report = produce(family, partners, "P-MOTHER", "AVG-2026-0002", actor="cli:test")
    text = visible_text(report.html)
    for word in (*SHELTER_WORDS, "Dorpsstraat", *CHILD_WORDS, *FATHER_WORDS):
        assert word not in text, word
    assert "afgeschermd adres" in text and "Blijf Groep" in text
    actions = [(a.action, a.kind, a.organisation, a.purpose) for a in report.accesses]
    assert actions == [
        ("view", "household", None, None),
        ("view", "household", "blijf_groep", None),  # her own shelter: named in her own report
        ("view", "person", None, None),
        ("reveal", "person", "blijf_groep", "visit planned with the shelter team"),
        ("inzage", "person", None, "inzageverzoek AVG-2026-0002"),
    ]
    assert "visit planned with the shelter team" in text


def test_report_about_a_child_for_a_parent_has_only_the_child(
        family: sa.Engine, partners: dict) -> None:
    _accesses(family)
    report = produce(family, partners, "P-CHILD", "AVG-2026-0003", actor="cli:test")
    text = visible_text(report.html)
    assert sorted(r["source_record_id"] for r in report.subject.records) == ["J-2", "VT-2"]
    assert sorted(c["case_id"] for c in report.subject.registrations) == ["JB-3", "M-1"]
    for word in (*MOTHER_WORDS, *FATHER_WORDS, *SHELTER_WORDS, "Els Visser"):
        assert word not in text, word
    # the review item pairs the child's VT-2 with someone else's R-5: listed, R-5 not named
    assert ("view", "review") in [(a.action, a.kind) for a in report.accesses]
    assert "R-5" not in text and "P-OTHER" not in text


def test_making_a_report_is_audited_with_the_reference(family: sa.Engine,
                                                       partners: dict) -> None:
    produce(family, partners, "P-CHILD", "AVG/2026/77", actor="cli:officer")
    entry = audit.latest(family, 1)[0]
    assert (entry.action, entry.target_kind, entry.target_id) == ("inzage", "person", "P-CHILD")
    assert json.loads(entry.detail)["request"] == "AVG/2026/77"
    assert audit.verify(family).ok


@pytest.mark.parametrize(("person", "reference"), [("P-NOBODY", "AVG-1"), ("P-CHILD", "x"),
                                                 ("P CHILD", "AVG-1"), ("P-CHILD", "AVG 1")])
def test_a_wrong_request_is_refused_and_not_logged(family: sa.Engine, partners: dict,
                                                   person: str, reference: str) -> None:
    before = _count(family)
    with pytest.raises(ReportError):
        produce(family, partners, person, reference, actor="cli:test")
    assert _count(family) == before


def _count(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar()


def _words(text: str) -> Counter:
    return Counter(re.findall(r"\w[\w@.:/*-]*", text))


def test_the_pdf_says_what_the_html_says(family: sa.Engine, partners: dict) -> None:
    _accesses(family)
    report = produce(family, partners, "P-MOTHER", "AVG-2026-0004", actor="cli:test")
    html_words, pdf_words = _words(visible_text(report.html)), _words(pdf_text(report.pdf()))
    assert html_words == pdf_words
    assert sum(html_words.values()) > 300


def test_cli_writes_html_and_pdf_and_refuses_wrong_values(family: sa.Engine,
                                                          tmp_path: Path) -> None:
    out = tmp_path / "reports" / "avg-5"
    done = runner.invoke(app, ["inzage", "--person", "P-FATHER", "--request", "AVG-5",
                               "--out", str(out), "--officer", "privacy"])
    assert done.exit_code == 0, done.output
    html_file, pdf_file = out.with_name("avg-5.html"), out.with_name("avg-5.pdf")
    assert "Mohammed" in html_file.read_text() and pdf_file.read_bytes().startswith(b"%PDF")
    entry = audit.latest(family, 1)[0]
    assert (entry.actor, entry.role, entry.action) == ("privacy", "privacy_officer", "inzage")
    before = _count(family)
    for args in (["--person", "P-NOBODY", "--request", "AVG-6"],
                 ["--person", "P-FATHER", "--request", "?"],
                 ["--person", "P-FATHER", "--request", "AVG-6", "--officer", "staff"]):
        wrong = runner.invoke(app, ["inzage", *args, "--out", str(tmp_path / "x")])
        assert wrong.exit_code == 2, (args, wrong.output)
    assert _count(family) == before
    assert not (tmp_path / "x.html").exists()


def test_web_privacy_officer_gets_the_report_and_nobody_else(family: sa.Engine) -> None:
    from web_helpers import client_for, login

    client = client_for(family)
    token = login(client, "privacy", PASSWORD)
    page = client.post("/privacy/inzage", data={"person": "P-FATHER", "reference": "AVG-9",
                                                "format": "html", "csrf_token": token})
    assert page.status_code == 200 and "Mohammed" in page.text
    assert "Fatma" not in page.text
    pdf = client.post("/privacy/inzage", data={"person": "P-FATHER", "reference": "AVG-9",
                                               "format": "pdf", "csrf_token": token})
    assert pdf.headers["content-type"] == "application/pdf"
    assert "Mohammed" in pdf_text(pdf.content)
    bad = client.post("/privacy/inzage", data={"person": "P-NOBODY", "reference": "AVG-9",
                                               "format": "html", "csrf_token": token})
    assert bad.status_code == 400
    assert client.get("/search").status_code == 403  # the officer does not browse families
    staff = client_for(family)
    staff_token = login(staff, "staff", PASSWORD)
    assert staff.get("/privacy/inzage").status_code == 403
    assert staff.post("/privacy/inzage", data={"person": "P-FATHER", "reference": "AVG-9",
                                               "csrf_token": staff_token}).status_code == 403


def test_the_report_says_where_each_value_came_from_and_why_in_words(
        family: sa.Engine, partners: dict) -> None:
    from schemas import store as s

    p, lk = s.persons.c, s.person_links.c
    with family.begin() as conn:
        conn.execute(s.persons.update().where(p.person_id == "P-CHILD").values(
            name_from="jbra:J-2", birth_date_from="veilig_thuis:VT-2"))
        conn.execute(s.person_links.update().where(lk.source_record_id == "J-2").values(
            explanation=json.dumps({"prior": -3.1, "first_name": ["exact", 6.2],
                                    "birth_date": ["day_month_swapped", 1.1],
                                    "bsn": ["equal_valid", 9.0], "twin_guard": -25.0,
                                    "total": 16.2})))
    report = produce(family, partners, "P-CHILD", "AVG-2026-0010", actor="cli:test")
    text = " ".join(visible_text(report.html).split())
    assert "Naam Jan van der Berg Jeugdbescherming Regio Amsterdam" in text
    assert "Geboortedatum 07-03-2014 Veilig Thuis Zaanstreek-Waterland" in text
    assert "Uitkomst: zeer sterke overeenkomst." in text
    assert "Geboortedatum dag en maand verwisseld" in text
    assert "BSN gelijk, geldig nummer" in text
    assert "Telde tegen: de gegevens kunnen van een tweeling zijn." in text
