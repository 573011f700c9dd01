"""The PDF report: details, summary, operators, the chart's envelope and ticks."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from core import __version__
from core.db import Database
from core.devices import DeviceFields, DeviceRecord, create_device
from core.exporting import ExportCancelled, ExportFormat, export
from core.exporting.job import Row
from core.exporting.pdf_chart import Envelope, nice_ticks
from core.readings import NewReading, add_reading
from core.resources import resource_path
from tests.core.exporting.pdf_pages import pdf_text
from tests.core.exporting.support import BERLIN, T0
from tests.databases import both_databases  # noqa: F401  (db: SQLite, then PostgreSQL)


def test_pdf_report_has_details_summary_operators_and_version(
    two_devices: Database, tmp_path: Path
) -> None:
    path = tmp_path / "report.pdf"
    export(two_devices, path, ExportFormat.PDF, local_zone=BERLIN)
    assert path.read_bytes().startswith(b"%PDF")
    pages, text = pdf_text(path)
    assert pages >= 2  # one section per device, each starting on a page
    for expected in ("Boiler", "=Conductivity", "SN-1", "µS/cm", "°C", "Plant room",
                     "2026-06-30", "Anna Müller", "-Bob", "@Chloé", "95.5", "0.3", "612",
                     f"FieldLog {__version__}", f"page 1 of {pages}", "UTC+01:00"):  # fmt: skip
        assert expected in text, expected


def test_pdf_says_when_a_device_has_no_readings(
    db: Database, boiler: DeviceRecord, tmp_path: Path
) -> None:
    path = tmp_path / "empty.pdf"
    export(db, path, ExportFormat.PDF)
    assert "No readings in this period." in pdf_text(path)[1]


def test_the_fonts_ship_with_their_licence() -> None:
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE.txt", "WenQuanYiMicroHei.ttf",
                 "WenQuanYiMicroHei-LICENSE.txt", "NotoColorEmoji-cmap.ttf",
                 "NotoColorEmoji-LICENSE.txt"):  # fmt: skip
        assert resource_path("fonts", name).is_file()


def test_chart_ticks_are_round_numbers() -> None:
    assert [label for _, label in nice_ticks(5.671, 8.66)] == ["6.0", "6.5", "7.0", "7.5",
                                                                "8.0", "8.5"]  # fmt: skip
    assert [label for _, label in nice_ticks(-3.0, 1200.0)] == ["0", "500", "1000"]


def test_the_chart_envelope_keeps_every_extreme_in_few_columns() -> None:
    """100k points become at most two vertices per column, and no spike is lost."""
    rows = [Row(i * 1000, 50.0 + (i % 10), "°C", None, None, 0, i) for i in range(100_000)]
    rows[54_321] = rows[54_321]._replace(value=999.0)
    envelope = Envelope(0, 100_000 * 1000, 600)
    envelope.add(rows[:50_000])
    envelope.add(rows[50_000:])
    assert len(envelope.filled) == 600
    assert envelope.value_range() == (50.0, 999.0)
    assert envelope.high[envelope.column_of(np.array([54_321_000]))[0]] == 999.0


def test_extreme_values_still_make_a_report(db: Database, tmp_path: Path) -> None:
    """Found by the frozen check on the 0001 fixture: 1.8e308 overflowed the chart's axis."""
    device = create_device(db, DeviceFields("Extremes", default_unit="bar"))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n, value in enumerate((1.7976931348623157e308, -1e300, 0.0, 5e-324)):
        add_reading(db, NewReading(device.id, value, start + timedelta(hours=n)))
    summary = export(db, tmp_path / "x.pdf", ExportFormat.PDF)
    assert summary.readings == 4 and (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF")
    labels = [label for _, label in nice_ticks(-1e300, 1.7976931348623157e308)]
    assert labels and all(len(label) < 12 for label in labels)


def test_a_report_leaves_no_font_file_open(
    db: Database, boiler: DeviceRecord, tmp_path: Path
) -> None:
    """fpdf2 opens each font file lazily and never closes it: collected later, in whichever
    test was running, the open file was an 'unraisable' ResourceWarning that failed it."""
    import gc

    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    def open_fonts() -> list[TTFont]:
        gc.collect()
        return [o for o in gc.get_objects() if isinstance(o, TTFont)
                and o.reader is not None and not o.reader.file.closed]  # fmt: skip

    add_reading(db, NewReading(boiler.id, 20.0, T0))
    before = open_fonts()
    export(db, tmp_path / "fonts.pdf", ExportFormat.PDF)
    with pytest.raises(ExportCancelled):
        export(db, tmp_path / "cancelled.pdf", ExportFormat.PDF, cancelled=lambda: True)
    assert open_fonts() == before
