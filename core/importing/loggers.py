"""Campbell Scientific TOA5, GeoPrecision GP5W and Vemco VUE exports (HOBO is in ``hobo``).

TOA5 and GP5W times are the logger's local clock and the files do not say which zone that is,
so the user must choose one (ImportFileError otherwise). Vemco VUE states UTC in its header.
"""

import re
from collections.abc import Callable, Iterator
from datetime import tzinfo

from core.importing.batches import BatchedFile, SampleBatch, make_batch, records_of
from core.importing.options import NEEDS_ZONE, Source
from core.importing.records import Channel, Rejected
from core.importing.textfile import MAX_FIELD
from core.importing.timeparse import TimeLayout, detect_layout, parse_times, parse_zone, zone_label
from core.importing.wide import ROWS_PER_BATCH, Row, WideSpec, csv_rows, peek_rows, wide_batches
from core.validation import parse_number

LOOK_AHEAD = 1000
PREVIEW = 20


def build(
    source: Source,
    fmt: str,
    description: str,
    channels: list[Channel],
    batches: Iterator[SampleBatch],
    preview: list[list[str]],
    zone: tzinfo,
    position: Callable[[], int],
) -> BatchedFile:
    return BatchedFile(
        source.path,
        fmt,
        description,
        channels,
        records_of(batches),
        preview,
        zone_label(zone),
        source.size,
        position,
        batches,
    )


def zone_or_fail(source: Source) -> tzinfo:
    zone = source.zone
    if zone is None:
        raise source.fail(NEEDS_ZONE)
    return zone


def time_layout(source: Source, samples: list[str]) -> TimeLayout:
    try:
        return detect_layout(samples, source.options.date_format)
    except ValueError as error:
        raise source.no_layout(error) from None


def _numeric_columns(rows: list[list[str]], columns: range, missing: frozenset[str]) -> list[int]:
    """Columns whose values (in the look-ahead) all read as numbers or the missing marker."""
    found = []
    for column in columns:
        cells = [r[column].strip() for r in rows if column < len(r) and r[column].strip()]
        if cells and all(c in missing or _is_number(c) for c in cells):
            found.append(column)
    return found


def _is_number(text: str, decimal: str = ".") -> bool:
    try:
        parse_number(text, decimal)
    except ValueError:
        return False
    return True


# --- Campbell Scientific TOA5 ----------------------------------------------------------------

_NAN = frozenset({"NAN", "nan", "NaN", "-INF", "INF", "+INF"})


def open_toa5(source: Source) -> BatchedFile:
    """TOA5: environment line, field names, units, processing; then one row per record."""
    head = peek_rows(source.text, ",", 4 + LOOK_AHEAD)
    if len(head) < 4 or len(head[0]) < 4 or len(head[1]) < 2:
        raise source.fail("a TOA5 file needs its four header lines; the header is incomplete")
    env, names, units = head[0], head[1], head[2]
    station, model, serial = env[1], env[2], env[3]
    if "TIMESTAMP" not in names:
        raise source.fail("the TOA5 header has no TIMESTAMP column")
    stamp = names.index("TIMESTAMP")
    data = head[4:]
    skip = {stamp} | ({names.index("RECORD")} if "RECORD" in names else set())
    columns = [c for c in _numeric_columns(data, range(len(names)), _NAN) if c not in skip]
    channels = [_toa5_channel(station, serial, names[c], units, c) for c in columns]
    zone = zone_or_fail(source)
    layout = time_layout(source, [r[stamp] for r in data if len(r) > stamp])
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
    rows, position = csv_rows(source.path, source.encoding, ",", 4)
    description = f"Campbell Scientific TOA5, station {station}, {model} logger {serial}"
    if len(env) > 7 and env[7]:
        description += f", table {env[7]}"
    return build(
        source,
        "toa5",
        description,
        channels,
        wide_batches(rows, spec),
        head[:PREVIEW],
        zone,
        position,
    )


def _toa5_channel(station: str, serial: str, name: str, units: list[str], column: int) -> Channel:
    unit = units[column].strip() if column < len(units) else ""
    return Channel(name, f"{station} {name}", unit, serial, name, name)


# --- GeoPrecision GP5W -----------------------------------------------------------------------

_GP5W_LOGGER = re.compile(r"^Logger:\s*#(?P<serial>\S+)\s*(?:'(?P<name>[^']*)')?")
_GP5W_COLUMN = re.compile(r"^(?P<quantity>#?[^:]+)(?::(?P<unit>.*))?$")


def open_gp5w(source: Source) -> BatchedFile:
    """GP5W-Shell CSV: "Logger: #serial 'name' …", "Delta Time", header "No,Time,#1:oC…"."""
    head = peek_rows(source.text, ",", 6 + LOOK_AHEAD)
    found = _GP5W_LOGGER.match(head[0][0]) if head and head[0] else None
    header_at = next((i for i, r in enumerate(head[:6]) if r[:2] == ["No", "Time"]), None)
    if found is None or header_at is None:
        raise source.fail("not a GP5W export: no 'Logger: #…' line and 'No,Time,…' header")
    serial, label = found.group("serial"), found.group("name") or found.group("serial")
    header = head[header_at]
    columns = [c for c in range(2, len(header)) if header[c].strip()]
    channels = [_gp5w_channel(serial, label, header[c]) for c in columns]
    zone = zone_or_fail(source)
    data = [r for r in head[header_at + 1 :] if r and not _gp5w_note(r)]
    layout = time_layout(source, [r[1] for r in data if len(r) > 1])
    spec = WideSpec(
        (1,),
        tuple(columns),
        tuple(header[c] for c in columns),
        layout,
        zone,
        source.now_ms,
        min_fields=len(header),
        note_line=_gp5w_note,
    )
    rows, position = csv_rows(source.path, source.encoding, ",", header_at + 1)
    description = f"GeoPrecision GP5W logger {serial} ({label}); local logger time"
    return build(
        source,
        "gp5w",
        description,
        channels,
        wide_batches(rows, spec),
        head[:PREVIEW],
        zone,
        position,
    )


