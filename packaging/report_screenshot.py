"""Make the README's pictures of the PDF report: its cover and a device's first page, from the
sample data (made in a temporary folder), rendered by poppler's pdftoppm.

    .venv/bin/python packaging/report_screenshot.py [--out resources/screenshots]
"""

import argparse
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent
DEVICES = ("TT-110 Basement tanks", "AT-104 Cooling tower", "PI-101 Boiler house")


def make_report(folder: Path) -> Path:
    from core.demo import create_demo
    from core.exporting import ExportFormat, ExportRequest, PdfDetail, ReportOptions, export
    from core.launch import open_database

    db = open_database(folder / "sample.db").database
    try:
        create_demo(db, end=datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
        with db.driver_read() as conn:
            marks = ", ".join("?" * len(DEVICES))
            rows = conn.execute(f"SELECT id FROM devices WHERE name IN ({marks})", DEVICES)
            ids = [row[0] for row in rows]
        options = ReportOptions(title="Monthly readings report", site="Riverside water works",
                                author="A. Okafor", detail=PdfDetail.DAILY)  # fmt: skip
        request = ExportRequest(device_ids=ids, report=options)
        path = folder / "report.pdf"
        export(db, path, ExportFormat.PDF, request, local_zone=ZoneInfo("Europe/Berlin"))
    finally:
        db.close()
    return path


def render(pdf: Path, page: int, target: Path) -> None:
    prefix = target.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", str(page), "-l",
                    str(page), str(pdf), str(prefix)], check=True)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "resources" / "screenshots")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        pdf = make_report(Path(folder))
        render(pdf, 1, args.out / "report-cover.png")
        render(pdf, 2, args.out / "report-page.png")
    print(f"wrote report-cover.png and report-page.png to {args.out}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO_ROOT))
    sys.exit(main())
