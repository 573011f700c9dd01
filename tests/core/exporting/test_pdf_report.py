"""What a supervisor signs (issues 17 and 18): every reading or a daily summary, the period,
a cover with title, site, author and sign-off, the device on every page, overdue calibration,
numbers at the readings' precision, text that wraps, and names in any script."""

import logging
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from core.db import Database
from core.devices import DeviceFields, DeviceRecord, create_device
from core.exporting import ExportFormat, ExportRequest, PdfDetail, ReportOptions, export
from core.readings import NewReading, add_reading
from core.timeutil import to_epoch_ms
from tests.core.exporting.pdf_pages import font_names, page_texts, pdf_text
from tests.core.exporting.support import T0, insert_rows

HOSTILE_NAME = ("Kühlwasser-Rücklauf " + "Überwachung Pumpstation Nord " * 7)[:200]


def report(db: Database, path: Path, **options: object) -> Path:
    request_fields = {k: options.pop(k) for k in ("start_ms", "end_ms") if k in options}
    request = ExportRequest(report=ReportOptions(**options), **request_fields)  # type: ignore[arg-type]
    export(db, path, ExportFormat.PDF, request, local_zone=UTC)
    return path


def flat(text: str) -> str:
    """The text layer without the line breaks and spaces that wrapping puts in."""
    return re.sub(r"\s+", "", text)


def sensor(db: Database, name: str = "Boiler", **fields: object) -> DeviceRecord:
    values = {"default_unit": "°C", "low_limit": 10.0, "high_limit": 80.0, **fields}
    return create_device(db, DeviceFields(name=name, **values))  # type: ignore[arg-type]


# --- every reading ----------------------------------------------------------------------------


def test_every_reading_of_the_period_is_listed_with_the_newest(
    db: Database, tmp_path: Path
) -> None:
    """The old report stopped at 500 rows and dropped the newest ("… and 564 more")."""
    device = sensor(db)
    start = to_epoch_ms(T0)
    rows = [(device.id, start + i * 60_000, 20.0 + i / 1000, "°C", 0, 0) for i in range(1064)]
    rows[-1] = (device.id, start + 1063 * 60_000, 95.25, "°C", 0, 0)  # the newest, out of limits
    insert_rows(db, rows)
    _, text = pdf_text(report(db, tmp_path / "all.pdf"))
    assert "more readings" not in text
    for i in (0, 499, 500, 1000, 1062):
        assert f"{20.0 + i / 1000:.3f}" in text, i
    newest = T0 + timedelta(minutes=1063)
    assert f"{newest:%Y-%m-%d %H:%M:%S} +00:00 95.250 °C above" in text


def test_a_daily_summary_lists_each_day_and_every_out_of_limit_reading(
    db: Database, tmp_path: Path
) -> None:
    device = sensor(db)
    day = datetime(2026, 3, 1, tzinfo=UTC)
    for hour, value in ((1, 20.5), (5, 85.25), (9, 30.0), (25, 40.0), (26, 5.5), (49, 50.0)):
        add_reading(db, NewReading(device.id, value, day + timedelta(hours=hour), decimals=2))
    _, text = pdf_text(report(db, tmp_path / "daily.pdf", detail=PdfDetail.DAILY))
    assert "Daily summary (3 days)" in text
    # day, count, min, max, mean (one more decimal), out of limits
    assert "2026-03-01 3 20.50 85.25 45.250 1" in text
    assert "2026-03-02 2 5.50 40.00 22.750 1" in text
    assert "2026-03-03 1 50.00 50.00 50.000 0" in text
    assert "Out-of-limit readings (2)" in text
    assert "2026-03-01 05:00:00 +00:00 85.25 °C above" in text
    assert "2026-03-02 02:00:00 +00:00 5.50 °C below" in text
    assert "2026-03-01 01:00:00" not in text  # in limits: in its day's line only


def test_a_daily_summary_follows_the_local_day(db: Database, tmp_path: Path) -> None:
    """Days are the report's local days: 23:30 UTC is the next day in Berlin."""
    device = sensor(db)
    add_reading(db, NewReading(device.id, 20.0, datetime(2026, 3, 1, 22, 30, tzinfo=UTC)))
    add_reading(db, NewReading(device.id, 21.0, datetime(2026, 3, 1, 23, 30, tzinfo=UTC)))
    path = tmp_path / "berlin.pdf"
    request = ExportRequest(report=ReportOptions(detail=PdfDetail.DAILY))
    from zoneinfo import ZoneInfo

    export(db, path, ExportFormat.PDF, request, local_zone=ZoneInfo("Europe/Berlin"))
    text = pdf_text(path)[1]
    assert "2026-03-01 1 20 20 20.0 0" in text and "2026-03-02 1 21 21 21.0 0" in text


