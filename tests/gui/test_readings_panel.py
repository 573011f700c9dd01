"""The readings table shows the database's rows for the chart's range, styled, in pages."""

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QFont
from pytestqt.qtbot import QtBot

from core.db import Database
from core.devices import DeviceFields, create_device
from core.models import ReadingSource
from core.readings import NewReading, add_reading, correct_reading, list_readings
from gui.chart import ChartPanel
from gui.colors import LIGHT_ALARM
from gui.ops import Ops
from gui.readings_model import PAGE, Columns
from gui.readings_panel import NO_DEVICE, NONE_IN_RANGE, ReadingsPanel
from tests.core.readings_support import add_minutely

NOW = datetime.now(UTC).replace(microsecond=0)
VALUES = [3.0, 5.2, 2.8, 1.1, 3.3]  # one a day, the last one a day ago
Role = Qt.ItemDataRole


@pytest.fixture
def gauge(db: Database) -> int:
    device = create_device(
        db, DeviceFields(name="Gauge", default_unit="bar", low_limit=2.0, high_limit=4.0)
    )
    for days, value in enumerate(VALUES):
        moment = NOW - timedelta(days=len(VALUES) - days)
        add_reading(
            db,
            NewReading(
                device.id,
                value,
                moment,
                operator="Ana",
                note=f"day {days}",
                source=ReadingSource.IMPORT if days == 0 else ReadingSource.MANUAL,
            ),
        )
    return device.id


@pytest.fixture
def panel(qtbot: QtBot, ops: Ops, db: Database) -> ReadingsPanel:
    made = ReadingsPanel(ops)
    qtbot.addWidget(made)
    made.resize(1000, 300)
    made.show()
    made.set_database(db)
    return made


def shown(qtbot: QtBot, panel: ReadingsPanel, count: int) -> None:
    qtbot.waitUntil(lambda: panel.model.rowCount() == count and not panel.model.loading)


def text(panel: ReadingsPanel, row: int, column: Columns) -> str:
    return str(panel.model.data(panel.model.index(row, column)))


def test_rows_match_the_database_newest_first(
    qtbot: QtBot, panel: ReadingsPanel, gauge: int, db: Database
) -> None:
    panel.show_devices([gauge])
    shown(qtbot, panel, len(VALUES))
    stored = list_readings(db, gauge, include_superseded=True)
    assert [panel.model.reading(r).id for r in range(len(VALUES))] == [r.id for r in stored]
    newest = stored[0]
    assert text(panel, 0, Columns.TIME) == newest.recorded_at.astimezone().strftime(
        "%Y-%m-%d %H:%M:%S"
    )
    assert [
        text(panel, 0, c)
        for c in (Columns.VALUE, Columns.UNIT, Columns.OPERATOR, Columns.NOTE, Columns.SOURCE)
    ] == ["3.3", "bar", "Ana", "day 4", "manual"]
    assert text(panel, len(VALUES) - 1, Columns.SOURCE) == "import"
    assert panel.table.isColumnHidden(Columns.DEVICE)  # one device: its name says nothing
    assert not panel.message.isVisible()


def test_out_of_limit_rows_stand_out(qtbot: QtBot, panel: ReadingsPanel, gauge: int) -> None:
    panel.show_devices([gauge])
    shown(qtbot, panel, len(VALUES))
    flags = [text(panel, r, Columns.FLAG) for r in range(len(VALUES))]
    assert flags == ["", "▼ low", "", "▲ high", ""]
    model = panel.model
    high = model.index(3, Columns.VALUE)
    assert model.data(high, Role.ForegroundRole) == QBrush(LIGHT_ALARM.text)
    assert model.data(high, Role.BackgroundRole) == QBrush(LIGHT_ALARM.background)
    assert model.data(model.index(0, Columns.VALUE), Role.BackgroundRole) is None
    assert model.data(model.index(0, Columns.VALUE), Role.ForegroundRole) is None


def test_corrections_show_both_ways_and_originals_are_struck_through(
    qtbot: QtBot, panel: ReadingsPanel, gauge: int, db: Database
) -> None:
    panel.show_devices([gauge])
    shown(qtbot, panel, len(VALUES))
    original = panel.model.reading(3)  # the 5.2 above the limit
    fixed = correct_reading(db, original.id, value=3.9, reason="typed wrong")
    panel.refresh()
    shown(qtbot, panel, len(VALUES) + 1)
    model = panel.model
    row_of = {model.reading(r).id: r for r in range(model.rowCount())}
    old, new = row_of[original.id], row_of[fixed.id]
    assert text(panel, old, Columns.CORRECTION) == f"corrected by #{fixed.id}"
    assert text(panel, new, Columns.CORRECTION) == f"corrects #{original.id}"
    font = model.data(model.index(old, Columns.VALUE), Role.FontRole)
    assert isinstance(font, QFont) and font.strikeOut()
    assert model.data(model.index(old, Columns.VALUE), Role.BackgroundRole) is None
    assert "Replaced by the correction" in str(
        model.data(model.index(old, Columns.VALUE), Role.ToolTipRole)
    )
    assert model.data(model.index(new, Columns.VALUE), Role.FontRole) is None


