"""The device table model on its own: ids in SQL order, rows in blocks, stale answers dropped."""

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QFont
from pytestqt.qtbot import QtBot

import gui.device_model as device_model
from core.db import Database, SqliteDatabase, create_sqlite_engine
from core.devices import (
    DeviceFields,
    DeviceRecord,
    DeviceSort,
    archive_device,
    create_device,
    device_ids,
    devices_by_ids,
)
from core.ids import uuid7
from core.launch import open_database
from core.models import DeviceStatus
from gui.colors import LIGHT_ALARM
from gui.device_model import (
    BLOCK,
    Columns,
    DeviceTableModel,
    cell_text,
    number_text,
)
from gui.ops import Ops

Role = Qt.ItemDataRole


@pytest.fixture
def model(qtbot: QtBot, ops: Ops, model_owner: QObject) -> DeviceTableModel:
    return DeviceTableModel(ops, model_owner)


def insert_many(db: Database, count: int) -> None:
    rows = [(uuid7().bytes, f"Device {n:05d}", f"SN{n:05d}", 0, 0) for n in range(count)]
    with db.driver_write() as conn:
        conn.executemany(
            "INSERT INTO devices (uid, name, serial_number, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            rows,
        )


def load(qtbot: QtBot, model: DeviceTableModel, db: Database | None = None) -> None:
    with qtbot.waitSignal(model.loaded):
        if db is not None:
            model.set_database(db)
        else:
            model.reload()


def names(qtbot: QtBot, model: DeviceTableModel) -> list[str]:
    for row in range(model.rowCount()):
        model.device_at(row)
    qtbot.waitUntil(lambda: all(model.is_loaded(r) for r in range(model.rowCount())))
    return [model.data(model.index(r, Columns.NAME)) for r in range(model.rowCount())]


def record(**changes: object) -> DeviceRecord:
    return replace(DeviceRecord(name="Gauge", id=1), **changes)  # type: ignore[arg-type]


# --- formatting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "point", "text"),
    [
        (1.5, ".", "1.5"),
        (20.0, ".", "20"),
        (0.1234567891, ",", "0,1234567891"),
        (1e-7, ".", "1e-07"),
    ],
)
def test_numbers_are_written_so_that_they_read_back_exactly(value, point, text) -> None:
    assert number_text(value, point) == text


def test_cells_say_what_a_technician_needs() -> None:
    device = record(
        status=DeviceStatus.OUT_OF_SERVICE, archived=True, low_limit=0.5, high_limit=None,
        calibration_due=date(2026, 5, 1), serial_number=None,
    )  # fmt: skip
    assert cell_text(device, Columns.STATUS) == "Out of service (archived)"
    assert cell_text(device, Columns.LIMITS) == "0.5 … "
    assert cell_text(device, Columns.CALIBRATION_DUE) == "2026-05-01"
    assert cell_text(device, Columns.SERIAL) == ""


# --- loading ------------------------------------------------------------------------------


def test_row_count_is_exact_at_once_and_rows_come_in_blocks(qtbot, model, db) -> None:
    insert_many(db, 3000)
    load(qtbot, model, db)
    assert model.rowCount() == 3000
    assert model.is_loaded(0) and model.is_loaded(BLOCK - 1)  # the first block came along
    assert not model.is_loaded(2500)
    far = model.index(2500, Columns.NAME)
    assert model.data(far) is None  # a blank placeholder until its block arrives
    with qtbot.waitSignal(model.dataChanged) as changed:
        pass
    first, last = changed.args[0], changed.args[1]
    assert (first.row(), last.row()) == (2400, 2599)
    assert model.data(far) == "Device 02500"
    assert model.data(model.index(2500, Columns.SERIAL)) == "SN02500"


def test_a_block_is_asked_for_once(qtbot, model, db, monkeypatch) -> None:
    insert_many(db, 1000)
    load(qtbot, model, db)
    asked: list[int] = []
    real = devices_by_ids

    def counting(database: Database, ids: list[int]) -> list[DeviceRecord]:
        asked.append(len(ids))
        return real(database, ids)

    monkeypatch.setattr("gui.operations.devices.devices.devices_by_ids", counting)
    for column in Columns:
        model.data(model.index(700, column))
        model.data(model.index(650, column), Role.ToolTipRole)
    qtbot.waitUntil(lambda: model.is_loaded(700))
    assert asked == [BLOCK]


