"""Who is asking: every route but ``/health`` and ``/enrol`` depends on ``authenticated``.

A laptop sends its token as ``Authorization: Bearer <token>``. No token, an unknown one or a
revoked one is 401 with the reason (and ``WWW-Authenticate: Bearer``); a role too low for the
route is 403 (``requires``). The laptop's id goes into the request's log line.
"""

from collections.abc import Callable

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from core.models import ServerRole
from core.server import accounts
from core.server.accounts import Laptop
from core.server.database import engine_of
from core.server.refusals import unauthenticated


async def authenticated(request: Request) -> Laptop:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthenticated(
            "no credentials: send the laptop's token as 'Authorization: Bearer <token>' "
            "(a laptop gets one by enrolling: POST /enrol with a code)"
        )
    laptop = await run_in_threadpool(accounts.authenticate, engine_of(request), token.strip())
    request.state.laptop_id = laptop.id
    return laptop


def requires(role: ServerRole) -> Callable[..., Laptop]:
    """A dependency: the laptop asking, if its user's role is ``role`` or above; else 403."""

    def check(laptop: Laptop = Depends(authenticated)) -> Laptop:  # noqa: B008 (FastAPI's way)
        laptop.require(role)
        return laptop

    return check
