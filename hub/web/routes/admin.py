"""Admin pages: accounts and the audit log's integrity."""

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from hub.access import audit
from hub.access.errors import AccessError
from hub.access.passwords import generate_password
from hub.access.roles import PARTNERS, Permission, Role
from hub.access.sessions import Session
from hub.access.users import create_user, list_accounts
from hub.web.masking import audit_detail_for_display
from hub.web.routes.render import render
from hub.web.security import guard, hub_state

router = APIRouter(include_in_schema=False)

Admin = Annotated[Session, Depends(guard(Permission.MANAGE_USERS))]


def _users_page(request: Request, extra: dict | None = None, status_code: int = 200) -> Response:
    state = hub_state(request)
    context = {"accounts": list_accounts(state.engine), "roles": [r.value for r in Role],
               "partners": PARTNERS, **(extra or {})}
    return render(request, "users.html", context, status_code=status_code)


@router.get("/admin/users")
def users(request: Request, session: Admin) -> Response:
    """All accounts with role, partner and state."""
    return _users_page(request)


@router.post("/admin/users")
def add_user(request: Request, session: Admin,
             username: Annotated[str, Form(max_length=64)],
             role: Annotated[str, Form(max_length=16)],
             display_name: Annotated[str, Form(max_length=200)] = "",
             partner: Annotated[str, Form(max_length=32)] = "") -> Response:
    """Create an account with a generated password, shown once on the next page."""
    state = hub_state(request)
    password = generate_password()
    try:
        user = create_user(state.engine, username, password, role, partner=partner or None,
                           display_name=display_name or None)
    except AccessError as exc:
        return _users_page(request, {"error": exc.message}, status_code=400)
    audit.record(state.engine, "user_created", user=session.user, target_kind="user",
                 target_id=user.username, detail={"role": user.role.value,
                                                  "partner": user.partner})
    return _users_page(request, {"created": user, "password": password})


@router.get("/admin/audit")
def audit_page(request: Request,
               session: Annotated[Session, Depends(guard(Permission.READ_AUDIT))]) -> Response:
    """Chain verification and the latest entries."""
    state = hub_state(request)
    result = audit.verify(state.engine)
    entries = [replace(e, detail=audit_detail_for_display(e.detail))
               for e in audit.latest(state.engine, 100)]
    audit.record(state.engine, "view", user=session.user, target_kind="audit_log",
                 detail={"entries": result.entries})
    return render(request, "audit.html", {"result": result, "entries": entries})
