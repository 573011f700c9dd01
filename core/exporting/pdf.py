"""The PDF report of an export: a cover page (title, site, author, period, the devices with
their calibration state, a sign-off block), then per device its details, a chart with the limit
band, a summary, and its readings: every one, or a line per day and every out-of-limit reading
in full (``ReportOptions.detail``).

Numbers print at the readings' own precision (``pdf_numbers``); names and notes wrap, keeping
their line breaks, and CJK or emoji print from fallback fonts (``pdf_document``). ``ExportJob``
streams the rows: a first pass for the chart and the precision (``pdf_data.survey``), a second
for the table, so memory stays bounded for millions of readings.
"""

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from core.exporting.job import DeviceStats, ExportDevice, ExportJob, utc_offset
from core.exporting.pdf_chart import CHART_COLUMNS, Envelope, draw_chart
from core.exporting.pdf_data import Day, Reading, Survey, readings, survey
from core.exporting.pdf_document import (
    FONT,
    RED,
    Heading,
    clean,
    close_fonts,
    human_time,
    new_document,
    table_row,
    wrapped,
)
from core.exporting.pdf_numbers import fixed, plain
from core.exporting.report_options import PdfDetail

if TYPE_CHECKING:
    from fpdf import FPDF

_ALARM_ROW = (250, 220, 220)
_OVERDUE_ROW = (255, 232, 200)
_READINGS = (("Time", 44.0), ("Value", 24.0), ("Unit", 16.0), ("Limit", 13.0),
             ("Operator", 30.0), ("Note", 63.0))  # fmt: skip
_DAYS = (("Day", 28.0), ("Readings", 22.0), ("Minimum", 32.0), ("Maximum", 32.0),
         ("Mean", 34.0), ("Out of limits", 24.0))  # fmt: skip
_DEVICES = (("Device", 74.0), ("Serial", 34.0), ("Readings", 22.0), ("Out of limits", 24.0),
            ("Calibration due", 36.0))  # fmt: skip
_LISTING = {
    PdfDetail.ALL: "every reading of the period",
    PdfDetail.DAILY: "a line per day, and every out-of-limit reading in full",
}
_HOUR_MS = 3_600_000


def write_pdf(job: ExportJob, tmp: Path, *, compress: bool = True) -> None:
    """The report: the cover, then one section per device, each starting on a new page."""
    generated = datetime.now(UTC).astimezone(job.zone)
    options = job.request.report
    heading = Heading(options.title, options.site, "Summary")
    pdf = new_document(heading, generated, compress=compress)
    today = generated.date()
    try:
        _cover(pdf, job, generated, today)
        for device in job.devices:
            heading.section = device.name
            _device_section(pdf, job, device, today)
        pdf.output(str(tmp))
    finally:
        close_fonts(pdf)


# --- the period ---------------------------------------------------------------------------------


def _period(job: ExportJob, first: int | None, last: int | None) -> tuple[int | None, int | None]:
    """The period a report names: the one asked for, else the readings' own first and last
    times (also when the request's period is the chart's padded view)."""
    request = job.request
    if request.report.period_from_view:
        return first, last
    start = request.start_ms if request.start_ms is not None else first
    end = request.end_ms if request.end_ms is not None else last
    return start, end


def _period_text(job: ExportJob, start: int | None, end: int | None) -> str:
    if start is None or end is None:
        return "no readings"
    return f"{human_time(job.local(start))} to {human_time(job.local(end))}"


def _report_period(job: ExportJob) -> tuple[int | None, int | None]:
    firsts = [s.first_ms for s in job.stats.values() if s.first_ms is not None]
    lasts = [s.last_ms for s in job.stats.values() if s.last_ms is not None]
    return _period(job, min(firsts, default=None), max(lasts, default=None))


# --- the cover ----------------------------------------------------------------------------------


