"""Solinst Levelogger exports (Gold, Edge, LTC, Barologger; Levelogger software 3 and 4).

A block of settings comes before the header, one value to a line::

    Serial_number:        (software 3: "Serial Number", the value indented on the next line)
    1067933
    Project ID:
    …
    LEVEL                 (a channel, as the header names it)
    UNIT: m               (software 3: "Unit", then the unit indented on the next line)
    Offset: 0.000000 m
    Date,Time,ms,LEVEL,TEMPERATURE,CONDUCTIVITY
    2012/07/30,09:00:00,0,0.866,30.10,0.0

Software 3 puts a row number first and writes tenths of a second ("100 ms"); software 4 writes
milliseconds ("ms"). A channel's unit is its UNIT line; a Levelogger M5 writes none, and then
the unit its range and offset are given in is the unit of its readings. Times are the logger's
clock with no zone: the user chooses one. A decimal comma goes with ";" separators.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from xml.parsers import expat

from core.importing.common import (
    PREVIEW,
    build,
    column_texts,
    header_line,
    time_layout,
    wide_csv_file,
    zone_or_fail,
)
from core.importing.options import Source
from core.importing.parsed import Channel, ImportFileError, ParsedFile
from core.importing.textfile import HEAD_BYTES
from core.importing.units import usual_unit
from core.importing.wide import LOOK_AHEAD, Row, WideSpec, table_from, wide_batches

_SERIAL_LINES = ("serial_number:", "serial number", "serial number:")
_FRACTIONS = {"ms": 1, "100 ms": 100}  # the time's fraction column, and its step in ms
_UNIT_LINE = re.compile(r"^unit\s*:?\s*(?P<unit>.*)$", re.IGNORECASE)
_SCALE_LINE = re.compile(r"^(?:offset|range|reference level)\s*:?\s*(?P<value>.*)$", re.IGNORECASE)
_UNIT_AFTER_NUMBER = re.compile(r"^[-+]?[\d.,]+\s+(?P<unit>\S+)$")
_HEADER_WITHIN = 80  # lines


def looks_like_solinst(text: str) -> bool:
    lines = [ln.strip().strip('"').lower() for ln in text.splitlines()[:8] if ln.strip()]
    return bool(lines) and lines[0] in _SERIAL_LINES and any("project id" in ln for ln in lines)


@dataclass(frozen=True)
class _Block:
    serial: str | None
    units: dict[str, str]  # channel name (as in the header) -> unit


_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def open_solinst_csv(source: Source) -> ParsedFile:
    lines = source.text.splitlines()
    at = header_line(lines, _is_header, _HEADER_WITHIN)
    if at is None:
        raise source.fail(
            "no 'Date,Time,…' header after the settings block of this Solinst export; export it "
            "again from the Levelogger software as CSV"
        )
    delimiter = max((",", ";", "\t"), key=lines[at].count)
    head: list[list[str]] = [[] for _ in range(at)] + table_from(lines, at, delimiter)
    header = [c.strip() for c in head[at]]
    data = [r for r in head[at + 1 :] if any(c.strip() for c in r)]
    if not data:
        raise source.fail("the Solinst export has a header but no data rows")
    if "Date" not in header or "Time" not in header:
        shown = ", ".join(repr(c) for c in header[:4])
        raise source.fail(
            f"line {at + 1} should be the 'Date,Time,…' header, but split at each "
            f"{_NAMES.get(delimiter, repr(delimiter))} its fields are {shown}…, with no Date and "
            "Time column: the line is damaged; export the file again from the Levelogger "
            "software as CSV"
        )
    date, time = header.index("Date"), header.index("Time")
    fraction = next((i for i, c in enumerate(header) if c in _FRACTIONS), None)
    skip = {date, time, fraction, *(i for i, c in enumerate(header) if not c)}
    columns = tuple(i for i in range(len(header)) if i not in skip)
    block = _read_block(lines[:at], header)
    channels = [_channel(block, header[c]) for c in columns]
    zone = zone_or_fail(source)
    step = _FRACTIONS[header[fraction]] if fraction is not None else 1
    joined = _time_text(date, time, fraction, step)
    layout = time_layout(
        source, [joined(r) for r in data], column_texts(source, delimiter, at + 1, joined)
    )
    cells = [r[c] for r in data for c in columns if c < len(r)]
    decimal = "," if delimiter != "," and any("," in c for c in cells) else "."
    spec = WideSpec(
        (date, time),
        columns,
        tuple(header[c] for c in columns),
        layout,
        zone,
        source.now_ms,
        decimal,
        min_fields=max(columns) + 1,
        time_text=joined,
    )
    serial = f" {block.serial}" if block.serial else ""
    description = f"Solinst Levelogger{serial}; logger time; dates read as {layout.description}"
    return wide_csv_file(source, "solinst", description, channels, spec, head[:PREVIEW],
                         delimiter=delimiter, skip_lines=at + 1)  # fmt: skip


def _is_header(line: str) -> bool:
    cells = [c.strip().strip('"') for c in re.split(r"[,;\t]", line)]
    return "Date" in cells and "Time" in cells


def _time_text(
    date: int, time: int, fraction: int | None, step_ms: int
) -> Callable[[list[str]], str]:
    """Date, time and the fraction column as one text: "2023/12/22 10:16:37.125"."""

    def text(fields: list[str]) -> str:
        moment = f"{_at(fields, date)} {_at(fields, time)}"
        tenths = _at(fields, fraction) if fraction is not None else ""
        if not (tenths.isascii() and tenths.isdigit()):  # "²".isdigit() too, but not int()'s
            return moment
        return f"{moment}.{int(tenths) * step_ms:03d}"

    return text


def _at(fields: list[str], column: int) -> str:
    return fields[column].strip() if column < len(fields) else ""


def _read_block(lines: list[str], header: list[str]) -> _Block:
    """The serial number and each channel's unit, from the lines before the header."""
    texts = [ln.strip().strip('"').strip() for ln in lines]
    texts = [t for t in texts if t]
    names = set(header)
    serial, current = None, None
    units: dict[str, str] = {}
    scales: dict[str, str] = {}
    for index, text in enumerate(texts):
        following = texts[index + 1] if index + 1 < len(texts) else ""
        if text.lower() in _SERIAL_LINES:
            serial = following or None
        elif text in names:
            current = text
        elif current and (unit := _UNIT_LINE.match(text)):
            units.setdefault(current, unit.group("unit").strip() or following)
        elif current and (scale := _SCALE_LINE.match(text)):
            found = _UNIT_AFTER_NUMBER.match(scale.group("value").strip() or following)
            if found:
                scales.setdefault(current, found.group("unit"))
    return _Block(serial, {name: units.get(name) or scales.get(name, "") for name in names})


