"""Generic delimited files (FieldLog's own export among them): a column mapping and pyarrow.

Each row is one reading: a device (serial and/or name), a time (or a date and a time column),
a value, and optionally a unit, operator and note. Each distinct (serial, name) is a channel;
the channels are collected by a first, cheap pass over the device columns only, because the
import service needs them all before the first sample.

The rows are read by pyarrow's streaming CSV reader as text, and numbers and times are parsed
on whole blocks at once (``core.importing.generic_blocks``); only rejected rows are looked at
one by one. A value
with the other decimal separator ("1,5" in a "." file) is rejected, never read as 15 or 1.5.
Thousands grouped in threes ("1,377.8", "1,500") are read only where the file's decimal point
is seen in use ("2.5"), so that the comma can only be grouping; elsewhere "1,500" is
ambiguous and the file asks for --decimal. A line number is the row's record number plus the
header line, which is the physical line unless a quoted field spans lines.
"""

import csv
import re
from collections.abc import Iterator

from core.importing.generic_blocks import Plan, sample_batches, scan_channels, stream_rows
from core.importing.options import NEEDS_ZONE, ROLES, SYNONYMS, Source
from core.importing.parsed import ParsedFile
from core.importing.timelayout import detect_layout, samples_have_zone
from core.importing.wide import LOOK_AHEAD, csv_rows, decimal_in_use, ungrouped
from core.importing.zones import zone_label

PREVIEW = 20
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")


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


def open_generic(source: Source) -> ParsedFile:
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
    reader, position = stream_rows(source, plan)
    batches = sample_batches(reader, plan, keys)
    description = (
        f"CSV file, {_delimiter_name(delimiter)}-separated, decimal {plan.decimal!r}, "
        f"dates {plan.layout.description}"
    )
    zone = zone_label(plan.zone) if plan.zone else "the offsets in the file"
    return ParsedFile(
        source.path,
        "csv",
        description,
        channels,
        batches,
        rows[:PREVIEW],
        zone,
        source.size,
        position,
    )


def _delimiter_name(delimiter: str) -> str:
    return {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}.get(delimiter, delimiter)
