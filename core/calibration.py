"""Calibration records: what each calibration of a device found and left, and when it is due.

A device has an interval (``calibration_interval_days``). Recording a calibration stores it
with the due date it sets (its date plus the interval, or the date the certificate gives) and,
when it is the device's latest, makes that the device's ``calibration_due``: the one column the
device table sorts and filters on, and that a user may still edit by hand. Records are never
changed or deleted; the files attached to one are kept beside the database by content
(``core.attachments``).

A reading is "taken while overdue" when its device's due date in force at that moment had
passed: the due date set by the latest calibration on or before the reading's day (the
device's own ``calibration_due`` for the time after its latest calibration, or always when it
has none recorded), until the next calibration. ``overdue_spans`` gives those stretches of
time, for the readings table, exports and reports to mark.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select, update

from core import audit
from core.attachments import AttachmentError, Kept, keep
from core.db import Database, SqliteDatabase, in_chunks, new_id, row_by_id
from core.errors import NotFoundError, ValidationError
from core.ids import uuid7
from core.models import CalibrationResult, calibration_files, calibrations, devices
from core.timeutil import from_epoch_ms, now_ms
from core.validation import clean_text

TEXTS = ("performed_by", "lab", "certificate_number", "reference_standard", "as_found_values",
         "as_left_values", "notes")  # fmt: skip
EARLIEST = date(1970, 1, 1)


@dataclass(frozen=True)
class NewCalibration:
    """A calibration as the technician records it from its certificate."""

    device_id: int
    performed_on: date
    as_left: CalibrationResult  # what the device was left as: pass, fail or adjusted
    performed_by: str | None = None  # the person
    lab: str | None = None  # the laboratory; None: done in-house
    certificate_number: str | None = None
    reference_standard: str | None = None
    as_found: CalibrationResult | None = None
    as_found_values: str | None = None
    as_left_values: str | None = None
    notes: str | None = None
    next_due: date | None = None  # as the certificate gives it; None: date plus the interval
    files: Sequence[Path] = ()  # attached: a certificate, photos


@dataclass(frozen=True)
class AttachedFile:
    sha256: str
    name: str
    size: int


@dataclass(frozen=True)
class CalibrationEntry:
    """A recorded calibration, with the due date it set and its attached files."""

    id: int
    uid: uuid.UUID
    device_id: int
    performed_on: date
    as_left: CalibrationResult
    performed_by: str | None
    lab: str | None
    certificate_number: str | None
    reference_standard: str | None
    as_found: CalibrationResult | None
    as_found_values: str | None
    as_left_values: str | None
    notes: str | None
    next_due: date | None
    created_at: datetime
    files: tuple[AttachedFile, ...] = field(default=())

    @property
    def in_house(self) -> bool:
        return self.lab is None


def record_calibration(db: Database, new: NewCalibration, *,
                       who: str | None = None) -> CalibrationEntry:  # fmt: skip
    """Record ``new`` and attach its files; the device's due date follows if it is the
    latest. Nothing is written if anything is refused (a file that cannot be read, a field).
    The audit trail gets the record, and the due date it moved (``who``: its author there)."""
    texts = _checked(new)
    kept = [keep(_database_file(db), path) for path in new.files]  # by content: harmless if unused
    with db.write() as conn:
        device = _device(conn, new.device_id, lock=True)
        interval = device["calibration_interval_days"]
        next_due = new.next_due
        if next_due is None and interval is not None:
            next_due = new.performed_on + timedelta(days=interval)
        stamp = now_ms()
        row = texts | {"uid": uuid7(), "device_id": new.device_id,
                       "performed_on": new.performed_on, "as_left": new.as_left.value,
                       "as_found": None if new.as_found is None else new.as_found.value,
                       "next_due": next_due, "created_at": stamp}  # fmt: skip
        made = new_id(conn.execute(insert(calibrations).values(row)))
        _attach(conn, made, kept, stamp)
        summary = {"performed_on": new.performed_on, "as_left": new.as_left,
                   "lab": texts["lab"] or "in-house",
                   "certificate_number": texts["certificate_number"],
                   "next_due": next_due}  # fmt: skip
        found = [audit.Change(audit.Subject.CALIBRATION, made, device["uid"], audit.Action.RECORD,
                              new=summary)]  # fmt: skip
        if next_due is not None and _is_latest(conn, new.device_id, made):
            conn.execute(update(devices).where(devices.c.id == new.device_id)
                         .values(calibration_due=next_due, updated_at=stamp))  # fmt: skip
            if device["calibration_due"] != next_due:
                found.append(audit.Change(audit.Subject.DEVICE, new.device_id, device["uid"],
                                          audit.Action.EDIT, "calibration_due",
                                          device["calibration_due"], next_due,
                                          "set by the calibration recorded"))  # fmt: skip
        audit.record(conn, who or new.performed_by, found)
    return get_calibration(db, made)


def _checked(new: NewCalibration) -> dict[str, str | None]:
    """The cleaned text fields, or a ValidationError naming every bad field."""
    problems: dict[str, str] = {}
    texts = {name: clean_text(name, getattr(new, name), problems) for name in TEXTS}
    if not EARLIEST <= new.performed_on <= date.today() + timedelta(days=1):
        problems["performed_on"] = (
            f"{new.performed_on.isoformat()} is not a date a calibration was done on (between "
            "1970 and today)"
        )
    if new.next_due is not None and new.next_due < new.performed_on:
        problems["next_due"] = (
            f"the next due date ({new.next_due.isoformat()}) is before the calibration "
            f"({new.performed_on.isoformat()})"
        )
    for name in ("as_left", "as_found"):
        value = getattr(new, name)
        if value is not None and value not in set(CalibrationResult):
            problems[name] = f"must be one of {', '.join(r.value for r in CalibrationResult)}"
    if problems:
        raise ValidationError(problems)
    return texts


def _device(conn: Connection, device_id: int, *, lock: bool = False) -> Any:
    """The device's id and interval; with ``lock`` its row is held until the transaction ends,
    so that two calibrations recorded at once on PostgreSQL agree on which is the latest
    (SQLite's write transaction already excludes every other writer)."""
    columns = (devices.c.id, devices.c.uid, devices.c.calibration_due,
               devices.c.calibration_interval_days)  # fmt: skip
    return row_by_id(conn, devices, device_id, "device", lock=lock, columns=columns)


def _database_file(db: Database) -> Path:
    """The file beside which attached files are kept (``core.attachments``)."""
    if isinstance(db, SqliteDatabase):
        return db.path
    raise AttachmentError(
        f"{db.name}: files are kept beside a FieldLog file, and this database is on a server; "
        "attaching files to its calibrations is not possible yet. Record the calibration "
        "without them."
    )


def _attach(conn: Connection, calibration_id: int, kept: list[Kept], stamp: int) -> None:
    seen: set[str] = set()
    for one in kept:
        if one.sha256 in seen:  # the same bytes attached twice: once
            continue
        seen.add(one.sha256)
        conn.execute(insert(calibration_files).values(
            calibration_id=calibration_id, sha256=one.sha256, file_name=one.name,
            size=one.size, added_at=stamp))  # fmt: skip


def _is_latest(conn: Connection, device_id: int, calibration_id: int) -> bool:
    """Whether ``calibration_id`` is the device's latest calibration (the last recorded of the
    latest day)."""
    latest = (
        select(calibrations.c.id)
        .where(calibrations.c.device_id == device_id)
        .order_by(calibrations.c.performed_on.desc(), calibrations.c.id.desc())
        .limit(1)
    )
    return conn.execute(latest).scalar() == calibration_id


def get_calibration(db: Database, calibration_id: int) -> CalibrationEntry:
    with db.read() as conn:
        row = conn.execute(
            select(calibrations).where(calibrations.c.id == calibration_id)
        ).mappings().first()  # fmt: skip
        if row is None:
            raise NotFoundError(f"There is no calibration with id {calibration_id}.")
        files = _files(conn, [calibration_id])
    return _entry(row, files.get(calibration_id, ()))


def list_calibrations(db: Database, device_id: int) -> list[CalibrationEntry]:
    """The device's calibrations, newest first."""
    with db.read() as conn:
        _device(conn, device_id)
        query = (
            select(calibrations)
            .where(calibrations.c.device_id == device_id)
            .order_by(calibrations.c.performed_on.desc(), calibrations.c.id.desc())
        )
        rows = list(conn.execute(query).mappings())
        files = _files(conn, [row["id"] for row in rows])
    return [_entry(row, files.get(row["id"], ())) for row in rows]


def _files(conn: Connection, ids: list[int]) -> dict[int, tuple[AttachedFile, ...]]:
    found: dict[int, list[AttachedFile]] = defaultdict(list)
    for chunk in in_chunks(ids):
        query = (
            select(calibration_files)
            .where(calibration_files.c.calibration_id.in_(chunk))
            .order_by(calibration_files.c.id)
        )
        for row in conn.execute(query).mappings():
            found[row["calibration_id"]].append(
                AttachedFile(row["sha256"], row["file_name"], row["size"])
            )
    return {key: tuple(value) for key, value in found.items()}


def _entry(row: Any, files: Iterable[AttachedFile]) -> CalibrationEntry:
    as_found = row["as_found"]
    return CalibrationEntry(
        id=row["id"], uid=row["uid"], device_id=row["device_id"],
        performed_on=row["performed_on"], as_left=CalibrationResult(row["as_left"]),
        performed_by=row["performed_by"], lab=row["lab"],
        certificate_number=row["certificate_number"],
        reference_standard=row["reference_standard"],
        as_found=None if as_found is None else CalibrationResult(as_found),
        as_found_values=row["as_found_values"], as_left_values=row["as_left_values"],
        notes=row["notes"], next_due=row["next_due"],
        created_at=from_epoch_ms(row["created_at"]), files=tuple(files),
    )  # fmt: skip


# --- the calibration dashboard --------------------------------------------------------------


@dataclass(frozen=True)
class DueDevice:
    """A device whose calibration is overdue or due soon, with its latest calibration."""

    device_id: int
    name: str
    serial_number: str | None
    location: str | None
    due: date
    interval_days: int | None
    last_calibrated: date | None
    last_lab: str | None  # None with a last calibration: in-house

    def days_left(self, today: date) -> int:
        """Days until due; negative: days overdue."""
        return (self.due - today).days


def due_devices(db: Database, within_days: int, today: date | None = None) -> list[DueDevice]:
    """The devices (not archived) due on or before ``within_days`` from today, overdue ones
    included, the most overdue first."""
    bound = (today or date.today()) + timedelta(days=within_days)
    latest = (
        select(calibrations.c.device_id, calibrations.c.performed_on, calibrations.c.lab)
        .order_by(calibrations.c.device_id, calibrations.c.performed_on, calibrations.c.id)
    )  # fmt: skip
    query = (
        select(devices.c.id, devices.c.name, devices.c.serial_number, devices.c.location,
               devices.c.calibration_due, devices.c.calibration_interval_days)
        .where(devices.c.archived_at.is_(None), devices.c.calibration_due.is_not(None),
               devices.c.calibration_due <= bound)
        .order_by(devices.c.calibration_due, devices.c.name, devices.c.id)
    )  # fmt: skip
    with db.read() as conn:
        found = list(conn.execute(query))
        last: dict[int, tuple[date, str | None]] = {}
        for chunk in in_chunks([row.id for row in found]):
            for row in conn.execute(latest.where(calibrations.c.device_id.in_(chunk))):
                last[row.device_id] = (row.performed_on, row.lab)  # ascending: the last wins
    return [DueDevice(row.id, row.name, row.serial_number, row.location, row.calibration_due,
                      row.calibration_interval_days, *last.get(row.id, (None, None)))
            for row in found]  # fmt: skip


# --- readings taken while overdue ----------------------------------------------------------

Span = tuple[int, int | None]  # epoch ms: from (inclusive) to (exclusive), None: still


def overdue_spans(db: Database, device_ids: Sequence[int]) -> dict[int, list[Span]]:
    """For each device, the stretches of time in which it was overdue for calibration (its
    due date in force had passed), as epoch ms in this computer's time zone's days."""
    with db.read() as conn:
        due_now: dict[int, date | None] = {}
        history: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
        for chunk in in_chunks(list(device_ids)):
            query = select(devices.c.id, devices.c.calibration_due).where(devices.c.id.in_(chunk))
            due_now.update((row.id, row.calibration_due) for row in conn.execute(query))
            records = (
                select(calibrations.c.device_id, calibrations.c.performed_on,
                       calibrations.c.next_due)
                .where(calibrations.c.device_id.in_(chunk))
                .order_by(calibrations.c.device_id, calibrations.c.performed_on,
                          calibrations.c.id)
            )  # fmt: skip
            for row in conn.execute(records):
                history[row.device_id].append((row.performed_on, row.next_due))
    return {device: _spans(history.get(device, []), due) for device, due in due_now.items()}


def _spans(done: list[tuple[date, date | None]], due_now: date | None) -> list[Span]:
    """Overdue from the day after each due date until the next calibration's day; after the
    last one, from the day after the device's due date as it is now."""
    spans: list[Span] = []
    for (_day, due), (next_day, _) in pairwise(done):
        if due is not None and due + timedelta(days=1) < next_day:
            spans.append((_day_start(due + timedelta(days=1)), _day_start(next_day)))
    if due_now is not None and (not done or due_now >= done[-1][0]):
        spans.append((_day_start(due_now + timedelta(days=1)), None))
    return spans


def _day_start(day: date) -> int:
    """Local midnight at the start of ``day``, in epoch ms."""
    return round(datetime.combine(day, time()).astimezone().timestamp() * 1000)


def overdue_at(spans: list[Span], moment_ms: int) -> bool:
    return any(start <= moment_ms and (end is None or moment_ms < end) for start, end in spans)
