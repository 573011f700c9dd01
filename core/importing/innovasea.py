"""Innovasea aquaMeasure exports (DOT, SAL, CHL, TEMP sensors), one record to a row.

    Timestamp(UTC),Time Corrected(seconds),Sensor,Record Type,Dissolved Oxygen,…,Text
    2019-05-29 18:00:00,0,aquaMeasure-670364,Dissolved Oxygen,98.4,,,,,,
    2019-05-29 18:00:00,0,aquaMeasure-670364,Temperature,,5.56,,,,,

Each row fills the one column its record type names. Times are UTC, as the header says;
records written before the sensor's clock was set ("undefined", "9s after startup (time not
set)") have no time and are refused with that reason. "ERR" is the sensor's own "no value".
TimeSet, Time and Text are clock and event records, not readings. The file names no units.
One sensor to a file: a row of another sensor is refused, never put on this one's channels.
"""

from core.importing.common import PREVIEW, time_layout, wide_csv_file
from core.importing.options import Source
from core.importing.parsed import Channel, ParsedFile
from core.importing.wide import LOOK_AHEAD, WideSpec, peek_rows
from core.importing.zones import parse_zone

_FIRST = ("Timestamp(UTC)", "Time Corrected(seconds)", "Sensor", "Record Type")
_NOT_READINGS = frozenset({"TimeSet", "Time", "Text"})
_NO_VALUE = frozenset({"ERR"})


def looks_like_aquameasure(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0]
    return [c.strip() for c in first.split(",")[:4]] == list(_FIRST)


def open_aquameasure(source: Source) -> ParsedFile:
    head = peek_rows(source.text, ",", 1 + LOOK_AHEAD)
    header = [c.strip() for c in head[0]]
    data = [r for r in head[1:] if len(r) > 4]
    sensors = sorted({r[2].strip() for r in data if r[2].strip()})
    if not sensors:
        raise source.fail("this aquaMeasure export names no sensor in its rows")
    sensor = sensors[0]
    serial = sensor.removeprefix("aquaMeasure-")
    columns = tuple(i for i in range(4, len(header)) if header[i] not in _NOT_READINGS)
    channels = [Channel(header[c], f"aquaMeasure {serial} {header[c]}", "", serial, header[c],
                        header[c]) for c in columns]  # fmt: skip
    zone = parse_zone("UTC")
    timed = [r[0] for r in data if r[0][:1].isdigit()]
    layout = time_layout(source, timed or [r[0] for r in data])

    def other_sensor(fields: list[str]) -> str | None:
        name = fields[2].strip() if len(fields) > 2 else ""
        if name and name != sensor:
            return f"a record of another sensor ({name}); export each sensor on its own"
        return None

    spec = WideSpec((0,), columns, tuple(header[c] for c in columns), layout, zone,
                    source.now_ms, min_fields=4, missing=_NO_VALUE,
                    row_check=other_sensor)  # fmt: skip
    description = f"Innovasea {sensor}; times in UTC (from the header)"
    return wide_csv_file(source, "aquameasure", description, channels, spec, head[:PREVIEW],
                         delimiter=",", skip_lines=1)  # fmt: skip
