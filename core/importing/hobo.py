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

from core.importing.common import (
    PREVIEW,
    column_texts,
    time_layout,
    wide_csv_file,
    zone_or_fail,
)
from core.importing.options import Source
from core.importing.parsed import Channel, ParsedFile
from core.importing.units import usual_unit
from core.importing.wide import (
    LOOK_AHEAD,
    WideSpec,
    decimal_in_use,
    misaligned,
    misaligned_reason,
    peek_rows,
)
from core.importing.zones import parse_zone

_GMT = re.compile(r"GMT\s*(?P<offset>[+-]\d{1,2}:?\d{2})")
# HOBOconnect names the phone's zone by its abbreviation: "Date-Time (ADT)". These are the
# North American ones it writes (fixed offsets: the abbreviation already says DST or not).
_ABBREVIATIONS = {
    "UTC": "+00:00", "GMT": "+00:00", "NDT": "-02:30", "NST": "-03:30", "ADT": "-03:00",
    "AST": "-04:00", "EDT": "-04:00", "EST": "-05:00", "CDT": "-05:00", "CST": "-06:00",
    "MDT": "-06:00", "MST": "-07:00", "PDT": "-07:00", "PST": "-08:00", "AKDT": "-08:00",
    "AKST": "-09:00", "HDT": "-09:00", "HST": "-10:00",
    # Europe and Australasia, where HOBOconnect phones write their own abbreviations (BST and
    # IST name more than one zone each, so they are left out: such a file asks for the zone).
    "WET": "+00:00", "WEST": "+01:00", "CET": "+01:00", "CEST": "+02:00", "EET": "+02:00",
    "EEST": "+03:00", "MSK": "+03:00", "AWST": "+08:00", "ACST": "+09:30", "ACDT": "+10:30",
    "AEST": "+10:00", "AEDT": "+11:00", "NZST": "+12:00", "NZDT": "+13:00",
}  # fmt: skip
_ABBREVIATION = re.compile(r"\((?P<abbreviation>[A-Z]{3,4})\)")
# The first line of an export, before the header: a plot title (in the languages HOBOware
# speaks) or, from HOBOmobile, the logger's serial number.
_PREAMBLE = re.compile(
    r"^\s*(?:Plot Title|Plot-Titel|Titre d[ue] trac[ée]|T[íi]tulo del? gr[áa]fico|"
    r"Serial Number)\s*:",
    re.IGNORECASE,
)
_ROW_NUMBER = ("#", "Anz.", "Nr.", "N°", "Nº", "No.", "Núm.", "Num.")
_TIME_HEADER = re.compile(
    r"^\s*(?:Date[ -]?Time|Time|Datum Zeit|Date Heure|Fecha Tiempo|Fecha Hora|Date)\b",
    re.IGNORECASE,
)
_SELF_NAMED = ("pH", "mV")  # HOBOmobile heads these columns with the unit alone
_SERIALS = re.compile(r"\s*\((?P<inside>[^()]*S/N[^()]*)\)\s*")
_LGR = re.compile(r"LGR S/N:\s*(?P<serial>[^,)]+)")
# "Temp (°C)  #9724974", and as later HOBOware writes it, "Temp (°C) LGR S/N: 20512345, #20512345"
_CLASSIC = re.compile(
    r"^(?P<quantity>.+?)\s*\((?P<unit>[^()]*)\)\s*(?:LGR S/N:\s*[^,#]*,\s*)?#\s*(?P<serial>\S+)\s*$"
)
_PLAIN = re.compile(r"^(?P<quantity>[^,]+?)\s*,\s*(?P<unit>[^,]+?)\s*$")
_PAREN = re.compile(r"^(?P<quantity>[^(),]+?)\s*\((?P<unit>[^()]+)\)\s*$")  # HOBOconnect
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
    offset_said: str  # how the header said it: "GMT-07:00", "ADT, UTC-03:00"
    measurements: list[tuple[int, str, str, str | None]]  # column, quantity, unit, serial


_CLASSIC_CELL = re.compile(r"\([^()]+\)\s+#\s*\d+")


def looks_like_hobo(text: str) -> bool:
    """HOBOware's marks in the first lines: a plot title, a GMT offset, LGR S/N, "(°C)  #sn"."""
    joined = "\n".join(text.splitlines()[:3])
    marks = ("Plot Title", "LGR S/N", *_EVENTS[:3])
    return any(m in joined for m in marks) or bool(
        _GMT.search(joined) or _CLASSIC_CELL.search(joined)
    )