def test_the_table_follows_the_range(qtbot: QtBot, panel: ReadingsPanel, gauge: int) -> None:
    panel.show_devices([gauge])
    shown(qtbot, panel, len(VALUES))
    start = NOW - timedelta(days=4, hours=1)
    end = NOW - timedelta(days=2)  # the reading at exactly `end` is left out: [start, end)
    panel.set_range(int(start.timestamp() * 1000), int(end.timestamp() * 1000))
    shown(qtbot, panel, 2)
    assert [text(panel, r, Columns.VALUE) for r in range(2)] == ["2.8", "5.2"]
    assert panel.title.text().startswith("Readings from ")
    panel.set_range(0, 1000)
    shown(qtbot, panel, 0)
    assert panel.message.isVisible() and panel.message.text() == NONE_IN_RANGE


def test_the_table_follows_the_charts_visible_range(
    qtbot: QtBot, ops: Ops, panel: ReadingsPanel, gauge: int, db: Database
) -> None:
    chart = ChartPanel(ops)
    qtbot.addWidget(chart)
    chart.resize(800, 300)
    chart.show()
    chart.set_database(db)
    chart.range_changed.connect(lambda span: panel.set_range(*span))
    chart.show_devices([gauge])
    panel.show_devices([gauge])
    shown(qtbot, panel, len(VALUES))
    qtbot.waitUntil(lambda: bool(chart.series))
    start, end = (NOW - timedelta(days=d, hours=12) for d in (3, 1))
    chart.plot.setXRange(start.timestamp(), end.timestamp(), padding=0)
    shown(qtbot, panel, 2)
    assert [text(panel, r, Columns.VALUE) for r in range(2)] == ["1.1", "2.8"]
    chart.time_range.preset_buttons["24 h"].click()  # the newest reading is just over a day old
    shown(qtbot, panel, 0)
    chart.time_range.preset_buttons["All"].click()
    shown(qtbot, panel, len(VALUES))


def test_readings_come_in_pages(qtbot: QtBot, panel: ReadingsPanel, db: Database) -> None:
    logger = create_device(db, DeviceFields(name="Logger", default_unit="V"))
    add_minutely(db, logger.id, 1200, NOW)
    panel.show_devices([logger.id])
    shown(qtbot, panel, PAGE)
    assert panel.model.canFetchMore(QModelIndex())
    panel.table.scrollToBottom()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2 * PAGE)
    panel.table.scrollToBottom()
    shown(qtbot, panel, 1200)
    values = [float(text(panel, r, Columns.VALUE)) for r in range(1200)]
    assert values == [float(i) for i in range(1200)]  # newest first, none twice, none lost
    assert not panel.model.canFetchMore(QModelIndex())


def test_a_correction_is_requested_for_the_selected_reading(
    qtbot: QtBot, panel: ReadingsPanel, gauge: int, db: Database
) -> None:
    panel.show_devices([gauge])
    shown(qtbot, panel, len(VALUES))
    assert panel.selected_reading_id() is None and not panel.correct_button.isEnabled()
    panel.table.selectRow(1)
    wanted = panel.model.reading(1).id
    assert panel.selected_reading_id() == wanted and panel.correct_action.isEnabled()
    with qtbot.waitSignal(panel.correct_requested) as by_button:
        panel.correct_button.click()
    with qtbot.waitSignal(panel.correct_requested) as by_menu:
        panel.correct_action.trigger()
    with qtbot.waitSignal(panel.correct_requested) as by_double_click:
        panel.table.doubleClicked.emit(panel.model.index(1, Columns.VALUE))
    assert by_button.args == by_menu.args == by_double_click.args == [wanted]


def test_a_corrected_original_cannot_be_corrected_again(
    qtbot: QtBot, panel: ReadingsPanel, gauge: int, db: Database
) -> None:
    panel.show_devices([gauge])
    shown(qtbot, panel, len(VALUES))
    original = panel.model.reading(0).id
    correct_reading(db, original, value=3.4, reason="typed wrong")
    panel.table.selectRow(0)
    panel.refresh()
    shown(qtbot, panel, len(VALUES) + 1)
    assert panel.selected_reading_id() == original  # the selection survives the reload
    assert not panel.correct_action.isEnabled() and not panel.correct_button.isEnabled()
    with qtbot.assertNotEmitted(panel.correct_requested):
        panel.correct_action.trigger()


def test_several_devices_show_their_names_and_nothing_says_select(
    qtbot: QtBot, panel: ReadingsPanel, gauge: int, db: Database
) -> None:
    assert panel.message.isVisible() and panel.message.text() == NO_DEVICE
    probe = create_device(db, DeviceFields(name="Probe", default_unit="°C"))
    add_reading(db, NewReading(probe.id, 21.0, NOW - timedelta(hours=1)))
    panel.show_devices([gauge, probe.id])
    shown(qtbot, panel, len(VALUES) + 1)
    assert not panel.table.isColumnHidden(Columns.DEVICE)
    assert text(panel, 0, Columns.DEVICE) == "Probe" and text(panel, 1, Columns.DEVICE) == "Gauge"
    panel.show_devices([])
    assert panel.model.rowCount() == 0 and panel.message.text() == NO_DEVICE
