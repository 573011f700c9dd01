"""YSI sonde exports: KorEXO and the EXO handheld (EXO sondes), and EcoWatch (6-series).

KorEXO (and the EXO handheld) write UTF-16 CSV with an Excel hint ``sep=,`` first, lines of
file information (KorEXO: the mean, deviation and serial number of each column's sensor,
aligned with the data columns; the handheld: a table of its sensors), then the header. Each
column names its parameter and unit together, "ODO mg/L", "Temp °C", "ODO % sat",
"SPC-uS/cm", "pH"; KorEXO names the date order too: "Date (MM/DD/YYYY)".

EcoWatch writes a line of names and, under it, a line of units whose first two say how the
date and time are written ("M/D/Y", "y/m/d"; "hh:mm:ss"), as CSV or as columns aligned with
spaces, often between lines of "=====" and "-----".

The date order a file states is used as stated; neither says which zone its clock kept.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from core.importing.common import PREVIEW, build, zone_or_fail
from core.importing.options import Source
from core.importing.parsed import Channel, ParsedFile
from core.importing.timelayout import TimeLayout, detect_layout, layout_for
from core.importing.units import usual_unit
from core.importing.wide import LOOK_AHEAD, Row, WideSpec, csv_rows, text_lines, wide_batches

_EXO_DATE = re.compile(r"^Date \((?P<order>[MDY/]+)\)$")
_DASHED_UNITS = frozenset({"PSU", "PPT", "FNU", "NTU", "RFU", "QSU", "MV", "V"})
_BARE_UNITS = frozenset({"°C", "°F", "mmHg", "FNU", "NTU", "m", "ft", "psi", "psia", "mbar"})
_ORDER = re.compile(r"^(?P<a>[mdyMDY])/(?P<b>[mdyMDY])/(?P<c>[mdyMDY])$")
_HEADER_WITHIN = 40


def looks_like_exo(text: str) -> bool:
    head = text[:3000]
    marks = ("Model, Submodel, S/N", "Unit ID,User ID")  # the handheld; KorEXO with no summary
    return "KorEXO" in head or ("sep=," in head[:10] and any(m in head for m in marks))


def looks_like_ecowatch(text: str) -> bool:
    return _ecowatch_header(text.splitlines()[:_HEADER_WITHIN]) is not None


# --- KorEXO and the EXO handheld -------------------------------------------------------------


_TEXT_COLUMNS = frozenset({"Site Name", "Site", "Unit ID", "User ID"})
_SERIAL_SUFFIX = re.compile(r"^(?P<name>.+)-(?P<serial>\d{2}[A-Z]\d{6})$")  # "°C-16L100552"


@dataclass
class _Block:
    """One header of an EXO file and what its columns become: KorEXO writes one header per
    data file it exports, and a file may hold several, alike or not."""

    header: list[str]
    fraction: int | None
    columns: list[int]  # the header's reading columns
    first: int = 0  # where its channels start among all the file's channels


def open_exo(source: Source) -> ParsedFile:
    """KorEXO and the EXO handheld. The whole file is scanned once for its headers: each
    different header adds its own channels, a repeated one (one block per spot sample) reads
    into the same; a row is read with the header above it, never with another's."""
    blocks, serials, sonde, data = _exo_layout(source)
    if not blocks:
        raise source.fail("no 'Date,Time,…' header in this EXO export; export it again as CSV")
    if not data:
        raise source.fail("the EXO export has a header but no readings")
    channels: list[Channel] = []
    for block, at in blocks.values():
        block.first = len(channels)
        line_serials = serials.get(at, {})
        for c in block.columns:
            name, own = _serial_of(block.header[c])
            channels.append(
                _exo_channel(block.header[c], name, line_serials.get(c) or own or sonde)
            )
    channels = _unique_keys(channels)
    zone = zone_or_fail(source)
    unified = _unifier(blocks, len(channels))
    joined = _exo_time(0, 1, 2)
    first_header = next(iter(blocks.values()))[0].header
    stated = _EXO_DATE.match(first_header[0])
    layout = _layout(source, [joined(r) for r in data],
                     _order_of(stated.group("order")) if stated else None)  # fmt: skip
    columns = tuple(range(3, 3 + len(channels)))
    spec = WideSpec((0, 1), columns, tuple(c.column or c.key for c in channels), layout, zone,
                    source.now_ms, time_text=joined)  # fmt: skip
    rows, position = csv_rows(source.path, source.encoding, ",", 0)
    kind = "KorEXO export" if "KorEXO" in source.text[:3000] else "EXO handheld file"
    many = f", {len(blocks)} headers" if len(blocks) > 1 else ""
    description = f"YSI {kind}{many}; logger time; dates read as {layout.description}"
    return build(source, "exo", description, channels,
                 wide_batches(((line, unified(f)) for line, f in rows), spec),
                 [first_header, *data[:PREVIEW]], zone, position)  # fmt: skip


