"""The PDF report of an export: per device its details, a chart with the limit band, a table of
readings with out-of-limit rows marked, a summary and the operators; the FieldLog version and
the generation time on every page.

Drawn with fpdf2's vector primitives and the bundled DejaVu fonts (°C, µS/cm and accented names
print on every OS). The chart is a min/max envelope per column, so a million readings draw as
at most ``2 * CHART_COLUMNS`` vertices. ``ExportJob`` streams the rows.
"""

import math
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from core import __version__
from core.exporting.job import (
    DeviceStats,
    ExportDevice,
    ExportJob,
    Row,
    number_text,
    utc_offset,
)
from core.resources import resource_path

if TYPE_CHECKING:
    from fpdf import FPDF

# --- layout -----------------------------------------------------------------------------------

PDF_TABLE_ROWS = 500  # readings listed per device; the summary covers them all
CHART_COLUMNS = 600  # min/max envelope columns: ~3 per millimetre of chart
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
_FONT = "DejaVu"
_RED = (200, 30, 30)
_BAND = (214, 236, 214)
_ALARM_ROW = (250, 220, 220)
_TABLE = (("Time", 44.0), ("Value", 26.0), ("Unit", 16.0), ("Limit", 14.0),
          ("Operator", 32.0), ("Note", 58.0))  # fmt: skip


def write_pdf(job: ExportJob, tmp: Path, *, compress: bool = True) -> None:
    """A report: one section per device, each starting on a new page."""
    pdf = _new_pdf(job, compress)
    try:
        for device in job.devices:
            _device_section(pdf, job, device)
        pdf.output(str(tmp))
    finally:
        _close_fonts(pdf)


def _close_fonts(pdf: "FPDF") -> None:
    """fpdf2 reads its fonts lazily and leaves their files open until the report is garbage;
    closed here, they are not left to whichever later work the collector interrupts."""
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.close()


