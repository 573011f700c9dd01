"""The audit trail: changes recorded with who, when, what and why, read back per device, and
kept from being edited, on both databases."""

import uuid
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.audit import Action, Change, Subject, edits, history, record, require_reason, who_now
from core.db import Database
from core.errors import ValidationError
from tests.databases import both_databases  # noqa: F401  (db: SQLite, then PostgreSQL)

DEVICE = uuid.UUID("0190b6d4-8f5e-7c3a-9d2b-5e4f3a2b1c0d")


def test_changes_are_read_back_exactly_newest_first(db: Database) -> None:
    before = {"name": "Gauge", "high_limit": 6.0, "calibration_due": date(2027, 3, 1)}
    after = {"name": "Gauge", "high_limit": 6.5, "calibration_due": date(2027, 9, 1)}
    found = edits(Subject.DEVICE, 4, DEVICE, before, after, list(before), reason="new spec")
    assert [c.field for c in found] == ["high_limit", "calibration_due"]
    with db.write() as conn:
        record(conn, "Ana Souza", [Change(Subject.DEVICE, 4, DEVICE, Action.CREATE)])
    with db.write() as conn:
        record(conn, "  ", found)  # no name given: the computer's login name
    got = history(db, DEVICE)
    assert [(c.action, c.field, c.old, c.new) for c in got[:2]] == [
        (Action.EDIT, "high_limit", 6.0, 6.5),
        (Action.EDIT, "calibration_due", "2027-03-01", "2027-09-01"),
    ] or [(c.action, c.field) for c in got[:2]] == [
        (Action.EDIT, "calibration_due"),
        (Action.EDIT, "high_limit"),
    ]  # same moment: by id
    assert got[-1].action is Action.CREATE and got[-1].who == "Ana Souza"
    assert {c.who for c in got[:2]} == {who_now(None)} and got[0].reason == "new spec"
    assert history(db, uuid.uuid4()) == []


def test_a_change_of_limits_needs_a_reason() -> None:
    limits = edits(Subject.DEVICE, 1, DEVICE, {"low_limit": 1.0}, {"low_limit": 2.0},
                   ["low_limit"])  # fmt: skip
    with pytest.raises(ValidationError, match="needs a reason"):
        require_reason(limits, "   ")
    require_reason(limits, "range widened by the process engineer")
    require_reason(edits(Subject.DEVICE, 1, DEVICE, {"name": "a"}, {"name": "b"}, ["name"]), None)


def test_the_database_refuses_to_edit_or_delete_a_change(db: Database) -> None:
    with db.write() as conn:
        record(conn, "Ana", [Change(Subject.DEVICE, 1, DEVICE, Action.ARCHIVE)])
    for sql in ("UPDATE changes SET who = 'Eve'", "DELETE FROM changes"):
        refused = pytest.raises(DBAPIError, match="the audit trail cannot be changed")
        with refused, db.write() as conn:
            conn.execute(text(sql))
    assert [c.who for c in history(db, DEVICE)] == ["Ana"]


def test_the_services_record_every_change_of_a_device_and_its_readings(db: Database) -> None:
    from dataclasses import replace
    from datetime import UTC, datetime

    from core.devices import (
        DeviceFields,
        archive_device,
        create_device,
        delete_device,
        get_device,
        update_device,
    )
    from core.readings import NewReading, add_reading, correct_reading, withdraw_reading

    fields = DeviceFields(name="Gauge", default_unit="bar", low_limit=0.5, high_limit=6.0)
    gauge = create_device(db, fields, who="Ana")
    with pytest.raises(ValidationError, match="needs a reason"):
        update_device(db, gauge.id, replace(fields, high_limit=7.0), who="Ana")
    assert get_device(db, gauge.id).high_limit == 6.0  # refused: nothing changed
    update_device(db, gauge.id, replace(fields, high_limit=7.0, location="Hall 3"), who="Ana",
                  reason="new spec")  # fmt: skip
    archive_device(db, gauge.id, who="Kim")
    archive_device(db, gauge.id, archived=False, who="Kim")
    taken = add_reading(db, NewReading(gauge.id, 4.0, datetime(2026, 11, 3, 9, tzinfo=UTC)))
    with pytest.raises(ValidationError, match="needs a reason"):
        correct_reading(db, taken.id, value=4.5)
    fixed = correct_reading(db, taken.id, value=4.5, note="re-read", reason="misread", who="Kim")
    withdraw_reading(db, fixed.id, who="Kim")
    steps = [(c.who, c.action, c.field, c.old, c.new, c.reason)
             for c in reversed(history(db, gauge.uid))]  # fmt: skip
    assert steps[0][:3] == ("Ana", Action.CREATE, None) and steps[0][4]["high_limit"] == 6.0
    assert steps[1:] == [
        ("Ana", Action.EDIT, "location", None, "Hall 3", "new spec"),
        ("Ana", Action.EDIT, "high_limit", 6.0, 7.0, "new spec"),
        ("Kim", Action.ARCHIVE, None, None, None, None),
        ("Kim", Action.UNARCHIVE, None, None, None, None),
        ("Kim", Action.CORRECT, "value", 4.0, 4.5, "misread"),
        ("Kim", Action.CORRECT, "note", None, "re-read", "misread"),
        ("Kim", Action.WITHDRAW, None, steps[7][3], None, None),
    ]  # fmt: skip
    withdrawn = steps[7][3]  # what was taken back, whole
    assert (withdrawn["value"], withdrawn["note"], withdrawn["unit"]) == (4.5, "re-read", "bar")
    assert withdrawn["recorded_at"].startswith("2026-11-03T09:00:00")
    spare = create_device(db, DeviceFields(name="Spare"))
    delete_device(db, spare.id, who="Ana")
    assert [c.action for c in history(db, spare.uid)] == [Action.DELETE, Action.CREATE]


def test_a_calibration_and_the_due_date_it_moves_are_in_the_history(db: Database) -> None:
    from core.calibration import NewCalibration, record_calibration
    from core.devices import DeviceFields, create_device
    from core.models import CalibrationResult

    device = create_device(db, DeviceFields(name="Gauge", calibration_interval_days=365))
    record_calibration(db, NewCalibration(device.id, date(2026, 3, 1), CalibrationResult.PASS,
                                          performed_by="J. Weber", lab="Metrolab",
                                          certificate_number="ML-7"))  # fmt: skip
    moved, recorded = history(db, device.uid)[:2]
    assert (moved.action, moved.field, moved.old, moved.new) == (
        Action.EDIT,
        "calibration_due",
        None,
        "2027-03-01",
    )
    assert recorded.subject is Subject.CALIBRATION and recorded.who == "J. Weber"
    assert recorded.new == {"performed_on": "2026-03-01", "as_left": "pass", "lab": "Metrolab",
                            "certificate_number": "ML-7", "next_due": "2027-03-01"}  # fmt: skip
