"""Solinst Levelogger CSV exports with a damaged header line: a reason that names the line.

The file is the real hsr_levelogger_edge.csv (tests/fixtures/loggers/solinst/SOURCES.md) with
one character added by us: a semicolon before its "Date,Time,…" header, so that split at its
commas the header's first field is ";Date" and there is no Date column any more.
"""

from pathlib import Path

import pytest

from core.importing.common import READER_STOPPED
from core.importing.formats import ImportOptions, open_import
from core.importing.parsed import ImportFileError

REAL = Path(__file__).parents[2] / "fixtures" / "loggers" / "solinst" / "hsr_levelogger_edge.csv"


def test_a_header_whose_date_column_is_damaged_is_named(tmp_path: Path) -> None:
    lines = REAL.read_text(encoding="latin-1").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("Date,Time,"))
    lines[at] = ";" + lines[at]
    path = tmp_path / "damaged.csv"
    path.write_text("".join(lines), encoding="latin-1")
    with pytest.raises(ImportFileError) as refused:
        open_import(path, ImportOptions(timezone="UTC"))
    message = str(refused.value)
    assert f"line {at + 1} should be the 'Date,Time,…' header" in message
    assert "split at each comma" in message and "no Date and Time column" in message
    assert READER_STOPPED not in message


def test_a_digit_python_calls_a_digit_but_int_refuses_is_no_crash(tmp_path: Path) -> None:
    """Found by the fuzz test: a flipped byte made the first row's ms field "²", which
    str.isdigit() accepts and int() refuses; the reader stopped with a generic failure."""
    lines = REAL.read_text(encoding="latin-1").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("Date,Time,")) + 1
    date, time, _ms, *rest = lines[at].split(",")
    lines[at] = ",".join([date, time, "²", *rest])
    path = tmp_path / "flipped.csv"
    path.write_text("".join(lines), encoding="latin-1")
    parsed = open_import(path, ImportOptions(timezone="UTC"))
    assert sum(len(batch.line) for batch in parsed.batches) > 0  # read, not stopped