def _exo_layout(
    source: Source,
) -> tuple[dict[tuple[str, ...], tuple[_Block, int]], dict[int, dict[int, str]], str | None,
           list[list[str]]]:  # fmt: skip
    """The file's headers (by their text, each with the line it first appears on), the
    sensor serials above each header, the sonde's serial, and the first data rows."""
    blocks: dict[tuple[str, ...], tuple[_Block, int]] = {}
    serials: dict[int, dict[int, str]] = {}
    above: dict[int, str] = {}
    preamble: list[list[str]] = []
    data: list[list[str]] = []
    rows, _ = csv_rows(source.path, source.encoding, ",", 0)
    for line, fields in rows:
        if _is_exo_header(fields):
            key = tuple(c.strip() for c in fields)
            if key not in blocks:
                blocks[key] = (_exo_block(list(key)), line)
                serials[line] = above
            above = {}
        elif (found := _sensor_serials([fields])) or not blocks:
            above = found or above
            preamble.append(fields)
        elif _is_exo_row(fields) and len(data) < LOOK_AHEAD:
            data.append(_cells(blocks[key][0], fields, 0, full=False))
    return blocks, serials, _sonde_serial(preamble), data


def _is_exo_header(fields: list[str]) -> bool:
    return len(fields) > 2 and fields[0].strip().startswith("Date") and "Time" in fields[1]


def _is_exo_row(fields: list[str]) -> bool:
    return bool(fields) and fields[0][:1].isdigit()


def _exo_block(header: list[str]) -> _Block:
    fraction = next((i for i, c in enumerate(header) if "Fract" in c), None)
    columns = [i for i, c in enumerate(header)
               if i > 1 and i != fraction and c and c not in _TEXT_COLUMNS]  # fmt: skip
    return _Block(header, fraction, columns)


def _unifier(
    blocks: dict[tuple[str, ...], tuple[_Block, int]], width: int
) -> Callable[[list[str]], list[str]]:
    """Turns a row into [date, time, fraction, one cell per channel of the whole file], read
    with the header above it; header and summary lines become empty rows (skipped)."""
    current: list[_Block | None] = [None]

    def unified(fields: list[str]) -> list[str]:
        if _is_exo_header(fields):
            current[0] = blocks[tuple(c.strip() for c in fields)][0]
            return []
        block = current[0]
        if block is None or not _is_exo_row(fields):
            return []
        return _cells(block, fields, width)

    return unified


def _cells(block: _Block, fields: list[str], width: int, full: bool = True) -> list[str]:
    """[date, time, fraction, then the block's readings at its channels' places among the
    ``width`` of the whole file] (``full=False``: only the block's own)."""
    first = block.first if full else 0
    cells = [""] * (3 + (width if full else len(block.columns)))
    cells[0], cells[1] = fields[0], fields[1] if len(fields) > 1 else ""
    if block.fraction is not None and block.fraction < len(fields):
        cells[2] = fields[block.fraction]
    for offset, column in enumerate(block.columns):
        if column < len(fields):
            cells[3 + first + offset] = fields[column]
    return cells