def _channel(block: _Block, name: str) -> Channel:
    unit = usual_unit(block.units.get(name, ""), name)
    owner = f"Solinst {block.serial} " if block.serial else "Solinst "
    return Channel(name, f"{owner}{name}", unit, block.serial, name.title(), name)


# --- .xle: the Levelogger software's own XML -------------------------------------------------

_XML_ENCODINGS = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16"}
_CHANNEL_HEADER = re.compile(r"^Ch(?P<number>\d+)_data_header$")
_CHUNK = 1 << 16


def looks_like_xle(text: str) -> bool:
    return "<Body_xle>" in text[:2000]


class _Xle:
    """An expat parser that collects the header and each ``<Log>`` as (line, fields)."""

    def __init__(self, encoding: str) -> None:
        self.serial: str | None = None
        self.instrument = ""
        self.channels: dict[int, dict[str, str]] = {}
        self.logs: list[tuple[int, dict[str, str]]] = []
        self._stack: list[str] = []
        self._text: list[str] = []
        self._log: tuple[int, dict[str, str]] | None = None
        self.parser = expat.ParserCreate(_XML_ENCODINGS.get(encoding, encoding))
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text.append

    def feed(self, data: bytes, final: bool = False) -> None:
        self.parser.Parse(data, final)

    def _start(self, name: str, _attributes: dict[str, str]) -> None:
        self._stack.append(name)
        self._text.clear()
        if name == "Log":
            self._log = (self.parser.CurrentLineNumber, {})

    def _end(self, name: str) -> None:
        text = "".join(self._text).strip()
        self._text.clear()
        self._stack.pop()
        parent = self._stack[-1] if self._stack else ""
        if name == "Log" and self._log is not None:
            self.logs.append(self._log)
            self._log = None
        elif self._log is not None:
            self._log[1][name] = text
        elif parent == "Instrument_info" and name in ("Serial_number", "Instrument_type"):
            if name == "Serial_number":
                self.serial = text or None
            else:
                self.instrument = text
        elif (channel := _CHANNEL_HEADER.match(parent)) and name in ("Identification", "Unit"):
            self.channels.setdefault(int(channel.group("number")), {})[name] = text


