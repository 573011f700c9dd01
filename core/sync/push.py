"""Push the readings made on this laptop to its server, a page at a time.

The readings made here are those without an origin of their own (``origin_id`` NULL: the
database's own origin), numbered by their id (``core/ids.py``). Each page carries the devices
its readings are of, and each correction names its original by (origin, seq). What the server
acknowledges moves ``pushed_through``, saved after every page, so an interrupted push resumes
where it stopped; and since the server stores each (origin, seq) once, a page sent twice is
harmless.

Sent again each time as well: every reading made since the last complete push began, less an
hour (by this laptop's clock), whatever its id. SQLite gives a new row the id after the highest
one, so a reading withdrawn (deleted) at the top and a new one typed before the next push share
an id at or below ``pushed_through``; sending it lets the server see the clash and refuse it
(409) rather than the new reading never leaving the laptop.
"""

import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from core.db import Database
from core.models import devices, origins, readings
from core.sync import store
from core.sync.client import ServerClient
from core.timeutil import now_ms

PAGE = 5_000  # readings a request (about 1 MB)
OVERLAP_MS = 3_600_000

DEVICE_FIELDS = (
    "name", "serial_number", "location", "device_type", "manufacturer", "model",
    "default_unit", "low_limit", "high_limit", "calibration_interval_days", "status", "notes",
    "archived_at", "created_at", "updated_at",
)  # fmt: skip


@dataclass(frozen=True)
class PushResult:
    sent: int
    added: int
    already: int
    devices_added: int
    through: int


def local_origin(db: Database) -> uuid.UUID:
    with db.read() as conn:
        found = conn.execute(select(origins.c.uid).where(origins.c.is_local)).scalar_one()
        return uuid.UUID(str(found))


def push_all(
    db: Database, progress: Callable[[int], None] | None = None, page: int = PAGE
) -> PushResult:
    origin = local_origin(db)
    settings = store.load(origin)
    started = now_ms()
    since = None if settings.pushed_at is None else settings.pushed_at - OVERLAP_MS
    totals = PushResult(0, 0, 0, 0, settings.pushed_through)
    with ServerClient(settings.url, store.token(origin), settings.ca_file) as client:
        for body, last_id in pages(db, origin, settings.pushed_through, since, page):
            answer = client.push(body)
            settings = settings.pushed(last_id)
            store.save(origin, settings)
            totals = _add(totals, answer, len(body["readings"]), settings.pushed_through)
            if progress is not None:
                progress(totals.sent)
    store.save(origin, settings.pushed(settings.pushed_through, at=started))
    return totals


def pages(
    db: Database, origin: uuid.UUID, through: int, since: int | None, size: int
) -> Iterator[tuple[dict[str, Any], int]]:
    """Each page's body, and the highest reading id in it."""
    after = 0 if since is not None else through
    while True:
        with db.read() as conn:
            rows = _readings_after(conn, after, through, since, size)
            if not rows:
                return
            body = {
                "origin": str(origin),
                "devices": _devices_of(conn, {row.device_id for row in rows}),
                "readings": [_reading(row, origin) for row in rows],
            }
        after = rows[-1].id
        yield body, after


def _readings_after(
    conn: Connection, after: int, through: int, since: int | None, size: int
) -> Sequence[Any]:
    original = readings.alias("original")
    wanted = readings.c.id > through
    if since is not None:
        wanted = or_(wanted, readings.c.created_at >= since)
    query = (
        select(
            readings,
            devices.c.uid.label("device_uid"),
            original.c.id.label("original_id"),
            original.c.origin_seq.label("original_seq"),
            origins.c.uid.label("original_origin"),
        )
        .join(devices, devices.c.id == readings.c.device_id)
        .outerjoin(original, original.c.id == readings.c.corrects_id)
        .outerjoin(origins, origins.c.id == original.c.origin_id)
        .where(and_(readings.c.origin_id.is_(None), readings.c.id > after, wanted))
        .order_by(readings.c.id)
        .limit(size)
    )
    return conn.execute(query).all()


def _reading(row: Any, origin: uuid.UUID) -> dict[str, Any]:
    made: dict[str, Any] = {
        "seq": row.id,
        "device": str(row.device_uid),
        "recorded_at": row.recorded_at,
        "value": row.value,
        "unit": row.unit,
        "operator": row.operator,
        "note": row.note,
        "source": row.source,
        "created_at": row.created_at,
        "decimals": row.decimals,
    }
    if row.original_id is not None:
        local = row.original_origin is None
        made["corrects"] = {
            "origin": str(origin if local else row.original_origin),
            "seq": row.original_id if local else row.original_seq,
        }
    return made


def _devices_of(conn: Connection, ids: set[int]) -> list[dict[str, Any]]:
    query = select(devices).where(devices.c.id.in_(sorted(ids)))
    return [_device(row) for row in conn.execute(query)]


def _device(row: Any) -> dict[str, Any]:
    made = {name: getattr(row, name) for name in DEVICE_FIELDS}
    due = row.calibration_due
    return made | {"uid": str(row.uid), "calibration_due": due.isoformat() if due else None}


def _add(totals: PushResult, answer: dict[str, Any], sent: int, through: int) -> PushResult:
    return PushResult(
        sent=totals.sent + sent,
        added=totals.added + int(answer["added"]),
        already=totals.already + int(answer["already"]),
        devices_added=totals.devices_added + int(answer["devices_added"]),
        through=through,
    )


def not_pushed(db: Database, through: int) -> int:
    """How many readings made here the server has not acknowledged."""
    from sqlalchemy import func

    mine = readings.c.origin_id.is_(None) & (readings.c.id > through)
    with db.read() as conn:
        return int(
            conn.execute(select(func.count()).select_from(readings).where(mine)).scalar_one()
        )
