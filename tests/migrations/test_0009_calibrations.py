"""0009 adds calibration records: devices.calibration_interval_days in place, and the tables
calibrations and calibration_files; downgrading drops them and leaves every device and reading
as it was. Worked on a copy of the 0008 fixture."""

import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.migrations.support import REPO_ROOT, migrated, plain, rootpages

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "db" / "rev_0008.db"
DEVICES = "SELECT id, name, calibration_due, low_limit, high_limit FROM devices ORDER BY id"
READINGS = "SELECT id, device_id, value, recorded_at FROM readings ORDER BY id"


@pytest.fixture
def at_0008(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURE, path)
    return path


def tables(path: Path) -> set[str]:
    with plain(path) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def device_columns(path: Path) -> list[str]:
    with plain(path) as conn:
        return [row[1] for row in conn.execute("PRAGMA table_info(devices)")]


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with plain(path) as conn:
        return conn.execute(sql).fetchall()


def test_the_interval_is_added_in_place_and_the_tables_are_new(at_0008: Path) -> None:
    before, devices, readings = rootpages(at_0008), rows(at_0008, DEVICES), rows(at_0008, READINGS)
    assert "calibrations" not in tables(at_0008) and len(readings) == 200
    migrated(at_0008, "0009")
    assert {"calibrations", "calibration_files"} <= tables(at_0008)
    assert device_columns(at_0008)[-1] == "calibration_interval_days"
    after = rootpages(at_0008)
    assert (after["devices"], after["readings"]) == (before["devices"], before["readings"])
    assert rows(at_0008, DEVICES) == devices and rows(at_0008, READINGS) == readings
    unset = "SELECT count(*) FROM devices WHERE calibration_interval_days IS NULL"
    assert rows(at_0008, unset) == [(len(devices),)]


def test_the_new_tables_keep_their_rules(at_0008: Path) -> None:
    migrated(at_0008, "0009")
    with plain(at_0008) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        insert = ("INSERT INTO calibrations (uid, device_id, performed_on, as_left, created_at) "
                  "VALUES (?, ?, '2026-03-01', ?, 0)")  # fmt: skip
        conn.execute(insert, (b"u" * 16, 1, "pass"))
        with pytest.raises(sqlite3.IntegrityError, match="ck_calibrations_as_left"):
            conn.execute(insert, (b"v" * 16, 1, "fine"))
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            conn.execute(insert, (b"w" * 16, 999_999, "pass"))
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            conn.execute("DELETE FROM devices WHERE id = 1")  # a calibrated device stays


def test_downgrade_drops_the_records_and_keeps_every_device_and_reading(at_0008: Path) -> None:
    devices, readings = rows(at_0008, DEVICES), rows(at_0008, READINGS)
    migrated(at_0008, "0009")
    with plain(at_0008) as conn:
        conn.execute("UPDATE devices SET calibration_interval_days = 365 WHERE id % 2 = 0")
        conn.execute("INSERT INTO calibrations (uid, device_id, performed_on, as_left, "
                     "created_at) VALUES (x'00112233445566778899aabbccddeeff', 1, "
                     "'2026-03-01', 'pass', 0)")  # fmt: skip
        conn.commit()
    migrated(at_0008, "-0008")
    assert not {"calibrations", "calibration_files"} & tables(at_0008)
    assert "calibration_interval_days" not in device_columns(at_0008)
    assert rows(at_0008, DEVICES) == devices and rows(at_0008, READINGS) == readings
