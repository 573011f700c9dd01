"""Campbell Scientific TOA5 and TOACI1, GeoPrecision GP5W and Vemco VUE exports (HOBO: ``hobo``).

TOA5 and GP5W times are the logger's local clock and the files do not say which zone that is,
so the user must choose one (ImportFileError otherwise). Vemco VUE states UTC in its header.
"""

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import tzinfo
from pathlib import Path

from core.importing.batches import BatchedFile, SampleBatch, make_batch, records_of
from core.importing.options import NEEDS_ZONE, Source
from core.importing.records import Channel, ImportFileError, Rejected
from core.importing.textfile import MAX_FIELD
from core.importing.timeparse import TimeLayout, detect_layout, parse_times, parse_zone, zone_label
from core.importing.units import usual_unit
from core.importing.wide import ROWS_PER_BATCH, Row, WideSpec, csv_rows, peek_rows, wide_batches
from core.validation import parse_number

LOOK_AHEAD = 1000
PREVIEW = 20
log = logging.getLogger(__name__)


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
    batches = guarded(source.path, fmt, batches)
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


READER_STOPPED = "the reader stopped"


def reader_failure(path: Path, fmt: str, error: Exception) -> ImportFileError:
    """The one line a user gets when a reader meets what it was not written for (a bug, or a
    file damaged past what the reader checks): what to do, never a traceback. The detail is
    logged; tests fail on this text, so each such case gets its own reason."""
    log.error("the %s reader failed on %s", fmt, path, exc_info=error)
    return ImportFileError(
        path,
        f"this file could not be read as a {fmt} export ({READER_STOPPED}: "
        f"{type(error).__name__}); check that it is one and whole, or choose another format "
        "(--format). The details are in the log",
    )


def guarded(path: Path, fmt: str, batches: Iterator[SampleBatch]) -> Iterator[SampleBatch]:
    """``batches``, with any error other than ImportFileError turned into one."""
    try:
        yield from batches
    except ImportFileError:
        raise
    except Exception as error:
        raise reader_failure(path, fmt, error) from error


def zone_or_fail(source: Source) -> tzinfo:
    zone = source.zone
    if zone is None:
        raise source.fail(NEEDS_ZONE)
    return zone


def time_layout(
    source: Source, samples: list[str], rest: Callable[[], Iterable[str]] | None = None
) -> TimeLayout:
    """The layout of ``samples`` (the first rows); ``rest`` gives every row's time text when
    the first rows leave the date order open (see ``timeparse.detect_layout``)."""
    try:
        return detect_layout(samples, source.options.date_format, rest)
    except ValueError as error:
        raise source.no_layout(error) from None


def column_texts(
    source: Source, delimiter: str, skip: int, text: Callable[[list[str]], str]
) -> Callable[[], Iterator[str]]:
    """Every row's time text (``text(fields)``) after the first ``skip`` lines, read anew."""

    def texts() -> Iterator[str]:
        rows, _ = csv_rows(source.path, source.encoding, delimiter, skip)
        return (text(fields) for _, fields in rows)

    return texts


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
    columns = [c for c in _numeric_columns(data, range(len(names)), _NAN) if c not in skip]
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
    rows, position = csv_rows(source.path, source.encoding, ",", lines)
    if older:
        description = f"Campbell Scientific TOACI1, station {station}, table {env[2]}"
    else:
        description = f"Campbell Scientific TOA5, station {station}, {model} logger {serial}"
    if not older and len(env) > 7 and env[7]:
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
    unit = usual_unit(units[column]) if column < len(units) else ""
    return Channel(name, f"{station} {name}", unit, serial or None, name, name)


# --- GeoPrecision GP5W -----------------------------------------------------------------------

_GP5W_LOGGER = re.compile(r"^Logger:\s*#(?P<serial>\S+)\s*(?:'(?P<name>[^']*)')?")
_GP5W_COLUMN = re.compile(r"^(?P<quantity>#?[^:]+)(?::(?P<unit>.*))?$")


