"""The rows of a generic table, a block at a time: streamed by pyarrow as text, and each block
turned into one ``SampleBatch`` (devices, times and numbers parsed on the whole block at once;
only rejected rows are looked at one by one). ``core.importing.generic`` reads the header and
makes the ``Plan``; ``core.importing.xlsx`` feeds its sheets' rows through ``read_block`` too.
"""

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import tzinfo

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from core.importing.options import Source
from core.importing.parsed import Channel, ImportFileError, Rejected, SampleBatch
from core.importing.textfile import MAX_FIELD, CountingReader
from core.importing.timelayout import TimeLayout
from core.importing.timeparse import parse_times
from core.importing.wide import GROUPED
from core.validation import MAX_LENGTHS, formula_unquoted, parse_number, typed_or_none

BLOCK_BYTES = 1 << 24  # ~250k rows a batch: longer sorted runs into the index (T1)
_PLAIN_NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_TEXT_LIMITS = {
    "unit": MAX_LENGTHS["unit"],
    "operator": MAX_LENGTHS["operator"],
    "note": MAX_LENGTHS["note"],
}


@dataclass(frozen=True)
class Plan:
    """How to read the rows: the columns of each role, separators, layout, zone."""

    columns: dict[str, int]
    width: int  # fields in the header
    delimiter: str
    decimal: str
    layout: TimeLayout
    zone: tzinfo | None
    now_ms: int
    grouping: bool = False  # "1,377.8": thousands grouped, in a file whose decimal is in use


# --- streaming -------------------------------------------------------------------------------


