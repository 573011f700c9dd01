"""The label of the point under the mouse, with its details once fetched."""

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QPointF
from pytestqt.qtbot import QtBot

from core.devices import DeviceFields, create_device
from core.readings import NewReading, add_reading
from gui.chart.panel import ChartPanel
from tests.gui.chart.chart_support import NOW, loaded


def test_hovering_shows_the_point_then_its_operator_and_note(
    qtbot: QtBot, chart: ChartPanel, devices: list[int]
) -> None:
    loaded(qtbot, chart, devices[:1])
    qtbot.waitUntil(lambda: chart.traces[0].view.width() > 100)
    one = chart.series[0]
    view = chart.traces[0].view
    at = view.mapViewToScene(QPointF(one.times_s[2], one.values[2]))
    chart.plot.scene().sigMouseMoved.emit(at)
    shown = chart.hover.text()
    local = datetime.fromtimestamp(one.times_s[2], UTC).astimezone()
    assert "Gauge" in shown and "5.2 bar" in shown and "▲ above 4" in shown
    assert local.isoformat(sep=" ", timespec="seconds") in shown
    qtbot.waitUntil(lambda: "by Ana" in chart.hover.text() and "round 2" in chart.hover.text())
    chart.plot.scene().sigMouseMoved.emit(QPointF(at.x(), at.y() + 200))
    assert chart.hover.text() == ""


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (None, None, ["9 bar", "-9 bar"]),
        (0.0, None, ["9 bar", "-9 bar  ▼ below 0"]),
        (None, 5.0, ["9 bar  ▲ above 5", "-9 bar"]),
        (0.0, 5.0, ["9 bar  ▲ above 5", "-9 bar  ▼ below 0"]),
    ],
)
def test_hovering_works_with_any_limits_a_device_has(qtbot, chart, db, low, high,
                                                     expected) -> None:  # fmt: skip
    """Devices made by an import have no limits; some have only one."""
    gauge = create_device(db, DeviceFields(name="G", default_unit="bar", low_limit=low,
                                           high_limit=high))  # fmt: skip
    for hours, value in ((3, 9.0), (2, 1.0), (1, -9.0)):
        add_reading(db, NewReading(gauge.id, value, NOW - timedelta(hours=hours)))
    loaded(qtbot, chart, [gauge.id])
    qtbot.waitUntil(lambda: chart.traces[0].view.width() > 100)
    one, view = chart.series[0], chart.traces[0].view
    shown = []
    for index in (0, 2):
        at = view.mapViewToScene(QPointF(one.times_s[index], one.values[index]))
        chart.plot.scene().sigMouseMoved.emit(at)
        shown.append(chart.hover.text().splitlines()[2])
    assert shown == expected
