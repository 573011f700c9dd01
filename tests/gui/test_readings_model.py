"""The readings table model on its own: what an older load brings back is dropped."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QObject
from pytestqt.qtbot import QtBot

import gui.operations.readings as reading_operations
from core.db import Database
from core.devices import DeviceFields, create_device
from core.reading_pages import readings_page
from core.readings import NewReading, add_reading
from gui.ops import Ops
from gui.readings_model import PAGE, ReadingsTableModel
from tests.core.readings_support import add_minutely

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def model(qtbot: QtBot, ops: Ops, model_owner: QObject) -> ReadingsTableModel:
    return ReadingsTableModel(ops, model_owner)


@pytest.fixture
def logger_and_gauge(db: Database) -> tuple[int, int]:
    """A logger with more than two pages of readings, a gauge with three."""
    logger = create_device(db, DeviceFields(name="Logger", default_unit="V"))
    add_minutely(db, logger.id, 1200, NOW)
    gauge = create_device(db, DeviceFields(name="Gauge", default_unit="bar"))
    for hours in (3, 2, 1):
        add_reading(db, NewReading(gauge.id, float(hours), NOW - timedelta(hours=hours)))
    return logger.id, gauge.id


def first_page_of(qtbot: QtBot, model: ReadingsTableModel, db: Database, device: int) -> None:
    model.load(db, [device], None, None)
    qtbot.waitUntil(lambda: model.rowCount() == PAGE and not model.loading)


def test_a_page_asked_for_before_a_new_load_is_dropped(
    qtbot: QtBot, ops: Ops, model: ReadingsTableModel, db: Database, logger_and_gauge: Any
) -> None:
    logger, gauge = logger_and_gauge
    first_page_of(qtbot, model, db, logger)
    pages: list[int] = []
    model.page_loaded.connect(pages.append)
    model.fetchMore(QModelIndex())  # the logger's second page
    model.load(db, [gauge], None, None)  # before it is back
    qtbot.waitUntil(lambda: not ops.busy and not model.loading)
    assert pages == [3]
    assert [model.reading(r).device_id for r in range(model.rowCount())] == [gauge] * 3


def test_a_failure_of_a_page_asked_for_before_a_new_load_is_dropped(
    qtbot: QtBot,
    ops: Ops,
    model: ReadingsTableModel,
    db: Database,
    logger_and_gauge: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    logger, gauge = logger_and_gauge
    first_page_of(qtbot, model, db, logger)

    def failing_for_the_logger(db: Database, ids: list[int], *args: Any, **kwargs: Any) -> Any:
        if ids == [logger]:
            raise OSError("disk gone")
        return readings_page(db, ids, *args, **kwargs)

    monkeypatch.setattr(reading_operations, "readings_page", failing_for_the_logger)
    failures: list[BaseException] = []
    model.load_failed.connect(failures.append)
    model.fetchMore(QModelIndex())  # the logger's second page, which fails
    model.load(db, [gauge], None, None)  # before its failure is back
    qtbot.waitUntil(lambda: not ops.busy and not model.loading)
    assert failures == [] and model.rowCount() == 3
    model.load(db, [logger], None, None)  # the newest load's failure is told
    qtbot.waitUntil(lambda: not ops.busy)
    assert [str(f) for f in failures] == ["disk gone"]


def test_a_reading_taken_while_its_device_was_overdue_says_so(
    qtbot: QtBot, ops: Ops, model: ReadingsTableModel, db: Database
) -> None:
    from datetime import date

    from PySide6.QtCore import Qt

    from gui.readings_model import Columns

    due = (NOW - timedelta(days=2)).astimezone().date()
    gauge = create_device(db, DeviceFields(name="Gauge", high_limit=5.0, calibration_due=due))
    add_reading(db, NewReading(gauge.id, 9.0, NOW - timedelta(hours=1)))  # overdue, and high
    add_reading(db, NewReading(gauge.id, 1.0, NOW - timedelta(days=4)))  # before it was due
    model.load(db, [gauge.id], None, None)
    qtbot.waitUntil(lambda: model.rowCount() == 2 and not model.loading)
    flags = [model.data(model.index(r, Columns.FLAG)) for r in range(2)]
    assert flags == ["▲ high · calibration overdue", ""]
    tip = model.data(model.index(0, Columns.FLAG), Qt.ItemDataRole.ToolTipRole)
    assert "overdue for calibration" in tip and date.today() > due
