"""Reading services: save, correct, list, and series as numpy arrays for charts.

A limit check flags a value, it never clamps or refuses it. A correction is a new reading
that names the one it corrects; the original is kept and marked superseded.
"""

import enum
import sqlite3
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from core import audit
from core.db import Database, DriverConnection, as_uuid, inserted_id, new_id, row_by_id
from core.errors import NotFoundError, ValidationError
from core.models import ReadingSource, devices, readings
from core.timeutil import from_epoch_ms, iso_utc, now_ms, to_epoch_ms
from core.validation import (
    check_finite,
    check_time,
    clean_text,
    storable_id,
    unit_clash,
    value_text,
)


class LimitFlag(enum.StrEnum):
    WITHIN = "within"
    BELOW = "below"
    ABOVE = "above"

    @classmethod
    def of(cls, value: float, low: float | None, high: float | None) -> "LimitFlag":
        if low is not None and value < low:
            return cls.BELOW
        if high is not None and value > high:
            return cls.ABOVE
        return cls.WITHIN


@dataclass(frozen=True)
class NewReading:
    """What a user enters. ``unit`` None means the device's default unit."""

    device_id: int
    value: float
    recorded_at: datetime
    unit: str | None = None
    operator: str | None = None
    note: str | None = None
    source: ReadingSource = ReadingSource.MANUAL
    decimals: int | None = None  # digits typed after the decimal point (see value_text)


@dataclass(frozen=True)
class ReadingRecord:
    id: int
    device_id: int
    value: float
    unit: str
    recorded_at: datetime
    operator: str | None
    note: str | None
    source: ReadingSource
    created_at: datetime
    corrects_id: int | None
    superseded: bool
    flag: LimitFlag
    decimals: int | None = None

    @property
    def text(self) -> str:
        """The value as it was typed, or its shortest exact text."""
        return value_text(self.value, self.decimals)


def add_reading(db: Database, new: NewReading) -> ReadingRecord:
    """Save one reading in its own transaction; the result carries its limit flag.

    This is the save a technician waits for after every Enter, so it talks to the driver
    directly: two statements in one ``BEGIN IMMEDIATE`` transaction (docs/PERFORMANCE.md, T7).
    """
    with db.driver_write() as conn:  # T7
        device = _device_limits_raw(conn, new.device_id)
        row = _validated_row(new, device)
        reading_id = inserted_id(conn, _INSERT_SQL, [row[c] for c in _INSERT_COLUMNS])
    return _record(row | {"id": reading_id, "superseded": False}, device)


_INSERT_COLUMNS = ("device_id", "value", "unit", "recorded_at", "operator", "note", "source",
                   "created_at", "decimals")  # fmt: skip


def insert_sql(bound: Sequence[str], literals: Mapping[str, str] | None = None) -> str:
    """The one ``INSERT INTO readings`` of the driver paths (a typed save, the import, the
    sample data; a correction goes through SQLAlchemy Core): ``bound`` columns take ``?``
    parameters, ``literals`` are SQL text the same in every row of an ``executemany`` (the
    import's batch and source: each bound value costs the driver time, T1)."""
    fixed = literals or {}
    names = ", ".join([*fixed, *bound])
    values = ", ".join([*fixed.values(), *"?" * len(bound)])
    return f"INSERT INTO readings ({names}) VALUES ({values})"


_INSERT_SQL = insert_sql(_INSERT_COLUMNS)


def insert_rows(
    conn: DriverConnection,
    bound: Sequence[str],
    rows: Iterable[Sequence[object]],
    constants: Mapping[str, int | str] | None = None,
) -> None:
    """Many readings in the driver's open transaction, the bulk path of each database (the
    import, the sample data): ``rows`` hold the ``bound`` columns' values, ``constants`` are
    the same in every row. On SQLite one ``executemany`` with the constants written into the
    statement as literals (``insert_sql``, T1); on PostgreSQL one binary ``COPY``."""
    fixed = constants or {}
    if isinstance(conn, sqlite3.Connection):
        literals = {name: sql_literal(value) for name, value in fixed.items()}
        conn.executemany(insert_sql(bound, literals), rows)
        return
    from core.postgres import PostgresDriver, copy_rows

    assert isinstance(conn, PostgresDriver)
    same = tuple(fixed.values())
    copy_rows(conn, readings, [*fixed, *bound], (same + tuple(row) for row in rows))


def sql_literal(value: int | str) -> str:
    """``value`` as an SQL literal: a whole number, or a string (without NUL, which a literal
    cannot hold)."""
    if isinstance(value, int):
        return str(int(value))
    assert "\0" not in value
    return "'" + value.replace("'", "''") + "'"


