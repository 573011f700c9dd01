"""The PDF report's chart: readings over the period as a min/max envelope per column, the limit
band shaded, out-of-limit extremes in red, round ticks.

A million readings draw as at most ``2 * CHART_COLUMNS`` vertices, and an excursion beyond a
limit stays visible however many points share its column.
"""

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from core.exporting.job import ExportDevice, ExportJob, utc_offset
from core.exporting.pdf_document import FONT, RED

if TYPE_CHECKING:
    from fpdf import FPDF

    from core.exporting.job import Row

CHART_COLUMNS = 600  # min/max envelope columns: ~3 per millimetre of chart
_BAND = (214, 236, 214)


class Envelope:
    """The min and max value per column of the chart, built page by page.

    A million readings become at most two vertices per column, and the extremes survive: an
    excursion beyond a limit stays visible however many points share its column.
    """

    def __init__(self, start_ms: int, end_ms: int, columns: int) -> None:
        self.start_ms, self.end_ms, self.columns = start_ms, end_ms, columns
        self.low = np.full(columns, np.inf)
        self.high = np.full(columns, -np.inf)

    def add(self, rows: "Sequence[Row]") -> None:
        times = np.fromiter((r.recorded_at for r in rows), np.int64, len(rows))
        values = np.fromiter((r.value for r in rows), np.float64, len(rows))
        self.add_arrays(times, values)

    def add_arrays(self, times: npt.NDArray[np.int64], values: npt.NDArray[np.float64]) -> None:
        column = self.column_of(times)
        np.minimum.at(self.low, column, values)
        np.maximum.at(self.high, column, values)

    def column_of(self, times_ms: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
        span = max(1, self.end_ms - self.start_ms)
        scaled = (times_ms - self.start_ms) * self.columns // span
        return np.clip(scaled, 0, self.columns - 1).astype(np.intp)

    @property
    def filled(self) -> npt.NDArray[np.intp]:
        return np.flatnonzero(np.isfinite(self.low))

    def value_range(self) -> tuple[float, float]:
        filled = self.filled
        return float(self.low[filled].min()), float(self.high[filled].max())


@dataclass(frozen=True)
class ChartBox:
    """Where the chart is on the page, and the data range it shows."""

    x: float
    y: float
    width: float
    height: float
    start_ms: int
    end_ms: int
    low: float
    high: float

    def px(self, ms: float) -> float:
        return self.x + (ms - self.start_ms) / (self.end_ms - self.start_ms) * self.width

    def py(self, value: float) -> float:
        clipped = min(max(value, self.low), self.high)
        # Halves: a range from -1e308 to 1e308 is wider than the largest float.
        share = (clipped / 2 - self.low / 2) / (self.high / 2 - self.low / 2)
        return self.y + self.height - share * self.height


def _value_axis(chart: Envelope, device: ExportDevice) -> tuple[float, float]:
    """The data's range widened to show both limits, with a margin."""
    low, high = chart.value_range()
    for limit in (device.low, device.high):
        if limit is not None:
            low, high = min(low, limit), max(high, limit)
    margin = (high * 0.06 - low * 0.06) or max(abs(high) * 0.1, 1.0)
    return max(low - margin, -sys.float_info.max), min(high + margin, sys.float_info.max)


def draw_chart(pdf: "FPDF", job: ExportJob, device: ExportDevice, chart: Envelope) -> None:
    """Readings over the period: the limit band shaded, out-of-limit extremes in red."""
    if pdf.will_page_break(82):
        pdf.add_page()
    box = ChartBox(28.0, pdf.get_y() + 2, 172.0, 62.0, chart.start_ms, chart.end_ms,
                   *_value_axis(chart, device))  # fmt: skip
    _limit_band(pdf, box, device)
    _axes(pdf, job, box, device.unit)
    _curve(pdf, box, chart)
    _excursions(pdf, box, chart, device)
    pdf.set_xy(pdf.l_margin, box.y + box.height + 12)


def _limit_band(pdf: "FPDF", box: ChartBox, device: ExportDevice) -> None:
    if device.low is None and device.high is None:
        return
    top = box.py(device.high if device.high is not None else box.high)
    bottom = box.py(device.low if device.low is not None else box.low)
    pdf.set_fill_color(*_BAND)
    pdf.rect(box.x, top, box.width, bottom - top, style="F")


def _axes(pdf: "FPDF", job: ExportJob, box: ChartBox, unit: str) -> None:
    pdf.set_draw_color(120)
    pdf.set_line_width(0.2)
    pdf.rect(box.x, box.y, box.width, box.height)
    pdf.set_font(FONT, "", 7)
    pdf.set_text_color(60)
    for value, label in nice_ticks(box.low, box.high):
        pdf.set_xy(box.x - 19, box.py(value) - 2)
        pdf.cell(18, 4, label, align="R")
    spans_days = box.end_ms - box.start_ms > 2 * 86_400_000
    ticks = np.linspace(box.start_ms, box.end_ms, 5)
    for number, ms in enumerate(ticks):
        moment = job.local(int(ms))
        # the last label ends at the chart's edge, inside the page's margin
        left, align = (box.px(ms) - 30, "R") if number == len(ticks) - 1 else (box.px(ms) - 15, "C")
        pdf.set_xy(left, box.y + box.height + 1)
        pdf.cell(30, 4, f"{moment:%Y-%m-%d}" if spans_days else f"{moment:%m-%d %H:%M}",
                 align=align)  # fmt: skip
    pdf.set_xy(box.x, box.y + box.height + 5)
    zone = utc_offset(job.local(box.end_ms))
    pdf.cell(box.width, 4, f"local time (UTC{zone} at the end)", align="C")
    pdf.set_xy(box.x - 19, box.y - 5)
    pdf.cell(30, 4, unit or "value")
    pdf.set_text_color(0)


def nice_ticks(low: float, high: float, most: int = 6) -> list[tuple[float, str]]:
    """Round values (steps of 1, 2 or 5 times a power of ten) between ``low`` and ``high``,
    with their labels: a reader finds 7.5 on an axis faster than 7.483."""
    rough = high / most - low / most  # not (high - low) / most: that overflows near 1e308
    step = 10.0 ** math.floor(math.log10(rough))
    step *= next(m for m in (1, 2, 5, 10) if rough <= step * m)
    decimals = max(0, -math.floor(math.log10(step)))
    first = math.ceil(low / step)
    values = [n * step for n in range(first, math.floor(high / step) + 1)]
    if not 1e-4 <= step < 1e7:  # 1e+300, not three hundred digits
        return [(v, f"{v:.3g}") for v in values]
    return [(v, f"{v:.{decimals}f}") for v in values]


def _curve(pdf: "FPDF", box: ChartBox, chart: Envelope) -> None:
    points: list[tuple[float, float]] = []
    for column in chart.filled.tolist():
        x = box.x + (column + 0.5) / chart.columns * box.width
        low, high = float(chart.low[column]), float(chart.high[column])
        points.append((x, box.py(low)))
        if high != low:
            points.append((x, box.py(high)))
    pdf.set_draw_color(30, 80, 160)
    pdf.set_line_width(0.25)
    if len(points) > 1:
        pdf.polyline(points)
    else:
        _dot(pdf, *points[0], 0.6)


def _excursions(pdf: "FPDF", box: ChartBox, chart: Envelope, device: ExportDevice) -> None:
    pdf.set_fill_color(*RED)
    filled = chart.filled
    for column in filled.tolist():
        x = box.x + (column + 0.5) / chart.columns * box.width
        if device.high is not None and chart.high[column] > device.high:
            _dot(pdf, x, box.py(float(chart.high[column])), 0.45)
        if device.low is not None and chart.low[column] < device.low:
            _dot(pdf, x, box.py(float(chart.low[column])), 0.45)


def _dot(pdf: "FPDF", x: float, y: float, radius: float) -> None:
    pdf.ellipse(x - radius, y - radius, 2 * radius, 2 * radius, style="F")
