"""Which device each channel of an import goes to."""

from pathlib import Path

import pytest

from core.db import Database
from core.devices import DeviceFields, create_device
from core.errors import NotFoundError
from core.importing.service import import_parsed
from tests.core.importing.support import RH, TEMP, parsed_file, reading_count, rows, samples
from tests.databases import both_databases  # noqa: F401  (db: SQLite, then PostgreSQL)


def test_unknown_channels_are_rejected_with_what_to_do(db: Database, tmp_path: Path) -> None:
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 3)))
    assert report.accepted == 0 and report.rejected_count == 3 and report.nothing_importable
    assert [bad.line for bad in report.rejected] == [2, 3, 4]
    assert "no device with serial L7" in report.rejected[0].reason
    assert "--create-devices" in report.rejected[0].reason
    assert reading_count(db) == 0


def test_devices_are_created_on_request_with_the_channel_details(
    db: Database, tmp_path: Path
) -> None:
    report = import_parsed(
        db, parsed_file(tmp_path, [TEMP, RH], samples(0, 3) + samples(1, 2)), create_devices=True
    )
    assert report.accepted == 5 and report.devices_created == ["Logger 7 Temp", "Logger 7 RH"]
    made = rows(db, "SELECT name, serial_number, default_unit, device_type, batch_id FROM devices")
    assert made == [
        ("Logger 7 Temp", "L7", "°C", "Temp", report.batch_id),
        ("Logger 7 RH", "L7", "%", "RH", report.batch_id),
    ]


def test_a_serial_used_by_one_channel_finds_its_device(db: Database, tmp_path: Path) -> None:
    device = create_device(db, DeviceFields("Boiler probe", serial_number="L7", default_unit="°C"))
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 2)))
    assert [(m.device_id, m.how) for m in report.matches] == [(device.id, "serial")]
    assert rows(db, "SELECT DISTINCT device_id FROM readings") == [(device.id,)]


def test_a_serial_shared_by_channels_does_not_decide(db: Database, tmp_path: Path) -> None:
    """A logger's serial names the logger: its two columns are two devices, found by name."""
    create_device(db, DeviceFields("Whole logger", serial_number="L7"))
    rh = create_device(db, DeviceFields("Logger 7 RH", default_unit="%"))
    report = import_parsed(db, parsed_file(tmp_path, [TEMP, RH], samples(0, 1) + samples(1, 1)))
    assert [(m.how, m.device_id) for m in report.matches] == [("unknown", None), ("name", rh.id)]
    assert report.accepted == 1 and report.rejected_count == 1


def test_a_chosen_device_wins_and_a_missing_one_is_named(db: Database, tmp_path: Path) -> None:
    chosen = create_device(db, DeviceFields("Spare", default_unit="°C"))
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 2)),
                           device_map={"t": chosen.id})  # fmt: skip
    assert report.matches[0].how == "chosen" and report.accepted == 2
    with pytest.raises(NotFoundError, match="no device with id 999"):
        import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 2)), device_map={"t": 999})
