"""``fieldlog calibration``: a calibration recorded from the command line, with its files, and
listed; refusals name what to fix and record nothing."""

from pathlib import Path

import pytest

from core.cli import EXIT_ERROR, EXIT_OK, main
from tests.core.cli.cli_support import run


@pytest.fixture
def db(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    path = tmp_path / "f.db"
    code, _, _ = run(capsys, "--db", path, "device", "add", "Boiler gauge", "--serial", "GA-7",
                     "--unit", "bar", "--calibrate-every", "365")  # fmt: skip
    assert code == EXIT_OK
    return path


def test_a_calibration_with_its_certificate_sets_the_next_due_date(capsys, db, tmp_path):
    certificate = tmp_path / "ML-0117.pdf"
    certificate.write_bytes(b"%PDF-1.4 certificate of calibration")
    code, out, err = run(capsys, "--db", db, "calibration", "add", "GA-7", "--date",
                         "2026-03-01", "--as-found", "fail", "--as-found-values", "+0.12 bar",
                         "--as-left", "adjusted", "--lab", "Metrolab GmbH", "--certificate",
                         "ML-0117", "--by", "J. Weber", "--file", certificate)  # fmt: skip
    assert (code, err) == (EXIT_OK, "")
    assert "as left adjusted, 1 file(s) attached; next due 2027-03-01" in out
    code, out, _ = run(capsys, "--db", db, "calibration", "list", "GA-7")
    lines = out.splitlines()
    assert code == EXIT_OK and len(lines) == 2
    assert "2026-03-01" in lines[0] and "Metrolab GmbH" in lines[0] and "ML-0117" in lines[0]
    assert "found fail" in lines[0] and "left adjusted" in lines[0] and "2027-03-01" in lines[0]
    assert "ML-0117.pdf (35 bytes" in lines[1]
    assert (db.parent / "f.db.files").is_dir()


def test_a_refused_calibration_says_why_and_records_nothing(capsys, db, tmp_path) -> None:
    code, _, err = run(capsys, "--db", db, "calibration", "add", "GA-7", "--as-left", "pass",
                       "--file", tmp_path / "missing.pdf")  # fmt: skip
    assert code == EXIT_ERROR and "missing.pdf" in err and "Traceback" not in err
    code, _, err = run(capsys, "--db", db, "calibration", "add", "GA-7", "--as-left", "pass",
                       "--date", "2026-03-01", "--next-due", "2025-01-01")  # fmt: skip
    assert code != EXIT_OK and "next_due" in err and "before the calibration" in err
    code, out, _ = run(capsys, "--db", db, "calibration", "list", "GA-7")
    assert (code, out) == (EXIT_OK, "")
    with pytest.raises(SystemExit) as raised:  # argparse: a result that is not one
        main(["--db", str(db), "calibration", "add", "GA-7", "--as-left", "fine"])
    assert raised.value.code == 2
