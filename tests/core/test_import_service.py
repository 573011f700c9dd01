"""The import service on hand-made parsed files: devices, duplicates, conflicts, batches, undo.

The parsers have their own tests (test_import_formats.py); here the records are written out by
hand so that each rule of the service is seen on its own, against a real migrated database.
"""

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from core.db import Database
from core.devices import DeviceFields, count_devices, create_device, get_device
from core.errors import NotFoundError
from core.importing.batches import batches_of
from core.importing.records import Channel, ParsedFile, Rejected, Sample
from core.importing.service import (
    KEPT_REJECTIONS,
    BatchUndoError,
    ImportCancelled,
    get_batch,
    import_parsed,
    list_batches,
    undo_batch,
)
from core.readings import NewReading, add_reading, correct_reading
from core.timeutil import to_epoch_ms

T0 = to_epoch_ms(datetime(2025, 6, 1, tzinfo=UTC))
MINUTE = 60_000
TEMP = Channel("t", "Logger 7 Temp", "°C", serial="L7", quantity="Temp", column="Temp, °C")
Records = list[Sample | Rejected]
RH = Channel("rh", "Logger 7 RH", "%", serial="L7", quantity="RH", column="RH, %")


def parsed_file(
    folder: Path,
    channels: Sequence[Channel],
    records: Sequence[Sample | Rejected],
    name: str = "log.csv",
    content: str = "the file's bytes, for its hash",
) -> ParsedFile:
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return ParsedFile(path, "test", "a test file", list(channels), iter(records), timezone="UTC")


def samples(channel: int, count: int, start_line: int = 2, value: float = 20.0) -> list[Sample]:
    return [Sample(start_line + n, channel, T0 + n * MINUTE, value + n / 10) for n in range(count)]


def rows(db: Database, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with db.driver_read() as conn:
        return conn.execute(sql, params).fetchall()


def reading_count(db: Database) -> int:
    return int(rows(db, "SELECT count(*) FROM readings")[0][0])


def first_reading_id(db: Database) -> int:
    return int(rows(db, "SELECT min(id) FROM readings")[0][0])


# --- devices -------------------------------------------------------------------------------


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


def test_a_unit_other_than_the_devices_is_refused(db: Database, tmp_path: Path) -> None:
    create_device(db, DeviceFields("Logger 7 Temp", default_unit="°F"))
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 2)))
    assert report.accepted == 0 and report.rejected_count == 2
    assert "unit °C differs from °F" in report.rejected[0].reason


def test_a_rows_own_unit_is_checked_and_kept(db: Database, tmp_path: Path) -> None:
    create_device(db, DeviceFields("Pump", default_unit="bar"))
    pump = Channel("p", "Pump", "")
    records: Records = [
        Sample(2, 0, T0, 1.5, unit="bar", operator="Ann", note="=SUM(A1)"),
        Sample(3, 0, T0 + MINUTE, 20.0, unit="psi"),
    ]
    report = import_parsed(db, parsed_file(tmp_path, [pump], records))
    assert report.accepted == 1 and report.rejected[0].line == 3
    assert rows(db, "SELECT value, unit, operator, note, source FROM readings") == [
        (1.5, "bar", "Ann", "=SUM(A1)", 1)
    ]


@pytest.mark.parametrize("min_run", [1, 10**9], ids=["device-and-unit-as-literals", "all-bound"])
def test_every_column_is_stored_as_given_whichever_way_it_is_written(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, min_run: int
) -> None:
    """Long runs of one device and unit are written with those as SQL literals, short ones
    bound: quotes and all, the stored rows are the same."""
    from core.importing import service

    monkeypatch.setattr(service, "MIN_RUN", min_run)
    pump = create_device(db, DeviceFields("Pump"))
    tank = create_device(db, DeviceFields("Tank", default_unit="°C"))
    units = ["bar", "it's 'odd'", None, "", "bar", "'); DROP TABLE readings; --", "bar"]
    records: Records = [
        *(Sample(2 + n, 0, T0 + n * MINUTE, n / 4, unit=unit, operator=f"O'{n}", note=None)
          for n, unit in enumerate(units)),
        *(Sample(20 + n, 1, T0 + n * MINUTE, -n, note="x" * n) for n in range(3)),
    ]  # fmt: skip
    channels = [Channel("p", "Pump", ""), Channel("t", "Tank", "")]
    report = import_parsed(db, parsed_file(tmp_path, channels, records))
    assert report.accepted == len(records) and report.batch_id is not None
    expected: list[tuple[object, ...]] = [
        (pump.id, n / 4, unit or "", T0 + n * MINUTE, f"O'{n}", None)
        for n, unit in enumerate(units)
    ]
    expected += [(tank.id, -n, "°C", T0 + n * MINUTE, None, "x" * n) for n in range(3)]
    stored = rows(db, "SELECT device_id, value, unit, recorded_at, operator, note FROM readings "
                  "ORDER BY device_id, recorded_at")  # fmt: skip
    assert stored == expected
    assert rows(db, "SELECT DISTINCT source, batch_id FROM readings") == [(1, report.batch_id)]


