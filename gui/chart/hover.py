"""What the chart says of the point under the mouse: a dot on it and a label beside it.

The label gives the device, the local time, the value and the limit it broke at once; the
reading's operator and note (and the value as it was typed) follow, fetched as one row when the
mouse has rested on the point for a moment: a chart of a million readings never loads a million
notes.
"""

from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, QTimer

from core.chart_data import ChartSeries
from core.db import Database
from core.readings import ReadingRecord
from core.validation import value_text
from gui.chart.traces import Trace
from gui.operations.readings import fetch_reading
from gui.ops import Ops

HOVER_RADIUS_PX = 12.0
DETAILS_DELAY_MS = 150


def local_time(seconds: float) -> str:
    """Local time with its UTC offset, e.g. 2026-03-01 13:00:00+01:00."""
    moment = datetime.fromtimestamp(seconds, UTC).astimezone()
    return moment.isoformat(sep=" ", timespec="seconds")


def limit_text(one: ChartSeries, flag: int) -> str:
    """What the label says of a point's limit: only the limit it broke (a device may have
    one limit, or none)."""
    if flag > 0 and one.high is not None:
        return f"  ▲ above {one.high:g}"
    if flag < 0 and one.low is not None:
        return f"  ▼ below {one.low:g}"
    return ""


def nearest_point(trace: Trace, position: QPointF) -> tuple[float, int]:
    """(squared distance in pixels, index) of the point of ``trace`` nearest ``position``."""
    one, view = trace.series, trace.view
    pixel_x, pixel_y = view.viewPixelSize()
    at = view.mapSceneToView(position)
    reach = HOVER_RADIUS_PX * pixel_x
    first, last = np.searchsorted(one.times_s, (at.x() - reach, at.x() + reach))
    if first == last or not view.sceneBoundingRect().contains(position):
        return np.inf, -1
    dx = (one.times_s[first:last] - at.x()) / pixel_x
    dy = (one.values[first:last] - at.y()) / pixel_y
    squared = dx * dx + dy * dy
    best = int(np.argmin(squared))
    return float(squared[best]), int(first + best)


class Hover(QObject):
    """The dot and label of the point nearest the mouse, within a few pixels, over every curve.

    ``traces`` and ``database`` give what the chart shows now; the details are fetched through
    ``ops``, off the UI thread.
    """

    def __init__(self, plot: pg.PlotItem, ops: Ops, *, traces: Callable[[], list[Trace]],
                 database: Callable[[], Database | None],
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._view = plot.getViewBox()
        self._ops = ops
        self._traces = traces
        self._database = database
        self._hovered: tuple[Trace, int] | None = None  # the point under the mouse
        self._details: dict[int, str] = {}  # reading id -> operator and note, once fetched
        self._typed: dict[int, str] = {}  # reading id -> value as typed, once fetched
        self._label = pg.TextItem(
            anchor=(0, 1),
            border=pg.mkPen("#888"),
            fill=pg.mkBrush(255, 255, 255, 230),
            color="#222",
        )
        self._dot = pg.ScatterPlotItem(size=11, pen=pg.mkPen("#222", width=1.5), brush=None)
        for item in (self._label, self._dot):
            item.setZValue(100)
            item.hide()
            self._view.addItem(item, ignoreBounds=True)
        self._details_timer = QTimer(self, singleShot=True, interval=DETAILS_DELAY_MS)
        self._details_timer.timeout.connect(self._fetch_details)
        plot.scene().sigMouseMoved.connect(self._on_mouse_moved)

    def text(self) -> str:
        """The label's text, or "" when none is shown."""
        return str(self._label.toPlainText()) if self._label.isVisible() else ""

    def hide(self) -> None:
        self._hovered = None
        self._details_timer.stop()
        self._label.hide()
        self._dot.hide()

    def forget_details(self) -> None:
        """Fetch the details anew (an undone reading's id can be given to the next one)."""
        self._details.clear()
        self._typed.clear()

    def _on_mouse_moved(self, position: QPointF) -> None:
        hit = self._nearest(position)
        if hit is None:
            self.hide()
        else:
            self._show(*hit)

    def _nearest(self, position: QPointF) -> tuple[Trace, int] | None:
        found = [(d, t, i) for t in self._traces() for d, i in [nearest_point(t, position)]]
        near = [f for f in found if f[0] <= HOVER_RADIUS_PX**2]
        if not near:
            return None
        _distance, trace, index = min(near, key=lambda f: f[0])
        return trace, index

    def _show(self, trace: Trace, index: int) -> None:
        one = trace.series
        main = self._view
        at = main.mapSceneToView(trace.view.mapViewToScene(
            QPointF(one.times_s[index], one.values[index])))  # fmt: skip
        self._dot.setData([at.x()], [at.y()])
        self._hovered = (trace, index)
        self._label.setText(self._describe(one, index))
        (x0, x1), (y0, y1) = main.viewRange()  # the label opens towards the middle
        self._label.setAnchor((int(at.x() > (x0 + x1) / 2), int(at.y() <= (y0 + y1) / 2)))
        self._label.setPos(at)
        self._label.show()
        self._dot.show()
        if int(one.ids[index]) not in self._details:
            self._details_timer.start()

    def _describe(self, one: ChartSeries, index: int) -> str:
        limit = limit_text(one, int(one.flags[index]))
        lines = [one.name, local_time(float(one.times_s[index])),
                 f"{self._value_text(one, index)} {one.unit}{limit}"]  # fmt: skip
        details = self._details.get(int(one.ids[index]))
        return "\n".join(lines + ([details] if details else []))

    def _value_text(self, one: ChartSeries, index: int) -> str:
        """As it was typed once the reading's details have come, else its exact text."""
        typed = self._typed.get(int(one.ids[index]))
        return typed if typed is not None else value_text(float(one.values[index]))

    def _fetch_details(self) -> None:
        """Ask for the hovered reading's operator and note: one row, not a million notes."""
        db, hovered = self._database(), self._hovered
        if db is not None and hovered is not None:
            reading_id = int(hovered[0].series.ids[hovered[1]])
            details = fetch_reading(self._ops, db, reading_id).done(self._on_details)
            details.failed(lambda _exc: None).run()  # a reading gone since: no details to show

    def _on_details(self, reading: ReadingRecord) -> None:
        parts = [f"by {reading.operator}" if reading.operator else "", reading.note or ""]
        self._details[reading.id] = "\n".join(p for p in parts if p) or "(no operator or note)"
        self._typed[reading.id] = reading.text
        hovered = self._hovered
        if hovered is not None and int(hovered[0].series.ids[hovered[1]]) == reading.id:
            self._show(*hovered)
