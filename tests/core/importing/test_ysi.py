"""YSI EcoWatch exports with the damage a copied or hand-edited file has: the reader keeps what
is readable and names what is not, never "not written as FieldLog expects" with a traceback.

The file is the real 0917GEB.txt (tests/fixtures/loggers/ysi/SOURCES.md), a line changed by us:
its header is a line of '=', the names, the units ("m/d/y", "hh:mm:ss", …) and a line of
dashes; its first reading is "09/08/17,07:15:08,19.93,…" (8 September 2017, 07:15:08).
"""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.importing.common import READER_STOPPED
from core.importing.formats import ImportOptions, open_import
from core.importing.parsed import ImportFileError
from tests.core.importing.rows import Sample, rows_of

REAL = Path(__file__).parents[2] / "fixtures" / "loggers" / "ysi" / "0917GEB.txt"


def _lines() -> list[str]:
    return REAL.read_text(encoding="latin-1").splitlines(keepends=True)


def _open(tmp_path: Path, lines: list[str]) -> list[Sample]:
    path = tmp_path / "0917GEB-edited.txt"
    path.write_text("".join(lines), encoding="latin-1")
    parsed = open_import(path, ImportOptions(timezone="UTC"))
    return [r for r in rows_of(parsed) if isinstance(r, Sample)]


def test_a_second_line_of_dashes_under_the_header_is_skipped(tmp_path: Path) -> None:
    lines = _lines()
    assert lines[3].startswith('"--------"')
    samples = _open(tmp_path, [*lines[:4], lines[3], *lines[4:]])
    first = samples[0]
    assert first.line == 6  # the first reading, one line lower than in the real file
    assert first.time_ms == int(datetime(2017, 9, 8, 7, 15, 8, tzinfo=UTC).timestamp() * 1000)
    assert first.value == 19.93  # Temp, the first value column


@pytest.mark.parametrize("kept", [4, 5])
def test_a_header_with_no_readings_under_it_says_so(tmp_path: Path, kept: int) -> None:
    lines = _lines()
    with pytest.raises(ImportFileError, match="has a header but no readings") as refused:
        _open(tmp_path, [*lines[:4], *([lines[3]] * (kept - 4))])
    assert READER_STOPPED not in str(refused.value)


def test_rows_with_no_date_under_the_header_are_named(tmp_path: Path) -> None:
    lines = _lines()
    undated = [line.replace("09/08/17", "xx") for line in lines[4:10]]
    with pytest.raises(
        ImportFileError, match=r"no row from line 5 on starts with a date"
    ) as refused:
        _open(tmp_path, [*lines[:4], *undated])
    assert "'m/d/y'" in str(refused.value) and READER_STOPPED not in str(refused.value)
