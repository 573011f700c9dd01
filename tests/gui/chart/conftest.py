"""The chart's tests get three devices with readings and a chart panel on the test database."""

from datetime import timedelta

import pytest
from pytestqt.qtbot import QtBot

from core.db import Database
from core.devices import DeviceFields, create_device
from core.readings import NewReading, add_reading
from gui.chart.panel import ChartPanel
from gui.ops import Ops
from tests.gui.chart.chart_support import GAUGE_VALUES, NOW


@pytest.fixture
def devices(db: Database) -> list[int]:
    """A gauge in bar with limits (two readings outside), a probe in °C, a second bar gauge."""
    gauge = create_device(
        db, DeviceFields(name="Gauge", default_unit="bar", low_limit=2.0, high_limit=4.0)
    )
    probe = create_device(db, DeviceFields(name="Probe", default_unit="°C"))
    spare = create_device(db, DeviceFields(name="Spare", default_unit="bar"))
    for hours, value in enumerate(GAUGE_VALUES):
        moment = NOW - timedelta(hours=len(GAUGE_VALUES) - hours)
        add_reading(db, NewReading(gauge.id, value, moment, operator="Ana", note=f"round {hours}"))
    for hours in range(4):
        add_reading(db, NewReading(probe.id, 20.0 + hours, NOW - timedelta(hours=hours + 1)))
    add_reading(db, NewReading(spare.id, 3.2, NOW - timedelta(hours=2)))
    return [gauge.id, probe.id, spare.id]


@pytest.fixture
def chart(qtbot: QtBot, ops: Ops, db: Database) -> ChartPanel:
    panel = ChartPanel(ops)
    qtbot.addWidget(panel)
    panel.resize(900, 450)
    panel.show()
    panel.set_database(db)
    return panel
