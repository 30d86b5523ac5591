"""Steward pages: the review queue, deciding a pair, the decision history and quarantine."""

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
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
def review_queue(request: Request, session: Reviewer,
                 partner: Annotated[str | None, Query(max_length=32)] = None,
                 reason: Annotated[str | None, Query(max_length=64)] = None,
                 age: Annotated[int | None, Query(ge=0, le=3650)] = None,
                 assignee: Annotated[str | None, Query(max_length=100)] = None) -> Response:
    """Open pairs by candidate group (filter by partner, reason, days in the queue, assigned
    steward; ``assignee=-`` for unassigned), and the latest decisions with an undo button."""
    who = None if not assignee else ("" if assignee == "-" else assignee)
    data = views.review_queue(hub_state(request).engine, session.user, partner or None,
                              reason or None, age, assignee=who)
    return render(request, "review_queue.html", data)


@router.get("/overview")
def overview(request: Request, session: Reviewer) -> Response:
    """Pictures for the steward: match weights, quarantine and completeness, review ages."""
    return render(request, "overview.html",
                  views.overview(hub_state(request).engine, session.user))


@router.get("/review/group/{group_id}")
def review_group(request: Request, session: Reviewer,
                 group_id: Annotated[str, Path(pattern=ITEM_PATTERN)]) -> Response:
    """Every record of one candidate group side by side, and each pair's explanation."""
    return render(request, "review_group.html",
                  views.review_group(hub_state(request).engine, session.user, group_id))


@router.post("/review/group/{group_id}/decision")
async def decide_group(request: Request, session: Reviewer,
                       group_id: Annotated[str, Path(pattern=ITEM_PATTERN)]) -> Response:
    """Accept, reject or skip each pair of the group with one reason; the next run applies it."""
    form = await request.form()
    choices = {key[2:]: str(value) for key, value in form.multi_items()
               if key.startswith("d_") and re.fullmatch(ITEM_PATTERN, key[2:])}
    reason = str(form.get("reason") or "")[:1000]
    engine = hub_state(request).engine
    done = await run_in_threadpool(views.decide_group, engine, session.user, group_id,
                                   choices, reason)
    return RedirectResponse(f"/review?decided={len(done)}", status_code=303)


@router.post("/review/group/{group_id}/assign")
def assign(request: Request, session: Reviewer,
           group_id: Annotated[str, Path(pattern=ITEM_PATTERN)],
           steward: Annotated[str, Form(max_length=100)]) -> Response:
    """Assign the whole group to a steward."""
    views.assign_group(hub_state(request).engine, session.user, group_id, steward)
    return RedirectResponse(f"/review/group/{group_id}?assigned=1", status_code=303)


@router.post("/review/decisions/{decision_id}/undo")
def undo(request: Request, session: Reviewer,
         decision_id: Annotated[int, Path(ge=1)]) -> Response:
    """Withdraw a decision; the next run decides the pair by its evidence again."""
    views.undo_decision(hub_state(request).engine, session.user, decision_id)
    return RedirectResponse("/review?undone=1", status_code=303)


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
