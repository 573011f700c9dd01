"""The application: made by ``create_app`` (uvicorn: ``--factory core.server.app:create_app``),
over the PostgreSQL database its settings name.

On start (the lifespan) it makes the engine (pooled as ``DB_POOL_SIZE``, ``DB_MAX_OVERFLOW``,
``DB_POOL_TIMEOUT`` say) and brings the schema to head in one transaction under the migration
lock (``database.bring_to_head``), so N processes started together have one migrator and the
others find the work done. It keeps nothing else: every request reads and writes PostgreSQL,
so any process can answer any request.

Every error answer is JSON with a ``reason`` a person can act on. ``GET /health`` and
``POST /enrol`` (which a code authenticates) are the only routes open without a token.
"""

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from core import __version__
from core.postgres import create_postgres_engine
from core.schema import HEAD_REVISION
from core.server import logs, routes
from core.server.database import bring_to_head, engine_of, revision
from core.server.limits import BodyLimit
from core.server.refusals import Refused
from core.server.settings import Settings


def create_app(settings: Settings | None = None, *, migrate_on_start: bool = True) -> FastAPI:
    """The application; ``migrate_on_start`` False when the caller has just migrated (serve)."""
    settings = settings or Settings.from_environment()
    app = FastAPI(
        title="FieldLog office server",
        version=__version__,
        lifespan=_lifespan(settings, migrate_on_start),
        docs_url=None,  # no unauthenticated pages beside /health
        redoc_url=None,
        openapi_url=None,
    )
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.middleware("http")(_log_request)  # outermost: a refused body is logged too
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_body)
    app.add_exception_handler(Exception, _failed)
    app.add_api_route("/health", health, methods=["GET"])
    app.include_router(routes.open_routes)
    app.include_router(routes.laptop_routes)
    return app


def _lifespan(settings: Settings, migrate_on_start: bool) -> Callable[[FastAPI], Any]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_postgres_engine(settings.database_url)
        try:
            if migrate_on_start:
                await run_in_threadpool(bring_to_head, engine)
            app.state.engine = engine
            yield
        finally:
            engine.dispose()

    return lifespan


def health(request: Request) -> Response:
    try:
        with engine_of(request).connect() as conn:
            found = revision(conn)
    except SQLAlchemyError as error:
        reason = f"the database does not answer: {type(error).__name__}"
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    if found != HEAD_REVISION:
        reason = f"the database is at revision {found}, this server's schema is {HEAD_REVISION}"
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    return JSONResponse({"status": "ok", "revision": found, "version": __version__})


async def _log_request(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    started = time.perf_counter()
    response = await call_next(request)
    fields: dict[str, Any] = {
        "method": request.method,
        "path": request.url.path,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        "client": request.client.host if request.client else None,
    }
    laptop = getattr(request.state, "laptop_id", None)
    if laptop is not None:
        fields["laptop"] = laptop
    logs.event("request", **fields)
    return response


async def _refused(request: Request, error: Exception) -> Response:
    assert isinstance(error, Refused)
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    return JSONResponse({"reason": error.reason}, status_code=error.status, headers=headers)


async def _failed(request: Request, error: Exception) -> Response:
    """500: a fault of the server's (uvicorn logs the traceback); the request's transaction
    was rolled back."""
    reason = "the server failed on this request and changed nothing; its log says why"
    return JSONResponse({"reason": reason}, status_code=500)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return JSONResponse(
        {"reason": str(error.detail)}, status_code=error.status_code, headers=error.headers
    )


async def _invalid_body(request: Request, error: Exception) -> Response:
    """422, with every problem as ``where: what`` (``readings.3.value: …``)."""
    assert isinstance(error, RequestValidationError)
    problems = [
        f"{'.'.join(str(part) for part in problem['loc'] if part != 'body')}: {problem['msg']}"
        for problem in error.errors()
    ]
    reason = "the request was refused, nothing was changed: " + "; ".join(problems[:10])
    if len(problems) > 10:
        reason += f"; and {len(problems) - 10} more"
    return JSONResponse({"reason": reason, "problems": problems}, status_code=422)