def _device_limits_raw(conn: DriverConnection, device_id: int) -> "_DeviceLimits":
    if not storable_id(device_id):
        raise NotFoundError(f"There is no device with id {device_id}.")
    row = conn.execute(
        "SELECT name, default_unit, low_limit, high_limit FROM devices WHERE id = ?", (device_id,)
    ).fetchone()
    if row is None:
        raise NotFoundError(f"There is no device with id {device_id}.")
    return _DeviceLimits(*row)


def correct_reading(
    db: Database,
    reading_id: int,
    *,
    value: float | None = None,
    recorded_at: datetime | None = None,
    unit: str | None = None,
    note: str | None = None,
    operator: str | None = None,
    decimals: int | None = None,
    reason: str | None = None,
    who: str | None = None,
) -> ReadingRecord:
    """Record a correction of ``reading_id``; the original stays, marked superseded.
    ``decimals`` goes with a new ``value`` (as it was typed). A correction needs a ``reason``,
    which the audit trail keeps with each field it changed; ``who`` is who corrects (the
    correction's operator unless given)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "a correction needs a reason: say why it was wrong"})
    with db.write() as conn:
        original = _reading_row(conn, reading_id, lock=True)
        if original["superseded"]:
            raise ValidationError({"reading": "it was already corrected; correct the newest one"})
        device = _device_limits(conn, original["device_id"])
        new = _correction(original, value, recorded_at, unit, note, operator, decimals)
        row = _validated_row(new, device) | {"corrects_id": reading_id}
        made = new_id(conn.execute(insert(readings).values(row)))
        conn.execute(update(readings).where(readings.c.id == reading_id).values(superseded=True))
        audit.record(conn, who or operator, _corrected(conn, original, row, reason))
    return _record(row | {"id": made, "superseded": False}, device)


AUDITED = ("value", "recorded_at", "unit", "note", "operator")


def _corrected(conn: Connection, original: Any, row: dict[str, Any],
               reason: str | None) -> list[audit.Change]:  # fmt: skip
    """The audit's account of a correction: each field it changed, before and after."""
    uid = _device_uid(conn, original["device_id"])
    found = [audit.Change(audit.Subject.READING, original["id"], uid, audit.Action.CORRECT,
                          name, _audited(name, original[name]), _audited(name, row[name]),
                          reason)
             for name in AUDITED if original[name] != row[name]]  # fmt: skip
    return found or [audit.Change(audit.Subject.READING, original["id"], uid,
                                  audit.Action.CORRECT, reason=reason)]  # fmt: skip


def _audited(name: str, value: Any) -> Any:
    return iso_utc(value) if name == "recorded_at" and value is not None else value


def _device_uid(conn: Connection, device_id: int) -> Any:
    return conn.execute(select(devices.c.uid).where(devices.c.id == device_id)).scalar_one()


def withdraw_reading(db: Database, reading_id: int, *, who: str | None = None) -> ReadingRecord:
    """Take back a reading just entered (the user's undo): delete it, and if it was a
    correction, make the reading it corrected current again. Returns what was withdrawn.

    Refused once another reading corrects it, so that undo never breaks a correction chain.
    """
    with db.write() as conn:
        row = _reading_row(conn, reading_id, lock=True)
        if row["superseded"]:
            raise ValidationError({"reading": "it has been corrected since; undo that first"})
        device = _device_limits(conn, row["device_id"])
        if row["corrects_id"] is not None:
            restored = update(readings).where(readings.c.id == row["corrects_id"])
            conn.execute(restored.values(superseded=False))
        conn.execute(readings.delete().where(readings.c.id == reading_id))
        taken = {name: _audited(name, row[name]) for name in AUDITED if row[name] is not None}
        audit.record(conn, who, [audit.Change(
            audit.Subject.READING, reading_id, _device_uid(conn, row["device_id"]),
            audit.Action.WITHDRAW, old=taken)])  # fmt: skip
    return _record(row, device)


def get_reading(db: Database, reading_id: int) -> ReadingRecord:
    with db.read() as conn:
        row = _reading_row(conn, reading_id)
        return _record(row, _device_limits(conn, row["device_id"]))


def list_readings(
    db: Database,
    device_id: int,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    include_superseded: bool = False,
    newest_first: bool = True,
    offset: int = 0,
    limit: int | None = 1000,
) -> list[ReadingRecord]:
    """Readings of one device in ``[start, end)``, without superseded ones unless asked."""
    query = select(readings).where(readings.c.device_id == device_id)
    query = _in_range(query, start, end)
    if not include_superseded:
        query = query.where(readings.c.superseded.is_(False))
    order = readings.c.recorded_at.desc() if newest_first else readings.c.recorded_at.asc()
    query = query.order_by(order, readings.c.id).offset(offset).limit(limit)
    with db.read() as conn:
        device = _device_limits(conn, device_id)
        return [_record(row, device) for row in conn.execute(query).mappings()]


