"""What the chart's tests share: the times they use and how they drive the chart."""

from datetime import UTC, datetime
from typing import Any

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.chart_data import ChartSeries
from gui.chart.items import LimitBands
from gui.chart.panel import ChartPanel

NOW = datetime.now(UTC).replace(microsecond=0)

GAUGE_VALUES = [3.0, 3.5, 5.2, 2.8, 1.1, 3.3]  # hourly, the last one an hour ago


def loaded(qtbot: QtBot, chart: ChartPanel, ids: list[int]) -> None:
    chart.show_devices(ids)
    qtbot.waitUntil(lambda: [s.device_id for s in chart.series] == ids)


def y_range(chart: ChartPanel, trace: int = 0) -> tuple[float, float]:
    _, (low, high) = chart.traces[trace].view.viewRange()
    return low, high


def bands(chart: ChartPanel, view: Any) -> Any:
    (found,) = [item for item in view.addedItems if isinstance(item, LimitBands)]
    return found


def wheel(chart: ChartPanel, *, out: bool = False) -> None:
    """Turn the mouse wheel over the middle of the plot, as a user zooming in (or out)."""
    viewport = chart.plot_widget.viewport()
    middle = QPointF(viewport.width() / 2, viewport.height() / 2)
    event = QWheelEvent(
        middle,
        viewport.mapToGlobal(middle),
        QPoint(),
        QPoint(0, -120 if out else 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)


def long_series(number: int) -> ChartSeries:
    times = 1.7e9 + np.arange(50_000, dtype=np.float64) * 60
    values = np.sin(np.arange(50_000) / (50.0 + number))
    unit = ("V", "A", "bar", "°C")[number % 4]
    return ChartSeries(number, f"D{number}", None, unit, -0.5, 0.5, times, values,
                       np.arange(50_000))  # fmt: skip