def open_hobo(source: Source) -> ParsedFile:
    delimiter = _delimiter(source.text)
    head = peek_rows(source.text, delimiter, _HEADER_WITHIN + LOOK_AHEAD)
    at = _header_index(head)
    if at is None:
        raise source.fail(
            "no header line with a date and time column in this HOBO export; export it again "
            "from HOBOware with the default settings, or choose the format"
        )
    if len(head) <= at + 1:
        raise source.fail("the HOBO export has a header but no data rows")
    header, data = head[at], [r for r in head[at + 1 :] if any(c.strip() for c in r)]
    parsed = _read_header(header, data)
    if not parsed.measurements:
        raise source.fail(_no_measurement(header, parsed))
    events = _event_columns(header)
    _refuse_misaligned(source, header, events, head, at)
    zone, where = _zone(source, parsed, data)
    columns = tuple(m[0] for m in parsed.measurements)
    decimal = _decimal(delimiter, data, list(columns))
    channels = _channels(parsed, data, head[:at], header)

    def time_of(fields: list[str]) -> str:
        return _time_text(fields, parsed.time_columns)

    layout = time_layout(source, [time_of(r) for r in data],
                         column_texts(source, delimiter, at + 1, time_of))  # fmt: skip
    spec = WideSpec(
        parsed.time_columns,
        columns,
        tuple(c.column or c.key for c in channels),
        layout,
        zone,
        source.now_ms,
        decimal,
        min_fields=max(columns) + 1,
        header_fields=len(header),
        event_columns=events,
        grouping=decimal_in_use([_cell(r, c) for r in data for c in columns], decimal),
    )
    serials = sorted({c.serial for c in channels if c.serial})
    description = f"Onset HOBO export{' of logger ' + ', '.join(serials) if serials else ''}"
    description += f"; times {where}; dates read as {layout.description}"
    return wide_csv_file(source, "hobo", description, channels, spec, head[:PREVIEW],
                         delimiter=delimiter, skip_lines=at + 1)  # fmt: skip


# The events whose column holds "Logged" or nothing, never a number: where a number stands in
# one, the row's values have slid. ("Battery…" is left out: a logger may log its voltage.)
_PURE_EVENTS = tuple(e for e in _EVENTS if e != "Battery")


def _event_columns(header: list[str]) -> tuple[int, ...]:
    return tuple(i for i, name in enumerate(header) if name.strip().startswith(_PURE_EVENTS))


def _refuse_misaligned(
    source: Source, header: list[str], events: tuple[int, ...], head: list[list[str]], at: int
) -> None:
    """A file whose rows mostly have more values than its header has names is not read at all:
    HOBOconnect on a phone set to a decimal-comma language writes "17,97" into a comma-separated
    file, and every value would land one column off, silently wrong."""
    rows = [(at + 2 + n, r) for n, r in enumerate(head[at + 1 :]) if any(c.strip() for c in r)]
    off = [(line, r) for line, r in rows if misaligned(r, len(header), events)]
    if rows and len(off) * 2 > len(rows):
        line, fields = off[0]
        raise source.fail(
            f"line {line}: {misaligned_reason(len(fields), len(header))}. The file looks written "
            "with decimal commas and comma separators: export it again from HOBOconnect with "
            "the phone set to a language that writes decimal points"
        )


_HEADER_WITHIN = 6  # lines: a title, a serial number and blank lines may come first


def _header_index(head: list[list[str]]) -> int | None:
    """The header row: the first with two or more cells, one of them a date/time column."""
    for index, row in enumerate(head[:_HEADER_WITHIN]):
        cells = [c for c in row if c.strip()]
        if len(cells) >= 2 and any(_TIME_HEADER.match(c) for c in cells[:2]):
            return index
    return None


def _no_measurement(header: list[str], parsed: _Header) -> str:
    named = [c.strip() for c in header[max(parsed.time_columns) + 1 :] if c.strip()]
    if named and all(_measurement(c) is None for c in named):
        return (
            "this HOBO export holds only event columns (" + ", ".join(named[:4]) + "), no "
            "measurements; there are no readings to import"
        )
    return "no measurement column in this HOBO export's header (a name, a comma and a unit)"


def _delimiter(text: str) -> str:
    lines = (ln for ln in text.splitlines() if ln.strip() and not _PREAMBLE.match(ln.strip('"')))
    bare = re.sub(r'"[^"]*"', "", next(lines, ""))  # separators inside quotes do not count
    if "\t" in bare:
        return "\t"  # classic headers hold commas in their names: "Date Time, GMT+02:00"
    return ";" if bare.count(";") > bare.count(",") else ","


