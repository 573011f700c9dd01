"""T10: exporting readings to CSV, Excel and a PDF report, against the bare library writing the
same rows.

The baseline reads the same rows with a plain ``sqlite3`` cursor and writes them with the same
library (the ``csv`` module; XlsxWriter in constant-memory mode, real dates and numbers; fpdf2
with the same font, one cell per field and a header row per page) and nothing else: no
formula-safe text, no limits, no progress, no atomic rename, no cover, chart or wrapping. The
result is the worst of the three ratios, each format's in the note. The PDF lists every
reading (its "all" form); in quick mode it covers one device (10k readings) so that CI's
harness run stays short, in full mode every reading.
"""

import csv
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import data
from benchmarks.harness import Result, Sizes, interleaved, timed
from core.exporting import ExportFormat, ExportRequest, export

_ROWS_SQL = (
    "SELECT d.name, d.serial_number, r.recorded_at, r.value, r.unit, r.operator, r.note, "
    "r.source FROM readings AS r JOIN devices AS d ON d.id = r.device_id "
    "ORDER BY d.name, r.recorded_at, r.id"
)


def run(sizes: Sizes, folder: Path, repeat: int) -> Result:
    count, devices = sizes.pick(100_000, 1_000_000), 10
    made = data.fieldlog_db(folder / "t10.db", devices)
    data.fill_fieldlog(made, data.sorted_rows(count, devices))
    db, path = made.database, folder / "t10.db"
    ratios: dict[str, tuple[float, float]] = {}
    pdf_devices = sizes.pick(1, devices)
    request = {ExportFormat.PDF: ExportRequest(device_ids=list(range(1, pdf_devices + 1)))}
    bare_pdf = lambda db_path, out: _bare_pdf(db_path, out, pdf_devices)  # noqa: E731
    for fmt, bare in ((ExportFormat.CSV, _bare_csv), (ExportFormat.XLSX, _bare_xlsx),
                      (ExportFormat.PDF, bare_pdf)):  # fmt: skip
        target, reference = folder / f"ours.{fmt}", folder / f"bare.{fmt}"
        asked = request.get(fmt, ExportRequest())

        def ours(fmt: ExportFormat = fmt, target: Path = target, asked: ExportRequest = asked
                 ) -> float:  # fmt: skip
            return timed(lambda: export(db, target, fmt, asked, local_zone=UTC))

        def theirs(bare: Callable[[Path, Path], None] = bare, out: Path = reference) -> float:
            return timed(lambda: bare(path, out))

        ratios[fmt.value] = interleaved(ours, theirs, max(1, min(repeat, 3)))
    db.close()
    worst = max(ratios, key=lambda name: ratios[name][0] / ratios[name][1])
    mine, base = ratios[worst]
    detail = ", ".join(f"{n} {m:.2f} s / {b:.2f} s" for n, (m, b) in ratios.items())
    return Result("T10", f"export {count:,} readings, worst of CSV, XLSX and PDF", mine, base, "s",
                  1.3, note=f"worst: {worst}; {detail}")  # fmt: skip


def _bare_csv(db_path: Path, out: Path) -> None:
    with closing(sqlite3.connect(db_path)) as conn, out.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("device", "serial", "time", "value", "unit", "operator", "note"))
        for name, serial, ms, value, unit, operator, note, _source in conn.execute(_ROWS_SQL):
            moment = datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds")
            writer.writerow((name, serial, moment, repr(value), unit, operator, note))


def _bare_xlsx(db_path: Path, out: Path) -> None:
    from xlsxwriter import Workbook  # type: ignore[import-untyped]

    book = Workbook(str(out), {"constant_memory": True})
    sheet = book.add_worksheet("Readings")
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    with closing(sqlite3.connect(db_path)) as conn:
        rows = conn.execute(_ROWS_SQL)
        for at, (name, serial, ms, value, unit, operator, note, _source) in enumerate(rows, 1):
            sheet.write_string(at, 0, name)
            sheet.write_string(at, 1, serial or "")
            moment = datetime.fromtimestamp(ms / 1000, UTC).replace(tzinfo=None)
            sheet.write_datetime(at, 2, moment, when)
            sheet.write_number(at, 4, value)
            sheet.write_string(at, 5, unit)
            sheet.write_string(at, 7, operator or "")
            sheet.write_string(at, 8, note or "")
    book.close()


_PDF_COLUMNS = (("Time", 44.0), ("Value", 24.0), ("Unit", 16.0), ("Limit", 13.0),
                ("Operator", 30.0), ("Note", 63.0))  # fmt: skip


def _bare_pdf(db_path: Path, out: Path, devices: int) -> None:
    """fpdf2 listing the rows as the report's table does, and nothing else."""
    from fpdf import FPDF

    from core.resources import resource_path

    pdf = FPDF(format="A4", unit="mm")
    pdf.add_font("DejaVu", "", str(resource_path("fonts", "DejaVuSans.ttf")))
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_font("DejaVu", "", 7.5)
    sql = _ROWS_SQL.replace("ORDER BY", "WHERE r.device_id <= ? ORDER BY")
    with closing(sqlite3.connect(db_path)) as conn:
        for _name, _serial, ms, value, unit, operator, note, _src in conn.execute(sql, (devices,)):
            if pdf.page_no() == 0 or pdf.will_page_break(4.5):
                pdf.add_page()
                for title, width in _PDF_COLUMNS:
                    pdf.cell(width, 5, title, border="B")
                pdf.ln(5)
            moment = datetime.fromtimestamp(ms / 1000, UTC)
            texts = (f"{moment:%Y-%m-%d %H:%M:%S} +00:00", repr(value), unit, "",
                     operator or "", note or "")  # fmt: skip
            for (_title, width), text in zip(_PDF_COLUMNS, texts, strict=True):
                pdf.cell(width, 4.5, text)
            pdf.ln(4.5)
    pdf.output(str(out))