def test_a_unit_with_a_nul_is_bound_not_written_as_a_literal(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.importing import service

    monkeypatch.setattr(service, "MIN_RUN", 1)
    create_device(db, DeviceFields("Pump"))
    records: Records = [Sample(2, 0, T0, 1.0, unit="a\0b"), Sample(3, 0, T0 + MINUTE, 2.0)]
    report = import_parsed(db, parsed_file(tmp_path, [Channel("p", "Pump", "")], records))
    assert report.accepted == 2
    assert rows(db, "SELECT unit FROM readings ORDER BY recorded_at") == [("a\0b",), ("",)]


# --- duplicates, conflicts, bad rows --------------------------------------------------------


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
    correct_reading(db, first, value=19.5, note="sensor offset")
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
    report = import_parsed(db, parsed, create_devices=True, batches=batches_of(parsed.records, 7))
    assert (report.accepted, report.duplicates) == (10, 10) and reading_count(db) == 10


def test_parser_rejections_and_bad_values_are_reported_by_line(
    db: Database, tmp_path: Path
) -> None:
    future = to_epoch_ms(datetime(2999, 1, 1, tzinfo=UTC))
    records: Records = [
        Rejected(2, "not a number: 'abc'"),
        Sample(3, 0, T0, float("nan")),
        Sample(4, 0, future, 1.0),
        Sample(5, 0, -5, 1.0),
        Sample(6, 0, T0, 2.0),
    ]
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], records), create_devices=True)
    assert report.accepted == 1
    assert [(bad.line, bad.reason) for bad in report.rejected] == [
        (2, "not a number: 'abc'"),
        (3, "the value is not a finite number"),
        (4, "the time is more than a day in the future; check the date and the clock"),
        (5, "the time is before 1970; check the date"),
    ]


def test_the_report_keeps_a_bounded_list_but_counts_every_row(db: Database, tmp_path: Path) -> None:
    many = KEPT_REJECTIONS + 50
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, many)))
    assert report.rejected_count == many and len(report.rejected) == KEPT_REJECTIONS
    assert "and 50 more rejected rows" in report.text()


def test_out_of_limit_values_are_imported_and_counted(db: Database, tmp_path: Path) -> None:
    create_device(db, DeviceFields("Logger 7 Temp", default_unit="°C", low_limit=20.05,
                                   high_limit=20.25))  # fmt: skip
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 4)))  # 20.0 .. 20.3
    assert (report.accepted, report.flagged) == (4, 2)


# --- all or nothing, dry run, cancel ---------------------------------------------------------


def test_a_dry_run_reports_exactly_and_writes_nothing(db: Database, tmp_path: Path) -> None:
    records: Records = [*samples(0, 5), Rejected(9, "bad")]
    dry = import_parsed(db, parsed_file(tmp_path, [TEMP], records), dry_run=True,
                        create_devices=True)  # fmt: skip
    assert (dry.accepted, dry.rejected_count, dry.devices_created) == (5, 1, ["Logger 7 Temp"])
    assert "would be imported" in dry.text() and "would be created" in dry.text()
    assert reading_count(db) == 0 and rows(db, "SELECT count(*) FROM devices") == [(0,)]
    assert list_batches(db) == []
    real = import_parsed(db, parsed_file(tmp_path, [TEMP], records), create_devices=True)
    assert (real.accepted, real.rejected_count) == (dry.accepted, dry.rejected_count)


def test_cancel_leaves_nothing_behind(db: Database, tmp_path: Path) -> None:
    parsed = parsed_file(tmp_path, [TEMP], samples(0, 30))
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 2  # after two chunks are written

    with pytest.raises(ImportCancelled, match="nothing was imported"):
        import_parsed(db, parsed, create_devices=True, batches=batches_of(parsed.records, 10),
                      cancelled=cancelled)  # fmt: skip
    assert reading_count(db) == 0 and list_batches(db) == []
    assert rows(db, "SELECT count(*) FROM devices") == [(0,)]


def test_an_error_half_way_rolls_everything_back(db: Database, tmp_path: Path) -> None:
    def records():  # a parser failing after its first rows
        yield from samples(0, 5)
        raise OSError("the USB stick was pulled out")

    parsed = ParsedFile(tmp_path / "x.csv", "test", "t", [TEMP], records())
    parsed.path.write_text("x", encoding="utf-8")
    with pytest.raises(OSError, match="USB"):
        import_parsed(db, parsed, create_devices=True, batches=batches_of(parsed.records, 2))
    assert reading_count(db) == 0 and list_batches(db) == []


