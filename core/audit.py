"""The audit trail: every change to a device, a reading or a calibration, kept for good.

A change says who made it, when (UTC), to what (the subject: a device, a reading or a
calibration, and the device it concerns, by uid, so a device's history outlives the device),
what was done (created, edited, archived, corrected, withdrawn, …), and for an edit each field
with its old and new value, and why: a correction and a change of a device's limits need a
reason. Values are kept as JSON (numbers exactly, dates as ISO text).

Changes are written in the same transaction as what they record, by the services that make the
change (``core.devices``, ``core.readings``, ``core.calibration``); nothing in FieldLog updates
or deletes one, and the database refuses it (triggers of migration 0010). Each has a UUIDv7 of
its own, the form in which the office server will receive them (issue 16).
"""

import enum
import getpass
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from core.db import Database, DriverConnection, uid_value
from core.errors import ValidationError
from core.ids import uuid7
from core.models import changes
from core.timeutil import from_epoch_ms, now_ms


class Subject(enum.StrEnum):
    DEVICE = "device"
    READING = "reading"
    CALIBRATION = "calibration"


class Action(enum.StrEnum):
    CREATE = "create"
    EDIT = "edit"
    ARCHIVE = "archive"
    UNARCHIVE = "unarchive"
    DELETE = "delete"  # a device without readings, taken back (the undo of adding it)
    CORRECT = "correct"  # a reading replaced by its correction
    WITHDRAW = "withdraw"  # a reading taken back (the undo of entering it)
    RECORD = "record"  # a calibration recorded


LIMIT_FIELDS = frozenset({"low_limit", "high_limit"})


@dataclass(frozen=True)
class Change:
    """One change, as a service records it."""

    subject: Subject
    subject_id: int
    device_uid: uuid.UUID
    action: Action
    field: str | None = None
    old: Any = None
    new: Any = None
    reason: str | None = None


@dataclass(frozen=True)
class ChangeEntry(Change):
    """A recorded change: when, by whom, and its own id."""

    id: int = 0
    uid: uuid.UUID | None = None
    at: datetime | None = None
    who: str | None = None


def who_now(given: str | None) -> str:
    """Who makes a change: the name given (typed in the window, ``--by`` on the command line),
    else the computer's login name."""
    name = (given or "").strip()
    if name:
        return name[:100]
    try:
        return getpass.getuser()[:100] or "unknown"
    except (OSError, KeyError, ImportError):  # no login name (a service account, a container)
        return "unknown"


def edits(subject: Subject, subject_id: int, device_uid: uuid.UUID, before: Mapping[str, Any],
          after: Mapping[str, Any], fields: Sequence[str],
          reason: str | None = None) -> list[Change]:  # fmt: skip
    """One EDIT change per field of ``fields`` whose value differs between ``before`` and
    ``after``, all with ``reason``."""
    return [Change(subject, subject_id, device_uid, Action.EDIT, name, before[name], after[name],
                   reason) for name in fields if before[name] != after[name]]  # fmt: skip


def require_reason(found: Iterable[Change], reason: str | None, *, field: str = "reason") -> None:
    """Refuse a change of a device's limits without a reason (the audit's rule)."""
    if any(c.field in LIMIT_FIELDS for c in found) and not (reason or "").strip():
        raise ValidationError({field: "a change of the limits needs a reason (say why)"})


def record(conn: Connection, who: str | None, found: Iterable[Change]) -> None:
    """Write ``found`` in the transaction of ``conn``, by ``who``, now."""
    stamp, name = now_ms(), who_now(who)
    rows = [{"uid": uuid7(), "at": stamp, "who": name, "subject": c.subject.value,
             "subject_id": c.subject_id, "device_uid": c.device_uid, "action": c.action.value,
             "field": c.field, "old_value": _json(c.old), "new_value": _json(c.new),
             "reason": (c.reason or "").strip() or None} for c in found]  # fmt: skip
    if rows:
        conn.execute(insert(changes), rows)


_INSERT = ("INSERT INTO changes (uid, at, who, subject, subject_id, device_uid, action, field, "
           "old_value, new_value, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")  # fmt: skip


def record_on(conn: DriverConnection, who: str | None, found: Iterable[Change]) -> None:
    """``record`` on a driver connection (an import's: core/db.py's rule for the hot paths)."""
    stamp, name = now_ms(), who_now(who)
    rows = [(uid_value(conn, uuid7()), stamp, name, c.subject.value, c.subject_id,
             uid_value(conn, c.device_uid), c.action.value, c.field, _json(c.old), _json(c.new),
             (c.reason or "").strip() or None) for c in found]  # fmt: skip
    if rows:
        conn.executemany(_INSERT, rows)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=_plain)


def _plain(value: Any) -> Any:
    """What JSON has no type for: dates as ISO text, UUIDs as text, enums as their value."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} has no JSON form in the audit trail")


def history(db: Database, device_uid: uuid.UUID) -> list[ChangeEntry]:
    """Every change concerning the device, newest first."""
    query = (
        select(changes)
        .where(changes.c.device_uid == device_uid)
        .order_by(changes.c.at.desc(), changes.c.id.desc())
    )
    with db.read() as conn:
        return [_entry(row) for row in conn.execute(query).mappings()]


def _entry(row: Any) -> ChangeEntry:
    def value(text: str | None) -> Any:
        return None if text is None else json.loads(text)

    return ChangeEntry(
        Subject(row["subject"]), row["subject_id"], row["device_uid"], Action(row["action"]),
        row["field"], value(row["old_value"]), value(row["new_value"]), row["reason"],
        id=row["id"], uid=row["uid"], at=from_epoch_ms(row["at"]), who=row["who"],
    )  # fmt: skip
