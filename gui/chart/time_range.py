"""The time the chart shows: a preset up to now, or where the user zoomed or panned to.

The presets are the last day, week, month or year up to now, or all the data ("All"); a preset
stays when the devices change. A zoom or a pan leaves it, and Reset zoom goes back to it. The
wheel zooms time about the mouse (the value axes follow what is visible, see ``axes.py``).
"""

import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, QTimer
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QButtonGroup, QPushButton

from core.chart_data import ChartSeries

DAY = 86_400.0
PRESETS: dict[str, float | None] = {"24 h": DAY, "7 d": 7 * DAY, "30 d": 30 * DAY,
                                    "1 y": 365 * DAY, "All": None}  # fmt: skip
WHEEL_STEP = 1.02  # zoom factor per degree of wheel, as pyqtgraph's ViewBox
WHEEL_FRAME_MS = 16


def data_span(series: list[ChartSeries]) -> tuple[float, float]:
    """Every reading's time, with a little room at both ends (the last day if there is none)."""
    filled = [one.times_s for one in series if len(one.times_s)]
    if not filled:
        now = time.time()
        return now - DAY, now
    start, end = min(t[0] for t in filled), max(t[-1] for t in filled)
    room = max((end - start) * 0.02, 3600.0)
    return float(start - room), float(end + room)


def visible_s(view: pg.ViewBox) -> tuple[float, float]:
    """The time range ``view`` shows, in seconds."""
    (start, end), _ = view.viewRange()
    return float(start), float(end)


def visible_ms(view: pg.ViewBox) -> tuple[int, int]:
    """The time range ``view`` shows as [start_ms, end_ms): every millisecond in sight."""
    start, end = visible_s(view)
    return int(np.floor(start * 1000)), int(np.floor(end * 1000)) + 1


class TimeRange(QObject):
    """The preset buttons and Reset zoom of the chart's toolbar, and the wheel over the plot.

    ``shown`` gives the series "All" spans; ``drawn`` says whether any curve is drawn yet
    (the wheel zooms nothing before); ``settled`` is called after each range the user sets
    (a preset, Reset zoom, the wheel, a reading brought into view), before the paint.
    """

    def __init__(self, plot_widget: pg.PlotWidget, *, shown: Callable[[], list[ChartSeries]],
                 drawn: Callable[[], bool], settled: Callable[[], None],
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._widget = plot_widget
        self._view = plot_widget.getPlotItem().getViewBox()
        self._shown = shown
        self._drawn = drawn
        self._settled = settled
        self._preset: str | None = "All"  # None: a range the user zoomed or panned to
        self._last_preset = "All"  # what Reset zoom goes back to
        self._wheel_delta = 0
        self._wheel_at = QPointF()
        self._wheel_timer = QTimer(self, singleShot=True, interval=WHEEL_FRAME_MS)
        self._wheel_timer.timeout.connect(self._apply_wheel)
        self._make_buttons()
        self._view.sigRangeChangedManually.connect(self.mark_manual)

    def _make_buttons(self) -> None:
        self.preset_group = QButtonGroup(self)
        self.preset_buttons: dict[str, QPushButton] = {}
        for label in PRESETS:
            button = QPushButton(label)
            button.setCheckable(True)
            button.setObjectName(f"preset {label}")
            button.setToolTip(f"Show {'everything' if label == 'All' else 'the last ' + label}")
            button.clicked.connect(lambda _checked=False, name=label: self._choose(name))
            self.preset_group.addButton(button)
            self.preset_buttons[label] = button
        self.preset_buttons["All"].setChecked(True)
        self.reset_button = QPushButton("Reset zoom")
        self.reset_button.setObjectName("resetZoom")
        self.reset_button.setToolTip("Back to the range before you zoomed or panned (Ctrl+0)")
        self.reset_button.clicked.connect(self.reset_zoom)
        self.reset_button.setEnabled(False)

    def buttons(self) -> list[QPushButton]:
        """The toolbar's buttons, in order: the presets, then Reset zoom."""
        return [*self.preset_buttons.values(), self.reset_button]

    # --- presets -------------------------------------------------------------------------

    def set_preset(self, label: str) -> None:
        """Show the last day, week, month or year up to now, or everything ("All")."""
        self._preset = self._last_preset = label
        self.preset_buttons[label].setChecked(True)
        self.reset_button.setEnabled(False)
        seconds = PRESETS[label]
        if seconds is None:
            start, end = data_span(self._shown())
        else:
            end = time.time()
            start = end - seconds
        self._view.setXRange(start, end, padding=0)

    def _choose(self, label: str) -> None:
        self.set_preset(label)
        self._settled()

    def keep_preset(self) -> None:
        """Set the active preset again (new data: "All" spans it, the others end now); a range
        the user zoomed or panned to stays as it is."""
        if self._preset is not None:
            self.set_preset(self._preset)

    def reset_zoom(self) -> None:
        """Back to the preset the user zoomed or panned away from."""
        self._choose(self._last_preset)

    def preset(self) -> str | None:
        """The active preset, or None after the user zoomed or panned."""
        return self._preset

    def mark_manual(self, *_args: object) -> None:
        """The user zoomed or panned: no preset is active, and Reset zoom can go back."""
        self._preset = None
        self.reset_button.setEnabled(True)
        self.preset_group.setExclusive(False)
        for button in self.preset_buttons.values():
            button.setChecked(False)
        self.preset_group.setExclusive(True)

    def bring_into_view(self, moment: float) -> None:
        """Pan, keeping the width, so that ``moment`` (in seconds) is in sight near the right."""
        start, end = visible_s(self._view)
        if not start <= moment <= end:
            width = end - start
            self._view.setXRange(moment - 0.9 * width, moment + 0.1 * width, padding=0)
            self.mark_manual()
            self._settled()

    # --- the wheel -----------------------------------------------------------------------

    def zoom_by_wheel(self, event: QWheelEvent) -> None:
        """Zoom time about the mouse: the first notch at once, the notches that follow within
        a frame together (each zoom redraws every curve, and a wheel sends dozens a second)."""
        self._wheel_delta += event.angleDelta().y()
        self._wheel_at = event.position()
        event.accept()
        if not self._wheel_timer.isActive():
            self._apply_wheel()

    def _apply_wheel(self) -> None:
        if not self._wheel_delta or not self._drawn():
            self._wheel_delta = 0
            return
        view = self._view
        scale = WHEEL_STEP ** (-self._wheel_delta / 8)  # pyqtgraph's own factor per degree
        centre = view.mapSceneToView(self._widget.mapToScene(self._wheel_at.toPoint()))
        self._wheel_delta = 0
        view.scaleBy(x=scale, center=centre)
        view.sigRangeChangedManually.emit([True, False])
        self._settled()
        self._wheel_timer.start()
