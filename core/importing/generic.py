"""Generic delimited files (FieldLog's own export among them): a column mapping and pyarrow.

Each row is one reading: a device (serial and/or name), a time (or a date and a time column),
a value, and optionally a unit, operator and note. Each distinct (serial, name) is a channel;
the channels are collected by a first, cheap pass over the device columns only, because the
import service needs them all before the first sample.

The rows are read by pyarrow's streaming CSV reader as text, and numbers and times are parsed
on whole blocks at once (``timeparse``); only rejected rows are looked at one by one. A value
with the other decimal separator ("1,5" in a "." file) is rejected, never read as 15 or 1.5.
Thousands grouped in threes ("1,377.8", "1,500") are read only where the file's decimal point
is seen in use ("2.5"), so that the comma can only be grouping; elsewhere "1,500" is
ambiguous and the file asks for --decimal. A line number is the row's record number plus the
header line, which is the physical line unless a quoted field spans lines.
"""

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import tzinfo

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from core.importing.batches import BatchedFile, SampleBatch, records_of
from core.importing.options import NEEDS_ZONE, ROLES, SYNONYMS, Source
from core.importing.records import Channel, ImportFileError, Rejected
from core.importing.textfile import MAX_FIELD, CountingReader
from core.importing.timeparse import (
    TimeLayout,
    detect_layout,
    parse_times,
    samples_have_zone,
    zone_label,
)
from core.importing.wide import GROUPED, LOOK_AHEAD, csv_rows, decimal_in_use, ungrouped
from core.validation import MAX_LENGTHS, formula_unquoted, parse_number

PREVIEW = 20
BLOCK_BYTES = 1 << 24  # ~250k rows a batch: longer sorted runs into the index (T1)
_PLAIN_NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")
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


def sniff_delimiter(lines: list[str]) -> str:
    """The separator that splits the first lines into the same, largest number of fields."""
    best, best_score = ",", (0, 0)
    for candidate in (",", ";", "\t", "|"):
        counts = [len(r) for r in csv.reader(lines[:20], delimiter=candidate)]
        if not counts or counts[0] < 2:
            continue
        score = (sum(c == counts[0] for c in counts), counts[0])
        if score > best_score:
            best, best_score = candidate, score
    return best