def _time_text(row: list[str], columns: tuple[int, ...]) -> str:
    return " ".join(row[c].strip() for c in columns if c < len(row))


def _read_header(header: list[str], data: list[list[str]]) -> _Header:
    first = 1 if header and header[0].strip() in _ROW_NUMBER else 0
    times: tuple[int, ...] = (first,)
    if len(header) > first + 1 and data and ":" not in _cell(data[0], first):
        times = (first, first + 1)  # "Date" and "Time" in two columns
    offset, said = None, ""
    for column in times:
        if found := _GMT.search(header[column]):
            offset, said = found.group("offset"), f"GMT{found.group('offset')}"
            break
        named = _ABBREVIATION.search(header[column])
        if named and named.group("abbreviation") in _ABBREVIATIONS:
            offset = _ABBREVIATIONS[named.group("abbreviation")]
            said = f"{named.group('abbreviation')}, UTC{offset}"
            break
    measurements = []
    for column in range(max(times) + 1, len(header)):
        found_measurement = _measurement(header[column])
        if found_measurement is not None and _numeric(data, column):
            measurements.append((column, *found_measurement))
    return _Header(times, offset, said, measurements)


def _cell(row: list[str], column: int) -> str:
    return row[column] if column < len(row) else ""


def _measurement(text: str) -> tuple[str, str, str | None] | None:
    """(quantity, unit, serial) for a measurement header; None for events and blanks."""
    name = _EMPTY_PARENS.sub("", text.strip()).strip()  # HOBOware U12: "Temp, °C()"
    classic = _CLASSIC.match(name)
    if classic:
        return classic.group("quantity"), classic.group("unit").strip(), classic.group("serial")
    inside = _SERIALS.search(name)
    serial = None
    if inside:
        lgr = _LGR.search(inside.group("inside"))
        serial = _DUPLICATE.sub("", lgr.group("serial").strip()) if lgr else None
        name = _SERIALS.sub("", name).strip()
    if any(name.startswith(e) for e in _EVENTS):
        return None
    plain = _PLAIN.match(name) or _PAREN.match(name)
    if plain is not None:
        unit = plain.group("unit").strip().strip("()").strip()  # HOBOmobile: "Temp, (*C)"
        return plain.group("quantity"), usual_unit(unit), serial
    if name in _SELF_NAMED:
        return name, name, serial
    return None


_EMPTY_PARENS = re.compile(r"\(\s*\)\s*$")
_DUPLICATE = re.compile(r"_duplicate$")  # HOBOware marks a series it copied so


def _numeric(data: list[list[str]], column: int) -> bool:
    """Event columns hold "Logged"; a measurement column holds numbers (or nothing yet)."""
    cells = [_cell(r, column).strip() for r in data]
    return not any(c and not any(ch.isdigit() for ch in c) for c in cells)


def _zone(source: Source, header: _Header, data: list[list[str]]) -> tuple[tzinfo, str]:
    if header.offset:
        return parse_zone(header.offset), f"at {header.offset_said} (from the header)"
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
    header: _Header, data: list[list[str]], preamble: list[list[str]], names: list[str]
) -> list[Channel]:
    detail_serial = _detail_serial(data)
    labels = [f"{quantity}, {unit}" for _, quantity, unit, _ in header.measurements]
    channels = []
    for index, (column, quantity, unit, serial) in enumerate(header.measurements):
        key = labels[index]
        if labels.count(key) > 1:
            key = f"{key} #{labels[: index + 1].count(key)}"
        owner = serial or detail_serial or _preamble_serial(preamble)
        name = f"HOBO {owner} {key}" if owner else f"HOBO {key}"
        raw = names[column].strip()
        channels.append(Channel(key, name, unit, owner, quantity.strip(), raw))
    return channels


def _detail_serial(data: list[list[str]]) -> str | None:
    for row in data:
        for cell in row:
            found = _DETAIL_SERIAL.search(cell) if "Serial" in cell else None
            if found:
                return found.group("serial")
    return None


_PREAMBLE_SERIAL = re.compile(r":\s*(?P<serial>\d{5,})\b")


def _preamble_serial(preamble: list[list[str]]) -> str | None:
    """A serial number from the lines before the header: "Plot Title: 9724974" (HOBOware
    titles a plot with it by default) or "Serial Number:20555851 --" (HOBOmobile)."""
    for row in preamble:
        text = " ".join(c for c in row if c.strip())
        if _PREAMBLE.match(text) and (found := _PREAMBLE_SERIAL.search(text)):
            title = text.split(":", 1)[1].strip()
            if "Serial" in text or title.isdigit():
                return found.group("serial")
    return None
