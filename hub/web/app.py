"""The FastAPI application: routers, guards, error pages, security headers, search start-up.

Build it with :func:`create_app`; ``hub web`` serves it with uvicorn on 127.0.0.1.
"""

import logging
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Protocol, cast

import jinja2
import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.access import audit
from hub.access.audit_key import load_key
from hub.access.sessions import load_session, purge_expired
from hub.store.engine import make_engine, require_current
from hub.web import i18n, labels, views
from hub.web.config import WebConfig
from hub.web.i18n import N_
from hub.web.routes import admin, api, auth, pages, rights, steward
from hub.web.routes import guides as guide_routes
from hub.web.routes import lookup as lookup_routes
from hub.web.routes import monitor as monitor_routes
from hub.web.routes.render import render
from hub.web.search.results import ResultStore
from hub.web.search.service import SearchService
from hub.web.security import SECURITY_HEADERS, AuthRequired, Forbidden, HubState, is_api

HERE = Path(__file__).resolve().parent
log = logging.getLogger(__name__)


def _error(request: Request, status: int, message: str,
           args: dict[str, str] | None = None) -> Response:
    """An error page (the message is an English msgid, translated on the page) or JSON."""
    if is_api(request):
        return JSONResponse({"detail": message % args if args else message}, status_code=status)
    return render(request, "error.html", {"status": status, "message": message,
                                          "message_args": args or {}}, status_code=status)


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(AuthRequired)
    async def _auth(request: Request, exc: AuthRequired) -> Response:
        if exc.api:
            return JSONResponse({"detail": "log in first"}, status_code=401)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return _error(request, 403, exc.message)

    @app.exception_handler(views.Denied)
    async def _denied(request: Request, exc: views.Denied) -> Response:
        return _error(request, 403, exc.message)

    @app.exception_handler(views.NotFound)
    async def _not_found(request: Request, exc: views.NotFound) -> Response:
        return _error(request, 404, exc.message)

    @app.exception_handler(views.BadRequest)
    async def _bad(request: Request, exc: views.BadRequest) -> Response:
        return _error(request, 400, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        # Field names only: the rejected input itself may be a BSN.
        fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors()})
        fields_text = ", ".join(fields) or "request"
        if request.method == "POST" and request.url.path.endswith("/reveal"):
            _audit_rejected_reveal(request, f"invalid or missing: {fields_text}")
        return _error(request, 422, N_("Invalid or missing: %(fields)s"), {"fields": fields_text})


def _audit_rejected_reveal(request: Request, problem: str) -> None:
    """A reveal the request parser rejected (422) is audited like one the view rejected."""
    state = request.app.state.hub
    session = load_session(state.engine, request.cookies.get(state.config.cookie_name),
                           state.config.session)
    if session is not None:
        person_id = request.url.path.removesuffix("/reveal").rsplit("/", 1)[-1][:64]
        audit.record(state.engine, "reveal_failed", user=session.user, target_kind="person",
                     target_id=person_id, detail={"status": 422, "problem": problem})


class _I18nEnvironment(Protocol):
    """What the ``jinja2.ext.i18n`` extension adds to its environment."""

    def install_gettext_callables(self, gettext: Callable[[str], str],
                                  ngettext: Callable[[str, str, int], str],
                                  newstyle: bool | None = None) -> None: ...


def make_templates() -> Jinja2Templates:
    """The page templates with gettext (new style: ``_("Hello %(name)s", name=x)``) and the
    filters that turn codes, partner keys and dates into words (:mod:`hub.web.labels`)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=True, extensions=["jinja2.ext.i18n"])
    # the extension adds this method at run time (Environment.extend): jinja2's types cannot say so
    cast(_I18nEnvironment, env).install_gettext_callables(i18n.gettext, i18n.ngettext,
                                                          newstyle=True)
    env.filters.update(label=labels.label, partner=labels.partner, partners=labels.partners,
                       nl_date=labels.nl_date)
    return Jinja2Templates(env=env)


def create_app(engine: sa.Engine | str, config: WebConfig | None = None) -> FastAPI:
    """The web app over the store at ``engine`` (an engine or a URL of a migrated store)."""
    engine = make_engine(engine) if isinstance(engine, str) else engine
    require_current(engine)
    load_key()  # no audit key in production: fail at start, not at the first login
    config = config or WebConfig.from_env()
    search = SearchService(engine, config.index_check_seconds)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):  # noqa: ANN202 - FastAPI lifespan protocol
        purged = purge_expired(engine, config.session)
        if purged:
            log.info("removed %s expired sessions", purged)
        search.start()
        yield

    app = FastAPI(
        title="Registration hub",
        summary="Search families, see who is involved, decide uncertain matches.",
        version="1",
        openapi_url=None,  # served by api.openapi, behind a session
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    templates = make_templates()
    app.state.hub = HubState(engine=engine, config=config, search=search, templates=templates)
    app.state.search_results = ResultStore()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in (auth.router, pages.router, steward.router, admin.router, rights.router,
                   api.router, guide_routes.router, monitor_routes.router, lookup_routes.router):
        app.include_router(router)
    _install_handlers(app)

    app.add_middleware(SecurityHeaders)
    return app


class SecurityHeaders:
    """Pure ASGI middleware adding :data:`SECURITY_HEADERS` to every response (cheaper than
    ``@app.middleware``, which wraps each request in extra tasks and streams)."""

    _headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self._headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
