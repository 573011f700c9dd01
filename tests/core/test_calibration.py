"""Calibration records: recorded whole or not at all, the due date they set, the files kept
beside the database by content, and the stretches of time a device was overdue."""

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from core.attachments import AttachmentError, check_kept, kept_path, store_of
from core.calibration import (
    NewCalibration,
    list_calibrations,
    overdue_at,
    overdue_spans,
    record_calibration,
)
from core.db import Database, SqliteDatabase
from core.devices import DeviceFields, DeviceRecord, create_device, get_device, update_device
from core.errors import NotFoundError, ValidationError
from core.files import sha256
from core.models import CalibrationResult
from core.postgres import PostgresDatabase
from tests.databases import both_databases  # noqa: F401  (db: SQLite, then PostgreSQL)

PASS, FAIL, ADJUSTED = CalibrationResult.PASS, CalibrationResult.FAIL, CalibrationResult.ADJUSTED


def local_ms(day: date, hour: int = 12) -> int:
    return round(datetime.combine(day, time(hour)).astimezone().timestamp() * 1000)


def _yearly(db: Database) -> DeviceRecord:
    fields = DeviceFields(name="Gauge", default_unit="bar", calibration_interval_days=365)
    return create_device(db, fields)


@pytest.fixture
def yearly(db: Database) -> DeviceRecord:
    return _yearly(db)


def test_a_calibration_sets_the_device_due_date_from_its_interval(db, yearly) -> None:
    made = record_calibration(db, NewCalibration(
        yearly.id, date(2026, 3, 1), ADJUSTED, performed_by="Ana Souza", lab="Metrolab GmbH",
        certificate_number="ML-2026-0117", reference_standard="Fluke 700G ser. 4411",
        as_found=FAIL, as_found_values="+0.12 bar at 10 bar", as_left_values="+0.01 bar at 10 bar",
        notes="zero re-set\nspan adjusted"))  # fmt: skip
    assert made.next_due == date(2027, 3, 1) and not made.in_house
    assert get_device(db, yearly.id).calibration_due == date(2027, 3, 1)
    [listed] = list_calibrations(db, yearly.id)
    assert listed == made
    assert listed.as_found is FAIL and listed.notes == "zero re-set\nspan adjusted"


def test_the_certificate_s_due_date_wins_and_an_older_record_moves_nothing(db, yearly) -> None:
    record_calibration(db, NewCalibration(yearly.id, date(2026, 3, 1), PASS,
                                          next_due=date(2026, 9, 1)))  # fmt: skip
    assert get_device(db, yearly.id).calibration_due == date(2026, 9, 1)
    older = record_calibration(db, NewCalibration(yearly.id, date(2025, 3, 1), PASS))
    assert older.next_due == date(2026, 3, 1)  # recorded late: it sets its own due date only
    assert get_device(db, yearly.id).calibration_due == date(2026, 9, 1)
    assert [c.performed_on for c in list_calibrations(db, yearly.id)] == [
        date(2026, 3, 1), date(2025, 3, 1)]  # fmt: skip


def test_without_an_interval_the_due_date_stays_as_the_user_set_it(db) -> None:
    device = create_device(db, DeviceFields(name="Probe", calibration_due=date(2026, 6, 1)))
    made = record_calibration(db, NewCalibration(device.id, date(2026, 1, 10), PASS))
    assert made.next_due is None and made.in_house
    assert get_device(db, device.id).calibration_due == date(2026, 6, 1)


def test_a_refused_record_writes_nothing_and_names_every_bad_field(db, yearly) -> None:
    bad = NewCalibration(yearly.id, date.today() + timedelta(days=30), PASS,
                         next_due=date(2000, 1, 1), certificate_number="C" * 101)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        record_calibration(db, bad)
    assert set(refused.value.problems) == {"performed_on", "next_due", "certificate_number"}
    with pytest.raises(NotFoundError, match="no device with id 999"):
        record_calibration(db, NewCalibration(999, date(2026, 1, 1), PASS))
    assert list_calibrations(db, yearly.id) == []
    assert get_device(db, yearly.id).calibration_due is None