class _Invalid:
    """Rows pyarrow could not split into the header's fields (ragged rows)."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.lines: dict[int, str] = {}

    def __call__(self, row: pcsv.InvalidRow) -> str:
        if row.number is not None:
            self.lines[row.number] = (
                f"the row has {row.actual_columns} fields where the header has {self.width}"
            )
        return "skip"


def stream_rows(
    source: Source, plan: Plan, only: list[int] | None = None
) -> tuple["_Reader", Callable[[], int]]:
    raw = CountingReader(source.path)
    handle = io.BufferedReader(raw, 1 << 16)
    wanted = sorted(set(plan.columns.values())) if only is None else only
    names = [f"c{i}" for i in range(plan.width)]
    invalid = _Invalid(plan.width)
    encoding = "utf8" if source.encoding in {"utf-8", "utf-8-sig"} else source.encoding
    try:
        reader = pcsv.open_csv(
            handle,
            read_options=pcsv.ReadOptions(
                column_names=names,
                skip_rows=1,
                encoding=encoding,
                block_size=BLOCK_BYTES,
                use_threads=False,
            ),
            parse_options=pcsv.ParseOptions(
                delimiter=plan.delimiter,
                newlines_in_values=True,
                ignore_empty_lines=True,
                invalid_row_handler=invalid,
            ),
            convert_options=pcsv.ConvertOptions(
                include_columns=[names[i] for i in wanted],
                column_types={names[i]: pa.string() for i in wanted},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
        handle.close()
        raise ImportFileError(source.path, f"cannot be read: {_arrow_reason(error)}") from None
    return _Reader(source, reader, handle, invalid), lambda: raw.consumed


def _arrow_reason(error: Exception) -> str:
    text = str(error)
    if "UTF8" in text or "utf8" in text or "UTF-8" in text:
        return "bytes that are not valid UTF-8; choose the file's encoding (--encoding cp1252)"
    return text.splitlines()[0][:200]


class _Reader:
    """pyarrow's batches, with line numbers and pyarrow's errors as ImportFileError."""

    def __init__(
        self,
        source: Source,
        reader: pcsv.CSVStreamingReader,
        handle: "io.BufferedReader[CountingReader]",
        invalid: _Invalid,
    ) -> None:
        self.source, self.reader, self.handle, self.invalid = source, reader, handle, invalid
        self.next_line = 2

    def __iter__(self) -> Iterator[tuple[pa.RecordBatch, npt.NDArray[np.int64], list[Rejected]]]:
        try:
            while True:
                try:
                    batch = self.reader.read_next_batch()
                except StopIteration:
                    break
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError) as error:
                    raise ImportFileError(
                        self.source.path, f"cannot be read: {_arrow_reason(error)}", self.next_line
                    ) from None
                yield batch, *self._lines(batch.num_rows)
        finally:
            self.handle.close()

    def _lines(self, count: int) -> tuple[npt.NDArray[np.int64], list[Rejected]]:
        bad = self.invalid.lines
        if not bad:
            lines = np.arange(self.next_line, self.next_line + count, dtype=np.int64)
            self.next_line += count
            return lines, []
        span = np.arange(self.next_line, self.next_line + count + len(bad), dtype=np.int64)
        keep = ~np.isin(span, np.fromiter(bad, np.int64))
        lines = span[keep][:count]
        last = int(lines[-1]) if count else self.next_line - 1
        rejected = [Rejected(n, why) for n, why in sorted(bad.items()) if n <= last]
        for bad_line in rejected:
            del bad[bad_line.line]
        self.next_line = max(last, *(r.line for r in rejected), self.next_line - 1) + 1
        return lines, rejected


def scan_channels(source: Source, plan: Plan) -> tuple[list[Channel], dict[str, int]]:
    """Every distinct (serial, name) of the file, read from the device columns only."""
    roles = [r for r in ("device_serial", "device_name") if r in plan.columns]
    reader, _ = stream_rows(source, plan, sorted({plan.columns[r] for r in roles}))
    found: dict[str, int] = {}
    channels: list[Channel] = []
    for batch, _, _ in reader:
        for serial, name in _device_pairs(batch, plan):
            key = channel_key(serial, name)
            if key and key not in found:
                found[key] = len(channels)
                channels.append(Channel(key, name or serial, "", serial or None, None, key))
    return channels, found


def _device_pairs(batch: pa.RecordBatch, plan: Plan) -> list[tuple[str, str]]:
    def column(role: str) -> pa.Array:
        if role not in plan.columns:
            return pa.array([""] * batch.num_rows, pa.string())
        return batch.column(f"c{plan.columns[role]}")

    table = pa.table({"s": column("device_serial"), "n": column("device_name")})
    unique = table.group_by(["s", "n"], use_threads=False).aggregate([])
    serials, names = unique.column("s").to_pylist(), unique.column("n").to_pylist()
    return [(_cell(s), _cell(n)) for s, n in zip(serials, names, strict=True)]


def _cell(text: str, role: str = "") -> str:
    """A text cell as FieldLog stores it (``core.validation.clean_text``'s rule: a note as
    written, anything else without the spaces at its ends, whitespace alone empty), and
    without the apostrophe an export puts before a formula-looking start (``formula_safe``)."""
    kept = typed_or_none(text, role)
    return "" if kept is None else formula_unquoted(kept)


cell_text = _cell  # for the workbook reader, which finds channels in cells of its own


def channel_key(serial: str, name: str) -> str:
    if len(serial) > MAX_LENGTHS["serial_number"] or len(name) > MAX_LENGTHS["name"]:
        return ""
    if serial and name:
        return f"{name} (S/N {serial})"
    return f"S/N {serial}" if serial else name


# --- one block -------------------------------------------------------------------------------


def sample_batches(reader: _Reader, plan: Plan, keys: dict[str, int]) -> Iterator[SampleBatch]:
    for batch, lines, rejected in reader:
        yield read_block(batch_columns(batch, plan), lines, rejected, plan, keys)


def batch_columns(batch: pa.RecordBatch, plan: Plan) -> dict[str, pa.Array]:
    return {role: batch.column(f"c{index}") for role, index in plan.columns.items()}


def read_block(
    columns: dict[str, pa.Array],
    lines: npt.NDArray[np.int64],
    rejected: list[Rejected],
    plan: Plan,
    keys: dict[str, int],
) -> SampleBatch:
    """One block of rows as a SampleBatch: every check vectorised, reasons only for bad rows."""
    count = len(lines)
    problems: dict[int, str] = {}
    _check_lengths(columns, problems)
    channel = _channels_of(columns, keys, count, problems)
    values = _values(columns["value"], plan.decimal, problems, plan.grouping)
    times = parse_times(_times(columns), plan.layout, plan.zone, plan.now_ms)
    for index, why in times.problems.items():
        problems.setdefault(index, why)
    good = np.ones(count, dtype=bool)
    if problems:
        good[list(problems)] = False
        rejected = rejected + [Rejected(int(lines[i]), why) for i, why in problems.items()]
    mask = pa.array(good)
    return SampleBatch(
        lines[good],
        channel[good],
        times.ms[good],
        values[good],
        _texts(columns, "unit", mask),
        _texts(columns, "operator", mask),
        _texts(columns, "note", mask),
        rejected,
    )


def _check_lengths(columns: dict[str, pa.Array], problems: dict[int, str]) -> None:
    for role, column in columns.items():
        limit = _TEXT_LIMITS.get(role, MAX_FIELD)
        lengths = np.asarray(pc.utf8_length(column).to_numpy(zero_copy_only=False))
        for index in np.flatnonzero(lengths > limit).tolist():
            problems.setdefault(index, f"the {role} is longer than {limit:,} characters")


def _channels_of(
    columns: dict[str, pa.Array], keys: dict[str, int], count: int, problems: dict[int, str]
) -> npt.NDArray[np.int64]:
    """Each row's channel index: the (serial, name) pairs are looked up once per distinct pair."""

    def column(role: str) -> pa.Array:
        return columns[role] if role in columns else pa.array([""] * count, pa.string())

    joined = pc.binary_join_element_wise(column("device_serial"), column("device_name"), "\x1f")
    encoded = pc.dictionary_encode(joined)
    pairs = [p.split("\x1f", 1) for p in encoded.dictionary.to_pylist()]
    cells = [(_cell(serial), _cell(name)) for serial, name in pairs]
    lookup = [keys.get(channel_key(serial, name), -1) for serial, name in cells]
    indices = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    channel = np.asarray(lookup, dtype=np.int64)[indices]
    for index in np.flatnonzero(channel < 0).tolist():
        problems.setdefault(index, _no_device(*cells[indices[index]]))
    return channel


