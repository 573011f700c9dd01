"""``fieldlog export --format pdf``: the report's listing, title, site and author."""

import getpass
from pathlib import Path

import pytest

from core.cli import EXIT_ERROR, EXIT_OK
from tests.core.cli.cli_support import run
from tests.core.exporting.pdf_pages import page_texts, pdf_text


@pytest.fixture
def db_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    path = tmp_path / "f.db"
    code, _, _ = run(capsys, "--db", path, "device", "add", "Boiler", "--serial", "SN-1",
                     "--unit", "bar", "--high", "3")  # fmt: skip
    assert code == EXIT_OK
    for hour, value in ((8, "1.50"), (9, "3.25"), (10, "2.00")):
        code, _, _ = run(capsys, "--db", path, "reading", "add", "SN-1", value, "--at",
                         f"2026-03-01T{hour:02d}:00:00+00:00")  # fmt: skip
        assert code == EXIT_OK
    return path


def test_a_daily_report_with_title_site_and_author(capsys, db_file, tmp_path) -> None:
    target = tmp_path / "report.pdf"
    code, out, _ = run(capsys, "--db", db_file, "export", "-o", target, "--pdf-detail", "daily",
                       "--title", "March rounds", "--site", "Riverside WTP",
                       "--author", "Anna Müller")  # fmt: skip
    assert code == EXIT_OK and "3 readings of 1 devices" in out
    cover, section = page_texts(target)[:2]
    assert "March rounds" in cover and "Riverside WTP" in cover and "Anna Müller" in cover
    assert "a line per day, and every out-of-limit reading in full" in cover
    assert "Daily summary (1 days)" in section and "Out-of-limit readings (1)" in section
    assert "3.25 bar above" in section and "1.50 bar" not in section


def test_every_reading_and_the_login_name_by_default(capsys, db_file, tmp_path) -> None:
    target = tmp_path / "report.pdf"
    assert run(capsys, "--db", db_file, "export", "-o", target)[0] == EXIT_OK
    _, text = pdf_text(target)
    assert "Readings report" in text and f"Author {getpass.getuser()}" in text
    assert all(value in text for value in ("1.50 bar", "3.25 bar above", "2.00 bar"))


def test_report_options_are_refused_for_a_spreadsheet(capsys, db_file, tmp_path) -> None:
    code, _, err = run(capsys, "--db", db_file, "export", "-o", tmp_path / "out.csv",
                       "--title", "X", "--pdf-detail", "daily")  # fmt: skip
    assert code == EXIT_ERROR and "--pdf-detail, --title: only a PDF report has these" in err
    assert not (tmp_path / "out.csv").exists()
