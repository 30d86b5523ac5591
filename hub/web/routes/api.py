"""The JSON API under /api: the same views, guards, masks and audit entries as the pages.

State-changing calls (POST) need the session cookie and the ``X-CSRF-Token`` header (the token
is in ``GET /api/me``). The OpenAPI spec is served at /api/openapi.json to logged-in users only.
"""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from hub.access.roles import PARTNERS, Permission
from hub.access.sessions import Session
from hub.web import lookup, views
from hub.web.routes.pages import ID_PATTERN, build_query
from hub.web.routes.steward import ITEM_PATTERN
from hub.web.search.parse import QueryError
from hub.web.security import guard, hub_state

router = APIRouter(prefix="/api", tags=["api"])

Anyone = Annotated[Session, Depends(guard())]
Searcher = Annotated[Session, Depends(guard(Permission.SEARCH))]
Viewer = Annotated[Session, Depends(guard(Permission.VIEW))]
Reviewer = Annotated[Session, Depends(guard(Permission.REVIEW))]


class SearchRequest(BaseModel):
    """Every given field must match; a name is matched fuzzily, the others exactly."""

    name: str = Field("", max_length=200, description="e.g. 'Jan v.d. Berg', typos allowed")
    bsn: str = Field("", max_length=20, description="9 digits; never put a BSN in a URL")
    birth_date: str = Field("", max_length=20, description="7-3-2014, 2014-03-07, 03-2014, 2014")
    postcode: str = Field("", max_length=10, description="1501 AB (or 4 digits)")
    house_number: str = Field("", max_length=10)


class RevealRequest(BaseModel):
    """The reason is checked by the view (category from a fixed list, meaningful free text), so
    that a rejected attempt is audited like a refused one."""

    field: str = Field(max_length=16, description="bsn or address")
    source: str = Field(max_length=32)
    record_id: str = Field(max_length=64)
    category: str = Field("", max_length=32,
                          description="investigation, safety, subject_request or other")
    reason: str = Field("", max_length=500, description="Why, in your own words")


class DecisionRequest(BaseModel):
    decision: Literal["must_link", "cannot_link"]
    reason: str = Field(min_length=views.MIN_REASON, max_length=1000)


@router.get("/me")
def me(session: Anyone) -> dict[str, Any]:
    """Who is logged in, their rights, and the CSRF token for POST calls."""
    user = session.user
    return {"username": user.username, "role": user.role.value, "partner": user.partner,
            "permissions": sorted(p.value for p in Permission if user.can(p)),
            "csrf_token": session.csrf_token}


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request, session: Anyone) -> JSONResponse:
    """The OpenAPI spec of this API (logged-in users only)."""
    return JSONResponse(request.app.openapi())


class Hit(BaseModel):
    person_id: str
    household_id: str | None
    name: str
    birth_date: str | None
    sex: str | None
    city: str | None = Field(description="Empty for a confidential address")
    confidential_address: bool
    sources: list[str]
    bsn_masked: str | None
    score: float


class SearchResponse(BaseModel):
    total: int = Field(description="All matches; at most 25 hits are returned, best first")
    hits: list[Hit]


@router.post("/search", response_model=SearchResponse)
def search(request: Request, body: SearchRequest, session: Searcher) -> JSONResponse:
    """Search persons; hits show a masked BSN and no address beyond the city."""
    try:
        query = build_query(body.name, body.bsn, body.birth_date, body.postcode,
                            body.house_number)
    except QueryError as exc:
        raise views.BadRequest(exc.message, field=exc.field) from None
    if not query.criteria():
        raise views.BadRequest("give at least one search field")
    state = hub_state(request)
    result = views.search(state.engine, state.search, session.user, query)
    # Plain JSON types already: skip FastAPI's generic re-encoding of every hit.
    return JSONResponse({"total": result.total, "hits": views.hit_dicts(result)})


