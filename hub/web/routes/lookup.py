"""The page 'Is dit gezin bekend?' (GET shows the form, POST answers; nothing in the URL)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from hub.access.roles import Permission, Role
from hub.access.sessions import Session
from hub.web import lookup
from hub.web.labels import label
from hub.web.routes.render import render
from hub.web.security import guard, hub_state

router = APIRouter(include_in_schema=False)

Lookuper = Annotated[Session, Depends(guard(Permission.LOOKUP))]
PERSON_SLOTS = 3
"""Persons on the form (the API takes up to ten)."""
PERSON_FIELDS = ("first_names", "surname_prefix", "surname", "birth_date", "age", "bsn",
                 "postcode", "house_number", "sex")


def _context(form: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"form": form, "slots": range(PERSON_SLOTS), "answer": None, "error": None,
            "error_field": None, **extra}


def _where(field: str | None) -> tuple[int | None, str]:
    """'persons[1].bsn' -> (2, 'bsn'): the person's number on the form and the field."""
    if not field or not field.startswith("persons["):
        return None, field if field in ("purpose",) else ""
    number, _, name = field.removeprefix("persons[").partition("].")
    return int(number) + 1, name


@router.get("/lookup")
def lookup_form(request: Request, session: Lookuper) -> Response:
    return render(request, "lookup.html", _context({}))


@router.post("/lookup")
async def lookup_answer(request: Request, session: Lookuper) -> Response:
    raw = await request.form()
    form = {k: str(v)[:500] for k, v in raw.items() if k != "csrf_token"}
    persons = [{f: form.get(f"{f}_{i}", "") for f in PERSON_FIELDS} for i in range(PERSON_SLOTS)]
    echo = {k: v for k, v in form.items() if not k.startswith("bsn_")}  # a BSN is not echoed
    state = hub_state(request)
    try:
        answer = lookup.lookup(state.engine, state.search, session.user, form.get("purpose", ""),
                               persons)
    except lookup.LookupFailed as exc:
        person, name = _where(exc.field)
        return render(request, "lookup.html", _context(
            echo, error=exc.message, error_field=exc.field, error_person=person,
            error_label=label(name, "field") if name else ""), status_code=422)
    return render(request, "lookup.html", _context(
        echo, answer=answer, outside=session.user.role == Role.OUTSIDE_PROFESSIONAL))