def _cover(pdf: "FPDF", job: ExportJob, generated: datetime, today: date) -> None:
    options = job.request.report
    pdf.add_page()
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(0, 9, clean(options.title), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    stats = job.stats.values()
    _details(pdf, [
        ("Site", clean(options.site) or "–"),
        ("Author", clean(options.author) or "–"),
        ("Period", _period_text(job, *_report_period(job))),
        ("Created", human_time(generated)),
        ("Readings listed", _LISTING[options.detail]),
        ("Devices", f"{len(job.devices):,}"),
        ("Readings", f"{job.total:,}, of which {sum(s.out_of_limits for s in stats):,} "
                     "out of limits"),
    ])  # fmt: skip
    _sign_off(pdf)
    _device_table(pdf, job, today)


def _device_table(pdf: "FPDF", job: ExportJob, today: date) -> None:
    widths = [width for _, width in _DEVICES]
    _table_header(pdf, _DEVICES)
    pdf.set_fill_color(*_OVERDUE_ROW)
    for device in job.devices:
        stats = job.stats[device.id]
        overdue = _overdue(device, today)
        texts = (clean(device.name), clean(device.serial) or "–", f"{stats.count:,}",
                 f"{stats.out_of_limits:,}", _due_text(device, today))  # fmt: skip
        cells = [wrapped(pdf, text, width) for text, width in zip(texts, widths, strict=True)]
        table_row(pdf, widths, cells, fill=overdue,
                  new_page=lambda: _continue_table(pdf, _DEVICES, _OVERDUE_ROW))  # fmt: skip
    pdf.ln(4)


def _overdue(device: ExportDevice, today: date) -> bool:
    """Calibration due before the report's day (as the device table's Overdue filter)."""
    return device.calibration_due is not None and device.calibration_due < today


def _due_text(device: ExportDevice, today: date) -> str:
    if device.calibration_due is None:
        return "–"
    due = device.calibration_due.isoformat()
    return f"{due} OVERDUE" if _overdue(device, today) else due


def _sign_off(pdf: "FPDF") -> None:
    """Reviewed by, date and signature, each with a line to write on."""
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 6, "Review and sign-off", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(0)
    pdf.set_line_width(0.3)
    pdf.set_font(FONT, "", 9)
    for label in ("Reviewed by", "Date", "Signature"):
        pdf.ln(5)
        y = pdf.get_y()
        pdf.cell(30, 6, label)
        pdf.line(pdf.l_margin + 30, y + 5.5, pdf.l_margin + 130, y + 5.5)
        pdf.ln(6)
    pdf.ln(6)


# --- a device -----------------------------------------------------------------------------------


def _device_section(pdf: "FPDF", job: ExportJob, device: ExportDevice, today: date) -> None:
    stats = job.stats[device.id]
    pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(0, 7, clean(device.name), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    start, end = _period(job, stats.first_ms, stats.last_ms)
    if stats.count == 0 or start is None or end is None:
        _details(pdf, [*_device_lines(device, today), ("Period", _period_text(job, start, end))])
        pdf.set_font(FONT, "B", 11)
        pdf.cell(0, 10, "No readings in this period.", new_x="LMARGIN", new_y="NEXT")
        return
    daily = job.request.report.detail is PdfDetail.DAILY
    envelope = Envelope(start, max(end, start + _HOUR_MS), CHART_COLUMNS)
    found = survey(job, device, envelope, daily=daily)
    lines = _device_lines(device, today) + _summary_lines(job, device, stats, found, start, end)
    _details(pdf, lines)
    draw_chart(pdf, job, device, envelope)
    if daily:
        _days_table(pdf, found)
        _out_of_limit_table(pdf, job, device, stats, found.decimals)
    else:
        _readings_table(pdf, job, device, readings(job, device, count=True), found.decimals)


def _device_lines(device: ExportDevice, today: date) -> list[tuple[str, str]]:
    return [
        ("Serial", clean(device.serial) or "–"),
        ("Type", clean(device.device_type) or "–"),
        ("Location", clean(device.location) or "–"),
        ("Unit", clean(device.unit) or "–"),
        ("Limits", f"low {plain(device.low)}, high {plain(device.high)}"),
        ("Calibration due", _due_text(device, today)),
    ]


def _summary_lines(job: ExportJob, device: ExportDevice, stats: DeviceStats, found: Survey,
                   start: int, end: int) -> list[tuple[str, str]]:  # fmt: skip
    decimals = found.decimals
    low, high = fixed(stats.minimum, decimals), fixed(stats.maximum, decimals)
    return [
        ("Period", _period_text(job, start, end)),
        ("Readings", f"{stats.count:,}"),
        ("Minimum / maximum", f"{low} / {high}"),
        ("Mean", fixed(stats.mean, decimals + 1)),
        ("Out of limits", f"{stats.out_of_limits:,}"),
        ("Operators", ", ".join(clean(o) for o in job.operators(device)) or "–"),
    ]


def _details(pdf: "FPDF", lines: list[tuple[str, str]]) -> None:
    for label, value in lines:
        pdf.set_font(FONT, "B", 9)
        pdf.cell(42, 5, label)
        overdue = label == "Calibration due" and value.endswith(" OVERDUE")
        pdf.set_font(FONT, "B" if overdue else "", 9)
        pdf.set_text_color(*(RED if overdue else (0, 0, 0)))
        pdf.multi_cell(0, 5, value, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
    pdf.ln(3)


# --- the tables -----------------------------------------------------------------------------------


def _table_header(pdf: "FPDF", columns: Sequence[tuple[str, float]]) -> None:
    pdf.set_draw_color(120)
    pdf.set_font(FONT, "B", 8)
    if pdf.will_page_break(10):
        pdf.add_page()
    for title, width in columns:
        pdf.cell(width, 5, title, border="B")
    pdf.ln(5)
    pdf.set_font(FONT, "", 7.5)


def _continue_table(pdf: "FPDF", columns: Sequence[tuple[str, float]],
                    fill: tuple[int, int, int]) -> None:  # fmt: skip
    pdf.add_page()
    _table_header(pdf, columns)
    pdf.set_fill_color(*fill)


def _title(pdf: "FPDF", text: str) -> None:
    if pdf.will_page_break(16):
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")


def _readings_table(pdf: "FPDF", job: ExportJob, device: ExportDevice,
                    pages: Iterable[list[Reading]], decimals: int) -> int:  # fmt: skip
    """Every reading the pages hold, out-of-limit rows shaded; how many were listed. A value
    shows the decimals it was typed with, else the device's (``decimals``: a logger's file
    rounds every value alike, and 390.36 of a column of 402.628s was 390.360)."""
    widths = [width for _, width in _READINGS]
    value_width, unit_width, operator_width, note_width = widths[1], widths[2], widths[4], widths[5]
    _table_header(pdf, _READINGS)
    pdf.set_fill_color(*_ALARM_ROW)
    milliseconds = job.has_milliseconds
    listed = 0
    for page in pages:
        for row in page:
            local = job.local(row.recorded_at)
            limit = device.flag(row.value)
            moment = f"{local:%Y-%m-%d %H:%M:%S}"
            if milliseconds:
                moment += f".{local.microsecond // 1000:03d}"
            shown = decimals if row.decimals is None else row.decimals
            cells = [[f"{moment} {utc_offset(local)}"],
                     wrapped(pdf, fixed(row.value, shown), value_width),
                     wrapped(pdf, clean(row.unit), unit_width), [limit],
                     wrapped(pdf, clean(row.operator), operator_width),
                     wrapped(pdf, clean(row.note), note_width)]  # fmt: skip
            table_row(pdf, widths, cells, fill=bool(limit),
                      new_page=lambda: _continue_table(pdf, _READINGS, _ALARM_ROW))  # fmt: skip
        listed += len(page)
    return listed


def _days_table(pdf: "FPDF", found: Survey) -> None:
    assert found.days is not None
    _title(pdf, f"Daily summary ({len(found.days):,} days)")
    widths = [width for _, width in _DAYS]
    _table_header(pdf, _DAYS)
    pdf.set_fill_color(*_ALARM_ROW)
    decimals = found.decimals
    for day in found.days:
        table_row(pdf, widths, _day_cells(day, decimals), fill=day.out_of_limits > 0,
                  new_page=lambda: _continue_table(pdf, _DAYS, _ALARM_ROW))  # fmt: skip


def _day_cells(day: Day, decimals: int) -> list[list[str]]:
    return [[day.day], [f"{day.count:,}"], [fixed(day.minimum, decimals)],
            [fixed(day.maximum, decimals)], [fixed(day.mean, decimals + 1)],
            [f"{day.out_of_limits:,}"]]  # fmt: skip


def _out_of_limit_table(pdf: "FPDF", job: ExportJob, device: ExportDevice,
                        stats: DeviceStats, decimals: int) -> None:  # fmt: skip
    _title(pdf, f"Out-of-limit readings ({stats.out_of_limits:,})")
    if not stats.out_of_limits:
        pdf.set_font(FONT, "", 9)
        pdf.cell(0, 6, "No reading was out of limits.", new_x="LMARGIN", new_y="NEXT")
        return
    _readings_table(pdf, job, device, readings(job, device, out_of_limits=True), decimals)
