"""Onset HOBOware exports: the "defaults", "minimal" and "classic" CSV/TXT layouts.

* Columns: an optional "#" (row number), the time ("Date Time, GMT-07:00", or "Date" and
  "Time, GMT+01:00"), measurement columns ("Temp, °F (LGR S/N: 9724974, SEN S/N: …)",
  "Temp, °F", or classic "Temp (°C)  #9724974") and event columns ("Coupler Detached",
  "Host Connected", "End Of File", …). A column is a channel when its header names a unit
  and its values are numbers; event columns (values "Logged") are not channels. Two columns
  with the same name become "Temp, °F #1" and "Temp, °F #2".
* Time zone: the "GMT±hh:mm" of the time header wins (a fixed offset, HOBOware never applies
  DST); else a "GMT±hh:mm" in the classic "Details" column; else the zone the user chose;
  else ImportFileError.
* Date order: HOBOware writes whatever order its user chose (YY/MM/DD too), so it is decided
  from the rows like any file's (``core.importing.timeparse``); when two orders fit, the
  file asks for the date format.
* Event rows (a time and "Logged", no reading) are skipped silently; units are kept as the
  file writes them (°F stays °F).
"""

import re
from dataclasses import dataclass
from datetime import tzinfo

from core.importing.batches import BatchedFile
from core.importing.loggers import LOOK_AHEAD, PREVIEW, build, time_layout, zone_or_fail
from core.importing.options import Source
from core.importing.records import Channel
from core.importing.timeparse import parse_zone
from core.importing.wide import WideSpec, csv_rows, peek_rows, wide_batches

_GMT = re.compile(r"GMT\s*(?P<offset>[+-]\d{1,2}:?\d{2})")
_SERIALS = re.compile(r"\s*\((?P<inside>[^()]*S/N[^()]*)\)\s*")
_LGR = re.compile(r"LGR S/N:\s*(?P<serial>[^,)]+)")
_CLASSIC = re.compile(r"^(?P<quantity>.+?)\s*\((?P<unit>[^()]*)\)\s*#\s*(?P<serial>\S+)\s*$")
_PLAIN = re.compile(r"^(?P<quantity>[^,]+?)\s*,\s*(?P<unit>[^,]+?)\s*$")
_DETAIL_SERIAL = re.compile(r"Serial Number:\s*(?P<serial>\S+)")
_EVENTS = (
    "Coupler",
    "Host Connected",
    "End Of File",
    "Stopped",
    "Started",
    "Button",
    "Battery",
    "Logged",
)


@dataclass(frozen=True)
class _Header:
    """What the header row says."""

    time_columns: tuple[int, ...]
    offset: str | None  # "-07:00" from "GMT-07:00"
    measurements: list[tuple[int, str, str, str | None]]  # column, quantity, unit, serial


_CLASSIC_CELL = re.compile(r"\([^()]+\)\s+#\s*\d+")


def looks_like_hobo(text: str) -> bool:
    """HOBOware's marks in the first lines: a plot title, a GMT offset, LGR S/N, "(°C)  #sn"."""
    joined = "\n".join(text.splitlines()[:3])
    marks = ("Plot Title", "LGR S/N", *_EVENTS[:3])
    return any(m in joined for m in marks) or bool(
        _GMT.search(joined) or _CLASSIC_CELL.search(joined)
    )


def open_hobo(source: Source) -> BatchedFile:
    delimiter = _delimiter(source.text)
    head = peek_rows(source.text, delimiter, 2 + LOOK_AHEAD)
    title = 1 if head and len(head[0]) == 1 and "Plot Title" in head[0][0] else 0
    if len(head) <= title + 1:
        raise source.fail("the HOBO export has a header but no data rows")
    header, data = head[title], head[title + 1 :]
    parsed = _read_header(header, data)
    if not parsed.time_columns or not parsed.measurements:
        raise source.fail("no time or no measurement column in this HOBO export's header")
    zone, where = _zone(source, parsed, data)
    decimal = _decimal(delimiter, data, [m[0] for m in parsed.measurements])
    channels = _channels(parsed, data, title, head)
    layout = time_layout(source, [_time_text(r, parsed.time_columns) for r in data])
    columns = tuple(m[0] for m in parsed.measurements)
    spec = WideSpec(
        parsed.time_columns,
        columns,
        tuple(c.column or c.key for c in channels),
        layout,
        zone,
        source.now_ms,
        decimal,
        min_fields=max(columns) + 1,
    )
    rows, position = csv_rows(source.path, source.encoding, delimiter, title + 1)
    serials = sorted({c.serial for c in channels if c.serial})
    description = f"Onset HOBOware export{' of logger ' + ', '.join(serials) if serials else ''}"
    description += f"; times {where}; dates read as {layout.description}"
    return build(
        source,
        "hobo",
        description,
        channels,
        wide_batches(rows, spec),
        head[:PREVIEW],
        zone,
        position,
    )