def _no_device(serial: str, name: str) -> str:
    if len(serial) > MAX_LENGTHS["serial_number"]:
        return f"the serial number is longer than {MAX_LENGTHS['serial_number']} characters"
    if len(name) > MAX_LENGTHS["name"]:
        return f"the device name is longer than {MAX_LENGTHS['name']} characters"
    return "no device: the serial and device name are empty"


def _values(
    column: pa.Array, decimal: str, problems: dict[int, str], grouping: bool = False
) -> npt.NDArray[np.float64]:
    """Numbers as parse_number reads them, vectorised; NaN marks a rejected row. With
    ``grouping``, values written in groups of three ("1,377.8") lose the grouping first."""
    text = pc.utf8_trim_whitespace(column)
    other = "," if decimal == "." else "."
    if grouping and pc.any(pc.match_substring(text, other)).as_py():  # a cheap scan first
        grouped = pc.match_substring_regex(text, GROUPED[decimal].pattern)
        text = pc.if_else(grouped, pc.replace_substring(text, other, ""), text)
    if decimal == ",":
        text = pc.if_else(pc.match_substring(text, "."), "x", pc.replace_substring(text, ",", "."))
    try:
        values = pc.cast(text, pa.float64())  # fails as a whole on any row that is not a number
    except pa.ArrowInvalid:
        plain = pc.match_substring_regex(text, _PLAIN_NUMBER)
        values = pc.cast(pc.if_else(plain, text, "nan"), pa.float64())
    numbers = np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)
    if pc.any(pc.match_substring(text, "e", ignore_case=True)).as_py():  # 1e-400 reads as 0
        tiny = np.asarray(pc.match_substring_regex(text, r"[1-9][0-9.]*[eE]-"), dtype=bool)
        numbers = np.where((numbers == 0) & tiny, np.nan, numbers)
    for index in np.flatnonzero(~np.isfinite(numbers)).tolist():
        problems.setdefault(index, _value_reason(column[index].as_py(), decimal))
    return numbers


def _value_reason(text: str, decimal: str) -> str:
    try:
        parse_number(text, decimal)
    except ValueError as error:
        return str(error) if text.strip() else "no value"
    return f"{text!r} is not a number"


def _times(columns: dict[str, pa.Array]) -> pa.Array:
    if "date" not in columns:
        return columns["time"]
    return pc.binary_join_element_wise(columns["date"], columns["time"], " ")


def _texts(columns: dict[str, pa.Array], role: str, mask: pa.Array) -> list[str | None] | None:
    """A text column as a list (None for blanks), or None when every kept row is blank."""
    if role not in columns:
        return None
    encoded = pc.dictionary_encode(pc.filter(columns[role], mask))
    words = [_cell(w, role) or None for w in encoded.dictionary.to_pylist()]
    if not any(words):
        return None
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    return np.array(words, dtype=object)[indices].tolist()  # type: ignore[no-any-return]
