"""The pages speak Dutch by default, English on request, and no visible string escapes the
catalogue: every template text goes through gettext and every msgid has a Dutch translation."""

import re
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from web_helpers import client_for, login
from web_store import PASSWORD

from hub.web import i18n, labels

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = ROOT / "hub" / "web" / "templates"
CATALOG = ROOT / "hub" / "web" / "locale" / "nl" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def _extracted() -> set[str | tuple[str, ...]]:
    method_map = [("hub/web/templates/**.html", "jinja2"), ("hub/web/**.py", "python")]
    options = {"hub/web/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map=options, keywords=KEYWORDS):
        if isinstance(message, tuple):
            found.add(message[0] if len(message) == 1 or message[1] is None else message[:2])
        elif message:
            found.add(message)
    return found


def test_every_message_has_a_dutch_translation() -> None:
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    translated = {}
    for m in catalog:
        if m.id and not m.fuzzy:
            key = m.id[:2] if isinstance(m.id, tuple) else m.id
            ok = all(m.string) if isinstance(m.string, tuple) else bool(m.string)
            translated[key] = ok
    missing = sorted(str(m) for m in _extracted() if not translated.get(m))
    assert missing == [], f"run `make i18n` and translate: {missing}"


class _Visible(HTMLParser):
    """Text nodes and human-readable attributes of a template with its Jinja code removed."""

    ATTRS = {"placeholder", "title", "alt", "aria-label"}

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"style", "script"}:
            self._skip += 1
        self.found.extend(v for k, v in attrs if k in self.ATTRS and v)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"style", "script"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.found.append(data)


JINJA = re.compile(r"{%-?\s*trans\b.*?endtrans\s*-?%}|{{.*?}}|{%.*?%}|{#.*?#}", re.S)
ALLOWED = re.compile(r"^[\s·:;,.()#–↔/-]*$|^[·\s]*(English|Nederlands"
                     r"|Proeftuin Zaanstreek-Waterland|Jan van der Berg|1501 AB|7-3-2014)$")


def test_templates_have_no_untranslated_text() -> None:
    offenders = []
    for path in sorted(TEMPLATES.glob("*.html")):
        parser = _Visible()
        parser.feed(JINJA.sub("\n", path.read_text(encoding="utf-8")))
        for text in parser.found:
            for piece in re.split(r"\s{2,}|\n", text):
                piece = piece.strip()
                if piece and re.search(r"[A-Za-z]", piece) and not ALLOWED.match(piece):
                    offenders.append(f"{path.name}: {piece!r}")
    assert offenders == []


def test_pages_are_dutch_by_default_and_english_on_request(filled_engine) -> None:
    with client_for(filled_engine) as client:
        login(client, "staff", PASSWORD)
        dutch = client.get("/households/H-OTHER")
        english = client.get("/households/H-OTHER?lang=en")
        remembered = client.get("/search")
        back = client.get("/search?lang=nl")
    assert '<html lang="nl">' in dutch.text and "2 leden" in dutch.text
    assert "ouder met gezag" in dutch.text and "parent_with_custody" not in dutch.text
    assert "Raad voor de Kinderbescherming" in dutch.text  # display name, not "rvdk"
    assert '<html lang="en">' in english.text and "2 members" in english.text
    assert "parent with custody" in english.text
    assert '<html lang="en">' in remembered.text and "Find a person or family" in remembered.text
    assert '<html lang="nl">' in back.text and "Een persoon of gezin zoeken" in back.text


def test_plural_forms_dates_and_codes() -> None:
    i18n.set_language("nl")
    assert i18n.ngettext("%(num)d member", "%(num)d members", 1) == "%(num)d lid"
    assert i18n.ngettext("%(num)d member", "%(num)d members", 2) == "%(num)d leden"
    assert labels.label("parent_with_custody", "role") == "ouder met gezag"
    assert labels.label("child,victim", "role") == "kind, slachtoffer"
    assert labels.label("something_new", "role") == "something_new"
    assert labels.nl_date("2014-03-07") == "07-03-2014" and labels.nl_date("1980") == "1980"
    i18n.set_language("en")
    assert labels.label("voorlopige_ots", "case_type").startswith("provisional supervision")
    i18n.set_language("nl")
