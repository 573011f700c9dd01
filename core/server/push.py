"""A laptop's push: its readings, and the devices they need, applied in one PostgreSQL
transaction, idempotently.

A reading is known everywhere by (origin, seq): the laptop's origin and its sequence number
there. They are inserted with ``ON CONFLICT DO NOTHING`` on the unique (origin_id, origin_seq)
index, so a push repeated, or resumed after a cut connection, adds only what the server does
not have: nothing is ever doubled. A reading the server has already must be the same reading
(device, time, value, unit); one that differs means two readings were numbered alike on the
laptop, and the push is refused (409) rather than one of them being lost silently.

A device the server does not have (by uid) is added as the push carries it; one it has is left
as it is: edits, with their versions and the conflict inbox, are a later step of issue 16. A
correction names the reading it corrects by (origin, seq), in this push or on the server; it
is linked and its original marked superseded, as on the laptop.

Any refusal rolls the whole push back: nothing of it is applied.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Connection, Engine, any_, bindparam, select, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.dialects.postgresql import UUID as PG_UUID

from core.models import devices, origins, readings
from core.server.accounts import Laptop
from core.server.refusals import Refused, forbidden
from core.server.wire import DeviceIn, PushAnswer, PushRequest, ReadingIn

CHUNK = 5_000  # keys in one lookup


@dataclass(frozen=True)
class _Stored:
    """A reading of the push's origin the server has: what it must match."""

    seq: int
    device: Any
    recorded_at: int
    value: float
    unit: str


def apply_push(engine: Engine, laptop: Laptop, push: PushRequest) -> PushAnswer:
    if push.origin != laptop.origin:
        raise forbidden(
            f"this laptop pushes the readings of its own database (origin {laptop.origin}) "
            f"only, not of {push.origin}"
        )
    with engine.begin() as conn:
        devices_added = _add_devices(conn, push.devices)
        device_ids = _device_ids(conn, push.readings)
        added = _add_readings(conn, laptop.origin_id, push.readings, device_ids)
        already = [reading for reading in push.readings if reading.seq not in added]
        _refuse_different(conn, laptop.origin_id, already)
        _link_corrections(conn, [r for r in push.readings if r.seq in added], added)
    return PushAnswer(
        received=len(push.readings),
        added=len(added),
        already=len(already),
        devices_added=devices_added,
        through_seq=max((reading.seq for reading in push.readings), default=None),
    )


def _add_devices(conn: Connection, given: Sequence[DeviceIn]) -> int:
    if not given:
        return 0
    rows = [device.model_dump() for device in given]
    statement = insert(devices).on_conflict_do_nothing(index_elements=["uid"])
    made = conn.execute(statement.returning(devices.c.id), rows).all()
    return len(made)


def _device_ids(conn: Connection, given: Sequence[ReadingIn]) -> dict[Any, int]:
    """Every device the readings name, by uid; refused if the server has one not."""
    wanted = sorted({reading.device for reading in given})
    found: dict[Any, int] = {}
    for chunk in _chunks(wanted):
        query = select(devices.c.uid, devices.c.id).where(devices.c.uid == any_(_uuids(chunk)))
        found.update({uid: int(id_) for uid, id_ in conn.execute(query)})
    missing = [uid for uid in wanted if uid not in found]
    if missing:
        seqs = [str(r.seq) for r in given if r.device == missing[0]][:5]
        raise Refused(
            422,
            f"readings {', '.join(seqs)} are of device {missing[0]}, which this server does "
            f"not have and the push does not carry ({len(missing)} such devices): send the "
            "devices with their readings; nothing was applied",
        )
    return found


def _add_readings(
    conn: Connection, origin_id: int, given: Sequence[ReadingIn], device_ids: dict[Any, int]
) -> dict[int, int]:
    """Insert what is new: the seq of each reading added, and its id on the server."""
    if not given:
        return {}
    rows = [_row(origin_id, reading, device_ids) for reading in given]
    statement = insert(readings).on_conflict_do_nothing(
        index_elements=["origin_id", "origin_seq"],
        index_where=readings.c.origin_id.is_not(None),
    )
    made = conn.execute(statement.returning(readings.c.origin_seq, readings.c.id), rows)
    return {int(seq): int(id_) for seq, id_ in made}