def test_progress_is_reported_per_chunk(db: Database, tmp_path: Path) -> None:
    parsed = parsed_file(tmp_path, [TEMP], samples(0, 25))
    parsed.total_bytes = 100
    seen: list[tuple[int, int]] = []
    import_parsed(db, parsed, create_devices=True, batches=batches_of(parsed.records, 10),
                  progress=lambda done, total: seen.append((done, total)))  # fmt: skip
    assert len(seen) == 3 and all(total == 100 for _, total in seen)


# --- batches and undo ------------------------------------------------------------------------


def test_a_batch_records_the_file_and_its_counts(db: Database, tmp_path: Path) -> None:
    records: Records = [*samples(0, 4), Rejected(20, "bad")]
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], records, name="march.dat"),
                           create_devices=True)  # fmt: skip
    (batch,) = list_batches(db)
    assert batch.id == report.batch_id and batch.file_name == "march.dat"
    assert (batch.readings_added, batch.rejected, batch.devices_created) == (4, 1, 1)
    assert len(batch.file_hash) == 64 and batch.readings_now == 4 and batch.undone_at is None
    assert rows(db, "SELECT DISTINCT batch_id, source FROM readings") == [(batch.id, 1)]


def test_undo_removes_the_readings_and_the_devices_it_made(db: Database, tmp_path: Path) -> None:
    keep = create_device(db, DeviceFields("Logger 7 RH", default_unit="%"))
    report = import_parsed(db, parsed_file(tmp_path, [TEMP, RH], samples(0, 3) + samples(1, 3)),
                           create_devices=True)  # fmt: skip
    assert report.batch_id is not None
    undone = undo_batch(db, report.batch_id)
    assert (undone.readings_removed, undone.devices_removed) == (6, ["Logger 7 Temp"])
    assert reading_count(db) == 0 and get_device(db, keep.id).name == "Logger 7 RH"
    assert get_batch(db, report.batch_id).undone_at is not None
    with pytest.raises(BatchUndoError, match="already undone"):
        undo_batch(db, report.batch_id)
    again = import_parsed(db, parsed_file(tmp_path, [TEMP, RH], samples(0, 3) + samples(1, 3)),
                          create_devices=True)  # fmt: skip
    assert again.accepted == 6 and again.earlier_batches == []


def test_undo_keeps_a_made_device_that_got_other_readings(db: Database, tmp_path: Path) -> None:
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 2)), create_devices=True)
    device_id = report.matches[0].device_id
    assert device_id is not None and report.batch_id is not None
    add_reading(db, NewReading(device_id, 5.0, datetime(2026, 1, 1, tzinfo=UTC)))
    undone = undo_batch(db, report.batch_id)
    assert undone.devices_kept == ["Logger 7 Temp"] and reading_count(db) == 1


def test_undo_is_refused_when_a_correction_refers_to_the_batch(
    db: Database, tmp_path: Path
) -> None:
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 2)), create_devices=True)
    assert report.batch_id is not None
    first = first_reading_id(db)
    correct_reading(db, first, value=1.0)
    with pytest.raises(BatchUndoError, match="1 of its readings have been corrected"):
        undo_batch(db, report.batch_id)
    assert reading_count(db) == 3


def test_a_batch_records_the_id_range_of_its_readings(db: Database, tmp_path: Path) -> None:
    device = create_device(db, DeviceFields("Logger 7 Temp", default_unit="°C"))
    add_reading(db, NewReading(device.id, 5.0, datetime(2024, 1, 1, tzinfo=UTC)))
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 5)))
    again = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 5)))
    assert again.accepted == 0 and again.batch_id is None  # nothing new: no batch at all
    assert rows(db, "SELECT id, first_reading_id, last_reading_id FROM import_batches") == [
        (report.batch_id, *rows(db, "SELECT min(id), max(id) FROM readings WHERE batch_id = ?",
                                report.batch_id)[0]),
    ]  # fmt: skip
    assert rows(db, "SELECT last_reading_id - first_reading_id FROM import_batches") == [(4,)]


