"""'Is dit gezin bekend?': the one-family lookup, shared by the page and ``POST /api/match``.

Candidates come from the search index of the published version (any of name, BSN or address,
widened to the members of their households), their golden records from the store, and each
entered person is scored against them by :func:`matching.lookup.score_lookup` with the model the
last full run fitted (kept in that run's stats): one matcher, with its family guards, so a twin
is never offered as the entered child.

"That, not what": a user with the ``outside_professional`` role learns only whether the family
is known and whom to contact; persons, explanations and registrations are left out. Every
lookup is audited with its purpose; an entered BSN appears there masked only.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from foundation.bsn import is_valid_bsn
from foundation.errors import HubError
from foundation.privacy import mask_bsn
from hub.access import audit
from hub.access.roles import Role, User
from hub.store import query
from hub.store.guides import guide_contacts
from hub.store.increment import fitted_model
from hub.web.i18n import N_
from hub.web.labels import ACTIVE_STATUSES, label, partner
from hub.web.search.parse import (
    QueryError,
    parse_birth_date,
    parse_bsn,
    parse_house_number,
    parse_postcode,
)
from hub.web.search.service import SearchService
from matching.config import LinkConfig
from matching.lookup import model_from_dict, score_lookup
from schemas import store as s

MIN_PURPOSE = 10
"""Shortest stated purpose (characters)."""
MAX_PERSONS = 10
MAX_HOUSEHOLDS = 5
MAX_AGE = 120


class LookupFailed(HubError):
    """The lookup cannot run: wrong input (names the field) or no fitted model yet."""


@dataclass(frozen=True)
class Entered:
    """One entered person, parsed; ``birth_years`` holds the years an estimated age allows."""

    first_names: str = ""
    surname_prefix: str = ""
    surname: str = ""
    birth_date: str | None = None
    birth_years: tuple[str, ...] = ()
    bsn: str | None = None
    postcode: str | None = None
    house_number: int | None = None
    sex: str | None = None

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_names, self.surname_prefix, self.surname) if p)

    def given(self) -> bool:
        return bool(self.name or self.birth_date or self.birth_years or self.bsn
                    or (self.postcode and self.house_number is not None))


@dataclass
class Answer:
    known: bool
    households: list[dict[str, Any]] = field(default_factory=list)


def _text(raw: dict[str, Any], key: str, limit: int = 200) -> str:
    value = raw.get(key)
    return "" if value is None else str(value).strip()[:limit]


def parse_person(raw: dict[str, Any], i: int, today: date) -> Entered:
    """One person as entered; a :class:`LookupFailed` names the field (``persons[i].field``)."""
    def where(name: str) -> str:
        return f"persons[{i}].{name}"

    try:
        birth = parse_birth_date(_text(raw, "birth_date", 20))
        bsn = parse_bsn(_text(raw, "bsn", 20))
        postcode = parse_postcode(_text(raw, "postcode", 10))
        number = parse_house_number(_text(raw, "house_number", 10))
    except QueryError as exc:
        raise LookupFailed(exc.message, field=where(exc.field or "")) from None
    if bsn and not is_valid_bsn(bsn):
        raise LookupFailed(N_("this BSN fails the eleven test; check the digits"),
                           field=where("bsn"))
    if birth and birth[:4] > str(today.year):
        raise LookupFailed(N_("birth date lies in the future"), field=where("birth_date"))
    years: tuple[str, ...] = ()
    age = _text(raw, "age", 5)
    if age:
        if not age.isdigit() or int(age) > MAX_AGE:
            raise LookupFailed(N_("age not understood; give whole years, e.g. 6"),
                               field=where("age"))
        # 'about 6' on a given day: born this year minus 6, or the year before
        years = (str(today.year - int(age)), str(today.year - int(age) - 1))
    sex = _text(raw, "sex", 1).upper() or None
    if sex and sex not in ("M", "V", "X"):
        raise LookupFailed(N_("sex must be M, V or X"), field=where("sex"))
    return Entered(first_names=_text(raw, "first_names"),
                   surname_prefix=_text(raw, "surname_prefix", 50),
                   surname=_text(raw, "surname"), birth_date=birth, birth_years=years,
                   bsn=bsn, postcode=postcode, house_number=number, sex=sex)


def parse_request(purpose: str, persons: list[dict[str, Any]], today: date | None = None
                  ) -> tuple[str, list[Entered]]:
    """Check the stated purpose and every person; raise on the first problem (with its field)."""
    today = today or date.today()
    purpose = (purpose or "").strip()
    if len(purpose) < MIN_PURPOSE or sum(c.isalpha() for c in purpose) < 6:
        raise LookupFailed(N_("state the purpose of this lookup (at least 10 characters)"),
                           field="purpose")
    entered = [parse_person(raw or {}, i, today) for i, raw in enumerate(persons[:MAX_PERSONS])]
    entered = [e for e in entered if e.given()]
    if not entered:
        raise LookupFailed(N_("enter at least one person: a name, birth date, BSN or address"),
                           field="persons")
    return purpose, entered


def _query_frame(entered: list[Entered]) -> tuple[pd.DataFrame, list[int]]:
    """One canonical row per entered person and birth year it allows; row -> entered index."""
    rows, owner = [], []
    for i, e in enumerate(entered):
        for birth in (e.birth_years or (e.birth_date,)):
            rows.append({"first_names": e.first_names, "surname_prefix": e.surname_prefix,
                         "surname": e.surname, "birth_date": birth, "bsn": e.bsn,
                         "sex": e.sex, "postcode": e.postcode, "house_number": e.house_number})
            owner.append(i)
    return pd.DataFrame(rows), owner


CANDIDATE_COLUMNS = ("person_id", "household_id", "first_names", "surname_prefix", "surname",
                     "birth_date", "bsn", "sex", "postcode", "house_number")


def _candidates(conn: sa.Connection, version: int, service: SearchService,
                entered: list[Entered]) -> pd.DataFrame:
    index = service.current_index()
    if index is None:
        return pd.DataFrame(columns=list(CANDIDATE_COLUMNS))
    rows = np.concatenate([index.lookup_rows(e.name, e.bsn, e.postcode, e.house_number)
                           for e in entered])
    ids = index.person_ids(index.household_rows(rows))
    if not ids:
        return pd.DataFrame(columns=list(CANDIDATE_COLUMNS))
    p = s.persons.c
    found = conn.execute(sa.select(*(p[c] for c in CANDIDATE_COLUMNS)).where(
        p.version_id == version, p.person_id.in_(ids))).all()
    return pd.DataFrame(found, columns=list(CANDIDATE_COLUMNS))


def _words(explanation: str) -> list[str]:
    """Per compared field in words, e.g. 'surname: nearly the same (a typo) (+4.8)'."""
    data = json.loads(explanation)
    out = []
    for key, value in data.items():
        if key in ("prior", "total"):
            continue
        level, weight = (value[0], value[1]) if isinstance(value, list) else (None, value)
        if level == "missing":
            continue
        what = label(key, "field")
        out.append(f"{what}: {label(level, 'level')} ({weight:+.1f})" if level
                   else f"{what} ({weight:+.1f})")
    return out


def _contacts(conn: sa.Connection, version: int, household_id: str
              ) -> tuple[list[dict[str, Any]], list[str]]:
    """Active case workers (partner, name, contact) and every partner involved (any case)."""
    members = [str(m) for (m,) in conn.execute(sa.select(s.household_members.c.person_id).where(
        s.household_members.c.version_id == version,
        s.household_members.c.household_id == household_id))]
    seen: set[tuple[Any, ...]] = set()
    out: list[dict[str, Any]] = []
    involved: set[str] = set()
    for regs in query.registrations_of(conn, version, members).values():
        for reg in regs:
            involved.add(str(reg["source"]))
            if reg.get("status") not in ACTIVE_STATUSES or reg.get("end_date"):
                continue
            key = (reg["source"], reg.get("case_worker_name"), reg.get("case_worker_contact"))
            if key in seen:
                continue
            seen.add(key)
            out.append({"partner": reg["source"], "partner_name": partner(reg["source"]),
                        "case_worker_name": reg.get("case_worker_name"),
                        "case_worker_contact": reg.get("case_worker_contact")})
    return sorted(out, key=lambda c: (c["partner"], str(c["case_worker_name"]))), sorted(involved)


def _households(scored: pd.DataFrame, owner: list[int], candidates: pd.DataFrame,
                config: LinkConfig) -> list[dict[str, Any]]:
    """Per household: each entered person's best known member (one member per entered person,
    strongest first), the household's probability that at least one of them is right."""
    scored = scored.assign(entered=np.asarray(owner)[scored["query_index"].to_numpy()])
    scored = scored[~scored["twin_guard"].astype(bool)
                    & (scored["match_weight"] >= config.review_weight)]
    # an estimated age tries two birth years: keep the better per entered person and member
    scored = scored.sort_values("match_weight", ascending=False).drop_duplicates(
        ["entered", "candidate_id"])
    household_of = dict(zip(candidates["person_id"], candidates["household_id"], strict=True))
    scored = scored.assign(household_id=scored["candidate_id"].map(household_of))
    out = []
    for household_id, group in scored.groupby("household_id", sort=False):
        used_entered, used_person, persons = set(), set(), []
        for row in group.itertuples():
            if row.entered in used_entered or row.candidate_id in used_person:
                continue
            used_entered.add(row.entered)
            used_person.add(row.candidate_id)
            persons.append({"input_index": int(row.entered), "person_id": row.candidate_id,
                            "match_probability": round(float(row.match_probability), 4),
                            "match_weight": round(float(row.match_weight), 2),
                            "explanation": _words(row.explanation)})
        miss = float(np.prod([1.0 - p["match_probability"] for p in persons]))
        out.append({"household_id": household_id, "match_probability": round(1.0 - miss, 4),
                    "persons": sorted(persons, key=lambda p: p["input_index"])})
    out.sort(key=lambda h: (-h["match_probability"], -len(h["persons"]), h["household_id"]))
    return out[:MAX_HOUSEHOLDS]