def open_solinst_xle(source: Source) -> ParsedFile:
    """``.xle``: ``<Instrument_info>`` (serial), ``<ChN_data_header>`` (name, unit), then
    ``<Data>`` of ``<Log>`` elements (Date, Time, ms, ch1…). The date may be written
    ``2020_01_04`` (the Solinst app); values may carry a "+"."""
    head = _Xle(source.encoding)
    try:
        with source.path.open("rb") as handle:
            head.feed(handle.read(HEAD_BYTES), final=False)
    except expat.ExpatError as error:
        if not head.logs:
            raise _damaged(source, error) from None
    if not head.channels:
        raise source.fail("this .xle file names no channels (no <Ch1_data_header>)")
    numbers = sorted(head.channels)
    names = [head.channels[n].get("Identification") or f"Channel {n}" for n in numbers]
    channels = [_xle_channel(head, n, name) for n, name in zip(numbers, names, strict=True)]
    rows = [_xle_row(fields, numbers) for _line, fields in head.logs[:LOOK_AHEAD]]
    if not rows:
        raise source.fail("this .xle file holds no readings (no <Log> in <Data>)")
    zone = zone_or_fail(source)
    joined = _time_text(0, 1, 2, 1)
    layout = time_layout(source, [joined(r) for r in rows])
    spec = WideSpec(
        (0, 1),
        tuple(range(3, 3 + len(numbers))),
        tuple(names),
        layout,
        zone,
        source.now_ms,
        time_text=joined,
    )
    position = [0]
    batches = wide_batches(_xle_rows(source, numbers, position), spec)
    serial = f" {head.serial}" if head.serial else ""
    description = f"Solinst {head.instrument or 'Levelogger'}{serial} (.xle); logger time"
    preview = [["Date", "Time", "ms", *names], *rows[:PREVIEW]]
    return build(source, "xle", description, channels, batches, preview, zone,
                 lambda: position[0])  # fmt: skip


def _xle_channel(head: _Xle, number: int, name: str) -> Channel:
    unit = usual_unit(head.channels[number].get("Unit", ""), name)
    owner = f"Solinst {head.serial} " if head.serial else "Solinst "
    return Channel(name, f"{owner}{name}", unit, head.serial, name.title(), name)


def _xle_row(fields: dict[str, str], numbers: list[int]) -> list[str]:
    date = fields.get("Date", "").replace("_", "/")
    return [date, fields.get("Time", ""), fields.get("ms", ""),
            *(fields.get(f"ch{n}", "") for n in numbers)]  # fmt: skip


def _xle_rows(source: Source, numbers: list[int], position: list[int]) -> Iterator[Row]:
    reader = _Xle(source.encoding)
    with source.path.open("rb") as handle:
        while True:
            block = handle.read(_CHUNK)
            try:
                reader.feed(block, final=not block)
            except expat.ExpatError as error:
                raise _damaged(source, error) from None
            position[0] += len(block)
            for line, fields in reader.logs:
                yield line, _xle_row(fields, numbers)
            reader.logs.clear()
            if not block:
                return


def _damaged(source: Source, error: expat.ExpatError) -> ImportFileError:
    return source.fail(
        f"the XML of this .xle file is damaged ({expat.ErrorString(error.code)}); export it "
        "again from the Levelogger software",
        error.lineno,
    )
