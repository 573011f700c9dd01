"""Van Essen / Eijkelkamp Diver exports: the CSV Diver-Office writes (the .MON layout).

    Data file for DataLogger.
    …
    CREATED BY : Diver-Office 12.0.3.0
    [Logger settings]
      Serial number           =..00-J4845  216.
    …
    [Series settings]
      Serial number           =..00-J4845  216.
    …
    Date/time,Pressure[cm],Temperature[°C]
    2015/08/18 08:15:48,1042.250,28.183
    …
    END OF DATA FILE OF DATALOGGER FOR WINDOWS

Each column names its unit in brackets. A Diver's clock has no zone in the file: the user
chooses it (some offices write one in "Instrument number", e.g. "UTC-6"; the refusal quotes it,
but it is never taken for the zone, since Diver-Office does not say what that field holds).
Diver-Office writes ";" and a decimal comma in locales that use one.
"""

import re
from collections.abc import Callable, Iterator

from core.importing.common import (
    PREVIEW,
    build,
    column_texts,
    header_line,
    time_layout,
    wide_csv_file,
)
from core.importing.options import NEEDS_ZONE, Source
from core.importing.parsed import Channel, ParsedFile
from core.importing.units import usual_unit
from core.importing.wide import (
    LOOK_AHEAD,
    Row,
    WideSpec,
    table_from,
    text_lines,
    wide_batches,
)

_FIRST_LINE = "Data file for DataLogger."
_COLUMN = re.compile(r"^(?P<quantity>[^\[]+?)\s*\[(?P<unit>[^\]]*)\]\s*$")
_SETTING = re.compile(r"^\s*(?P<key>[A-Za-z][A-Za-z /]*?)\s*=(?P<value>.*)$")
_END = "END OF DATA FILE"
_HEADER_WITHIN = 200  # lines


def looks_like_diver(text: str) -> bool:
    return text.lstrip().startswith(_FIRST_LINE)


def open_diver(source: Source) -> ParsedFile:
    lines = source.text.splitlines()
    if any(ln.strip() == "[Data]" for ln in lines[:_HEADER_WITHIN]):
        return _open_mon(source, lines)
    at = header_line(lines, lambda line: line.lower().startswith("date/time"), _HEADER_WITHIN)
    if at is None:
        raise source.fail(
            "no 'Date/time' header after the settings of this Diver file; export the series "
            "again from Diver-Office as CSV"
        )
    delimiter = ";" if lines[at].count(";") > lines[at].count(",") else ","
    head: list[list[str]] = [[] for _ in range(at)] + table_from(lines, at, delimiter)
    header = [c.strip() for c in head[at]]
    data = [r for r in head[at + 1 :] if r and not _end(r)]
    if not data:
        raise source.fail("the Diver file has a header but no readings")
    settings = _settings(lines[:at])
    serial = " ".join(settings.get("Serial number", "").split()) or None
    columns = tuple(range(1, len(header)))
    channels = [_channel(serial, header[c]) for c in columns]
    zone = source.zone
    if zone is None:
        raise source.fail(NEEDS_ZONE + _zone_hint(settings.get("Instrument number", "")))
    layout = time_layout(
        source, [r[0] for r in data], column_texts(source, delimiter, at + 1, _first)
    )
    cells = [r[c] for r in data for c in columns if c < len(r)]
    decimal = "," if delimiter == ";" and any("," in c for c in cells) else "."
    spec = WideSpec((0,), columns, tuple(header[c] for c in columns), layout, zone,
                    source.now_ms, decimal, min_fields=len(header), note_line=_end)  # fmt: skip
    created = settings.get("CREATED BY", "Diver-Office").strip()
    description = f"Van Essen Diver {serial or ''} ({created}); logger time".replace("  ", " ")
    return wide_csv_file(source, "diver", description, channels, spec, head[:PREVIEW],
                         delimiter=delimiter, skip_lines=at + 1)  # fmt: skip


def _end(fields: list[str]) -> bool:
    return bool(fields) and fields[0].startswith(_END)


def _settings(lines: list[str]) -> dict[str, str]:
    """``key =value`` lines (the series settings win over the logger's) and ``KEY : value``."""
    found: dict[str, str] = {}
    for line in lines:
        if setting := _SETTING.match(line):
            found[setting.group("key").strip()] = setting.group("value").strip()
        elif " : " in line or line.rstrip().endswith(":"):
            key, _, value = line.partition(":")
            found.setdefault(key.strip(), value.strip())
    return found


