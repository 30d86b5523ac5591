"""Steward pages: the review queue, deciding a pair, the decision history and quarantine."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from hub.access.roles import PARTNERS, Permission
from hub.access.sessions import Session
from hub.web import views
from hub.web.routes.render import render
from hub.web.security import guard, hub_state

router = APIRouter(include_in_schema=False)

Reviewer = Annotated[Session, Depends(guard(Permission.REVIEW))]
ITEM_PATTERN = r"^[0-9a-f]{8,40}$"


@router.get("/review")
def review_queue(request: Request, session: Reviewer) -> Response:
    """Open pairs the matching engine could not decide, and the latest decisions."""
    return render(request, "review_queue.html",
                  views.review_queue(hub_state(request).engine, session.user))


@router.get("/review/{item_id}")
def review_item(request: Request, session: Reviewer,
                item_id: Annotated[str, Path(pattern=ITEM_PATTERN)]) -> Response:
    """The two records side by side with the engine's per-field explanation."""
    return render(request, "review_item.html",
                  {"item": views.review_item(hub_state(request).engine, session.user, item_id)})


@router.post("/review/{item_id}/decision")
def decide(request: Request, session: Reviewer,
           item_id: Annotated[str, Path(pattern=ITEM_PATTERN)],
           decision: Annotated[str, Form(max_length=16)],
           reason: Annotated[str, Form(max_length=1000)] = "") -> Response:
    """Accept (must_link) or reject (cannot_link); the next run applies it."""
    views.decide(hub_state(request).engine, session.user, item_id, decision, reason)
    return RedirectResponse("/review?decided=1", status_code=303)


@router.get("/quarantine")
def quarantine(request: Request,
               session: Annotated[Session, Depends(guard(Permission.QUARANTINE))],
               partner: Annotated[str | None, Query(max_length=32)] = None) -> Response:
    """Rows held back per partner, why, and where they came from (records masked)."""
    partner = partner if partner in PARTNERS else None
    data = views.quarantine(hub_state(request).engine, session.user, partner)
    return render(request, "quarantine.html", {**data, "partners": PARTNERS})