def test_attached_files_are_kept_once_by_content_beside_the_database(
    sqlite_db: SqliteDatabase, tmp_path: Path
) -> None:
    db, yearly = sqlite_db, _yearly(sqlite_db)
    certificate = tmp_path / "ML-2026-0117.pdf"
    certificate.write_bytes(b"%PDF-1.7 certificate")
    same = tmp_path / "copy of the certificate.pdf"
    same.write_bytes(certificate.read_bytes())
    photo = tmp_path / "gauge.jpg"
    photo.write_bytes(b"\xff\xd8 photo")
    made = record_calibration(db, NewCalibration(yearly.id, date(2026, 3, 1), PASS,
                                                 files=(certificate, same, photo)))  # fmt: skip
    digest = sha256(certificate)
    assert [(f.name, f.sha256, f.size) for f in made.files] == [
        ("ML-2026-0117.pdf", digest, 20), ("gauge.jpg", sha256(photo), 8)]  # fmt: skip
    kept = kept_path(db.path, digest)
    assert kept.parent.parent == store_of(db.path) == db.path.with_name(db.path.name + ".files")
    assert kept.read_bytes() == b"%PDF-1.7 certificate"
    assert check_kept(db.path, digest) is None
    certificate.unlink()  # the kept copy does not depend on the original
    again = record_calibration(db, NewCalibration(yearly.id, date(2026, 4, 1), PASS,
                                                  files=(same,)))  # fmt: skip
    assert again.files[0].sha256 == digest and sorted(kept.parent.iterdir()) == [kept]
    kept.write_bytes(b"%PDF-1.7 tampered")
    assert "damaged" in (check_kept(db.path, digest) or "")


def test_a_file_that_cannot_be_attached_leaves_no_record(sqlite_db, tmp_path, monkeypatch):
    db, yearly = sqlite_db, _yearly(sqlite_db)
    missing = tmp_path / "not there.pdf"
    with pytest.raises(AttachmentError, match=r"not there\.pdf"):
        record_calibration(db, NewCalibration(yearly.id, date(2026, 3, 1), PASS,
                                              files=(missing,)))  # fmt: skip
    huge = tmp_path / "scan.tiff"
    huge.write_bytes(b"x")
    monkeypatch.setattr("core.attachments.MAX_BYTES", 0)
    with pytest.raises(AttachmentError, match="over the 0 MiB an attachment may have"):
        record_calibration(db, NewCalibration(yearly.id, date(2026, 3, 1), PASS,
                                              files=(huge,)))  # fmt: skip
    assert list_calibrations(db, yearly.id) == []


def test_on_postgresql_attaching_a_file_is_refused_and_nothing_is_written(
    postgres_db: PostgresDatabase, tmp_path: Path
) -> None:
    """Files are kept beside a SQLite file; a database on a server has no such place yet."""
    db, yearly = postgres_db, _yearly(postgres_db)
    certificate = tmp_path / "ML-2026-0117.pdf"
    certificate.write_bytes(b"%PDF-1.7 certificate")
    with pytest.raises(AttachmentError, match="not possible yet"):
        record_calibration(db, NewCalibration(yearly.id, date(2026, 3, 1), PASS,
                                              files=(certificate,)))  # fmt: skip
    assert list_calibrations(db, yearly.id) == []


def test_overdue_spans_follow_each_calibration_and_the_current_due_date(db, yearly) -> None:
    """Due 2025-03-01 + 365 = 2026-03-01 after the first; calibrated again only on 2026-04-15,
    so overdue from 2026-03-02 to 2026-04-14; then due 2027-04-15, which a user moved
    back to 2026-10-01 by hand: overdue again from 2026-10-02 on."""
    record_calibration(db, NewCalibration(yearly.id, date(2025, 3, 1), PASS))
    record_calibration(db, NewCalibration(yearly.id, date(2026, 4, 15), PASS))
    device = get_device(db, yearly.id)
    update_device(db, yearly.id, replace(device, calibration_due=date(2026, 10, 1)))
    spans = overdue_spans(db, [yearly.id])[yearly.id]
    inside = [date(2026, 3, 2), date(2026, 4, 14), date(2026, 10, 2), date(2030, 1, 1)]
    outside = [date(2025, 2, 1), date(2026, 3, 1), date(2026, 4, 15), date(2026, 10, 1)]
    assert [overdue_at(spans, local_ms(d)) for d in inside] == [True] * 4
    assert [overdue_at(spans, local_ms(d)) for d in outside] == [False] * 4
    midnight = local_ms(date(2026, 4, 15), hour=0)  # the day of the calibration begins
    assert overdue_at(spans, midnight - 1) and not overdue_at(spans, midnight)