def _zone_hint(instrument_number: str) -> str:
    stated = re.fullmatch(r"UTC\s*(?P<offset>[+-]\d{1,2}(?::\d{2})?)", instrument_number.strip())
    if stated is None:
        return ""
    offset = stated.group("offset")
    hours = offset if ":" in offset else f"{offset[0]}{int(offset[1:]):02d}:00"
    return (
        f". Its Instrument number says {instrument_number.strip()}: if that is the zone the "
        f"Diver's clock was set to, give --tz {hours}"
    )


def _channel(serial: str | None, column: str) -> Channel:
    found = _COLUMN.match(column)
    quantity = found.group("quantity") if found else column
    unit = usual_unit(found.group("unit"), quantity) if found else ""
    owner = f"Diver {serial} " if serial else "Diver "
    return Channel(column, f"{owner}{quantity}", unit, serial, quantity, column)


def _first(fields: list[str]) -> str:
    return fields[0] if fields else ""


# --- .MON: the settings, then "[Data]", the number of rows, and columns aligned with spaces ---

_CHANNEL = re.compile(r"^\[Channel (?P<n>\d+) from data header\]\s*$")
_UNIT_AFTER_NUMBER = re.compile(r"^[-+]?[\d.,]+\s+(?P<unit>\S+)\s*$")


def _open_mon(source: Source, lines: list[str]) -> ParsedFile:
    """A .MON file: each channel's name and unit from "[Channel N from data header]"
    (its reference level is given in the channel's unit), then after "[Data]" and the count
    of rows, "2017/12/13 11:00:00.0     1360.225      13.123"."""
    at = next(i for i, ln in enumerate(lines) if ln.strip() == "[Data]")
    settings = _settings(lines[:at])
    serial = " ".join(settings.get("Serial number", "").split()) or None
    names, units = _mon_channels(lines[:at])
    if not names:
        raise source.fail("this Diver file names no channels ([Channel 1 from data header])")
    skip = at + 2  # "[Data]" and the number of rows
    data = [_mon_fields(ln) for ln in lines[skip : skip + LOOK_AHEAD] if ln.strip()]
    data = [r for r in data if not _end(r)]
    if not data:
        raise source.fail("the Diver file has its settings but no readings")
    channels = [_mon_channel(serial, n, u) for n, u in zip(names, units, strict=True)]
    zone = source.zone
    if zone is None:
        raise source.fail(NEEDS_ZONE + _zone_hint(settings.get("Instrument number", "")))
    layout = time_layout(source, [r[0] for r in data])
    columns = tuple(range(1, len(names) + 1))
    spec = WideSpec((0,), columns, tuple(names), layout, zone, source.now_ms,
                    min_fields=len(names) + 1, note_line=_end)  # fmt: skip
    rows, position = _mon_rows(source, skip)
    created = settings.get("CREATED BY", "Diver-Office").strip()
    description = f"Van Essen Diver {serial or ''} (.MON, {created}); logger time"
    return build(source, "diver", description.replace("  ", " "), channels,
                 wide_batches(rows, spec), [["Date/time", *names], *data[:PREVIEW]], zone,
                 position)  # fmt: skip


def _mon_channel(serial: str | None, name: str, unit: str) -> Channel:
    quantity = name.split(":", 1)[-1].strip().title()  # "1: CONDUCTIVITY" -> "Conductivity"
    owner = f"Diver {serial} " if serial else "Diver "
    return Channel(name, f"{owner}{quantity}", usual_unit(unit, quantity), serial, quantity, name)


def _mon_channels(lines: list[str]) -> tuple[list[str], list[str]]:
    names: dict[int, str] = {}
    units: dict[int, str] = {}
    current = None
    for line in lines:
        if found := _CHANNEL.match(line.strip()):
            current = int(found.group("n"))
        elif line.startswith("[") or not line.strip():
            current = None
        elif current is not None and (setting := _SETTING.match(line)):
            key, value = setting.group("key").strip(), setting.group("value").strip()
            if key == "Identification":
                names[current] = value
            elif key == "Reference level" and (unit := _UNIT_AFTER_NUMBER.match(value)):
                units[current] = unit.group("unit")
    numbers = sorted(names)
    return [names[n] for n in numbers], [units.get(n, "") for n in numbers]


def _mon_fields(line: str) -> list[str]:
    """["2017/12/13 11:00:00.0", "1360.225", "13.123"] from a row aligned with spaces."""
    words = line.split()
    if len(words) >= 2 and "/" in words[0]:
        return [f"{words[0]} {words[1]}", *words[2:]]
    return [line.strip()]


def _mon_rows(source: Source, skip: int) -> tuple[Iterator[Row], Callable[[], int]]:
    lines, position = text_lines(source.path, source.encoding, skip)
    return ((number, _mon_fields(text)) for number, text in lines if text.strip()), position
