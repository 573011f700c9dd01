"""The import writer: which rows are kept, and how they are stored."""

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.db import Database, SqliteDatabase
from core.devices import DeviceFields, create_device
from core.importing.parsed import Channel, Rejected
from core.importing.report import KEPT_REJECTIONS
from core.importing.service import import_parsed
from core.timeutil import to_epoch_ms
from tests.core.importing.rows import Sample, parsed_from_rows
from tests.core.importing.support import (
    MINUTE,
    T0,
    TEMP,
    Records,
    parsed_file,
    rows,
    samples,
)
from tests.databases import both_databases  # noqa: F401  (db: SQLite, then PostgreSQL)


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
    from core.importing import writer

    monkeypatch.setattr(writer, "MIN_RUN", min_run)
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
    sqlite_db: SqliteDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's literals (the import's fast path) cannot hold a NUL; PostgreSQL's text none."""
    from core.importing import writer

    db = sqlite_db

    monkeypatch.setattr(writer, "MIN_RUN", 1)
    create_device(db, DeviceFields("Pump"))
    records: Records = [Sample(2, 0, T0, 1.0, unit="a\0b"), Sample(3, 0, T0 + MINUTE, 2.0)]
    report = import_parsed(db, parsed_file(tmp_path, [Channel("p", "Pump", "")], records))
    assert report.accepted == 2
    assert rows(db, "SELECT unit FROM readings ORDER BY recorded_at") == [("a\0b",), ("",)]


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


def test_the_connection_is_itself_again_after_an_import(
    sqlite_db: SqliteDatabase, tmp_path: Path
) -> None:
    """The import checks its own keys and widens the page cache; the pooled connection must get
    SQLite's checks and its own cache size back, after a success and after a failure."""
    db = sqlite_db

    def records() -> Iterator[Sample | Rejected]:
        yield from samples(0, 3)
        raise OSError("the file went away")

    with db.driver_read() as conn:
        cache_before = conn.execute("PRAGMA cache_size").fetchone()
    import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 2)), create_devices=True)
    failing = parsed_from_rows(tmp_path / "x.csv", "test", "t", [TEMP], records())
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
