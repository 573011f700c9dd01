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

from core.importing.batches import BatchedFile
from core.importing.loggers import LOOK_AHEAD, PREVIEW, build, zone_or_fail
from core.importing.options import Source
from core.importing.records import Channel
from core.importing.textfile import decode_failure, open_text
from core.importing.timeparse import TimeLayout, detect_layout, layout_for
from core.importing.units import usual_unit
from core.importing.wide import Row, WideSpec, csv_rows, peek_rows, wide_batches

_EXO_DATE = re.compile(r"^Date \((?P<order>[MDY/]+)\)$")
_BARE_UNITS = frozenset({"°C", "°F", "mmHg", "FNU", "NTU", "m", "ft", "psi", "psia", "mbar"})
_ORDER = re.compile(r"^(?P<a>[mdyMDY])/(?P<b>[mdyMDY])/(?P<c>[mdyMDY])$")
_HEADER_WITHIN = 40


def looks_like_exo(text: str) -> bool:
    head = text[:3000]
    return "KorEXO" in head or ("sep=," in head[:10] and "Model, Submodel, S/N" in head)


def looks_like_ecowatch(text: str) -> bool:
    return _ecowatch_header(text.splitlines()[:_HEADER_WITHIN]) is not None


# --- KorEXO and the EXO handheld -------------------------------------------------------------


def open_exo(source: Source) -> BatchedFile:
    head = peek_rows(source.text, ",", _HEADER_WITHIN + LOOK_AHEAD)
    at = next((i for i, r in enumerate(head[:_HEADER_WITHIN])
               if r and r[0].strip().startswith("Date") and len(r) > 2), None)  # fmt: skip
    if at is None:
        raise source.fail("no 'Date,Time,…' header in this EXO export; export it again as CSV")
    header = [c.strip() for c in head[at]]
    data = [r for r in head[at + 1 :] if any(c.strip() for c in r)]
    if not data:
        raise source.fail("the EXO export has a header but no readings")
    date, time = 0, 1
    fraction = next((i for i, c in enumerate(header) if "Fract" in c), None)
    skip = {date, time, fraction}
    columns = tuple(i for i, c in enumerate(header) if i not in skip and c
                    and _numeric_column(data, i))  # fmt: skip
    serials = _sensor_serials(head[:at])
    sonde = _sonde_serial(head[:at])
    channels = [_exo_channel(header[c], serials.get(c) or sonde) for c in columns]
    zone = zone_or_fail(source)
    joined = _exo_time(date, time, fraction)
    stated = _EXO_DATE.match(header[date])
    layout = _layout(source, [joined(r) for r in data],
                     _order_of(stated.group("order")) if stated else None)  # fmt: skip
    spec = WideSpec((date, time), columns, tuple(header[c] for c in columns), layout, zone,
                    source.now_ms, min_fields=max(columns) + 1, time_text=joined)  # fmt: skip
    rows, position = csv_rows(source.path, source.encoding, ",", at + 1)
    kind = "KorEXO export" if "KorEXO" in source.text[:3000] else "EXO handheld file"
    description = f"YSI {kind}; logger time; dates read as {layout.description}"
    return build(source, "exo", description, channels, wide_batches(rows, spec),
                 head[:PREVIEW], zone, position)  # fmt: skip


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
        if part and part.replace(".", "", 1).isdigit() and float(part):
            return f"{moment}.{part.partition('.')[2] or '0'}"
        return moment

    return text


def _at(fields: list[str], column: int) -> str:
    return fields[column].strip() if column < len(fields) else ""


def _exo_channel(column: str, serial: str | None) -> Channel:
    quantity, unit = split_name(column)
    owner = f"YSI {serial} " if serial else "YSI "
    return Channel(column, f"{owner}{quantity}", usual_unit(unit, quantity), serial, quantity,
                   column)  # fmt: skip


def split_name(name: str) -> tuple[str, str]:
    """(parameter, unit) of an EXO column: "ODO % sat" → ("ODO", "% sat"), "Temp °C" →
    ("Temp", "°C"), "SPC-uS/cm" → ("SPC", "uS/cm"), "°C" → ("Temp", "°C"), "pH" → ("pH", "")."""
    text = " ".join(name.split())
    if "%" in text:
        before, _, after = text.partition("%")
        return before.strip() or text, ("%" + after).strip()
    if " " in text:
        quantity, _, unit = text.rpartition(" ")
        return quantity, unit
    if "-" in text and "/" in text.rpartition("-")[2]:
        quantity, _, unit = text.rpartition("-")
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


def open_ecowatch(source: Source) -> BatchedFile:
    lines = source.text.splitlines()
    at = _ecowatch_header(lines[:_HEADER_WITHIN])
    if at is None:
        raise source.fail("no line of names and units ('M/D/Y', 'hh:mm:ss', …) in this file")
    names, units = _split(lines[at]), _split(lines[at + 1])
    comma = "," in lines[at]
    skip = at + 2 + (1 if lines[at + 2].lstrip('"').startswith("-") else 0)
    data = [_split(ln) for ln in lines[skip : skip + LOOK_AHEAD] if ln.strip()]
    if not data:
        raise source.fail("the EcoWatch export has a header but no readings")
    columns = tuple(range(2, len(names)))
    channels = [_ecowatch_channel(names[c], units[c] if c < len(units) else "") for c in columns]
    zone = zone_or_fail(source)
    order, _ = _order_of(units[0])
    year_at = order.index("Y")
    year_digits = "4" if len(data[0][0].split("/")[year_at]) == 4 else "2"
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


def _ecowatch_channel(name: str, unit: str) -> Channel:
    name = name.strip()
    return Channel(name, f"YSI {name}", usual_unit(unit, name), None, name, name)


def _spaced_rows(source: Source, skip: int) -> tuple[Iterator[Row], Callable[[], int]]:
    """(line, fields) of columns aligned with spaces, after ``skip`` lines."""
    text, position = open_text(source.path, source.encoding)

    def rows() -> Iterator[Row]:
        line = 0
        try:
            for line, content in enumerate(text, start=1):
                if line > skip:
                    yield line, content.split()
        except UnicodeDecodeError:
            raise decode_failure(source.path, source.encoding, line) from None
        finally:
            text.close()

    return rows(), position


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
