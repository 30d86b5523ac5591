"""The access report ("inzageverzoek", GDPR art. 15 and NEN 7513): one person's data, in Dutch.

:func:`produce` checks the request, audits it (``inzage`` with the request reference, so making a
report is itself in the log that later reports show), gathers the person's own data
(:mod:`hub.rights.subject`) and accesses (:mod:`hub.rights.access_log`) and renders one HTML
document; the PDF is WeasyPrint's rendering of that same HTML, so both always say the same.
WeasyPrint is used because no hand-written PDF code could lay out tables and Dutch text as well;
it needs the system's Pango (Debian ``libpango-1.0-0``).
"""

import gettext as _gettext
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any, Protocol, cast
from zoneinfo import ZoneInfo

import jinja2
import sqlalchemy as sa

from foundation.errors import HubError
from foundation.i18n import N_, compiled_catalogue
from hub.access import audit
from hub.access.roles import Role, User
from hub.rights.access_log import Access, accesses
from hub.rights.explain import explain
from hub.rights.subject import PROVENANCE, Subject, load_subject

HERE = Path(__file__).resolve().parent
CATALOGUE = HERE.parent / "web" / "locale" / "nl" / "LC_MESSAGES" / "messages.po"
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")
REQUEST_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{2,63}$")
PERSON_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


SHIELDED = "-shielded-"
"""Organisation of an access that is not named (it holds another member's secret address)."""
ROLE_WORDS = {
    "child": "child", "parent_with_custody": "parent with custody",
    "parent_without_custody": "parent without custody", "step_parent": "step-parent",
    "foster_parent": "foster parent", "guardian": "guardian", "partner": "partner",
    "ex_partner": "ex-partner", "alleged_perpetrator": "alleged perpetrator", "victim": "victim",
    "household_member": "household member", "reporter": "reporter",
}
"""A person's role in a partner's case (schemas.canonical.ROLES) as English msgids."""


class ReportError(HubError):
    """The request cannot be answered as given (unknown person, malformed reference)."""


@dataclass(frozen=True)
class PartnerInfo:
    """A partner as the report names it: display name and whom to ask."""

    key: str
    name: str
    contact: dict[str, str | None] = field(default_factory=dict)


@dataclass
class Report:
    """A rendered report: the HTML, its PDF, and what went into it (for the audit and tests)."""

    request: str
    person_id: str
    html: str
    subject: Subject
    accesses: list[Access]

    def pdf(self) -> bytes:
        from weasyprint import HTML

        buffer = BytesIO()
        HTML(string=self.html, base_url=str(HERE)).write_pdf(buffer)
        return buffer.getvalue()

    def write(self, out: Path) -> tuple[Path, Path]:
        """Write ``<out>.html`` and ``<out>.pdf`` (a .html or .pdf suffix on ``out`` is dropped)."""
        stem = out.with_suffix("") if out.suffix.lower() in {".html", ".pdf"} else out
        stem.parent.mkdir(parents=True, exist_ok=True)
        html_path = stem.with_name(stem.name + ".html")
        pdf_path = stem.with_name(stem.name + ".pdf")
        html_path.write_text(self.html, encoding="utf-8")
        pdf_path.write_bytes(self.pdf())
        return html_path, pdf_path


def partner_infos(config: Any) -> dict[str, PartnerInfo]:
    """Partner names and contacts from the partner configuration (``HubConfig``)."""
    out = {}
    for key, partner in config.partners.items():
        contact = partner.contact
        out[key] = PartnerInfo(key=key, name=partner.name, contact={
            "name": contact.name if contact else None,
            "phone": contact.phone if contact else None,
            "email": contact.email if contact else None,
            "address": contact.address if contact else None,
        })
    return out


@cache
def translations() -> _gettext.NullTranslations:
    """The Dutch catalogue of the staff pages (the report speaks Dutch only)."""
    return compiled_catalogue(CATALOGUE, "nl")


def _dmy(value: Any) -> str:
    """Dates as dd-mm-jjjj; partial partner dates ('1980', '1980-04') as far as known."""
    if value is None or value == "":
        return "-"
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TIME).strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    parts = str(value).split("-")
    return "-".join(reversed(parts))


class _I18nEnvironment(Protocol):
    """What the ``jinja2.ext.i18n`` extension adds to its environment."""

    def install_gettext_translations(self, translations: _gettext.NullTranslations,
                                     newstyle: bool | None = None) -> None: ...


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True, extensions=["jinja2.ext.i18n"], undefined=jinja2.StrictUndefined)
    # the extension adds this method at run time (Environment.extend): jinja2's types cannot say so
    cast(_I18nEnvironment, env).install_gettext_translations(translations(), newstyle=True)
    env.filters["dmy"] = _dmy
    return env


