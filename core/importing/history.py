"""The import history: every batch, what it added, and undoing one.

Where the readings of a batch are is known by the range of reading ids it recorded (there is no
index on ``readings.batch_id``, migration 0006). Not a hot path: it goes through
``Database.read()``/``write()`` like the other services.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, text, update

from core import audit
from core.db import Database, as_uuid
from core.errors import FieldLogError, NotFoundError
from core.importing.report import local_text
from core.models import devices, import_batches
from core.timeutil import from_epoch_ms, now_ms


class BatchUndoError(FieldLogError):
    pass


@dataclass(frozen=True)
class BatchRecord:
    id: int
    uid: uuid.UUID
    file_name: str
    file_hash: str
    format: str
    timezone: str | None
    imported_at: datetime
    readings_added: int
    duplicates: int
    rejected: int
    devices_created: int
    undone_at: datetime | None
    readings_now: int  # readings of the batch still in the database


# Where the readings of batch ``b`` are, as bounds on readings.id: the range the import
# recorded (there is no index on readings.batch_id, migration 0006). A batch that a 0005 build
# imported recorded none, so its readings are looked for over the whole table; a batch that
# added nothing, or was undone, gets NULL bounds, which select no row. (The lowest bound is
# -(2**63 - 1), not -(2**63): PostgreSQL reads that literal as a numeric, and compares ids with
# it without their index.)
_UNRECORDED = "CASE WHEN b.readings_added > 0 AND b.undone_at IS NULL THEN {} END"
_BATCH_LOW = f"coalesce(b.first_reading_id, {_UNRECORDED.format(-(2**63 - 1))})"
_BATCH_HIGH = f"coalesce(b.last_reading_id, {_UNRECORDED.format(2**63 - 1)})"

_BATCH_SQL = (
    "SELECT b.id, b.uid, b.file_name, b.file_hash, b.format, b.timezone, b.imported_at, "
    "b.readings_added, b.duplicates, b.rejected, b.devices_created, b.undone_at, "
    "(SELECT count(*) FROM readings AS r "
    f"WHERE r.id BETWEEN {_BATCH_LOW} AND {_BATCH_HIGH} AND r.batch_id = b.id) "
    "FROM import_batches AS b"
)


def list_batches(db: Database) -> list[BatchRecord]:
    """Every import, newest first."""
    with db.read() as conn:
        return [_batch(row) for row in conn.execute(text(f"{_BATCH_SQL} ORDER BY b.id DESC"))]


def get_batch(db: Database, batch_id: int) -> BatchRecord:
    with db.read() as conn:
        query = text(f"{_BATCH_SQL} WHERE b.id = :batch")
        row = conn.execute(query, {"batch": batch_id}).fetchone()
    if row is None:
        raise NotFoundError(f"There is no import batch {batch_id}.")
    return _batch(row)


def _batch(row: tuple) -> BatchRecord:  # type: ignore[type-arg]
    return BatchRecord(
        row[0], as_uuid(row[1]), row[2], row[3], row[4], row[5],
        from_epoch_ms(row[6]), row[7], row[8], row[9], row[10],
        None if row[11] is None else from_epoch_ms(row[11]), row[12],
    )  # fmt: skip


@dataclass(frozen=True)
class BatchUndone:
    batch_id: int
    readings_removed: int
    devices_removed: list[str]
    devices_kept: list[str]  # made by the import, but holding other readings since


def undo_batch(db: Database, batch_id: int) -> BatchUndone:
    """Remove every reading a batch added, and the devices it created that nothing else uses.

    Refused, changing nothing, when a later correction refers to one of its readings: the
    correction would lose what it corrects. The batch stays listed, marked undone.
    """
    with db.write() as conn:
        return _undo(conn, batch_id)


def _undo(conn: Connection, batch_id: int) -> BatchUndone:
    row = conn.execute(
        text(f"SELECT file_name, undone_at, {_BATCH_LOW}, {_BATCH_HIGH} "
             "FROM import_batches AS b WHERE id = :batch"
             + (" FOR UPDATE" if conn.dialect.name == "postgresql" else "")),
        {"batch": batch_id},
    ).fetchone()  # fmt: skip
    if row is None:
        raise NotFoundError(f"There is no import batch {batch_id}.")
    name, undone_at, low, high = row
    if undone_at is not None:
        raise BatchUndoError(
            f"Batch {batch_id} ({name}) was already undone on {local_text(undone_at)}."
        )
    span = {"low": low, "high": high, "batch": batch_id}
    corrections = conn.execute(
        text("SELECT count(*) FROM readings AS c JOIN readings AS r ON c.corrects_id = r.id "
             "WHERE r.id BETWEEN :low AND :high AND r.batch_id = :batch "
             "AND (c.batch_id IS NULL OR c.batch_id <> :batch)"),
        span,
    ).scalar_one()  # fmt: skip
    if corrections:
        raise BatchUndoError(
            f"Batch {batch_id} ({name}) cannot be undone: {corrections} of its readings have "
            "been corrected since. Undo or withdraw those corrections first."
        )
    removed = conn.execute(
        text("DELETE FROM readings WHERE id BETWEEN :low AND :high AND batch_id = :batch"), span
    ).rowcount
    made = conn.execute(
        text("SELECT id, name, EXISTS (SELECT 1 FROM readings AS r WHERE r.device_id = d.id) "
             "OR EXISTS (SELECT 1 FROM calibrations AS c WHERE c.device_id = d.id), uid "
             "FROM devices AS d WHERE batch_id = :batch ORDER BY name"),
        span,
    ).fetchall()  # fmt: skip
    unused = [(device_id, device) for device_id, device, used, _uid in made if not used]
    for device_id, _ in unused:
        conn.execute(devices.delete().where(devices.c.id == device_id))
    why = f"undoing the import of {name}"
    audit.record(conn, None, [audit.Change(audit.Subject.DEVICE, device_id, as_uuid(uid),
                                           audit.Action.DELETE, reason=why)
                              for device_id, _, used, uid in made if not used])  # fmt: skip
    conn.execute(
        update(import_batches).where(import_batches.c.id == batch_id).values(undone_at=now_ms())
    )
    return BatchUndone(batch_id, removed, [n for _, n in unused],
                       [n for _, n, used, _ in made if used])  # fmt: skip
