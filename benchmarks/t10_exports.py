"""T10: exporting readings to CSV and to Excel, against the bare library writing the same rows.

The baseline reads the same rows with a plain ``sqlite3`` cursor and writes them with the same
library (the ``csv`` module; XlsxWriter in constant-memory mode, real dates and numbers) and
nothing else: no formula-safe text, no limits, no progress, no atomic rename. The result is
the worse of the two ratios, each format's in the note. The PDF report joins T10 when it holds
every reading of its period (issue 17); today it lists the first 500 rows of each device.
"""

import csv
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import data
from benchmarks.harness import Result, Sizes, interleaved, timed
from core.exporting import ExportFormat, export

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
    for fmt, bare in ((ExportFormat.CSV, _bare_csv), (ExportFormat.XLSX, _bare_xlsx)):
        target, reference = folder / f"ours.{fmt}", folder / f"bare.{fmt}"

        def ours(fmt: ExportFormat = fmt, target: Path = target) -> float:
            return timed(lambda: export(db, target, fmt, local_zone=UTC))

        def theirs(bare: Callable[[Path, Path], None] = bare, out: Path = reference) -> float:
            return timed(lambda: bare(path, out))

        ratios[fmt.value] = interleaved(ours, theirs, max(1, min(repeat, 3)))
    db.close()
    worst = max(ratios, key=lambda name: ratios[name][0] / ratios[name][1])
    mine, base = ratios[worst]
    detail = ", ".join(f"{n} {m:.2f} s / {b:.2f} s" for n, (m, b) in ratios.items())
    return Result("T10", f"export {count:,} readings, worst of CSV and XLSX", mine, base, "s",
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