def test_answers_to_an_older_load_are_dropped(qtbot, ops, model, db) -> None:
    for name in ("Boiler gauge", "Pump meter", "Boiler probe"):
        create_device(db, DeviceFields(name=name))
    load(qtbot, model, db)
    loads: list[int] = []
    model.loaded.connect(lambda: loads.append(model.rowCount()))
    model.set_filter("pump")
    model.set_filter("boiler")  # before the first answer is back
    qtbot.waitUntil(lambda: not model.loading and not ops.busy)
    assert loads == [2]
    assert names(qtbot, model) == ["Boiler gauge", "Boiler probe"]


def test_a_block_asked_before_a_reload_is_dropped(qtbot, ops, model, db) -> None:
    insert_many(db, 1000)
    load(qtbot, model, db)
    model.data(model.index(900, Columns.NAME))  # asks for block 4
    model.sort(Columns.SERIAL, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: not ops.busy)
    assert not model.is_loaded(900)
    assert model.data(model.index(0, Columns.NAME)) == "Device 00999"


def test_reversing_the_order_queries_no_ids_and_matches_sql(qtbot, model, db, monkeypatch):
    for n, place in enumerate(["Roof", None, "attic", "Basement", None, "roof", "Cellar"]):
        create_device(db, DeviceFields(name=f"D{n}", location=place))
    with qtbot.waitSignal(model.loaded):
        model.set_database(db)
        model.sort(Columns.LOCATION, Qt.SortOrder.AscendingOrder)
    queried: list[DeviceSort] = []
    real = device_ids

    def counting(database: Database, **kwargs: Any) -> list[int]:
        queried.append(kwargs["sort"])
        return real(database, **kwargs)

    monkeypatch.setattr("gui.operations.devices.devices.device_ids", counting)
    with qtbot.waitSignal(model.loaded):
        model.sort(Columns.LOCATION, Qt.SortOrder.DescendingOrder)
    assert queried == []  # only the rows of the new first block were fetched
    shown = [model.device_id(r) for r in range(model.rowCount())]
    assert shown == real(db, sort=DeviceSort.LOCATION, descending=True)
    assert names(qtbot, model)[-2:] == ["D4", "D1"]  # no location: last either way


def test_asking_for_the_current_order_does_not_reload(qtbot, model, db) -> None:
    create_device(db, DeviceFields(name="Only"))
    load(qtbot, model, db)
    model.sort(Columns.NAME, Qt.SortOrder.AscendingOrder)
    assert not model.loading
    model.sort(Columns.LOCATION, Qt.SortOrder.AscendingOrder)
    assert model.loading
    qtbot.waitUntil(lambda: not model.loading)


def test_rows_scrolled_past_long_ago_are_forgotten(qtbot, model, db, monkeypatch) -> None:
    monkeypatch.setattr(device_model, "MAX_CACHED_BLOCKS", 2)
    insert_many(db, 5 * BLOCK)
    load(qtbot, model, db)
    for block in (1, 2):
        model.device_at(block * BLOCK)
        qtbot.waitUntil(lambda b=block: model.is_loaded(b * BLOCK))
    assert not model.is_loaded(0)
    assert model.device_at(0) is None  # asked again
    qtbot.waitUntil(lambda: model.is_loaded(0))


# --- sorting, in SQL ----------------------------------------------------------------------


def test_every_column_sorts_in_sql(qtbot, model, db) -> None:
    made = {
        "b": DeviceFields(name="b", location="Zeta", calibration_due=date(2027, 1, 1),
                          status=DeviceStatus.RETIRED, default_unit="bar", low_limit=5),
        "a": DeviceFields(name="a", location="alpha", status=DeviceStatus.OUT_OF_SERVICE,
                          default_unit="°C", low_limit=-1),
        "C": DeviceFields(name="C", location="Mid", calibration_due=date(2026, 1, 1),
                          default_unit="kPa"),
    }  # fmt: skip
    for fields in made.values():
        create_device(db, fields)
    load(qtbot, model, db)
    assert names(qtbot, model) == ["a", "b", "C"]  # by name at first; case does not matter
    expected = {
        Columns.LOCATION: ["a", "C", "b"],
        Columns.STATUS: ["C", "a", "b"],  # active, out of service, retired
        Columns.CALIBRATION_DUE: ["C", "b", "a"],  # no date last
        Columns.UNIT: ["b", "C", "a"],
        Columns.LIMITS: ["a", "b", "C"],
    }
    for column, order in expected.items():
        with qtbot.waitSignal(model.loaded):
            model.sort(column, Qt.SortOrder.AscendingOrder)
        assert names(qtbot, model) == order, column.name
    with qtbot.waitSignal(model.loaded):
        model.sort(Columns.NAME, Qt.SortOrder.DescendingOrder)
    assert names(qtbot, model) == ["C", "b", "a"]