@router.get("/households/{household_id}")
def household(request: Request, session: Viewer,
              household_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> dict[str, Any]:
    """A household: members, roles, registrations with case workers, partner freshness."""
    return views.household(hub_state(request).engine, session.user, household_id)


@router.get("/persons/{person_id}")
def person(request: Request, session: Viewer,
           person_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> dict[str, Any]:
    """A person: golden record, source records with per-field link explanations."""
    return views.person(hub_state(request).engine, session.user, person_id)


@router.post("/persons/{person_id}/reveal")
def reveal(request: Request, body: RevealRequest, session: Viewer,
           person_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> dict[str, Any]:
    """Reveal one BSN or confidential address with a reason (audited; partner rights apply)."""
    data = views.person(hub_state(request).engine, session.user, person_id,
                        views.Reveal(body.field, body.source, body.record_id, body.reason,
                                     body.category))
    return data["revealed"]


@router.get("/review")
def review_queue(request: Request, session: Reviewer) -> dict[str, Any]:
    """Open review items and the latest decisions."""
    return views.review_queue(hub_state(request).engine, session.user)


@router.get("/review/{item_id}")
def review_item(request: Request, session: Reviewer,
                item_id: Annotated[str, Path(pattern=ITEM_PATTERN)]) -> dict[str, Any]:
    """One pair, both records (masked), the explanation and earlier decisions."""
    return views.review_item(hub_state(request).engine, session.user, item_id)


@router.post("/review/{item_id}/decision")
def decide(request: Request, body: DecisionRequest, session: Reviewer,
           item_id: Annotated[str, Path(pattern=ITEM_PATTERN)]) -> dict[str, Any]:
    """Decide a pair; the next pipeline run applies it."""
    return views.decide(hub_state(request).engine, session.user, item_id, body.decision,
                        body.reason)


@router.get("/quarantine")
def quarantine(request: Request,
               session: Annotated[Session, Depends(guard(Permission.QUARANTINE))],
               partner: Annotated[str | None, Query(max_length=32)] = None) -> dict[str, Any]:
    """Quarantined rows (records masked), optionally for one partner."""
    partner = partner if partner in PARTNERS else None
    return views.quarantine(hub_state(request).engine, session.user, partner)


Lookuper = Annotated[Session, Depends(guard(Permission.LOOKUP))]


class MatchPerson(BaseModel):
    """One person as far as known; every field may be missing."""

    first_names: str | None = Field(None, max_length=200)
    surname_prefix: str | None = Field(None, max_length=50, description="e.g. 'van der'")
    surname: str | None = Field(None, max_length=200, description="any Dutch form, typos allowed")
    birth_date: str | None = Field(None, max_length=20,
                                   description="7-3-2014, 2014-03-07, 03-2014 or a year: 2014")
    age: int | None = Field(None, ge=0, le=120, description="estimated age in years")
    bsn: str | None = Field(None, max_length=20, description="9 digits; never logged in clear")
    postcode: str | None = Field(None, max_length=10)
    house_number: str | int | None = Field(None, description="12 or '12a'")
    sex: str | None = Field(None, max_length=1, description="M, V or X")


class MatchRequest(BaseModel):
    purpose: str = Field(max_length=500, description="Why you ask (audited), 10+ characters")
    persons: list[MatchPerson] = Field(max_length=10)


class MatchedPerson(BaseModel):
    input_index: int = Field(description="Position of the entered person in the request")
    person_id: str
    match_probability: float
    explanation: list[str] = Field(description="Per compared field, in words, with its weight")


class MatchContact(BaseModel):
    partner: str
    case_worker_name: str | None
    case_worker_contact: str | None


class MatchGuide(BaseModel):
    name: str
    organisation: str | None
    contact: str | None


class MatchHousehold(BaseModel):
    household_id: str
    match_probability: float
    persons: list[MatchedPerson] = Field(
        description="Empty for the outside_professional role (only known and whom to contact)")
    contacts: list[MatchContact] = Field(description="Active case workers of involved partners")
    partners: list[str] = Field(
        [], description="Partners with a registration of a member (not for outside_professional)")
    guides: list[MatchGuide] = Field(description="The family's fixed guide, call first")


class MatchResponse(BaseModel):
    known: bool
    households: list[MatchHousehold] = Field(description="Best first, at most 5")


@router.post("/match", response_model=MatchResponse,
             responses={422: {"description": "Wrong input: 'detail' says what, 'field' where"}})
def match(request: Request, body: MatchRequest, session: Lookuper) -> JSONResponse:
    """Is this family known? Entered persons scored by the last full run's model (audited with
    the purpose; an entered BSN is logged masked)."""
    state = hub_state(request)
    try:
        answer = lookup.lookup(state.engine, state.search, session.user, body.purpose,
                               [p.model_dump() for p in body.persons])
    except lookup.LookupFailed as exc:
        return JSONResponse({"detail": exc.message, "field": exc.field}, status_code=422)
    return JSONResponse({"known": answer.known, "households": answer.households})
