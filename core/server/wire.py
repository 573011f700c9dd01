"""What travels: every request body as a pydantic model, checked before a route runs (a body
that does not fit is 422 with each problem named, and nothing is changed). Unknown fields are
refused too, so that a misspelt one is never silently dropped."""

import uuid
from collections import Counter
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator

from core.models import ServerRole
from core.validation import MAX_DECIMALS


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


# A push (``push.py``): the readings of the laptop's own origin, keyed by their sequence number
# there, and the devices they need. Times are epoch milliseconds, UTC, as FieldLog stores them.
# Numbers are JSON numbers: "5" or true is refused, not read as 5 or 1.
Seq = Annotated[int, Strict(), Field(ge=1, le=2**63 - 1)]
Ms = Annotated[int, Strict(), Field(ge=0, le=2**62)]
Finite = Annotated[float, Strict(), Field(allow_inf_nan=False)]


def _text(most: int) -> Any:
    return Field(default=None, max_length=most)


class DeviceIn(Body):
    """A device as the laptop has it; added on the server when it has no device of that uid.
    (Edits to a device the server has travel in a later step of the protocol: issue 16.)"""

    uid: uuid.UUID
    name: str = Field(min_length=1, max_length=200)
    serial_number: str | None = _text(100)
    location: str | None = _text(255)
    device_type: str | None = _text(100)
    manufacturer: str | None = _text(100)
    model: str | None = _text(100)
    default_unit: str | None = _text(32)
    low_limit: Finite | None = None
    high_limit: Finite | None = None
    calibration_due: date | None = None
    calibration_interval_days: int | None = Field(default=None, ge=1, le=100_000)
    status: Literal["active", "out_of_service", "retired"] = "active"
    notes: str | None = _text(10_000)
    archived_at: Ms | None = None
    created_at: Ms
    updated_at: Ms

    @model_validator(mode="after")
    def _limits_ordered(self) -> "DeviceIn":
        low, high = self.low_limit, self.high_limit
        if low is not None and high is not None and low > high:
            raise ValueError(f"low_limit {low} is above high_limit {high}")
        return self


class ReadingRef(Body):
    """A reading anywhere in the team: the origin that made it, its sequence number there."""

    origin: uuid.UUID
    seq: Seq


class ReadingIn(Body):
    seq: Seq
    device: uuid.UUID
    recorded_at: Ms
    value: Finite
    unit: str = Field(max_length=32)
    operator: str | None = _text(100)
    note: str | None = _text(10_000)
    source: Literal[0, 1] = 0  # ReadingSource: manual, import
    created_at: Ms
    decimals: int | None = Field(default=None, ge=0, le=MAX_DECIMALS)
    corrects: ReadingRef | None = None  # the reading this one corrects


class PushRequest(Body):
    origin: uuid.UUID  # the laptop's own origin: the only one whose readings it pushes
    devices: list[DeviceIn] = Field(default_factory=list)
    readings: list[ReadingIn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _each_once(self) -> "PushRequest":
        for name, keys in (
            ("readings: seq", [reading.seq for reading in self.readings]),
            ("devices: uid", [device.uid for device in self.devices]),
        ):
            twice = sorted({str(key) for key, n in Counter(keys).items() if n > 1})
            if twice:
                raise ValueError(f"{name} given twice: {', '.join(twice[:10])}")
        return self


class PushAnswer(Body):
    received: int  # readings in the push
    added: int  # of them, new on the server
    already: int  # of them, on the server already (from an earlier push of the same ones)
    devices_added: int
    through_seq: int | None  # the highest seq of the push: every reading up to it is stored