def test_ids_and_rows_map_both_ways(qtbot, model, db) -> None:
    made = [create_device(db, DeviceFields(name=n)) for n in ("z", "y", "x")]
    load(qtbot, model, db)
    assert [model.device_id(r) for r in range(3)] == [d.id for d in reversed(made)]
    assert model.row_of(made[0].id) == 2
    assert model.row_of(12345) is None


# --- how rows look ------------------------------------------------------------------------


def test_overdue_calibration_is_highlighted_with_a_tooltip(qtbot, model, db) -> None:
    late = date.today() - timedelta(days=3)
    create_device(db, DeviceFields(name="Late", calibration_due=late))
    create_device(db, DeviceFields(name="Fine", calibration_due=date.today() + timedelta(30)))
    load(qtbot, model, db)
    fine, late_row = (
        model.index(0, Columns.CALIBRATION_DUE),
        model.index(1, Columns.CALIBRATION_DUE),
    )
    background = model.data(late_row, Role.BackgroundRole)
    assert isinstance(background, QBrush) and background.color() == LIGHT_ALARM.background
    tip = model.data(model.index(1, Columns.NAME), Role.ToolTipRole)
    assert tip == f"Calibration overdue since {late.isoformat()}"
    assert model.data(fine, Role.BackgroundRole) is None
    assert model.data(fine, Role.ToolTipRole) is None


def test_archived_rows_are_grey_and_italic_when_shown(qtbot, model, db) -> None:
    kept = create_device(db, DeviceFields(name="Kept"))
    gone = create_device(db, DeviceFields(name="Gone", calibration_due=date(2000, 1, 1)))
    archive_device(db, gone.id)
    load(qtbot, model, db)
    assert model.rowCount() == 1
    with qtbot.waitSignal(model.loaded):
        model.set_show_archived(True)
    row = model.row_of(gone.id)
    assert row is not None and model.row_of(kept.id) is not None
    font = model.data(model.index(row, Columns.NAME), Role.FontRole)
    assert isinstance(font, QFont) and font.italic()
    assert model.data(model.index(row, Columns.NAME), Role.ForegroundRole) is not None
    due = model.index(row, Columns.CALIBRATION_DUE)
    assert model.data(due, Role.BackgroundRole) is None  # archived: no longer nagged about
    assert model.data(model.index(row, Columns.STATUS)) == "Active (archived)"


# --- databases ----------------------------------------------------------------------------


def test_no_database_means_no_rows(qtbot, model, db) -> None:
    create_device(db, DeviceFields(name="One"))
    load(qtbot, model, db)
    model.set_database(None)
    assert model.rowCount() == 0 and not model.loading


def test_another_file_never_shows_the_first_ones_rows(qtbot, ops, model, db, tmp_path) -> None:
    create_device(db, DeviceFields(name="In A"))
    load(qtbot, model, db)
    other = open_database(tmp_path / "b.db").database
    try:
        create_device(other, DeviceFields(name="In B"))
        model.set_database(other)
        assert model.rowCount() == 0  # A's ids would name other devices in B
        qtbot.waitUntil(lambda: not model.loading)
        assert model.data(model.index(0, Columns.NAME)) == "In B"
    finally:
        ops.shutdown()
        other.close()


def test_a_failed_load_is_reported(qtbot, ops, model, tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    broken = SqliteDatabase(path, create_sqlite_engine(path))  # no schema at all
    try:
        with qtbot.waitSignal(model.load_failed) as failed:
            model.set_database(broken)
        assert "devices" in str(failed.args[0])
        assert not model.loading
    finally:
        ops.shutdown()
        broken.close()