def officer(engine: sa.Engine, username: str) -> User:
    """The active privacy officer account ``username`` (a CLI report is made in its name)."""
    from schemas.access import users

    with engine.connect() as conn:
        row = conn.execute(sa.select(users).where(
            users.c.username == username.strip().lower())).first()
    if row is None or not row.active or row.role != Role.PRIVACY_OFFICER.value:
        raise ReportError(f"{username!r} is not an active privacy officer account",
                          field="officer")
    return User(id=row.id, username=row.username, display_name=row.display_name,
                role=Role(row.role), partner=row.partner)


def check_request(person_id: str, request: str) -> None:
    """Refuse a malformed person id or request reference (the CLI exits 2 on this)."""
    if not PERSON_PATTERN.fullmatch(person_id or ""):
        raise ReportError(N_("person id must be 1-64 letters, digits or . _ : -"), field="person")
    if not REQUEST_PATTERN.fullmatch(request or ""):
        raise ReportError(N_("request reference must be 3-64 letters, digits or . _ / - "
                             "(the reference of the written request)"), field="request")


def produce(engine: sa.Engine, partners: dict[str, PartnerInfo], person_id: str, request: str,
            *, user: User | None = None, actor: str | None = None,
            today: date | None = None) -> Report:
    """Build the report of ``person_id`` for the access request ``request``, audited."""
    check_request(person_id, request)
    with engine.connect() as conn:
        subject = load_subject(conn, person_id)
    if subject is None:
        raise ReportError(N_("the hub holds no published data about this person"),
                          field="person")
    audit.record(engine, "inzage", user=user, actor=actor, target_kind="person",
                 target_id=person_id, detail={"request": request,
                                              "records": len(subject.records),
                                              "version": subject.version_id},
                 reason=f"inzageverzoek {request}")
    log = [_shield(a, subject) for a in accesses(engine, person_id, subject.record_keys)]
    html = render(subject, log, partners, request, today or date.today())
    return Report(request=request, person_id=person_id, html=html, subject=subject,
                  accesses=log)


def _shield(access: Access, subject: Subject) -> Access:
    """An access as a report about someone living with a protected person may show it: the
    organisation holding that person's secret address is not named, and staff's free-text
    purposes (which may mention the others) are withheld, except the report's own reference."""
    if not subject.shielding:
        return access
    if access.organisation in subject.shielding:
        access = replace(access, organisation=SHIELDED)
    if access.purpose and access.action != "inzage":
        access = replace(access, purpose=SHIELDED)
    return access


def _provenance(subject: Subject, partners: dict[str, PartnerInfo]) -> list[dict[str, Any]]:
    g = subject.golden
    values = {"name": g["name"], "birth_date": _dmy(g.get("birth_date")),
              "sex": g.get("sex") or "-", "bsn": g.get("bsn_masked") or "-",
              "address": g.get("address")}
    labels = {"name": "Name", "birth_date": "Birth date", "sex": "Sex",
              "bsn": "BSN (last two digits)", "address": "Address"}
    rows = []
    for key, label in labels.items():
        origin = g.get(PROVENANCE[key]) or ""
        source = origin.split(":", 1)[0] if origin else None
        rows.append({"label": label, "value": values[key], "field": key,
                     "withheld": key == "address" and g.get("address_withheld"),
                     "partner": partners[source].name if source in partners else source})
    return rows


def render(subject: Subject, log: list[Access], partners: dict[str, PartnerInfo], request: str,
           today: date) -> str:
    """The report's HTML (Dutch): the same document is shown, downloaded and turned into PDF."""
    by_partner: dict[str, list[dict[str, Any]]] = {}
    for record in subject.records:
        record["why"] = explain(record.get("explanation"), record.get("match_weight"))
        by_partner.setdefault(record["source"], []).append(record)

    def partner(key: str) -> PartnerInfo:
        return partners.get(key) or PartnerInfo(key=key, name=key)

    return _environment().get_template("inzage.html").render(
        request=request, today=today, subject=subject, golden=subject.golden,
        provenance=_provenance(subject, partners), by_partner=by_partner, partner=partner,
        registrations=subject.registrations, disputes=subject.disputes,
        decisions=subject.decisions, accesses=log,
        confidential_at=[partner(k).name for k in subject.confidential_at],
        role_words=ROLE_WORDS, shielded=SHIELDED,
    )