def _new_pdf(job: ExportJob, compress: bool) -> "FPDF":
    from fpdf import FPDF

    generated = datetime.now(UTC).astimezone(job.zone)
    footer = f"FieldLog {__version__} · generated {_human_time(generated)}"

    class Report(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(_FONT, size=7)
            self.set_text_color(100)
            self.cell(0, 5, f"{footer} · page {self.page_no()} of {{nb}}", align="C")

    pdf = Report(format="A4", unit="mm")
    pdf.set_compression(compress)
    for style, name in FONT_FILES.items():
        pdf.add_font(_FONT, style, str(resource_path("fonts", name)))
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title("FieldLog readings report")
    pdf.set_creator(f"FieldLog {__version__}")
    return pdf


def _human_time(moment: datetime) -> str:
    """Local time with the offset that makes it exact: "2026-03-29 01:30 (UTC+01:00)"."""
    return f"{moment:%Y-%m-%d %H:%M} (UTC{utc_offset(moment)})"


def _device_section(pdf: "FPDF", job: ExportJob, device: ExportDevice) -> None:
    stats = job.stats[device.id]
    pdf.add_page()
    pdf.set_font(_FONT, "B", 15)
    pdf.cell(0, 9, device.name, new_x="LMARGIN", new_y="NEXT")
    _details(pdf, _detail_lines(job, device, stats))
    if stats.count == 0:
        pdf.set_font(_FONT, "B", 11)
        pdf.cell(0, 10, "No readings in this period.", new_x="LMARGIN", new_y="NEXT")
        return
    chart = Envelope(*_chart_period(job, stats), CHART_COLUMNS)
    listed: list[Row] = []
    for page in job.pages(device):
        chart.add(page)
        listed += page[: PDF_TABLE_ROWS - len(listed)]
    draw_chart(pdf, job, device, chart)
    _table(pdf, job, device, listed, stats.count)


def _detail_lines(
    job: ExportJob, device: ExportDevice, stats: DeviceStats
) -> list[tuple[str, str]]:
    due = device.calibration_due.isoformat() if device.calibration_due else "–"
    operators = job.operators(device) if stats.count else []
    return [
        ("Serial", device.serial or "–"),
        ("Type", device.device_type or "–"),
        ("Location", device.location or "–"),
        ("Unit", device.unit or "–"),
        ("Limits", f"low {number_text(device.low)}, high {number_text(device.high)}"),
        ("Calibration due", due),
        ("Period", _period_text(job, stats)),
        ("Readings", f"{stats.count:,}"),
        ("Minimum / maximum", f"{number_text(stats.minimum)} / {number_text(stats.maximum)}"),
        ("Mean", number_text(stats.mean)),
        ("Out of limits", f"{stats.out_of_limits:,}"),
        ("Operators", ", ".join(operators) or "–"),
    ]


def _period_text(job: ExportJob, stats: DeviceStats) -> str:
    start, end = job.request.start_ms, job.request.end_ms
    first = start if start is not None else stats.first_ms
    last = end if end is not None else stats.last_ms
    if first is None or last is None:
        return "all time"
    return f"{_human_time(job.local(first))} to {_human_time(job.local(last))}"


def _details(pdf: "FPDF", lines: list[tuple[str, str]]) -> None:
    for label, value in lines:
        pdf.set_font(_FONT, "B", 9)
        pdf.cell(42, 5, label)
        pdf.set_font(_FONT, "", 9)
        pdf.multi_cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _chart_period(job: ExportJob, stats: DeviceStats) -> tuple[int, int]:
    first = job.request.start_ms if job.request.start_ms is not None else stats.first_ms
    last = job.request.end_ms if job.request.end_ms is not None else stats.last_ms
    assert first is not None and last is not None  # there are readings
    return first, max(last, first + 3_600_000)


class Envelope:
    """The min and max value per column of the chart, built page by page.

    A million readings become at most two vertices per column, and the extremes survive: an
    excursion beyond a limit stays visible however many points share its column.
    """

    def __init__(self, start_ms: int, end_ms: int, columns: int) -> None:
        self.start_ms, self.end_ms, self.columns = start_ms, end_ms, columns
        self.low = np.full(columns, np.inf)
        self.high = np.full(columns, -np.inf)

    def add(self, rows: list[Row]) -> None:
        times = np.fromiter((r.recorded_at for r in rows), np.int64, len(rows))
        values = np.fromiter((r.value for r in rows), np.float64, len(rows))
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
    pdf.set_font(_FONT, "", 7)
    pdf.set_text_color(60)
    for value, label in nice_ticks(box.low, box.high):
        pdf.set_xy(box.x - 19, box.py(value) - 2)
        pdf.cell(18, 4, label, align="R")
    spans_days = box.end_ms - box.start_ms > 2 * 86_400_000
    for ms in np.linspace(box.start_ms, box.end_ms, 5):
        moment = job.local(int(ms))
        pdf.set_xy(box.px(ms) - 15, box.y + box.height + 1)
        pdf.cell(30, 4, f"{moment:%Y-%m-%d}" if spans_days else f"{moment:%m-%d %H:%M}",
                 align="C")  # fmt: skip
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
    pdf.set_fill_color(*_RED)
    filled = chart.filled
    for column in filled.tolist():
        x = box.x + (column + 0.5) / chart.columns * box.width
        if device.high is not None and chart.high[column] > device.high:
            _dot(pdf, x, box.py(float(chart.high[column])), 0.45)
        if device.low is not None and chart.low[column] < device.low:
            _dot(pdf, x, box.py(float(chart.low[column])), 0.45)


def _dot(pdf: "FPDF", x: float, y: float, radius: float) -> None:
    pdf.ellipse(x - radius, y - radius, 2 * radius, 2 * radius, style="F")


def _table(pdf: "FPDF", job: ExportJob, device: ExportDevice, rows: list[Row], total: int) -> None:
    """The first readings of the period, out-of-limit rows shaded."""
    _table_header(pdf)
    pdf.set_fill_color(*_ALARM_ROW)
    for row in rows:
        if pdf.will_page_break(4.5):
            pdf.add_page()
            _table_header(pdf)
            pdf.set_fill_color(*_ALARM_ROW)
        _table_row(pdf, job, device, row)
    if total > len(rows):
        pdf.set_font(_FONT, "", 8)
        pdf.cell(0, 6, f"… and {total - len(rows):,} more readings (the summary covers all).",
                 new_x="LMARGIN", new_y="NEXT")  # fmt: skip


def _table_header(pdf: "FPDF") -> None:
    pdf.set_draw_color(120)
    pdf.set_font(_FONT, "B", 8)
    for title, width in _TABLE:
        pdf.cell(width, 5, title, border="B")
    pdf.ln(5)
    pdf.set_font(_FONT, "", 7.5)


def _table_row(pdf: "FPDF", job: ExportJob, device: ExportDevice, row: Row) -> None:
    local = job.local(row.recorded_at)
    limit = device.flag(row.value)
    texts = (f"{local:%Y-%m-%d %H:%M:%S} {utc_offset(local)}", repr(row.value), row.unit, limit,
             row.operator or "", row.note or "")  # fmt: skip
    for (_title, width), text in zip(_TABLE, texts, strict=True):
        pdf.cell(width, 4.5, _fit(pdf, text, width - 1), fill=bool(limit))
    pdf.ln(4.5)


def _fit(pdf: "FPDF", text: str, width: float) -> str:
    """``text`` on one line, cut with "…" to fit ``width``."""
    text = " ".join(text.split())
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[: max(0, min(len(text) - 1, int(len(text) * 0.9)))]
    return text + "…"