def lookup(engine: sa.Engine, service: SearchService, user: User, purpose: str,
           persons: list[dict[str, Any]], config: LinkConfig | None = None,
           today: date | None = None) -> Answer:
    """Is this family known? Candidates ranked, contacts per household; audited with purpose.

    Wrong input is audited too (as refused, with the field), so a probing caller leaves a trace.
    """
    config = config or LinkConfig()
    try:
        purpose, entered = parse_request(purpose, persons, today)
    except LookupFailed as exc:
        audit.record(engine, "lookup_refused", user=user, target_kind="lookup",
                     detail={"field": exc.field, "persons": len(persons)},
                     reason=(purpose or "").strip()[:500] or None)
        raise
    with engine.connect() as conn:
        version = query.current_version(conn)
        model = fitted_model(conn, version) if version is not None else None
        if version is None or model is None:
            raise LookupFailed(N_("no full matching run has been published yet"))
        candidates = _candidates(conn, version, service, entered)
        frame, owner = _query_frame(entered)
        scored = score_lookup(frame, candidates.rename(columns={"person_id": "candidate_id"})
                              .drop(columns=["household_id"]), model_from_dict(model), config)
        households = _households(scored, owner, candidates, config) if len(scored) else []
        for h in households:
            h["contacts"], h["partners"] = _contacts(conn, version, h["household_id"])
            h["guides"] = [{"name": g["name"], "organisation": g["organisation"],
                            "contact": g["contact"]}
                           for g in guide_contacts(conn, h["household_id"])]
    answer = Answer(known=bool(households), households=households)
    audit.record(engine, "lookup", user=user, target_kind="lookup", reason=purpose[:500],
                 detail=_audit_detail(entered, answer, version))
    if user.role == Role.OUTSIDE_PROFESSIONAL:
        return outside_view(answer)
    return answer


def _audit_detail(entered: list[Entered], answer: Answer, version: int) -> dict[str, Any]:
    """What was asked (names, birth date or years, postcode area, masked BSN) and answered."""
    people = []
    for e in entered:
        item: dict[str, Any] = {"name": e.name} if e.name else {}
        if e.birth_date or e.birth_years:
            item["birth"] = e.birth_date or "/".join(e.birth_years)
        if e.postcode:  # the area only: a full postcode may be a shelter's
            item["postcode"] = e.postcode[:4]
        if e.bsn:
            item["bsn"] = mask_bsn(e.bsn)
        people.append(item)
    return {"persons": people, "known": answer.known, "version": version,
            "households": [h["household_id"] for h in answer.households]}


def outside_view(answer: Answer) -> Answer:
    """Only whether the family is known and whom to contact: no persons, no explanations, not
    which partners hold (closed) registrations."""
    return Answer(known=answer.known, households=[
        {"household_id": h["household_id"], "match_probability": h["match_probability"],
         "persons": [], "contacts": h["contacts"], "guides": h["guides"], "partners": []}
        for h in answer.households])
