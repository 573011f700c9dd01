"""In-Situ Win-Situ exports (Aqua TROLL, Level TROLL, Rugged TROLL): "Log Data" as CSV.

Report, device and log settings come first; then, after "Log Data:", the sensors and a
three-line header: the sensor of each column, its serial ("SN#: 442678"), and the column names
with their units in parentheses ("Temperature (C)", "Dissolved Oxygen (concentration)
(mg/L)")::

    Date and Time;Seconds     ;Temperature (C)               ;…;
    23.05.2016 15:31:50;       0.000;                        21.989;…;

"Seconds" is the time since the log started, not a reading. Cells are padded with spaces and
rows end with the separator. The zone is named as Windows names it, in the language of the PC
("Time Zone: Mitteleuropäische Zeit"), which is no zone FieldLog can apply without a guess:
the user chooses it, and the refusal quotes what the file says.
"""

import re
from datetime import tzinfo

from core.importing.common import (
    PREVIEW,
    column_texts,
    header_line,
    time_layout,
    wide_csv_file,
)
from core.importing.options import NEEDS_ZONE, Source
from core.importing.parsed import Channel, ParsedFile
from core.importing.units import usual_unit
from core.importing.wide import WideSpec, table_from
from core.importing.zones import parse_zone

_COLUMN = re.compile(r"^(?P<quantity>.+?)\s*\((?P<unit>[^()]*)\)\s*$")
_SERIAL = re.compile(r"SN#:\s*(?P<serial>\S+)")
_ZONE = re.compile(r"^Time Zone:\s*(?P<zone>.+?)\s*$")
_DEVICE = re.compile(r"^(?P<key>Device|Serial Number)[;,\t](?P<value>.*)$")
_HEADER_WITHIN = 400  # lines


def looks_like_winsitu(text: str) -> bool:
    head = text[:4000]
    return "WinSitu" in head or ("Log Data:" in text[:200_000] and "Record Count" in text[:200_000])


def open_winsitu(source: Source) -> ParsedFile:
    lines = source.text.splitlines()
    at = header_line(lines, _is_header, _HEADER_WITHIN)
    if at is None:
        raise source.fail(
            "no 'Date and Time, Seconds, …' header under 'Log Data:' in this Win-Situ export; "
            "export the log again from Win-Situ as CSV"
        )
    delimiter = ";" if lines[at].count(";") >= lines[at].count(",") else ","
    head: list[list[str]] = [[] for _ in range(at)] + table_from(lines, at, delimiter)
    header = [c.strip() for c in head[at]]
    serials = [c.strip() for c in head[at - 1]] if at else []
    data = [r for r in head[at + 1 :] if any(c.strip() for c in r)]
    if not data:
        raise source.fail("the Win-Situ export has a header but no readings")
    device = _device(lines[:at])
    columns = tuple(i for i, c in enumerate(header) if i > 1 and c)
    channels = [_channel(header[c], _serial(serials, c) or device.get("Serial Number"),
                         device.get("Device", "In-Situ")) for c in columns]  # fmt: skip
    zone = source.zone
    if zone is None:
        stated = next((m.group("zone") for ln in lines[:at] if (m := _ZONE.match(ln))), None)
        hint = f". The file says its times are in {stated!r}, as Windows names it" if stated else ""
        raise source.fail(NEEDS_ZONE + hint)
    layout = time_layout(
        source, [r[0] for r in data], column_texts(source, delimiter, at + 1, _first)
    )
    spec = WideSpec((0,), columns, tuple(header[c] for c in columns), layout, zone,
                    source.now_ms, min_fields=max(columns) + 1)  # fmt: skip
    model = device.get("Device", "device")
    description = f"In-Situ Win-Situ export, {model} {device.get('Serial Number', '')}".rstrip()
    return wide_csv_file(source, "winsitu", description + "; logger time", channels, spec,
                         head[:PREVIEW], delimiter=delimiter, skip_lines=at + 1)  # fmt: skip


def _is_header(line: str) -> bool:
    cells = [c.strip() for c in re.split(r"[;,]", line)]
    return len(cells) > 2 and cells[0] == "Date and Time" and cells[1] == "Seconds"


def _device(lines: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in lines:
        if (match := _DEVICE.match(line.strip())) and match.group("value").strip():
            found.setdefault(match.group("key"), match.group("value").strip())
    return found


def _serial(serials: list[str], column: int) -> str | None:
    found = _SERIAL.search(serials[column]) if column < len(serials) else None
    return found.group("serial") if found else None


def _channel(column: str, serial: str | None, model: str) -> Channel:
    found = _COLUMN.match(column)
    quantity = found.group("quantity") if found else column
    unit = usual_unit(found.group("unit"), quantity) if found else ""
    owner = f"{model} {serial} " if serial else f"{model} "
    return Channel(column, f"{owner}{quantity}", unit, serial, quantity, column)


def _first(fields: list[str]) -> str:
    return fields[0] if fields else ""


# --- HydroVu (In-Situ's cloud) exports ---------------------------------------------------------

_SHOWN_IN = re.compile(r'^"?Time shown in (?P<zone>[^"]+?)"?\s*$')
_LOCATION = re.compile(r'^"?Location Name = (?P<name>[^"]*?)"?\s*$')


def looks_like_hydrovu(text: str) -> bool:
    return text.lstrip().startswith(('"Location Properties"', "Location Properties"))


def open_hydrovu(source: Source) -> ParsedFile:
    """HydroVu CSV: "Location Properties" lines, "Time shown in UTC", then a header of
    "Date Time" and "<parameter> (<unit>)" columns, every cell quoted."""
    lines = source.text.splitlines()
    at = header_line(lines, lambda line: line.startswith(('"Date Time"', "Date Time,")),
                     _HEADER_WITHIN)  # fmt: skip
    if at is None:
        raise source.fail("no 'Date Time' header after the location lines of this HydroVu export")
    head: list[list[str]] = [[] for _ in range(at)] + table_from(lines, at, ",")
    header = [c.strip() for c in head[at]]
    data = [r for r in head[at + 1 :] if any(c.strip() for c in r)]
    if not data:
        raise source.fail("the HydroVu export has a header but no readings")
    shown = next((m.group("zone") for ln in lines[:at] if (m := _SHOWN_IN.match(ln))), None)
    location = next((m.group("name") for ln in lines[:at] if (m := _LOCATION.match(ln))), "")
    zone = _stated_zone(source, shown)
    columns = tuple(i for i, c in enumerate(header) if i > 0 and c)
    owner = f"HydroVu {location}".strip()
    channels = [_channel(header[c], None, owner) for c in columns]
    layout = time_layout(source, [r[0] for r in data], column_texts(source, ",", at + 1, _first))
    spec = WideSpec((0,), columns, tuple(header[c] for c in columns), layout, zone,
                    source.now_ms, min_fields=max(columns) + 1)  # fmt: skip
    where = f"times in {shown} (as the file says)" if shown else "logger time"
    return wide_csv_file(source, "hydrovu", f"In-Situ HydroVu export, {location}; {where}",
                         channels, spec, head[at : at + PREVIEW], delimiter=",",
                         skip_lines=at + 1)  # fmt: skip


def _stated_zone(source: Source, shown: str | None) -> tzinfo:
    """The zone HydroVu says the times are shown in; the user's when it says none it can name."""
    if shown:
        try:
            return parse_zone(shown)
        except ValueError:
            pass
    zone = source.zone
    if zone is None:
        hint = f". The file says its times are in {shown!r}" if shown else ""
        raise source.fail(NEEDS_ZONE + hint)
    return zone