def _gp5w_note(fields: list[str]) -> bool:
    """In-data notes such as "(Parameter changed ('E50986_…'))" hold no reading."""
    return bool(fields) and fields[0].lstrip().startswith("(")


def _gp5w_channel(serial: str, label: str, header: str) -> Channel:
    found = _GP5W_COLUMN.match(header.strip())
    quantity = found.group("quantity") if found else header
    unit = (found.group("unit") or "") if found else ""
    unit = "°C" if unit == "oC" else unit
    return Channel(header, f"{label} {quantity}", unit, serial, quantity, header)


# --- Vemco VUE receiver events ---------------------------------------------------------------

_VEMCO_ZONE = re.compile(r"\((?P<zone>UTC|GMT)(?P<offset>[+-]\d{1,2}(?::?\d{2})?)?\)")
_VEMCO_COLUMNS = ("Receiver", "Description", "Data", "Units")


def open_vemco(source: Source) -> BatchedFile:
    """VUE receiver events, long format: one row per variable, numeric rows become channels.

    The channels are every (receiver, description) with numeric data anywhere in the file, so
    the whole file is read once here (these exports are small). Rows of other descriptions
    (text such as a file name or firmware) carry no reading and are skipped silently; a text
    value in a numeric channel is rejected.
    """
    head = peek_rows(source.text, ",", PREVIEW)
    header = head[0] if head else []
    if [h.strip() for h in header[1:5]] != list(_VEMCO_COLUMNS):
        raise source.fail("not a Vemco VUE export: expected Date and Time, Receiver, Description…")
    zone = _vemco_zone(source, header[0])
    channels, units = _vemco_channels(source)
    rows, position = csv_rows(source.path, source.encoding, ",", 1)
    samples = [r[0] for r in head[1:] if r]
    layout = time_layout(source, samples)
    index = {(c.serial or "", c.quantity or ""): i for i, c in enumerate(channels)}
    batches = _vemco_batches(rows, index, units, layout, zone, source.now_ms)
    description = (
        f"Vemco VUE receiver events ({', '.join(sorted({c.serial or '' for c in channels}))})"
    )
    return build(source, "vemco", description, channels, batches, head, zone, position)


def _vemco_zone(source: Source, header: str) -> tzinfo:
    found = _VEMCO_ZONE.search(header)
    if found is None:
        return zone_or_fail(source)
    return parse_zone(found.group("offset") or "UTC")


def _vemco_channels(source: Source) -> tuple[list[Channel], list[str]]:
    rows, _ = csv_rows(source.path, source.encoding, ",", 1)
    seen: dict[tuple[str, str], str] = {}
    for _, fields in rows:
        if len(fields) >= 5 and _is_number(fields[3].strip()) and len(fields[3]) < MAX_FIELD:
            seen.setdefault((fields[1].strip(), fields[2].strip()), fields[4].strip())
    channels = [
        Channel(f"{receiver} {what}", f"{receiver} {what}", unit, receiver, what, what)
        for (receiver, what), unit in seen.items()
    ]
    return channels, [c.unit for c in channels]


def _vemco_batches(
    rows: Iterator[Row],
    index: dict[tuple[str, str], int],
    units: list[str],
    layout: TimeLayout,
    zone: tzinfo,
    now_ms: int,
) -> Iterator[SampleBatch]:
    chunk: list[tuple[int, int, str, str, str]] = []
    rejected: list[Rejected] = []
    for line, fields in rows:
        if not any(f.strip() for f in fields):
            continue
        if len(fields) < 5 or any(len(f) > MAX_FIELD for f in fields):
            rejected.append(Rejected(line, "the row does not have the 5 fields of the header"))
            continue
        channel = index.get((fields[1].strip(), fields[2].strip()))
        if channel is None:
            continue  # an event or a text variable: no reading
        chunk.append((line, channel, fields[0], fields[3].strip(), fields[4].strip()))
        if len(chunk) >= ROWS_PER_BATCH:
            yield _vemco_batch(chunk, rejected, units, layout, zone, now_ms)
            chunk, rejected = [], []
    if chunk or rejected:
        yield _vemco_batch(chunk, rejected, units, layout, zone, now_ms)


def _vemco_batch(
    chunk: list[tuple[int, int, str, str, str]],
    rejected: list[Rejected],
    units: list[str],
    layout: TimeLayout,
    zone: tzinfo,
    now_ms: int,
) -> SampleBatch:
    times = parse_times([row[2] for row in chunk], layout, zone, now_ms)
    kept: list[tuple[int, int, int, float, str | None]] = []
    for index, (line, channel, _, data, unit) in enumerate(chunk):
        if index in times.problems:
            rejected.append(Rejected(line, times.problems[index]))
            continue
        try:
            value = parse_number(data)
        except ValueError as error:
            rejected.append(Rejected(line, f"{error}"))
            continue
        own = unit if unit != units[channel] else None
        kept.append((line, channel, int(times.ms[index]), value, own))
    return make_batch(
        (k[0] for k in kept),
        (k[1] for k in kept),
        (k[2] for k in kept),
        (k[3] for k in kept),
        rejected,
        [k[4] for k in kept],
    )
