"""Duplicates and conflicts: what is stored, or earlier in the file, is never added again."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.db import Database
from core.devices import DeviceFields, create_device
from core.importing.service import import_parsed
from core.readings import NewReading, add_reading, correct_reading
from tests.core.importing.rows import Sample, batches_of, rows_of
from tests.core.importing.support import (
    MINUTE,
    T0,
    TEMP,
    Records,
    first_reading_id,
    parsed_file,
    reading_count,
    samples,
)
from tests.databases import both_databases  # noqa: F401  (db: SQLite, then PostgreSQL)


def test_reimporting_the_same_file_adds_nothing(db: Database, tmp_path: Path) -> None:
    first = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 5)), create_devices=True)
    again = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 5)), create_devices=True)
    assert (first.accepted, again.accepted, again.duplicates) == (5, 0, 5)
    assert again.earlier_batches == [first.batch_id] and reading_count(db) == 5
    assert again.devices_created == []  # found by name the second time


def test_an_overlapping_file_adds_only_what_is_new(db: Database, tmp_path: Path) -> None:
    import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 5)), create_devices=True)
    longer = samples(0, 8)
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], longer, content="longer file"))
    assert (report.accepted, report.duplicates, report.earlier_batches) == (3, 5, [])
    assert reading_count(db) == 8


def test_a_reading_typed_in_counts_as_already_there(db: Database, tmp_path: Path) -> None:
    device = create_device(db, DeviceFields("Logger 7 Temp", default_unit="°C"))
    moment = datetime.fromtimestamp(T0 / 1000, UTC)
    add_reading(db, NewReading(device.id, 20.0, moment))
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 2)))
    assert (report.accepted, report.duplicates) == (1, 1)


def test_a_corrected_reading_is_not_brought_back(db: Database, tmp_path: Path) -> None:
    import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 2)), create_devices=True)
    first = first_reading_id(db)
    correct_reading(db, first, value=19.5, note="sensor offset", reason="typed wrong")
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 2), content="again"))
    assert (report.accepted, report.duplicates, report.rejected_count) == (0, 2, 0)


def test_a_different_value_at_a_stored_moment_is_a_conflict(db: Database, tmp_path: Path) -> None:
    import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 2)), create_devices=True)
    changed = samples(0, 2, value=30.0)
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], changed, content="changed"))
    assert report.accepted == 0 and report.rejected_count == 2
    assert "20.0 is already stored" in report.rejected[0].reason
    assert "never overwrites" in report.rejected[0].reason


def test_duplicates_and_conflicts_inside_one_file(db: Database, tmp_path: Path) -> None:
    records: Records = [
        Sample(2, 0, T0, 1.0),
        Sample(3, 0, T0, 1.0),
        Sample(4, 0, T0, 2.0),
        Sample(5, 0, T0 + MINUTE, 3.0),
    ]
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], records), create_devices=True)
    assert (report.accepted, report.duplicates, report.rejected_count) == (2, 1, 1)
    assert report.rejected[0].line == 4 and "on line 2" in report.rejected[0].reason


def test_duplicates_across_chunks_are_found_in_the_open_transaction(
    db: Database, tmp_path: Path
) -> None:
    records = samples(0, 10) + samples(0, 10, start_line=100)
    parsed = parsed_file(tmp_path, [TEMP], records)
    report = import_parsed(db, parsed, create_devices=True, batches=batches_of(rows_of(parsed), 7))
    assert (report.accepted, report.duplicates) == (10, 10) and reading_count(db) == 10


def test_duplicates_are_still_found_once_memory_is_full(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past KNOWN_IN_MEMORY keys the service asks SQLite instead: same answers."""
    from core.importing import dedupe

    monkeypatch.setattr(dedupe, "KNOWN_IN_MEMORY", 8)
    shuffled = (
        samples(0, 20)[::-1]
        + samples(0, 20, start_line=100)
        + [
            Sample(200, 0, T0 + 3 * MINUTE, 99.0)  # a conflict with line 5
        ]
    )
    parsed = parsed_file(tmp_path, [TEMP], shuffled)
    report = import_parsed(db, parsed, create_devices=True, batches=batches_of(rows_of(parsed), 6))
    assert (report.accepted, report.duplicates, report.rejected_count) == (20, 20, 1)
    assert reading_count(db) == 20 and "20.3 is already stored" in report.rejected[0].reason


def test_a_file_out_of_time_order_checks_against_its_own_earlier_rows(
    db: Database, tmp_path: Path
) -> None:
    forward = samples(0, 30)
    mixed = forward[::2] + forward[1::2] + forward[::3]  # every third row twice
    parsed = parsed_file(tmp_path, [TEMP], mixed)
    report = import_parsed(db, parsed, create_devices=True, batches=batches_of(rows_of(parsed), 7))
    assert (report.accepted, report.duplicates) == (30, 10) and reading_count(db) == 30
