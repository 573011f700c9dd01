"""Campbell Scientific LoggerNet text tables: TOA5, and TOACI1, its older form.

TOA5: an environment line, field names, units, processing; then one row per record. TOACI1 has
only the first two. TIMESTAMP is the logger's clock, and the file does not say its zone, so the
user must choose one. "NAN" is the logger's "no value", refused per cell.
"""

from core.importing.common import (
    PREVIEW,
    column_texts,
    numeric_columns,
    time_layout,
    wide_csv_file,
    zone_or_fail,
)
from core.importing.options import Source
from core.importing.parsed import Channel, ParsedFile
from core.importing.units import usual_unit
from core.importing.wide import LOOK_AHEAD, WideSpec, peek_rows

_NAN = frozenset({"NAN", "nan", "NaN", "-INF", "INF", "+INF"})


def open_toa5(source: Source) -> ParsedFile:
    """TOA5: environment line, field names, units, processing; then one row per record.
    TOACI1, the older LoggerNet text format, has only the first two: "TOACI1",station,table
    and the field names (TMSTAMP, RECNBR, …), so no units."""
    head = peek_rows(source.text, ",", 4 + LOOK_AHEAD)
    older = bool(head) and bool(head[0]) and head[0][0] == "TOACI1"
    lines = 2 if older else 4
    if len(head) < lines or len(head[0]) < (3 if older else 4) or len(head[1]) < 2:
        kind = "TOACI1 file needs its two" if older else "TOA5 file needs its four"
        raise source.fail(f"a {kind} header lines; the header is incomplete")
    env, names = head[0], head[1]
    units = [] if older else head[2]
    station, model, serial = (env[1], "", "") if older else (env[1], env[2], env[3])
    stamp_name, record_name = ("TMSTAMP", "RECNBR") if older else ("TIMESTAMP", "RECORD")
    if stamp_name not in names:
        raise source.fail(f"the {env[0]} header has no {stamp_name} column")
    stamp = names.index(stamp_name)
    data = head[lines:]
    skip = {stamp} | ({names.index(record_name)} if record_name in names else set())
    columns = [c for c in numeric_columns(data, range(len(names)), _NAN) if c not in skip]
    channels = [_toa5_channel(station, serial, names[c], units, c) for c in columns]
    zone = zone_or_fail(source)
    at_stamp = lambda fields: fields[stamp] if len(fields) > stamp else ""  # noqa: E731
    layout = time_layout(source, [r[stamp] for r in data if len(r) > stamp],
                         column_texts(source, ",", lines, at_stamp))  # fmt: skip
    spec = WideSpec(
        (stamp,),
        tuple(columns),
        tuple(names[c] for c in columns),
        layout,
        zone,
        source.now_ms,
        min_fields=len(names),
        missing=_NAN,
    )
    if older:
        description = f"Campbell Scientific TOACI1, station {station}, table {env[2]}"
    else:
        description = f"Campbell Scientific TOA5, station {station}, {model} logger {serial}"
    if not older and len(env) > 7 and env[7]:
        description += f", table {env[7]}"
    return wide_csv_file(source, "toa5", description, channels, spec, head[:PREVIEW],
                         delimiter=",", skip_lines=lines)  # fmt: skip


def _toa5_channel(station: str, serial: str, name: str, units: list[str], column: int) -> Channel:
    unit = usual_unit(units[column]) if column < len(units) else ""
    return Channel(name, f"{station} {name}", unit, serial or None, name, name)