def test_a_daily_report_of_200k_readings_stays_in_bounded_memory(
    db: Database, tmp_path: Path
) -> None:
    import tracemalloc

    device = sensor(db, low_limit=None, high_limit=None)
    start = to_epoch_ms(T0)
    insert_rows(db, [(device.id, start + i * 1000, 20.0 + (i % 997) / 10, "°C", 1, start)
                     for i in range(200_000)])  # fmt: skip
    tracemalloc.start()
    try:
        request = ExportRequest(report=ReportOptions(detail=PdfDetail.DAILY))
        summary = export(db, tmp_path / "big.pdf", ExportFormat.PDF, request, local_zone=UTC)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.readings == 200_000
    assert peak < 30 * 2**20, f"peak {peak / 2**20:.1f} MB"


# --- the period ---------------------------------------------------------------------------------


def _period_lines(text: str) -> list[str]:
    return re.findall(r"Period (.+)", text)


def test_all_time_names_the_readings_range_never_a_later_date(db: Database, tmp_path: Path) -> None:
    device = sensor(db)
    add_reading(db, NewReading(device.id, 20.0, datetime(2026, 3, 1, 8, 0, tzinfo=UTC)))
    add_reading(db, NewReading(device.id, 21.0, datetime(2026, 3, 9, 17, 30, tzinfo=UTC)))
    text = pdf_text(report(db, tmp_path / "all.pdf"))[1]
    expected = "2026-03-01 08:00 (UTC+00:00) to 2026-03-09 17:30 (UTC+00:00)"
    assert _period_lines(text) == [expected, expected]  # the cover, the device


def test_the_charts_view_is_named_by_the_readings_in_it(db: Database, tmp_path: Path) -> None:
    """The chart pads its range with room at both ends: the report made on 2026-12-01 said its
    period ended 2026-12-22."""
    device = sensor(db)
    for day in (1, 5, 9):
        add_reading(db, NewReading(device.id, 20.0 + day, datetime(2026, 3, day, 12, tzinfo=UTC)))
    view = (
        to_epoch_ms(datetime(2026, 2, 20, tzinfo=UTC)),
        to_epoch_ms(datetime(2099, 1, 1, tzinfo=UTC)),
    )
    path = report(db, tmp_path / "view.pdf", start_ms=view[0], end_ms=view[1],
                  period_from_view=True)  # fmt: skip
    text = pdf_text(path)[1]
    assert "2099" not in text and "2026-02-20" not in text
    assert _period_lines(text)[0] == "2026-03-01 12:00 (UTC+00:00) to 2026-03-09 12:00 (UTC+00:00)"


def test_a_period_asked_for_is_named_as_asked(db: Database, tmp_path: Path) -> None:
    device = sensor(db)
    add_reading(db, NewReading(device.id, 20.0, datetime(2026, 3, 5, 12, tzinfo=UTC)))
    asked = (
        to_epoch_ms(datetime(2026, 3, 1, tzinfo=UTC)),
        to_epoch_ms(datetime(2026, 4, 1, tzinfo=UTC)),
    )
    text = pdf_text(report(db, tmp_path / "asked.pdf", start_ms=asked[0], end_ms=asked[1]))[1]
    assert _period_lines(text)[0] == "2026-03-01 00:00 (UTC+00:00) to 2026-04-01 00:00 (UTC+00:00)"


# --- the cover and every page -------------------------------------------------------------------


def test_the_cover_has_title_site_author_and_a_sign_off_block(db: Database, tmp_path: Path) -> None:
    sensor(db)
    path = report(db, tmp_path / "cover.pdf", title="Quarterly check, Q1", site="Riverside WTP",
                  author="Anna Müller")  # fmt: skip
    cover = page_texts(path)[0]
    expected = (
        "Quarterly check, Q1",
        "Site Riverside WTP",
        "Author Anna Müller",
        "Review and sign-off",
        "Reviewed by",
        "Date",
        "Signature",
        "Created",
    )
    for line in expected:
        assert line in cover, line


def test_every_page_names_its_device_and_counts_the_pages(db: Database, tmp_path: Path) -> None:
    first = sensor(db, "Boiler feed")
    second = sensor(db, "Chiller return")
    start = to_epoch_ms(T0)
    insert_rows(db, [(d.id, start + i * 60_000, 20.0, "°C", 0, 0)
                     for d in (first, second) for i in range(300)])  # fmt: skip
    path = report(db, tmp_path / "pages.pdf", title="Plant rounds", site="North")
    pages = page_texts(path)
    total = len(pages)
    assert total >= 1 + 2 * 5  # the cover, then 300 rows are more than 5 pages a device
    for number, text in enumerate(pages, 1):
        assert text.startswith("Plant rounds · North"), number
        assert f"page {number} of {total}" in text, number
    boiler_pages = [n for n, t in enumerate(pages, 1) if "\nBoiler feed\n" in f"\n{t}"]
    chiller_pages = [n for n, t in enumerate(pages, 1) if "\nChiller return\n" in f"\n{t}"]
    assert len(boiler_pages) >= 5 and len(chiller_pages) >= 5
    assert all(b < c for b in boiler_pages for c in chiller_pages)


