"""Every page of a report as an image (poppler's pdftoppm): nothing blank, the running header
on each page, nothing off the paper, and names in CJK or emoji drawn, not dropped."""

from datetime import timedelta
from pathlib import Path

from core.db import Database
from core.devices import DeviceFields, create_device
from core.exporting import ExportFormat, ExportRequest, ReportOptions, export
from core.readings import NewReading, add_reading
from core.timeutil import to_epoch_ms
from tests.core.exporting.pdf_pages import has_rule, ink, page_images, page_texts
from tests.core.exporting.support import T0, insert_rows

LONG_NAME = ("Kühlwasser-Rücklauf " + "Überwachung Pumpstation Nord " * 7)[:200]
ONLY_CJK, ONLY_EMOJI = "锅炉房温度计", "🔥🌡🥲"


def _hostile_report(db: Database, path: Path) -> Path:
    for name in (LONG_NAME, ONLY_CJK, ONLY_EMOJI, "Plain"):
        device = create_device(db, DeviceFields(name, default_unit="°C", high_limit=50.0,
                                                location="東京 🏭 " * 20))  # fmt: skip
        note = 'line one, "quoted"\nline two ' + "with a long tail " * 12
        add_reading(db, NewReading(device.id, 61.5, T0, operator="王小明", note=note))
    start = to_epoch_ms(T0 + timedelta(hours=1))
    insert_rows(db, [(device.id, start + i * 60_000, 20.0 + i % 40, "°C", 0, 0)
                     for i in range(150)])  # fmt: skip  # "Plain" runs over pages
    options = ReportOptions(title="Rounds 東京 " + "x" * 150, site="Riverside 🏭")
    export(db, path, ExportFormat.PDF, ExportRequest(report=options))
    return path


def test_every_page_has_its_header_its_body_and_stays_on_the_paper(
    db: Database, tmp_path: Path
) -> None:
    path = _hostile_report(db, tmp_path / "hostile.pdf")
    images = page_images(path, tmp_path)
    assert len(images) == len(page_texts(path)) >= 6
    for number, image in enumerate(images, 1):
        assert image.shape[1] > 400, number  # A4 at 50 dpi is 413 × 585
        assert ink(image, 6, 15) > 150, f"page {number}: no running header"
        assert has_rule(image, 16, 10, 200), f"page {number}: no rule under the header"
        assert ink(image, 22, 280) > 500, f"page {number}: blank"
        assert ink(image, 282, 292, darker=230) > 30, f"page {number}: no footer"  # small, grey
        assert ink(image, 0, 297, 0, 8, darker=250) == 0, f"page {number}: off the left edge"
        assert ink(image, 0, 297, 203, 210, darker=250) == 0, f"page {number}: off the right"


def test_names_in_cjk_or_emoji_alone_are_drawn(db: Database, tmp_path: Path) -> None:
    """A glyph no font has is dropped by fpdf2: a heading in CJK or emoji alone would leave
    its line empty. Drawn from the fallback fonts, it has ink like a Latin name."""
    path = _hostile_report(db, tmp_path / "hostile.pdf")
    texts, images = page_texts(path), page_images(path, tmp_path)
    for name in (ONLY_CJK, ONLY_EMOJI, "Plain"):
        number = next(n for n, text in enumerate(texts) if f"\n{name}\n" in text)
        heading = ink(images[number], 22, 29, 10, 120, darker=230)
        assert heading > 60, f"{name!r}: heading ink {heading}"