def latest_reading(db: Database, device_id: int) -> ReadingRecord | None:
    found = list_readings(db, device_id, limit=1)
    return found[0] if found else None


def count_readings(db: Database, device_id: int | None = None) -> int:
    query = select(func.count()).select_from(readings)
    if device_id is not None:
        query = query.where(readings.c.device_id == device_id)
    with db.read() as conn:
        return int(conn.execute(query).scalar_one())


def global_id(db: Database, reading_id: int) -> tuple[uuid.UUID, int]:
    """A reading's identity across every laptop: (origin UUID, sequence number at that origin)."""
    with db.driver_read() as conn:
        row = _global_id_row(conn, reading_id)
    if row is None:
        raise NotFoundError(f"There is no reading with id {reading_id}.")
    return as_uuid(row[0]), int(row[1])


def _global_id_row(conn: DriverConnection, reading_id: int) -> Any:
    return conn.execute(
        "SELECT o.uid, coalesce(r.origin_seq, r.id) FROM readings AS r JOIN origins AS o "
        "ON o.id = r.origin_id OR (r.origin_id IS NULL AND o.is_local) WHERE r.id = ?",
        (reading_id,),
    ).fetchone()


@dataclass(frozen=True)
class _DeviceLimits:
    name: str
    default_unit: str | None
    low: float | None
    high: float | None


def _device_limits(conn: Connection, device_id: int) -> _DeviceLimits:
    row = conn.execute(
        select(
            devices.c.name, devices.c.default_unit, devices.c.low_limit, devices.c.high_limit
        ).where(devices.c.id == device_id)
    ).first()
    if row is None:
        raise NotFoundError(f"There is no device with id {device_id}.")
    return _DeviceLimits(*row)


def _validated_row(new: NewReading, device: _DeviceLimits) -> dict[str, Any]:
    problems: dict[str, str] = {}
    check_finite("value", new.value, problems)
    check_time("recorded_at", new.recorded_at, problems)
    unit = clean_text("unit", new.unit, problems) if new.unit is not None else None
    clash = unit_clash(unit, device.default_unit, device.name)
    if clash is not None:
        problems["unit"] = clash.removeprefix("unit ")
    operator = clean_text("operator", new.operator, problems)
    note = clean_text("note", new.note, problems)
    if problems:
        raise ValidationError(problems)
    return {
        "device_id": new.device_id,
        "value": float(new.value),
        "unit": unit if unit is not None else device.default_unit or "",
        "recorded_at": to_epoch_ms(new.recorded_at),
        "operator": operator,
        "note": note,
        "source": int(new.source),
        "created_at": now_ms(),
        "decimals": new.decimals,
    }


def _correction(
    original: Any,
    value: float | None,
    recorded_at: datetime | None,
    unit: str | None,
    note: str | None,
    operator: str | None,
    decimals: int | None,
) -> NewReading:
    """The corrected reading: what was given, and the original's values for the rest (a new
    value brings its own resolution)."""

    def pick(given: Any, column: str) -> Any:
        return original[column] if given is None else given

    return NewReading(
        device_id=original["device_id"],
        value=pick(value, "value"),
        recorded_at=recorded_at or from_epoch_ms(original["recorded_at"]),
        unit=pick(unit, "unit"),
        operator=pick(operator, "operator"),
        note=pick(note, "note"),
        source=ReadingSource.MANUAL,
        decimals=original["decimals"] if value is None else decimals,
    )


def _reading_row(conn: Connection, reading_id: int, *, lock: bool = False) -> Any:
    """The reading's row; ``lock``: no other correction or undo changes it meanwhile."""
    return row_by_id(conn, readings, reading_id, "reading", lock=lock)


def _in_range(query: Any, start: datetime | None, end: datetime | None) -> Any:
    if start is not None:
        query = query.where(readings.c.recorded_at >= to_epoch_ms(start))
    if end is not None:
        query = query.where(readings.c.recorded_at < to_epoch_ms(end))
    return query


def _record(row: Any, device: _DeviceLimits) -> ReadingRecord:
    return ReadingRecord(
        id=row["id"],
        device_id=row["device_id"],
        value=row["value"],
        unit=row["unit"],
        recorded_at=from_epoch_ms(row["recorded_at"]),
        operator=row["operator"],
        note=row["note"],
        source=ReadingSource(row["source"]),
        created_at=from_epoch_ms(row["created_at"]),
        corrects_id=row.get("corrects_id"),
        superseded=bool(row["superseded"]),
        flag=LimitFlag.of(row["value"], device.low, device.high),
        decimals=row.get("decimals"),
    )
