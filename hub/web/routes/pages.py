"""Staff pages: search, household and person (with audited reveals)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from hub.access.roles import Permission
from hub.access.sessions import Session
from hub.web import views
from hub.web.guide_view import guides_for
from hub.web.i18n import N_
from hub.web.routes.auth import HOME
from hub.web.routes.render import render
from hub.web.search.index import Query
from hub.web.search.parse import (
    QueryError,
    parse_birth_date,
    parse_bsn,
    parse_house_number,
    parse_postcode,
)
from hub.web.search.results import ResultStore
from hub.web.security import guard, hub_state

router = APIRouter(include_in_schema=False)

ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"
Searcher = Annotated[Session, Depends(guard(Permission.SEARCH))]
Viewer = Annotated[Session, Depends(guard(Permission.VIEW))]


@router.get("/")
def home(session: Annotated[Session, Depends(guard())]) -> Response:
    return RedirectResponse(HOME[session.user.role], status_code=303)


RESULT_PATTERN = r"^[A-Za-z0-9_-]{16,32}$"


@router.get("/search")
def search_form(request: Request, session: Searcher) -> Response:
    """The search form. Searching is a POST so that no BSN or name ends up in a URL or log."""
    return render(request, "search.html", {"form": {}, "result": None})


@router.get("/search/results/{result_id}")
def search_results(request: Request, session: Searcher,
                   result_id: Annotated[str, Path(pattern=RESULT_PATTERN)]) -> Response:
    """The results of a search just made (post/redirect/get), grouped by household."""
    stored = results_store(request).get(result_id, session.user.username)
    if stored is None:
        return render(request, "search.html", {
            "form": {}, "result": None,
            "error": N_("These search results have expired; please search again.")},
            status_code=404)
    state = hub_state(request)
    return render(request, "search.html", {
        "form": stored.form, "result": stored.result,
        "groups": views.group_by_household(stored.result, stored.form),
        "guides": guides_for(state.engine, [h.household_id for h in stored.result.hits])})


def results_store(request: Request) -> ResultStore:
    return request.app.state.search_results


def build_query(name: str, bsn: str, birth_date: str, postcode: str,
                house_number: str) -> Query:
    """Parse the form fields into a :class:`Query` (raises QueryError naming the field)."""
    return Query(
        name=name.strip() or None, bsn=parse_bsn(bsn), birth_date=parse_birth_date(birth_date),
        postcode=parse_postcode(postcode), house_number=parse_house_number(house_number),
    )


@router.post("/search")
def search(request: Request, session: Searcher,
           name: Annotated[str, Form(max_length=200)] = "",
           bsn: Annotated[str, Form(max_length=20)] = "",
           birth_date: Annotated[str, Form(max_length=20)] = "",
           postcode: Annotated[str, Form(max_length=10)] = "",
           house_number: Annotated[str, Form(max_length=10)] = "") -> Response:
    form: dict[str, Any] = {"name": name, "birth_date": birth_date, "postcode": postcode,
                            "house_number": house_number}  # the BSN is not echoed back
    try:
        query = build_query(name, bsn, birth_date, postcode, house_number)
    except QueryError as exc:
        return render(request, "search.html", {"form": form, "result": None,
                                               "error": exc.message}, status_code=400)
    if not query.criteria():
        return render(request, "search.html", {"form": form, "result": None,
                                               "error": N_("Fill in at least one field.")},
                      status_code=400)
    state = hub_state(request)
    result = views.search(state.engine, state.search, session.user, query)
    form["criteria"] = query.criteria()
    result_id = results_store(request).put(session.user.username, form, result)
    return RedirectResponse(f"/search/results/{result_id}", status_code=303)


@router.get("/households/{household_id}")
def household(request: Request, session: Viewer,
              household_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> Response:
    """Members with roles, their registrations and whom to call, and each partner's freshness."""
    data = views.household(hub_state(request).engine, session.user, household_id)
    return render(request, "household.html", data)


@router.get("/persons/{person_id}")
def person(request: Request, session: Viewer,
           person_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> Response:
    """The source records behind a person and why each was linked."""
    data = views.person(hub_state(request).engine, session.user, person_id)
    return render(request, "person.html", {**data, "reveal_categories": views.REVEAL_CATEGORIES})


@router.post("/persons/{person_id}/reveal")
def reveal(request: Request, session: Viewer,
           person_id: Annotated[str, Path(pattern=ID_PATTERN)],
           field: Annotated[str, Form(max_length=16)] = "",
           source: Annotated[str, Form(max_length=32)] = "",
           record_id: Annotated[str, Form(max_length=64)] = "",
           category: Annotated[str, Form(max_length=32)] = "",
           reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Show one BSN or confidential address, for a stated reason (category and text), audited."""
    data = views.person(hub_state(request).engine, session.user, person_id,
                        views.Reveal(field=field, source=source, record_id=record_id,
                                     reason=reason, category=category))
    return render(request, "person.html", {**data, "reveal_categories": views.REVEAL_CATEGORIES})


@router.post("/persons/{person_id}/split")
def split(request: Request,
          session: Annotated[Session, Depends(guard(Permission.REVIEW))],
          person_id: Annotated[str, Path(pattern=ID_PATTERN)],
          source: Annotated[str, Form(max_length=32)],
          record_id: Annotated[str, Form(max_length=64)],
          reason: Annotated[str, Form(max_length=1000)] = "") -> Response:
    """Split one record off this person (stewards): cannot-link decisions the next run applies."""
    views.split_record(hub_state(request).engine, session.user, person_id, source, record_id,
                       reason)
    return RedirectResponse(f"/persons/{person_id}?split=1", status_code=303)
