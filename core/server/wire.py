"""What travels: every request body as a pydantic model, checked before a route runs (a body
that does not fit is 422 with each problem named, and nothing is changed). Unknown fields are
refused too, so that a misspelt one is never silently dropped."""

import uuid

from pydantic import BaseModel, ConfigDict, Field

from core.models import ServerRole


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EnrolRequest(Body):
    code: str = Field(min_length=1, max_length=64)
    origin: uuid.UUID  # the laptop database's own origin (its readings' origin)
    name: str = Field(min_length=1, max_length=200)  # the laptop, as people call it


class LaptopAnswer(Body):
    laptop: int
    name: str
    user: str
    role: ServerRole
    origin: uuid.UUID


class EnrolAnswer(LaptopAnswer):
    token: str  # shown this once: the server keeps only its SHA-256


class LaptopListed(Body):
    id: int
    name: str
    user: str
    origin: uuid.UUID
    enrolled_at: int
    last_seen_at: int | None
    revoked_at: int | None