def _delimiter(text: str) -> str:
    line = next((ln for ln in text.splitlines() if "Plot Title" not in ln and ln.strip()), "")
    return max(("\t", ";", ","), key=line.count)


def _time_text(row: list[str], columns: tuple[int, ...]) -> str:
    return " ".join(row[c].strip() for c in columns if c < len(row))


def _read_header(header: list[str], data: list[list[str]]) -> _Header:
    first = 1 if header and header[0].strip() == "#" else 0
    times: tuple[int, ...] = (first,)
    if len(header) > first + 1 and data and ":" not in _cell(data[0], first):
        times = (first, first + 1)  # "Date" and "Time" in two columns
    offset = next((m.group("offset") for c in times if (m := _GMT.search(header[c]))), None)
    measurements = []
    for column in range(max(times) + 1, len(header)):
        found = _measurement(header[column])
        if found is not None and _numeric(data, column):
            measurements.append((column, *found))
    return _Header(times, offset, measurements)


def _cell(row: list[str], column: int) -> str:
    return row[column] if column < len(row) else ""


def _measurement(text: str) -> tuple[str, str, str | None] | None:
    """(quantity, unit, serial) for a measurement header; None for events and blanks."""
    name = text.strip()
    classic = _CLASSIC.match(name)
    if classic:
        return classic.group("quantity"), classic.group("unit").strip(), classic.group("serial")
    inside = _SERIALS.search(name)
    serial = None
    if inside:
        lgr = _LGR.search(inside.group("inside"))
        serial = lgr.group("serial").strip() if lgr else None
        name = _SERIALS.sub("", name).strip()
    plain = _PLAIN.match(name)
    if plain is None or any(name.startswith(e) for e in _EVENTS):
        return None
    return plain.group("quantity"), plain.group("unit"), serial


def _numeric(data: list[list[str]], column: int) -> bool:
    """Event columns hold "Logged"; a measurement column holds numbers (or nothing yet)."""
    cells = [_cell(r, column).strip() for r in data]
    return not any(c and not any(ch.isdigit() for ch in c) for c in cells)


def _zone(source: Source, header: _Header, data: list[list[str]]) -> tuple[tzinfo, str]:
    if header.offset:
        return parse_zone(header.offset), f"at GMT{header.offset} (from the header)"
    details = [m.group("offset") for r in data for c in r if "GMT" in c and (m := _GMT.search(c))]
    if details:
        return parse_zone(details[0]), f"at GMT{details[0]} (from the Details column)"
    zone = zone_or_fail(source)
    return zone, f"in {source.options.timezone} (as chosen)"


def _decimal(delimiter: str, data: list[list[str]], columns: list[int]) -> str:
    """HOBOware writes a decimal comma only with ";" or tab separators and no decimal points."""
    cells = [_cell(r, c) for r in data for c in columns]
    if delimiter != "," and any("," in c for c in cells) and not any("." in c for c in cells):
        return ","
    return "."


def _channels(
    header: _Header, data: list[list[str]], title: int, head: list[list[str]]
) -> list[Channel]:
    detail_serial = _detail_serial(data)
    labels = [f"{quantity}, {unit}" for _, quantity, unit, _ in header.measurements]
    channels = []
    for index, (column, quantity, unit, serial) in enumerate(header.measurements):
        key = labels[index]
        if labels.count(key) > 1:
            key = f"{key} #{labels[: index + 1].count(key)}"
        owner = serial or detail_serial or _title_serial(head, title)
        name = f"HOBO {owner} {key}" if owner else f"HOBO {key}"
        raw = head[title][column].strip()
        channels.append(Channel(key, name, unit, owner, quantity.strip(), raw))
    return channels


def _detail_serial(data: list[list[str]]) -> str | None:
    for row in data:
        for cell in row:
            found = _DETAIL_SERIAL.search(cell) if "Serial" in cell else None
            if found:
                return found.group("serial")
    return None


def _title_serial(head: list[list[str]], title: int) -> str | None:
    if not title:
        return None
    text = head[0][0].split(":", 1)[-1].strip()
    return text if text.isdigit() else None