def _row(origin_id: int, reading: ReadingIn, device_ids: dict[Any, int]) -> dict[str, Any]:
    return {
        "device_id": device_ids[reading.device],
        "recorded_at": reading.recorded_at,
        "value": reading.value,
        "unit": reading.unit,
        "operator": reading.operator,
        "note": reading.note,
        "source": reading.source,
        "created_at": reading.created_at,
        "decimals": reading.decimals,
        "origin_id": origin_id,
        "origin_seq": reading.seq,
        "superseded": False,
    }


def _refuse_different(conn: Connection, origin_id: int, already: Sequence[ReadingIn]) -> None:
    """Each reading the server had must be the one pushed now."""
    stored = _stored(conn, origin_id, [reading.seq for reading in already])
    differ = [
        reading.seq
        for reading in already
        if _Stored(reading.seq, reading.device, reading.recorded_at, reading.value, reading.unit)
        != stored[reading.seq]
    ]
    if differ:
        raise Refused(
            409,
            f"the server has readings {', '.join(map(str, differ[:10]))} of this origin with "
            "other values (device, time, value or unit) than this push: two readings were "
            "numbered alike on the laptop; nothing was applied",
        )


def _stored(conn: Connection, origin_id: int, seqs: Sequence[int]) -> dict[int, _Stored]:
    found: dict[int, _Stored] = {}
    for chunk in _chunks(seqs):
        query = (
            select(
                readings.c.origin_seq,
                devices.c.uid,
                readings.c.recorded_at,
                readings.c.value,
                readings.c.unit,
            )
            .join(devices, devices.c.id == readings.c.device_id)
            .where(readings.c.origin_id == origin_id)
            .where(readings.c.origin_seq == any_(_bigints(chunk)))
        )
        found.update({int(row[0]): _Stored(int(row[0]), *row[1:]) for row in conn.execute(query)})
    return found


def _link_corrections(conn: Connection, new: Sequence[ReadingIn], added: dict[int, int]) -> None:
    """The corrections among the new readings: link each to its original, mark that one
    superseded. Refused when an original is nowhere to be found."""
    corrections = [(reading, reading.corrects) for reading in new if reading.corrects]
    if not corrections:
        return
    refs = {(ref.origin, ref.seq) for _, ref in corrections}
    ids = _reading_ids(conn, refs)
    missing = sorted(refs - ids.keys(), key=str)
    if missing:
        origin, seq = missing[0]
        raise Refused(
            422,
            f"a reading corrects reading {seq} of origin {origin}, which this server does not "
            "have and the push does not carry; nothing was applied",
        )
    links = [
        {"new_id": added[reading.seq], "original": ids[(ref.origin, ref.seq)]}
        for reading, ref in corrections
    ]
    linked = update(readings).where(readings.c.id == bindparam("new_id"))
    conn.execute(linked.values(corrects_id=bindparam("original")), links)
    originals = sorted({link["original"] for link in links})
    superseded = update(readings).where(readings.c.id == any_(_bigints(originals)))
    conn.execute(superseded.values(superseded=True))


def _reading_ids(conn: Connection, refs: Iterable[tuple[Any, int]]) -> dict[tuple[Any, int], int]:
    """The server's id of each (origin uid, seq) it has."""
    found: dict[tuple[Any, int], int] = {}
    for chunk in _chunks(sorted(refs, key=str)):
        query = (
            select(origins.c.uid, readings.c.origin_seq, readings.c.id)
            .join(origins, origins.c.id == readings.c.origin_id)
            .where(tuple_(origins.c.uid, readings.c.origin_seq).in_(chunk))
        )
        found.update({(uid, int(seq)): int(id_) for uid, seq, id_ in conn.execute(query)})
    return found


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _uuids(values: Sequence[Any]) -> Any:
    return bindparam(None, list(values), type_=ARRAY(PG_UUID(as_uuid=True)))


def _bigints(values: Sequence[int]) -> Any:
    return bindparam(None, list(values), type_=ARRAY(BigInteger()))