def test_a_batch_an_older_build_imported_is_found_without_a_range(
    db: Database, tmp_path: Path
) -> None:
    """A 0005 build records no range: counting and undo look at every reading instead."""
    older = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 3)), create_devices=True)
    newer = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 4, value=30.0)[3:],
                                          content="another file"))  # fmt: skip
    assert older.batch_id is not None and newer.batch_id is not None
    with db.driver_read() as conn:
        conn.execute("UPDATE import_batches SET first_reading_id = NULL, last_reading_id = NULL "
                     "WHERE id = ?", (older.batch_id,))  # fmt: skip
    assert [get_batch(db, b).readings_now for b in (older.batch_id, newer.batch_id)] == [3, 1]
    assert undo_batch(db, older.batch_id).readings_removed == 3
    assert rows(db, "SELECT batch_id FROM readings") == [(newer.batch_id,)]


def test_an_undone_batchs_ids_taken_again_are_not_its_own(db: Database, tmp_path: Path) -> None:
    create_device(db, DeviceFields("Logger 7 Temp", default_unit="°C"))
    first = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 3)))
    assert first.batch_id is not None
    undo_batch(db, first.batch_id)
    second = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 3)))
    assert second.batch_id is not None and second.accepted == 3
    assert rows(db, "SELECT first_reading_id FROM import_batches") == [
        (first_reading_id(db),),
        (first_reading_id(db),),
    ]  # the same ids: SQLite gives the freed ones out again
    assert (get_batch(db, first.batch_id).readings_now,
            get_batch(db, second.batch_id).readings_now) == (0, 3)  # fmt: skip
    assert undo_batch(db, second.batch_id).readings_removed == 3


def test_undo_of_an_unknown_batch_is_a_clear_error(db: Database) -> None:
    with pytest.raises(NotFoundError, match="no import batch 42"):
        undo_batch(db, 42)


def test_the_foreign_keys_hold_after_an_import_and_an_undo(db: Database, tmp_path: Path) -> None:
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 2)), create_devices=True)
    assert report.batch_id is not None
    undo_batch(db, report.batch_id)
    with sqlite3.connect(db.path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_duplicates_are_still_found_once_memory_is_full(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past KNOWN_IN_MEMORY keys the service asks SQLite instead: same answers."""
    from core.importing import service

    monkeypatch.setattr(service, "KNOWN_IN_MEMORY", 8)
    shuffled = (
        samples(0, 20)[::-1]
        + samples(0, 20, start_line=100)
        + [
            Sample(200, 0, T0 + 3 * MINUTE, 99.0)  # a conflict with line 5
        ]
    )
    parsed = parsed_file(tmp_path, [TEMP], shuffled)
    report = import_parsed(db, parsed, create_devices=True, batches=batches_of(parsed.records, 6))
    assert (report.accepted, report.duplicates, report.rejected_count) == (20, 20, 1)
    assert reading_count(db) == 20 and "20.3 is already stored" in report.rejected[0].reason


def test_a_file_out_of_time_order_checks_against_its_own_earlier_rows(
    db: Database, tmp_path: Path
) -> None:
    forward = samples(0, 30)
    mixed = forward[::2] + forward[1::2] + forward[::3]  # every third row twice
    parsed = parsed_file(tmp_path, [TEMP], mixed)
    report = import_parsed(db, parsed, create_devices=True, batches=batches_of(parsed.records, 7))
    assert (report.accepted, report.duplicates) == (30, 10) and reading_count(db) == 30


def test_the_connection_is_itself_again_after_an_import(db: Database, tmp_path: Path) -> None:
    """The import checks its own keys and widens the page cache; the pooled connection must get
    SQLite's checks and its own cache size back, after a success and after a failure."""

    def records() -> Iterator[Sample | Rejected]:
        yield from samples(0, 3)
        raise OSError("the file went away")

    with db.driver_read() as conn:
        cache_before = conn.execute("PRAGMA cache_size").fetchone()
    import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 2)), create_devices=True)
    failing = ParsedFile(tmp_path / "x.csv", "test", "t", [TEMP], records())
    failing.path.write_text("x", encoding="utf-8")
    with pytest.raises(OSError):
        import_parsed(db, failing, create_devices=True)
    with db.driver_read() as conn:
        assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert conn.execute("PRAGMA cache_size").fetchone() == cache_before
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            conn.execute("UPDATE readings SET device_id = 999")
    with sqlite3.connect(db.path) as check:
        assert check.execute("PRAGMA foreign_key_check").fetchall() == []


def test_an_import_with_nothing_new_writes_no_batch_and_no_device(
    db: Database, tmp_path: Path
) -> None:
    # Every row was refused by the parser, so the devices it would make would hold nothing.
    refused = parsed_file(tmp_path, [TEMP, RH], [Rejected(2, "'x' is not a number")])
    report = import_parsed(db, refused, create_devices=True)
    assert report.nothing_importable and not report.written and report.batch_id is None
    assert list_batches(db) == [] and count_devices(db, include_archived=True) == 0
    assert "not kept" in report.text() and "nothing was written" in report.text()