def map_columns(source: Source, header: list[str]) -> dict[str, int]:
    """Role -> column index, from the user's mapping or from header names."""
    names = [h.strip().lower() for h in header]
    mapping = source.options.mapping
    wanted = (
        {role: [mapping[role].strip().lower()] for role in mapping if mapping[role]}
        if mapping
        else {role: list(SYNONYMS[role]) for role in ROLES}
    )
    columns: dict[str, int] = {}
    for role, choices in wanted.items():
        if role not in ROLES:
            raise source.fail(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
        found = next((c for c in choices if c in names), None)
        if found is None:
            if mapping:
                raise source.fail(f"no column named {mapping[role]!r} for {role}")
            continue
        if names.count(found) > 1:
            raise source.fail(
                f"the column {found!r} appears {names.count(found)} times; "
                "rename one so FieldLog knows which to read"
            )
        columns[role] = names.index(found)
    if "time" not in columns and "date" in columns:
        columns["time"] = columns.pop("date")  # one "Date" column holding date and time
    if "time" in columns and "date" in columns and columns["time"] == columns["date"]:
        del columns["date"]
    _require(source, columns)
    return columns


def _require(source: Source, columns: dict[str, int]) -> None:
    missing = []
    if "value" not in columns:
        missing.append("a value column")
    if "time" not in columns:
        missing.append("a time column")
    if "device_serial" not in columns and "device_name" not in columns:
        missing.append("a device or serial column")
    if missing:
        raise source.fail(
            f"line 1 is read as the header, and it names {_none_of(missing)}. FieldLog reads "
            "the logger exports in its format list, and tables with one reading a row (a "
            "device or serial, a time and a value). If this is such a table, say which "
            "column is which (--map value=… --map time=… --map device_serial=…); if it is "
            "a logger's export, choose its format (--format), or export it again as CSV"
        )


def _none_of(missing: list[str]) -> str:
    names = [m.removeprefix("a ") for m in missing]
    if len(names) == 1:
        return f"no {names[0]}"
    return "no " + ", no ".join(names[:-1]) + f" and no {names[-1]}"


def detect_decimal(source: Source, values: list[str], delimiter: str) -> str:
    """ "." or ","; ImportFileError when the values could be read both ways."""
    if source.options.decimal:
        if source.options.decimal not in {".", ","}:
            raise source.fail("the decimal separator must be '.' or ','")
        return source.options.decimal
    cells = [v.strip() for v in values if v.strip()]
    commas = [c for c in cells if "," in c]
    if not commas or delimiter == ",":  # a comma-separated file writes decimal points
        return "."
    if any("." in c for c in cells):
        if any(ungrouped(c, ".") is not None for c in commas) and decimal_in_use(cells, "."):
            return "."  # "1,377.8" beside "2.5": a comma can only group thousands ("1,40",
            # not in threes, is then refused on its own row)
        raise source.fail(
            "the values use both '.' and ','; choose the decimal separator "
            "(--decimal . or --decimal ,)"
        )
    if all(_THOUSANDS.match(c) for c in commas):
        raise source.fail(
            f"a value such as {commas[0]!r} could be a decimal comma or a "
            "thousands separator; choose the decimal separator (--decimal)"
        )
    return ","


def time_texts(rows: list[list[str]], columns: dict[str, int]) -> list[str]:
    return [time_text(r, columns) for r in rows]


def time_text(row: list[str], columns: dict[str, int]) -> str:
    parts = [columns["date"]] if "date" in columns else []
    return " ".join(row[c].strip() for c in [*parts, columns["time"]] if c < len(row))


def plan_for(source: Source, header: list[str], data: list[list[str]], delimiter: str) -> Plan:
    columns = map_columns(source, header)
    texts = [t for t in time_texts(data, columns) if t]

    def every_time() -> Iterator[str]:  # the whole column, when its first rows leave it open
        rows, _ = csv_rows(source.path, source.encoding, delimiter, 1)
        return (time_text(fields, columns) for _, fields in rows)

    try:
        layout = detect_layout(texts[:LOOK_AHEAD], source.options.date_format, every_time)
    except ValueError as error:
        raise source.no_layout(error) from None
    zone = source.zone
    if zone is None and not samples_have_zone(texts[:LOOK_AHEAD]):
        raise source.fail(NEEDS_ZONE)
    values = [r[columns["value"]] for r in data if columns["value"] < len(r)]
    decimal = detect_decimal(source, values, delimiter)
    grouping = decimal_in_use([v.strip() for v in values], decimal)
    return Plan(columns, len(header), delimiter, decimal, layout, zone, source.now_ms, grouping)


def open_generic(source: Source) -> BatchedFile:
    lines = source.text.splitlines()
    delimiter = source.options.delimiter or sniff_delimiter(lines)
    rows = list(csv.reader(lines[: LOOK_AHEAD + 1], delimiter=delimiter))
    if not rows or len(rows[0]) < 2:
        first = lines[0].strip()[:60] if lines else ""
        raise source.fail(
            f"line 1 ({first!r}) is not a header line: the file begins with something other "
            "than a table, such as a block of logger settings. Choose the logger's format "
            "(--format); if it is a table, choose its delimiter (--delimiter)"
        )
    plan = plan_for(source, rows[0], rows[1:], delimiter)
    channels, keys = scan_channels(source, plan)
    reader, position = _stream(source, plan)
    batches = _batches(reader, plan, keys)
    description = (
        f"CSV file, {_delimiter_name(delimiter)}-separated, decimal {plan.decimal!r}, "
        f"dates {plan.layout.description}"
    )
    zone = zone_label(plan.zone) if plan.zone else "the offsets in the file"
    return BatchedFile(
        source.path,
        "csv",
        description,
        channels,
        records_of(batches),
        rows[:PREVIEW],
        zone,
        source.size,
        position,
        batches,
    )


def _delimiter_name(delimiter: str) -> str:
    return {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}.get(delimiter, delimiter)


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


def _stream(
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
    reader, _ = _stream(source, plan, sorted({plan.columns[r] for r in roles}))
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


def _cell(text: str) -> str:
    """A text cell as FieldLog stores it: trimmed, and without the apostrophe an export puts
    before a formula-looking start (``core.validation.formula_safe``)."""
    return formula_unquoted(text.strip())


def channel_key(serial: str, name: str) -> str:
    if len(serial) > MAX_LENGTHS["serial_number"] or len(name) > MAX_LENGTHS["name"]:
        return ""
    if serial and name:
        return f"{name} (S/N {serial})"
    return f"S/N {serial}" if serial else name


# --- one block -------------------------------------------------------------------------------


def _batches(reader: _Reader, plan: Plan, keys: dict[str, int]) -> Iterator[SampleBatch]:
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
    words = [_cell(w) or None for w in encoded.dictionary.to_pylist()]
    if not any(words):
        return None
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    return np.array(words, dtype=object)[indices].tolist()  # type: ignore[no-any-return]
