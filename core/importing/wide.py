"""Logger files in wide layout: one row per moment, one column per channel (TOA5, HOBO, GP5W).

The rules every logger format shares live here, so they read the same way everywhere:

* A row with no value in any channel column carries no reading (a HOBO event such as
  "Coupler Attached … Logged", an in-data note) and is skipped silently; so is an empty cell.
* A row that has values but no readable time is rejected once, with the reason.
* A cell that is not a number, or a logger's missing-value marker ("NAN"), is rejected on its
  own with the column name; the other cells of the row are kept.
* A row with fewer fields than the header, or a field longer than 10 kB, is rejected; where a
  logger's software leaves out trailing fields it has no value for (GP5W's battery), the row
  may end before those (``min_fields``), and they read as empty.
"""

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from core.importing.parsed import ImportFileError, Rejected, SampleBatch, make_batch
from core.importing.textfile import MAX_FIELD, decode_failure, open_text
from core.importing.timelayout import TimeLayout
from core.importing.timeparse import parse_times
from core.validation import parse_number

Row = tuple[int, list[str]]
ROWS_PER_BATCH = 5000
LOOK_AHEAD = 1000  # rows a reader looks at to learn a file's layout before it streams the rest


def csv_rows(
    path: Path, encoding: str, delimiter: str, skip_lines: int
) -> tuple[Iterator[Row], Callable[[], int]]:
    """(first line number, fields) of each row after the header; bytes read so far."""
    text, position = open_text(path, encoding)

    def rows() -> Iterator[Row]:
        reader = csv.reader(text, delimiter=delimiter)
        done = 0
        try:
            for fields in reader:
                start, done = done + 1, reader.line_num
                if start > skip_lines:
                    yield start, fields
        except UnicodeDecodeError:
            raise decode_failure(path, encoding, done) from None
        except csv.Error as error:
            raise ImportFileError(path, f"cannot be read as text: {error}", done + 1) from None
        finally:
            text.close()

    return rows(), position


def text_lines(
    path: Path, encoding: str, skip_lines: int = 0
) -> tuple[Iterator[tuple[int, str]], Callable[[], int]]:
    """(line number, text without its line end) of each line after the first ``skip_lines``,
    for the layouts that are no CSV (columns aligned with spaces); bytes read so far."""
    text, position = open_text(path, encoding)

    def lines() -> Iterator[tuple[int, str]]:
        number = 0
        try:
            for number, content in enumerate(text, start=1):
                if number > skip_lines:
                    yield number, content.rstrip("\r\n")
        except UnicodeDecodeError:
            raise decode_failure(path, encoding, number) from None
        finally:
            text.close()

    return lines(), position


def peek_rows(text: str, delimiter: str, limit: int) -> list[list[str]]:
    """The first ``limit`` rows of the file's first megabyte, split."""
    rows = []
    try:
        for fields in csv.reader(text.splitlines(), delimiter=delimiter):
            rows.append(fields)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def table_from(lines: list[str], at: int, delimiter: str) -> list[list[str]]:
    """The header at line index ``at`` and the rows after it (up to the look-ahead), split
    without the lines above: a stray quote in a settings block cannot swallow the header."""
    table = peek_rows("\n".join(lines[at : at + 1 + LOOK_AHEAD]), delimiter, 1 + LOOK_AHEAD)
    return table or [[]]


@dataclass(frozen=True)
class WideSpec:
    time_columns: tuple[int, ...]  # one, or a date column and a time column
    value_columns: tuple[int, ...]  # the column of channel i
    names: tuple[str, ...]  # the header of channel i, for the reasons
    layout: TimeLayout
    zone: tzinfo | None
    now_ms: int
    decimal: str = "."
    min_fields: int = 0
    header_fields: int = 0  # how many names the header has (0: not checked), see misaligned
    event_columns: tuple[int, ...] = ()  # columns of logger events, never numbers
    grouping: bool = False  # the file's decimal separator is seen in use: "11,822" is 11822
    time_text: Callable[[list[str]], str] | None = None  # else the time columns, joined
    row_check: Callable[[list[str]], str | None] | None = None  # a reason rejects the row
    missing: frozenset[str] = frozenset()  # a logger's "no value" marker, rejected per cell
    note_line: Callable[[list[str]], bool] = lambda _fields: False  # skipped silently


