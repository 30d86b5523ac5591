"""The fixed-guide form on the household page: register, end, decide (MANAGE_GUIDES).

The same :mod:`hub.guide_actions` as ``hub guide``: one role check, one audit entry. Forms post
and redirect back to the household page; the JSON API takes the same fields.
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from foundation.errors import HubError
from hub import guide_actions as actions
from hub.access import audit
from hub.access.roles import Permission
from hub.access.sessions import Session
from hub.store.guides import Guide
from hub.web import guide_view, views
from hub.web.routes.pages import ID_PATTERN
from hub.web.routes.render import render
from hub.web.security import guard, hub_state

router = APIRouter()

GuideKeeper = Annotated[Session, Depends(guard(Permission.MANAGE_GUIDES))]
HouseholdId = Annotated[str, Path(pattern=ID_PATTERN)]
GuideId = Annotated[int, Path(ge=1)]


def _run(action: Callable[[], Guide]) -> Guide:
    """Change a guide, turning a refusal into the page's error."""
    try:
        return action()
    except actions.GuideDenied as exc:
        raise views.Denied(exc.message, field=exc.field) from None
    except HubError as exc:
        raise views.BadRequest(exc.message, field=exc.field) from None


def _set(request: Request, session: Session, household_id: str, name: str,
         organisation: str, contact: str, since: str) -> Guide:
    engine = hub_state(request).engine
    return _run(lambda: actions.set_guide(engine, session.user, household_id, name=name,
                                          organisation=organisation, contact=contact,
                                          since=actions.parse_day(since, "since")))


def _end(request: Request, session: Session, guide_id: int, until: str,
         reason: str) -> Guide:
    engine = hub_state(request).engine
    return _run(lambda: actions.end_guide(engine, session.user, guide_id,
                                          until=actions.parse_day(until, "until"),
                                          reason=reason))


@router.get("/guides", include_in_schema=False)
def open_guides(request: Request, session: GuideKeeper) -> Response:
    """What needs a steward: households with two guides after a merge, guides pending after a
    split or whose household is gone."""
    engine = hub_state(request).engine
    data = guide_view.open_items(engine)
    audit.record(engine, "view", user=session.user, target_kind="guides",
                 detail={"conflicts": len(data["conflicts"]), "pending": len(data["pending"])})
    return render(request, "guides.html", data)


@router.post("/households/{household_id}/guide", include_in_schema=False)
def set_form(request: Request, session: GuideKeeper, household_id: HouseholdId,
             name: Annotated[str, Form(max_length=200)],
             organisation: Annotated[str, Form(max_length=200)],
             contact: Annotated[str, Form(max_length=200)],
             since: Annotated[str, Form(max_length=10)]) -> Response:
    _set(request, session, household_id, name, organisation, contact, since)
    return RedirectResponse(f"/households/{household_id}", status_code=303)


@router.post("/guides/{guide_id}/end", include_in_schema=False)
def end_form(request: Request, session: GuideKeeper, guide_id: GuideId,
             until: Annotated[str, Form(max_length=10)],
             reason: Annotated[str, Form(max_length=500)]) -> Response:
    guide = _end(request, session, guide_id, until, reason)
    return RedirectResponse(f"/households/{guide.household_id}", status_code=303)


@router.post("/guides/{guide_id}/decide", include_in_schema=False)
def decide_form(request: Request, session: GuideKeeper, guide_id: GuideId,
                household_id: Annotated[str, Form(max_length=64, pattern=ID_PATTERN)]
                ) -> Response:
    engine = hub_state(request).engine
    guide = _run(lambda: actions.decide(engine, session.user, guide_id, household_id))
    return RedirectResponse(f"/households/{guide.household_id}", status_code=303)


class GuideRequest(BaseModel):
    name: str = Field(max_length=200)
    organisation: str = Field(max_length=200)
    contact: str = Field(max_length=200)
    since: str = Field(max_length=10, description="dd-mm-jjjj or jjjj-mm-dd")


class EndRequest(BaseModel):
    until: str = Field(max_length=10)
    reason: str = Field(min_length=5, max_length=500)


@router.post("/api/households/{household_id}/guide", tags=["api"])
def set_api(request: Request, body: GuideRequest, session: GuideKeeper,
            household_id: HouseholdId) -> dict[str, Any]:
    """Register the household's fixed guide (needs X-CSRF-Token)."""
    guide = _set(request, session, household_id, body.name, body.organisation, body.contact,
                 body.since)
    return {**guide.as_dict(), "since": guide.since.isoformat()}


@router.post("/api/guides/{guide_id}/end", tags=["api"])
def end_api(request: Request, body: EndRequest, session: GuideKeeper,
            guide_id: GuideId) -> dict[str, Any]:
    """End a current guide (needs X-CSRF-Token)."""
    guide = _end(request, session, guide_id, body.until, body.reason)
    return {"guide_id": guide.guide_id, "household_id": guide.household_id,
            "until": guide.until.isoformat() if guide.until else None}