def test_an_overdue_calibration_is_marked(db: Database, tmp_path: Path) -> None:
    sensor(db, "Late gauge", calibration_due=date.today() - timedelta(days=1))
    sensor(db, "Fine gauge", calibration_due=date.today() + timedelta(days=90))
    text = pdf_text(report(db, tmp_path / "due.pdf"))[1]
    late = (date.today() - timedelta(days=1)).isoformat()
    fine = (date.today() + timedelta(days=90)).isoformat()
    assert text.count(f"{late} OVERDUE") == 2  # the cover's table and the device's page
    assert fine in text and f"{fine} OVERDUE" not in text


# --- numbers ----------------------------------------------------------------------------------


def test_summary_numbers_keep_the_readings_precision(db: Database, tmp_path: Path) -> None:
    """The mean of readings typed with 3 decimals printed as 4.34062."""
    device = sensor(db, "Pressure", default_unit="bar", low_limit=None, high_limit=None)
    for n, value in enumerate((4.301, 4.355, 4.366)):
        add_reading(db, NewReading(device.id, value, T0 + timedelta(hours=n), decimals=3))
    text = pdf_text(report(db, tmp_path / "mean.pdf"))[1]
    assert "Minimum / maximum 4.301 / 4.366" in text
    assert "Mean 4.3407" in text  # 4.340666…: one decimal more than the readings
    assert "4.34067" not in text


def test_large_and_tiny_values_print_in_full(db: Database, tmp_path: Path) -> None:
    big = sensor(db, "Counter", default_unit="m³", low_limit=None, high_limit=12345678.901)
    tiny = sensor(db, "Leak", default_unit="mbar", low_limit=None, high_limit=None)
    add_reading(db, NewReading(big.id, 12345678.901, T0))
    add_reading(db, NewReading(tiny.id, 0.000000001, T0))
    text = pdf_text(report(db, tmp_path / "numbers.pdf"))[1]
    assert "e+0" not in text and "e-0" not in text
    assert "Minimum / maximum 12345678.901 / 12345678.901" in text
    assert "high 12345678.901" in text
    assert "Minimum / maximum 0.000000001 / 0.000000001" in text
    assert "Mean 0.0000000010" in text


# --- wrapping -----------------------------------------------------------------------------------


def test_a_200_character_name_wraps_whole_into_the_text(db: Database, tmp_path: Path) -> None:
    assert len(HOSTILE_NAME) == 200
    device = sensor(db, HOSTILE_NAME)
    add_reading(db, NewReading(device.id, 20.0, T0))
    pages = page_texts(report(db, tmp_path / "long.pdf"))
    assert flat(HOSTILE_NAME) in flat(pages[0])  # the cover's table wraps it too
    assert flat(HOSTILE_NAME) in flat(pages[1])  # the device's heading


def test_notes_wrap_whole_with_commas_quotes_and_line_breaks(db: Database, tmp_path: Path) -> None:
    device = sensor(db)
    note = (
        'line one, with comma\nline two "quoted", and a long tail of words that cannot '
        "fit in one cell of the table: it goes on and on, past the cell's edge, to the end"
    )
    add_reading(db, NewReading(device.id, 20.0, T0, operator="Ana; O'Brien, Jr.", note=note))
    text = page_texts(report(db, tmp_path / "note.pdf"))[1]
    assert "line one, with comma" in text
    assert flat(note) in flat(text)
    assert "O'Brien" in text and "…" not in text


# --- glyphs -------------------------------------------------------------------------------------


def test_cjk_and_emoji_names_print_from_the_fallback_fonts(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    names = ("锅炉房 温度计", "ボイラー室の圧力計", "보일러실 온도", "Pump 🔥🌡 🥲")
    for name in names:
        device = sensor(db, name, location="東京 🏭")
        add_reading(db, NewReading(device.id, 20.0, T0, note="良好 👍", operator="王小明"))
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        path = report(db, tmp_path / "glyphs.pdf")
    assert not [r for r in caplog.records if "missing" in r.getMessage()]
    text = pdf_text(path)[1]
    for expected in (*names, "東京 🏭", "良好 👍", "王小明"):
        assert expected in text, expected
    fonts = font_names(path)
    assert "WenQuanYiMicroHei" in fonts and "Type3" in fonts  # the emoji font is a Type 3