def _serial_of(column: str) -> tuple[str, str | None]:
    """("°C", "16L100552") from KorEXO's "°C-16L100552"; (column, None) otherwise."""
    found = _SERIAL_SUFFIX.match(column.strip())
    return (found.group("name"), found.group("serial")) if found else (column, None)


def _unique_keys(channels: list[Channel]) -> list[Channel]:
    """Columns named alike (six CT sensors each give "Sal psu") are told apart by serial,
    then by their place."""
    keys = [c.key for c in channels]
    keys = [f"{k} {c.serial}" if keys.count(k) > 1 and c.serial else k
            for k, c in zip(keys, channels, strict=True)]  # fmt: skip
    keys = [f"{k} #{i + 1}" if keys.count(k) > 1 else k for i, k in enumerate(keys)]
    return [Channel(k, c.name, c.unit, c.serial, c.quantity, c.column)
            for k, c in zip(keys, channels, strict=True)]  # fmt: skip


def _numeric_column(data: list[list[str]], column: int) -> bool:
    """A reading's column: numbers in it (a sensor with no value yet, such as "Site Name" or
    a probe not fitted, has none)."""
    cells = [r[column].strip() for r in data if column < len(r) and r[column].strip()]
    return any(any(ch.isdigit() for ch in c) for c in cells)


def _sensor_serials(lines: list[list[str]]) -> dict[int, str]:
    """KorEXO's ",,,SENSOR SERIAL NUMBER:,18L109169,…": the serial of each column's sensor."""
    for row in lines:
        label = next((i for i, c in enumerate(row) if c.strip() == "SENSOR SERIAL NUMBER:"), None)
        if label is not None:
            return {i: c.strip() for i, c in enumerate(row) if i > label and c.strip()}
    return {}


def _sonde_serial(lines: list[list[str]]) -> str | None:
    """The handheld's table "Model, Submodel, S/N, …": the sonde's row."""
    for row in lines:
        if len(row) > 2 and "Sonde" in row[0]:
            return row[2].strip() or None
    return None


def _exo_time(date: int, time: int, fraction: int | None) -> Callable[[list[str]], str]:
    def text(fields: list[str]) -> str:
        moment = f"{_at(fields, date)} {_at(fields, time)}"
        part = _at(fields, fraction) if fraction is not None else ""
        digits = part.replace(".", "", 1)
        if digits.isascii() and digits.isdigit() and float(part):  # not "²": float() refuses it
            return f"{moment}.{part.partition('.')[2] or '0'}"
        return moment

    return text


def _at(fields: list[str], column: int) -> str:
    return fields[column].strip() if column < len(fields) else ""


def _exo_channel(column: str, name: str, serial: str | None) -> Channel:
    quantity, unit = split_name(name)
    owner = f"YSI {serial} " if serial else "YSI "
    return Channel(column, f"{owner}{quantity}", usual_unit(unit, quantity), serial, quantity,
                   column)  # fmt: skip


def split_name(name: str) -> tuple[str, str]:
    """(parameter, unit) of an EXO column: "ODO % sat" → ("ODO", "% sat"), "Temp °C" →
    ("Temp", "°C"), "SPC-uS/cm" → ("SPC", "uS/cm"), "SAL-PSU" → ("SAL", "PSU"), "°C" →
    ("Temp", "°C"), "pH" → ("pH", "")."""
    text = " ".join(name.split())
    if "%" in text:
        before, _, after = text.partition("%")
        return before.strip() or text, ("%" + after).strip()
    if " " in text:
        quantity, _, unit = text.rpartition(" ")
        return quantity, unit
    if "-" in text:  # the handheld and summary-less KorEXO: "SPC-uS/cm", "SAL-PSU"
        quantity, _, unit = text.rpartition("-")
        if "/" in unit or unit.upper() in _DASHED_UNITS:
            return quantity, unit
    if text in _BARE_UNITS:
        return ("Temp" if text in ("°C", "°F") else text), text
    return text, ""


# --- EcoWatch ---------------------------------------------------------------------------------


