"""HOBOconnect exports written where FieldLog's first users were not: a European phone's zone
abbreviation, and a decimal-comma language that puts "13,93" into a comma-separated file.

The file is the real cmar_22058696…ADT.csv (tests/fixtures/loggers/hoboconnect/SOURCES.md),
changed by us: its header says "Date-Time (ADT)" and its first row is
"1,10-25-2024 15:30:00,13.93,-49.11,7.65,,,," (temperature, millivolts, pH).
"""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.importing.formats import ImportOptions, open_import
from core.importing.parsed import ImportFileError, Rejected
from tests.core.importing.rows import Sample, rows_of

REAL = (Path(__file__).parents[2] / "fixtures" / "loggers" / "hoboconnect"
        / "cmar_22058696_2024-10-28_14_01_23_ADT_Data_ADT.csv")  # fmt: skip


def _lines() -> list[str]:
    return REAL.read_text(encoding="utf-8").splitlines(keepends=True)


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "hoboconnect-edited.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_a_central_european_summer_time_header_is_read_as_utc_plus_two(tmp_path: Path) -> None:
    lines = _lines()
    lines[0] = lines[0].replace("Date-Time (ADT)", "Date-Time (CEST)")
    parsed = open_import(_write(tmp_path, lines), ImportOptions())
    first = next(r for r in rows_of(parsed) if isinstance(r, Sample))
    assert parsed.timezone == "UTC+02:00"
    # 15:30 at UTC+2 is 13:30 UTC (the ADT file's same row is 18:30 UTC)
    assert first.time_ms == int(datetime(2024, 10, 25, 13, 30, tzinfo=UTC).timestamp() * 1000)
    assert (first.line, first.value) == (2, 13.93)


def test_decimal_commas_in_a_comma_separated_file_are_refused_not_shifted(tmp_path: Path) -> None:
    """Read by position, "13,93,-49,11" would store 13 °C, 93 mV and pH -49: never."""
    lines = _lines()
    comma = [lines[0], *(line.replace(".", ",") for line in lines[1:])]
    assert comma[1].startswith("1,10-25-2024 15:30:00,13,93,-49,11,7,65,")
    with pytest.raises(ImportFileError) as refused:
        open_import(_write(tmp_path, comma), ImportOptions(timezone="-03:00"))
    message = str(refused.value)
    assert "line 2: the row has 12 fields where the header names 9" in message
    assert "decimal commas" in message


def test_one_row_that_runs_past_the_header_is_rejected_by_line(tmp_path: Path) -> None:
    lines = _lines()
    lines[2] = lines[2].replace("13.14,-49.22,7.65", "13,14,-49,22,7,65")  # only line 3
    rows = rows_of(open_import(_write(tmp_path, lines), ImportOptions()))
    assert not any(isinstance(r, Sample) and r.line == 3 for r in rows)
    (bad,) = [r for r in rows if isinstance(r, Rejected) and r.line == 3]
    assert "fields where the header names 9" in bad.reason
    kept = [r for r in rows if isinstance(r, Sample) and r.line in (2, 4)]
    assert [r.value for r in kept if r.channel == 0] == [13.93, 12.87]  # lines 2 and 4, as written


def test_a_column_of_battery_voltages_is_not_taken_for_slid_values(tmp_path: Path) -> None:
    """Numbers in an event column mean the values slid; a battery column may hold numbers."""
    lines = _lines()
    lines[0] = lines[0].replace("Millivolts   (mv)", "Battery   (V)")
    rows = rows_of(open_import(_write(tmp_path, lines), ImportOptions()))
    assert not [r for r in rows if isinstance(r, Rejected)]
    assert next(r.value for r in rows if isinstance(r, Sample) and r.line == 2) == 13.93
