"""The family's rights in the web app: access reports for the privacy officer, and disputed
values marked by stewards (shown on the person and household pages)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from foundation.errors import StoreError
from hub.access import audit
from hub.access.roles import Permission
from hub.access.sessions import Session
from hub.rights.contacts import partner_contacts
from hub.rights.report import ReportError, produce
from hub.store import disputes
from hub.store.disputes import FIELDS
from hub.web import views
from hub.web.i18n import N_
from hub.web.routes.render import render
from hub.web.security import guard, hub_state

router = APIRouter(include_in_schema=False)

Officer = Annotated[Session, Depends(guard(Permission.ACCESS_REQUEST))]
Steward = Annotated[Session, Depends(guard(Permission.DISPUTE))]
ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"


@router.get("/privacy/inzage")
def inzage_form(request: Request, session: Officer) -> Response:
    """The access-request form: the person's hub id and the request's reference."""
    return render(request, "inzage_form.html", {"form": {}})


@router.post("/privacy/inzage")
def inzage(request: Request, session: Officer,
           person: Annotated[str, Form(max_length=64)] = "",
           reference: Annotated[str, Form(max_length=64)] = "",
           format: Annotated[str, Form(max_length=4)] = "html") -> Response:  # noqa: A002
    """The person's report (HTML to read, or the PDF to send), audited with the reference."""
    form = {"person": person, "reference": reference}
    if format not in {"html", "pdf"}:
        return render(request, "inzage_form.html",
                      {"form": form, "error": N_("format must be html or pdf")}, status_code=400)
    try:
        report = produce(hub_state(request).engine, partner_contacts(), person.strip(),
                         reference.strip(), user=session.user)
    except ReportError as exc:
        return render(request, "inzage_form.html", {"form": form, "error": exc.message},
                      status_code=400)
    name = f"inzage-{report.request.replace('/', '-')}"
    headers = {"Cache-Control": "no-store"}
    if format == "pdf":
        return Response(report.pdf(), media_type="application/pdf", headers={
            **headers, "Content-Disposition": f'attachment; filename="{name}.pdf"'})
    return HTMLResponse(report.html, headers=headers)


@router.post("/persons/{person_id}/disputes")
def add_dispute(request: Request, session: Steward,
                person_id: Annotated[str, Path(pattern=ID_PATTERN)],
                record: Annotated[str, Form(max_length=100)],
                field: Annotated[str, Form(max_length=16)],
                note: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Mark one value of one of this person's records as disputed (the partner corrects it)."""
    engine = hub_state(request).engine
    source, _, record_id = record.partition(":")
    data = views.person(engine, session.user, person_id)
    if not any(r["source"] == source and r["source_record_id"] == record_id
               for r in data["records"]):
        raise views.NotFound("that source record does not belong to this person",
                             field="record_id")
    if field not in FIELDS:
        raise views.BadRequest(f"field must be one of {', '.join(FIELDS)}", field="field")
    try:
        dispute = disputes.add(engine, source, record_id, field, session.user.username,
                               note.strip() or None)
    except StoreError as exc:
        raise views.BadRequest(exc.message, field=exc.field) from None
    audit.record(engine, "dispute_add", user=session.user, target_kind="person",
                 target_id=person_id, detail={"dispute_id": dispute.dispute_id,
                                              "record": f"{source}:{record_id}", "field": field})
    return RedirectResponse(f"/persons/{person_id}", status_code=303)


@router.post("/disputes/{dispute_id}/clear")
def clear_dispute(request: Request, session: Steward,
                  dispute_id: Annotated[int, Path(ge=1)]) -> Response:
    """Close an open dispute by hand (withdrawn, or marked by mistake)."""
    engine = hub_state(request).engine
    try:
        dispute = disputes.clear(engine, dispute_id, session.user.username)
    except StoreError as exc:
        raise views.NotFound(exc.message, field="dispute_id") from None
    audit.record(engine, "dispute_clear", user=session.user, target_kind="person",
                 target_id=dispute.person_id, detail={"dispute_id": dispute_id})
    return RedirectResponse(f"/persons/{dispute.person_id}", status_code=303)
