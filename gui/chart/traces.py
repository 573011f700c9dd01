"""One device's series as the chart draws it: its colour, its curve and its out-of-limit markers.

Long series stay smooth with peak downsampling, clip-to-view and float64 x values in seconds
(T4, ``curve.py``). Each device keeps its colour whatever else is selected.
"""

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from core.chart_data import ChartSeries
from gui.chart.curve import Curve
from gui.chart.items import FlagMarkers, Limits

# Twelve colours that stay apart on a light and a dark background (none is the markers' red).
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
          "#bcbd22", "#7f7f7f", "#3949ab", "#00897b", "#6d4c41")  # fmt: skip


def device_colors(device_ids: list[int], known: dict[int, str] | None = None) -> dict[int, str]:
    """A colour per device that stays the device's whatever else is shown: its own slot in
    ``COLORS`` (by id) unless a device before it took that slot, then the next free one.
    ``known`` keeps the colours of devices already on the chart."""
    chosen = {i: c for i, c in (known or {}).items() if i in device_ids}
    for device_id in device_ids:
        if device_id not in chosen:
            taken = set(chosen.values())
            slots = (COLORS[(device_id + n) % len(COLORS)] for n in range(len(COLORS)))
            chosen[device_id] = next((c for c in slots if c not in taken),
                                     COLORS[device_id % len(COLORS)])  # fmt: skip
    return chosen


def pixel_ratio(widget: QWidget) -> float:
    """Device pixels per pixel of the screen ``widget`` is on: lines and dots are drawn that
    much wider, so that they look the same on a high-DPI screen (pyqtgraph's pens are
    cosmetic, that is, in device pixels)."""
    return max(1.0, widget.devicePixelRatioF())


def label(one: ChartSeries) -> str:
    """The device's name with its unit, as the legend lists it."""
    return f"{one.name} ({one.unit})" if one.unit else one.name


def layout_of(series: list[ChartSeries]) -> list[tuple[object, ...]]:
    """What decides which items the chart is built of (the data itself does not)."""
    return [(s.device_id, s.name, s.unit, s.low, s.high) for s in series]


@dataclass
class Trace:
    """What one device's series is drawn with."""

    series: ChartSeries
    view: pg.ViewBox
    curve: Curve
    markers: FlagMarkers
    color: str

    def set_series(self, one: ChartSeries) -> None:
        self.series = one
        self.curve.set_data(one.times_s, one.values)
        self.markers.set_series(one)

    def value_span(self, start_s: float, end_s: float) -> tuple[float, float] | None:
        """The lowest and highest reading with ``start_s <= time <= end_s`` (None: none is).
        ``fmin``/``fmax`` pass over a NaN, as pyqtgraph's own bounds do."""
        shown = self.series.values[self.series.visible(start_s, end_s)]
        if not len(shown):
            return None
        return float(np.fmin.reduce(shown)), float(np.fmax.reduce(shown))

    def limits(self) -> Limits:
        one = self.series
        return Limits(one.name, one.unit, one.low, one.high, QColor(self.color))

    def remove(self) -> None:
        for item in (self.curve, self.markers):
            self.view.removeItem(item)


def draw_trace(view: pg.ViewBox, one: ChartSeries, color: str, scale: float) -> Trace:
    """``one`` drawn in ``view``; ``scale``, the screen's device-pixel ratio, widens the pens."""
    markers = FlagMarkers(one, scale)
    curve = Curve(pg.mkPen(color, width=scale))
    view.addItem(curve)  # before the data, so that the first frame is cut to the view
    curve.set_data(one.times_s, one.values)
    view.addItem(markers, ignoreBounds=True)
    return Trace(one, view, curve, markers, color)
