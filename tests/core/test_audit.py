"""The audit trail: changes recorded with who, when, what and why, read back per device, and
kept from being edited."""

import uuid
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from core.audit import Action, Change, Subject, edits, history, record, require_reason, who_now
from core.db import Database
from core.errors import ValidationError

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
        refused = pytest.raises(IntegrityError, match="the audit trail cannot be changed")
        with refused, db.write() as conn:
            conn.execute(text(sql))
    assert [c.who for c in history(db, DEVICE)] == ["Ana"]