def _ecowatch_header(lines: list[str]) -> int | None:
    """The line of names: the one above a line of units that starts with the date order."""
    for index in range(len(lines) - 1):
        units = _split(lines[index + 1])
        if len(units) > 2 and _ORDER.match(units[0]) and units[1].lower() == "hh:mm:ss":
            return index
    return None


def _split(line: str) -> list[str]:
    if "," in line:
        return [c.strip().strip('"').strip() for c in line.split(",")]
    return line.split()


def open_ecowatch(source: Source) -> ParsedFile:
    lines = source.text.splitlines()
    at = _ecowatch_header(lines[:_HEADER_WITHIN])
    if at is None:
        raise source.fail("no line of names and units ('M/D/Y', 'hh:mm:ss', …) in this file")
    names, units = _split(lines[at]), _split(lines[at + 1])
    comma = "," in lines[at]
    skip = at + 2
    while skip < len(lines) and lines[skip].strip().lstrip('"').startswith("-"):
        skip += 1  # the line of dashes under the units (a copy of it is skipped too)
    data = [_split(ln) for ln in lines[skip : skip + LOOK_AHEAD] if ln.strip()]
    if not data:
        raise source.fail("the EcoWatch export has a header but no readings")
    columns = tuple(range(2, len(names)))
    channels = [_ecowatch_channel(names[c], units[c] if c < len(units) else "") for c in columns]
    zone = zone_or_fail(source)
    order, _ = _order_of(units[0])
    year_digits = _year_digits(source, data, order, units[0], skip)
    layout = _layout(source, [f"{r[0]} {r[1]}" for r in data if len(r) > 1], (order, year_digits))
    spec = WideSpec((0, 1), columns, tuple(names[c] for c in columns), layout, zone,
                    source.now_ms, min_fields=len(names))  # fmt: skip
    if comma:
        rows, position = csv_rows(source.path, source.encoding, ",", skip)
    else:
        rows, position = _spaced_rows(source, skip)
    description = f"YSI EcoWatch export; logger time; dates read as {layout.description}"
    preview = [names, units, *data[:PREVIEW]]
    return build(source, "ecowatch", description, channels, wide_batches(rows, spec), preview,
                 zone, position)  # fmt: skip


def _year_digits(source: Source, data: list[list[str]], order: str, stated: str, skip: int) -> str:
    """How many digits the years of the rows have, from the first row with a date."""
    year_at = order.index("Y")
    for fields in data:
        parts = fields[0].split("/") if fields else []
        if len(parts) == 3 and parts[year_at].strip().isdigit():
            return "4" if len(parts[year_at].strip()) == 4 else "2"
    raise source.fail(
        f"no row from line {skip + 1} on starts with a date written as {stated.strip()!r}, "
        "as the header says: check that the file is a complete EcoWatch export"
    )


def _ecowatch_channel(name: str, unit: str) -> Channel:
    name = name.strip()
    return Channel(name, f"YSI {name}", usual_unit(unit, name), None, name, name)


def _spaced_rows(source: Source, skip: int) -> tuple[Iterator[Row], Callable[[], int]]:
    """(line, fields) of columns aligned with spaces, after ``skip`` lines."""
    lines, position = text_lines(source.path, source.encoding, skip)
    return ((number, text.split()) for number, text in lines), position


def _order_of(stated: str) -> tuple[str, str]:
    """("MDY", "4") from "MM/DD/YYYY"; ("YMD", "2") from "y/m/d" (with the year's digits as
    the rows show them when the file does not say)."""
    parts = stated.split("/")
    order = "".join(p[0].upper() for p in parts)
    year = next(p for p in parts if p[0] in "yY")
    return order, "4" if len(year) == 4 else "2"


def _layout(source: Source, samples: list[str], stated: tuple[str, str] | None) -> TimeLayout:
    """The user's date format, else the order the file states, else one found from the rows."""
    if stated and not source.options.date_format:
        layout = layout_for(stated[0], "/", stated[1])
        return TimeLayout(layout.pattern, f"{layout.description} (as the file states)", layout.iso)
    try:
        return detect_layout(samples, source.options.date_format)
    except ValueError as error:
        raise source.no_layout(error) from None
