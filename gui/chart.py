"""The reading chart: pyqtgraph, one curve per device, one y-axis per unit, limit bands.

Long series stay smooth with peak downsampling, clip-to-view and float64 x values in seconds
(PERFORMANCE.md, T4). Only this module imports pyqtgraph; the window imports it after its first
paint.
"""

import csv
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from core.chart_data import ChartSeries, chart_series
from core.db import Database
from core.readings import ReadingRecord, get_reading
from gui.ops import Ops

PRESETS = (("24 h", 86_400), ("7 d", 7 * 86_400), ("30 d", 30 * 86_400),
           ("1 y", 365 * 86_400), ("All", None))  # fmt: skip
COLORS = ("#1e88e5", "#43a047", "#8e24aa", "#fb8c00", "#00897b", "#6d4c41", "#3949ab")
FLAG_COLOR = "#e53935"
RANGE_SIGNAL_DELAY_MS = 150


@dataclass
class _UnitAxis:
    unit: str
    view: pg.ViewBox
    axis: pg.AxisItem | None  # None for the plot's own left axis
    limits: list[Any] = field(default_factory=list)


def local_iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).astimezone().isoformat(timespec="seconds")


def utc_iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


class ChartPanel(QWidget):
    range_changed = Signal(object)  # (start_ms, end_ms) of the visible x range

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._db: Database | None = None
        self._device_ids: list[int] = []
        self._series: list[ChartSeries] = []
        self._axes: list[_UnitAxis] = []
        self._items: list[Any] = []
        self._preset: int | None = None
        self._hover_id: int | None = None
        self._build()

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.plot_widget = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.plot_widget.setObjectName("chart")
        self.plot = self.plot_widget.getPlotItem()
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.plot.setDownsampling(auto=True, mode="peak")
        self.plot.setClipToView(True)
        self._range_timer = QTimer(self, singleShot=True, interval=RANGE_SIGNAL_DELAY_MS)
        self._range_timer.timeout.connect(self._emit_range)
        self.plot.getViewBox().sigResized.connect(self._sync_views)
        self.plot.getViewBox().sigXRangeChanged.connect(lambda *_: self._range_timer.start())
        self.legend = self.plot.addLegend(offset=(10, 10))
        self._apply_palette()
        self._hover_timer = QTimer(self, singleShot=True, interval=120)
        self._hover_timer.timeout.connect(self._fetch_hovered)
        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.empty = QLabel("Select a device to see its readings")
        self.empty.setObjectName("chartEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._toolbar())
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.empty)
        self._show_empty("Select a device to see its readings")

    def _toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.preset_buttons: dict[str, QPushButton] = {}
        for text, seconds in PRESETS:
            button = QPushButton(text)
            button.setCheckable(True)
            button.setAutoExclusive(True)
            button.setObjectName(f"preset {text}")
            button.clicked.connect(lambda _c=False, s=seconds: self.set_preset(s))
            self.preset_buttons[text] = button
            bar.addWidget(button)
        self.preset_buttons["All"].setChecked(True)
        bar.addStretch(1)
        for text, slot in (("Export PNG…", self._ask_png), ("Export CSV…", self._ask_csv)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            bar.addWidget(button)
        return bar

    def _apply_palette(self) -> None:
        """Follow the system's light or dark palette."""
        palette = self.palette()
        self.plot_widget.setBackground(palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        for name in ("left", "bottom"):
            self.plot.getAxis(name).setPen(text)
            self.plot.getAxis(name).setTextPen(text)

    # --- data ------------------------------------------------------------------------------

    def set_database(self, db: Database | None) -> None:
        self._db = db
        self.show_devices([])

    def show_devices(self, device_ids: list[int]) -> None:
        self._device_ids = list(device_ids)
        self.refresh()

    def refresh(self) -> None:
        db, ids = self._db, list(self._device_ids)
        if db is None or not ids:
            self.set_series_data([])
            return
        self._ops.run(lambda: chart_series(db, ids), done=self._on_loaded, label="chart")

    def _on_loaded(self, series: list[ChartSeries]) -> None:
        if [s.device_id for s in series] == self._device_ids:
            self.set_series_data(series, keep_range=True)

    def set_series_data(self, series: list[ChartSeries], keep_range: bool = False) -> None:
        """Draw ``series`` (the database path and the benchmark both come here)."""
        previous = self.visible_range_s() if keep_range and self._series else None
        self._clear()
        self._series = series
        if not any(len(s.values) for s in series):
            self._show_empty("No readings yet" if series else "Select a device to see its readings")
            return
        self._show_empty(None)
        for number, one in enumerate(series):
            self._draw(one, COLORS[number % len(COLORS)])
        self._sync_views()
        if previous is not None and self._preset is None:
            self.plot.setXRange(*previous, padding=0)
        else:
            self.set_preset(self._preset)

    def _show_empty(self, text: str | None) -> None:
        self.empty.setText(text or "")
        self.empty.setVisible(text is not None)
        self.plot_widget.setVisible(text is None)

    def _clear(self) -> None:
        self.legend.clear()
        for item in self._items:
            item.getViewBox().removeItem(item) if item.getViewBox() else None
        self._items.clear()
        for extra in self._axes[1:]:
            self.plot.scene().removeItem(extra.view)
            if extra.axis is not None:
                self.plot.layout.removeItem(extra.axis)
                self.plot.scene().removeItem(extra.axis)
        self._axes = []
        self.plot.getAxis("left").setLabel("")

    def _axis_for(self, unit: str) -> _UnitAxis:
        for existing in self._axes:
            if existing.unit == unit:
                return existing
        if not self._axes:
            made = _UnitAxis(unit, self.plot.getViewBox(), None)
            self.plot.getAxis("left").setLabel(unit)
        else:
            made = self._extra_axis(unit)
        self._axes.append(made)
        return made

    def _extra_axis(self, unit: str) -> _UnitAxis:
        view = pg.ViewBox()
        axis = pg.AxisItem("right")
        axis.setLabel(unit)
        text = self.palette().color(QPalette.ColorRole.Text)
        axis.setPen(text)
        axis.setTextPen(text)
        self.plot.layout.addItem(axis, 2, 2 + len(self._axes))
        self.plot.scene().addItem(view)
        axis.linkToView(view)
        view.setXLink(self.plot.getViewBox())
        return _UnitAxis(unit, view, axis)

    def _sync_views(self) -> None:
        main = self.plot.getViewBox()
        for extra in self._axes[1:]:
            extra.view.setGeometry(main.sceneBoundingRect())
            extra.view.linkedViewChanged(main, extra.view.XAxis)

    def _draw(self, one: ChartSeries, color: str) -> None:
        target = self._axis_for(one.unit)
        curve = pg.PlotDataItem(one.times_s, one.values, pen=pg.mkPen(color, width=1.5),
                                name=f"{one.name} ({one.unit})")  # fmt: skip
        self._add(target.view, curve)  # added first: pyqtgraph clips against its own view
        curve.setDownsampling(auto=True, method="peak")
        curve.setClipToView(True)
        self.legend.addItem(curve, f"{one.name} ({one.unit})")
        self._draw_limits(target, one, color)
        flagged = one.flagged
        if flagged.any():
            red = pg.mkBrush(FLAG_COLOR)
            marks = pg.ScatterPlotItem(one.times_s[flagged], one.values[flagged], size=7,
                                       pen=pg.mkPen(FLAG_COLOR), brush=red)  # fmt: skip
            marks.setObjectName("outOfLimit")
            self._add(target.view, marks)

    def _draw_limits(self, target: _UnitAxis, one: ChartSeries, color: str) -> None:
        """Shade the band between the limits, and keep it inside the auto-range."""
        low, high = one.low, one.high
        if low is None and high is None:
            return
        tint = QColor(color)
        tint.setAlpha(28)
        data_low, data_high = float(one.values.min()), float(one.values.max())
        band_low = low if low is not None else min(data_low, high or data_low)
        band_high = high if high is not None else max(data_high, low or data_high)
        band = pg.LinearRegionItem((band_low, band_high), orientation="horizontal",
                                   movable=False, brush=pg.mkBrush(tint),
                                   pen=pg.mkPen(color, style=Qt.PenStyle.DashLine))  # fmt: skip
        band.setZValue(-10)
        band.setObjectName("limitBand")
        self._add(target.view, band)
        span = (float(one.times_s[0]), float(one.times_s[-1]))
        keep = pg.PlotCurveItem(
            np.array(span), np.array([band_low, band_high]), pen=pg.mkPen(0, 0, 0, 0)
        )  # invisible: widens the auto-range
        self._add(target.view, keep)
        target.limits.append((low, high))

    def _add(self, view: pg.ViewBox, item: Any) -> None:
        view.addItem(item)
        self._items.append(item)

    # --- range -----------------------------------------------------------------------------

    def set_preset(self, seconds: int | None) -> None:
        """Show the last ``seconds`` up to now, or everything (None)."""
        self._preset = seconds
        label = next(text for text, s in PRESETS if s == seconds)
        self.preset_buttons[label].setChecked(True)
        view = self.plot.getViewBox()
        if seconds is None:
            view.enableAutoRange(x=True, y=True)
            view.autoRange()
        else:
            now = time.time()
            self.plot.setXRange(now - seconds, now, padding=0)
            view.enableAutoRange(y=True)
        for extra in self._axes[1:]:
            extra.view.enableAutoRange(y=True)

    def visible_range_s(self) -> tuple[float, float]:
        (start, end), _ = self.plot.getViewBox().viewRange()
        return float(start), float(end)

    def _emit_range(self) -> None:
        start, end = self.visible_range_s()
        self.range_changed.emit((int(start * 1000), int(end * 1000) + 1))

    @property
    def series(self) -> list[ChartSeries]:
        return list(self._series)

    def point_count(self) -> int:
        return sum(len(s.values) for s in self._series)

    def units(self) -> list[str]:
        return [axis.unit for axis in self._axes]

    # --- hover -----------------------------------------------------------------------------

    def _on_mouse_moved(self, position: QPointF) -> None:
        found = self._nearest(position)
        if found is None:
            QToolTip.hideText()
            return
        one, index = found
        self._hover_id = int(one.ids[index])
        self._hover_text = (f"{one.name}\n{local_iso(float(one.times_s[index]))}\n"
                            f"{one.values[index]:g} {one.unit}")  # fmt: skip
        QToolTip.showText(self.cursor().pos(), self._hover_text, self.plot_widget)
        self._hover_timer.start()

    def _nearest(self, position: QPointF) -> tuple[ChartSeries, int] | None:
        best: tuple[float, ChartSeries, int] | None = None
        for one in self._series:
            view = self._axis_for_unit(one.unit)
            if view is None or not len(one.times_s):
                continue
            point = view.mapSceneToView(position)
            index = int(np.clip(np.searchsorted(one.times_s, point.x()), 0, len(one.times_s) - 1))
            for i in {index, max(index - 1, 0)}:
                scene = view.mapViewToScene(QPointF(one.times_s[i], one.values[i]))
                distance = (scene - position).manhattanLength()
                if distance < 20 and (best is None or distance < best[0]):
                    best = (distance, one, i)
        return (best[1], best[2]) if best else None

    def _axis_for_unit(self, unit: str) -> pg.ViewBox | None:
        return next((a.view for a in self._axes if a.unit == unit), None)

    def _fetch_hovered(self) -> None:
        db, reading_id = self._db, self._hover_id
        if db is None or reading_id is None:
            return
        self._ops.run(lambda: get_reading(db, reading_id), done=self._show_details,
                      failed=lambda _exc: None)  # fmt: skip

    def _show_details(self, reading: ReadingRecord) -> None:
        if reading.id != self._hover_id or not QToolTip.isVisible():
            return
        extra = [f"by {reading.operator}" if reading.operator else "", reading.note or ""]
        text = "\n".join([self._hover_text, *[e for e in extra if e]])
        QToolTip.showText(self.cursor().pos(), text, self.plot_widget)

    # --- export ----------------------------------------------------------------------------

    def export_png(self, path: Path) -> None:
        _write_atomically(path, lambda tmp: self.plot_widget.grab().save(str(tmp), "PNG"))

    def export_visible_csv(self, path: Path) -> int:
        """The points inside the visible time range, one row each; returns the row count."""
        start, end = self.visible_range_s()
        rows = [row for one in self._series for row in _csv_rows(one, start, end)]
        header = ["device", "time_utc", "time_local", "value", "unit", "limit"]

        def write(tmp: Path) -> bool:
            with tmp.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(header)
                writer.writerows(rows)
            return True

        _write_atomically(path, write)
        return len(rows)

    def _ask_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export chart", "chart.png", "PNG (*.png)")
        if path:
            self.export_png(Path(path))

    def _ask_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export visible data", "readings.csv",
                                              "CSV (*.csv)")  # fmt: skip
        if path:
            self.export_visible_csv(Path(path))


def _csv_rows(one: ChartSeries, start: float, end: float) -> list[list[object]]:
    inside = (one.times_s >= start) & (one.times_s <= end)
    flagged = one.flagged
    rows: list[list[object]] = []
    for i in np.flatnonzero(inside):
        seconds = float(one.times_s[i])
        flag = "outside" if flagged[i] else ""
        rows.append([one.name, utc_iso(seconds), local_iso(seconds),
                     repr(float(one.values[i])), one.unit, flag])  # fmt: skip
    return rows


def _write_atomically(path: Path, write: Callable[[Path], bool]) -> None:
    """Write beside ``path`` and rename over it: an error never leaves half a file."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        if not write(tmp):
            raise OSError(f"could not write {path}")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