def wide_batches(rows: Iterator[Row], spec: WideSpec) -> Iterator[SampleBatch]:
    chunk: list[Row] = []
    rejected: list[Rejected] = []
    for line, fields in rows:
        problem = _row_problem(fields, spec)
        if problem is None:
            continue
        if problem:
            rejected.append(Rejected(line, problem))
            continue
        chunk.append((line, fields))
        if len(chunk) >= ROWS_PER_BATCH:
            yield _batch(chunk, rejected, spec)
            chunk, rejected = [], []
    if chunk or rejected:
        yield _batch(chunk, rejected, spec)


def _row_problem(fields: list[str], spec: WideSpec) -> str | None:
    """None: skip silently; "": a row to read; else why the whole row is rejected."""
    if not any(f.strip() for f in fields) or spec.note_line(fields):
        return None
    if len(fields) < spec.min_fields:
        return f"the row has {len(fields)} fields and needs {spec.min_fields}: it was cut short"
    if misaligned(fields, spec.header_fields, spec.event_columns):
        return misaligned_reason(len(fields), spec.header_fields)
    if any(len(f) > MAX_FIELD for f in fields):
        return f"a field is longer than {MAX_FIELD:,} characters"
    if not any(fields[c].strip() for c in spec.value_columns if c < len(fields)):
        return None
    if spec.row_check is not None and (reason := spec.row_check(fields)):
        return reason
    return ""


def _batch(chunk: list[Row], rejected: list[Rejected], spec: WideSpec) -> SampleBatch:
    join = spec.time_text or (lambda fields: " ".join(fields[c].strip() for c in spec.time_columns))
    texts = [join(fields) for _, fields in chunk]
    times = parse_times(texts, spec.layout, spec.zone, spec.now_ms)
    lines: list[int] = []
    channels: list[int] = []
    stamps: list[int] = []
    values: list[float] = []
    for index, (line, fields) in enumerate(chunk):
        if index in times.problems:
            rejected.append(Rejected(line, times.problems[index]))
            continue
        moment = int(times.ms[index])
        for channel, column in enumerate(spec.value_columns):
            text = fields[column] if column < len(fields) else ""  # a trailing field left out
            value = _cell(text, spec, channel, line, rejected)
            if value is not None:
                lines.append(line)
                channels.append(channel)
                stamps.append(moment)
                values.append(value)
    return make_batch(lines, channels, stamps, values, rejected)


def _cell(
    text: str, spec: WideSpec, channel: int, line: int, rejected: list[Rejected]
) -> float | None:
    cell = text.strip()
    if not cell:
        return None
    name = spec.names[channel]
    if cell in spec.missing:
        rejected.append(Rejected(line, f"{name}: {cell} (the logger recorded no value)"))
        return None
    try:
        return parse_number(cell, spec.decimal)
    except ValueError as error:
        if spec.grouping and (plain := ungrouped(cell, spec.decimal)) is not None:
            return parse_number(plain, spec.decimal)
        rejected.append(Rejected(line, f"{name}: {error}"))
        return None


GROUPED = {
    ".": re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"),
    ",": re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$"),
}


def ungrouped(cell: str, decimal: str) -> str | None:
    """``cell`` without its thousands separators ("1,377.8" → "1377.8" with a decimal point),
    or None when it is not written in groups of three. Call it only for a file whose decimal
    separator is seen in use, so that the other one can only be grouping."""
    if not GROUPED[decimal].match(cell):
        return None
    return cell.replace("," if decimal == "." else ".", "")


def decimal_in_use(cells: list[str], decimal: str) -> bool:
    """Whether some value is written with ``decimal`` as its decimal separator ("31.79")."""
    return any(decimal in c and ungrouped(c, decimal) is None for c in cells)


def misaligned(fields: list[str], header_fields: int, event_columns: tuple[int, ...]) -> bool:
    """Whether a row's values have slid out of their columns: a number where the header has a
    logger event ("Host Connected", which holds "Logged" or nothing), or right past the
    header's last column. A decimal comma in a comma-separated file does this ("13,93" becomes
    two fields), and reading such a row by position would store wrong numbers silently. Text
    past the header is HOBOware's details pane ("Series: Temp, °C"), which rides beside rows."""
    if any(c < len(fields) and is_number(fields[c].strip()) for c in event_columns):
        return True
    return 0 < header_fields < len(fields) and is_number(fields[header_fields].strip())


def is_number(text: str, decimal: str = ".") -> bool:
    """Whether ``text`` reads as a number, by the rules of every import (``parse_number``)."""
    if not text:
        return False
    try:
        parse_number(text, decimal)
    except ValueError:
        return False
    return True


def misaligned_reason(count: int, header_fields: int) -> str:
    return (
        f"the row has {count} fields where the header names {header_fields}: its values do not "
        "line up with the columns (decimal commas in a comma-separated file?), so none was read"
    )