_FG2_LOGGER = re.compile(r"^<LOGGER:\s*\$(?P<serial>[^>\s]+)")


def open_gp5w(source: Source) -> BatchedFile:
    """GP5W-Shell CSV: "Logger: #serial 'name' …", "Delta Time", header "No,Time,#1:oC…".
    FG2-Shell (the FG2 logger) writes the same rows after lines in angle brackets ("<FG2 …>",
    "<LOGGER: $A542D1>", "<TIME: …>", some of them among the rows too) and a header
    "NO,TIME,#1:oC,HK-BAT:V"."""
    head = peek_rows(source.text, ",", 12 + LOOK_AHEAD)
    fg2 = bool(head) and bool(head[0]) and head[0][0].startswith("<FG2")
    header_at = next(
        (i for i, r in enumerate(head[:12]) if [c.upper() for c in r[:2]] == ["NO", "TIME"]), None
    )
    found = _logger_line(head[: header_at or 0], fg2)
    if found is None or header_at is None:
        raise source.fail(
            "not a GP5W or FG2 export: no 'Logger: #…' (or '<LOGGER: $…>') line and "
            "'No,Time,…' header"
        )
    serial, label = found
    header = head[header_at]
    columns = [c for c in range(2, len(header)) if header[c].strip()]
    channels = [_gp5w_channel(serial, label, header[c]) for c in columns]
    zone = zone_or_fail(source)
    data = [r for r in head[header_at + 1 :] if r and not _gp5w_note(r)]
    second = lambda fields: fields[1] if len(fields) > 1 else ""  # noqa: E731
    layout = time_layout(source, [r[1] for r in data if len(r) > 1],
                         column_texts(source, ",", header_at + 1, second))  # fmt: skip
    spec = WideSpec(
        (1,),
        tuple(columns),
        tuple(header[c] for c in columns),
        layout,
        zone,
        source.now_ms,
        min_fields=_gp5w_required_fields(header),
        note_line=_gp5w_note,
    )
    rows, position = csv_rows(source.path, source.encoding, ",", header_at + 1)
    kind = "FG2" if fg2 else "GP5W"
    description = f"GeoPrecision {kind} logger {serial} ({label}); local logger time"
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


def _gp5w_required_fields(header: list[str]) -> int:
    """GP5W-Shell leaves out trailing housekeeping fields it has no value for (the battery,
    "#HK-Bat:V", is written every few hours): a row may end before them, never earlier. A
    row cut short before a measurement is still refused as ragged."""
    width = len(header)
    while width > 2 and header[width - 1].strip().lstrip("#").startswith("HK-"):
        width -= 1
    return width


def _logger_line(lines: list[list[str]], fg2: bool) -> tuple[str, str] | None:
    """(serial, label) from "Logger: #E50A6A 'PT1000TEMP' …" or FG2's "<LOGGER: $A542D1>"."""
    for row in lines:
        text = row[0] if row else ""
        found = (_FG2_LOGGER if fg2 else _GP5W_LOGGER).match(text)
        if found:
            serial = found.group("serial")
            name = found.groupdict().get("name") or serial
            return serial, name
    return None


def _gp5w_note(fields: list[str]) -> bool:
    """In-data notes such as "(Parameter changed ('E50986_…'))", FG2's "<TIME: …>" lines and
    its last row's "(EndOfFile)" hold no reading."""
    if not fields:
        return False
    return fields[0].lstrip().startswith(("(", "<")) or any(
        f.strip() == "(EndOfFile)" for f in fields[2:]
    )


def _gp5w_channel(serial: str, label: str, header: str) -> Channel:
    found = _GP5W_COLUMN.match(header.strip())
    quantity = found.group("quantity") if found else header
    unit = (found.group("unit") or "") if found else ""
    return Channel(header, f"{label} {quantity}", usual_unit(unit), serial, quantity, header)


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