def test_a_device_never_calibrated_here_is_overdue_after_its_due_date(db) -> None:
    device = create_device(db, DeviceFields(name="Old", calibration_due=date(2026, 1, 31)))
    never = create_device(db, DeviceFields(name="New"))
    spans = overdue_spans(db, [device.id, never.id])
    assert not overdue_at(spans[device.id], local_ms(date(2026, 1, 31), hour=23))
    assert overdue_at(spans[device.id], local_ms(date(2026, 2, 1), hour=0))
    assert spans[never.id] == []


def test_a_backup_carries_the_attached_files_and_a_restore_puts_them_back(
    sqlite_db: SqliteDatabase, tmp_path: Path
) -> None:
    from core.attachments import backup_store
    from core.backup import make_backup
    from core.maintenance import restore

    db, yearly = sqlite_db, _yearly(sqlite_db)
    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(b"%PDF-1.7 the certificate")
    made = record_calibration(db, NewCalibration(yearly.id, date(2026, 3, 1), PASS,
                                                 files=(certificate,)))  # fmt: skip
    digest = made.files[0].sha256
    backup = make_backup(db.path, "manual")
    in_backup = backup_store(db.path) / digest[:2] / digest
    assert in_backup.read_bytes() == b"%PDF-1.7 the certificate"
    again = make_backup(db.path, "manual")  # a second backup shares the copy
    assert again != backup and sorted(backup_store(db.path).rglob("*")) == [
        in_backup.parent, in_backup]  # fmt: skip
    db.close()
    kept_path(db.path, digest).unlink()  # the laptop lost the file
    restore(db.path, backup)
    assert kept_path(db.path, digest).read_bytes() == b"%PDF-1.7 the certificate"


def test_the_readings_table_marks_what_was_taken_while_overdue(db, yearly) -> None:
    from core.reading_pages import readings_page
    from core.readings import NewReading, add_reading

    record_calibration(db, NewCalibration(yearly.id, date(2025, 1, 10), PASS))  # due 2026-01-10
    record_calibration(db, NewCalibration(yearly.id, date(2026, 2, 1), PASS))  # due 2027-02-01
    for day in (date(2026, 1, 10), date(2026, 1, 11), date(2026, 1, 31), date(2026, 2, 1)):
        moment = datetime.combine(day, time(9)).astimezone()
        add_reading(db, NewReading(yearly.id, 1.0, moment))
    rows = readings_page(db, [yearly.id])
    marked = {row.recorded_at.astimezone().date(): row.overdue for row in rows}
    assert marked == {date(2026, 1, 10): False, date(2026, 1, 11): True,
                      date(2026, 1, 31): True, date(2026, 2, 1): False}  # fmt: skip


def test_the_dashboard_lists_the_devices_due_the_most_overdue_first(db, yearly) -> None:
    from core.calibration import due_devices
    from core.devices import archive_device

    today = date(2026, 12, 2)
    record_calibration(db, NewCalibration(yearly.id, date(2025, 11, 20), PASS,
                                          lab="Metrolab"))  # fmt: skip  # due 2026-11-20
    soon = create_device(db, DeviceFields(name="Soon", calibration_due=date(2026, 12, 30)))
    create_device(db, DeviceFields(name="Later", calibration_due=date(2027, 1, 2)))
    create_device(db, DeviceFields(name="Never"))
    gone = create_device(db, DeviceFields(name="Gone", calibration_due=date(2020, 1, 1)))
    archive_device(db, gone.id)
    found = due_devices(db, 30, today)
    assert [(d.name, d.days_left(today)) for d in found] == [("Gauge", -12), ("Soon", 28)]
    assert (found[0].last_calibrated, found[0].last_lab) == (date(2025, 11, 20), "Metrolab")
    assert (found[1].last_calibrated, found[1].interval_days) == (None, None)
    assert found[1].device_id == soon.id
