"""The routes: ``open_routes`` need no token (``/enrol`` is authenticated by its code);
``laptop_routes`` all depend on ``auth.authenticated``, whatever each adds."""

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from core.models import ServerRole
from core.server import accounts
from core.server.accounts import Laptop
from core.server.auth import authenticated, requires
from core.server.database import engine_of
from core.server.push import apply_push
from core.server.wire import (
    EnrolAnswer,
    EnrolRequest,
    LaptopAnswer,
    LaptopListed,
    PushAnswer,
    PushRequest,
)

open_routes = APIRouter()
laptop_routes = APIRouter(dependencies=[Depends(authenticated)])

Asking = Annotated[Laptop, Depends(authenticated)]
Technician = Annotated[Laptop, Depends(requires(ServerRole.TECHNICIAN))]
Admin = Annotated[Laptop, Depends(requires(ServerRole.ADMIN))]


@open_routes.post("/enrol")
def enrol(body: EnrolRequest, request: Request) -> EnrolAnswer:
    enrolled = accounts.enrol(engine_of(request), body.code, body.origin, body.name)
    request.state.laptop_id = enrolled.laptop.id
    return EnrolAnswer(token=enrolled.token, **_about(enrolled.laptop).model_dump())


@laptop_routes.get("/me")
def me(laptop: Asking) -> LaptopAnswer:
    return _about(laptop)


@laptop_routes.get("/laptops")
def laptops(laptop: Admin, request: Request) -> list[LaptopListed]:
    return [LaptopListed(**asdict(row)) for row in accounts.laptops(engine_of(request))]


@laptop_routes.post("/push")
def push(body: PushRequest, laptop: Technician, request: Request) -> PushAnswer:
    """The laptop's readings, and the devices they need: one transaction, idempotent."""
    return apply_push(engine_of(request), laptop, body)


def _about(laptop: Laptop) -> LaptopAnswer:
    return LaptopAnswer(
        laptop=laptop.id,
        name=laptop.name,
        user=laptop.user,
        role=laptop.role,
        origin=laptop.origin,
    )
