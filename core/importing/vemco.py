"""Vemco VUE receiver events: one row per variable, long format; the header states UTC."""

import re
from collections.abc import Iterator
from datetime import tzinfo

from core.importing.common import PREVIEW, build, time_layout, zone_or_fail
from core.importing.options import Source
from core.importing.parsed import Channel, ParsedFile, Rejected, SampleBatch, make_batch
from core.importing.textfile import MAX_FIELD
from core.importing.timelayout import TimeLayout
from core.importing.timeparse import parse_times
from core.importing.wide import ROWS_PER_BATCH, Row, csv_rows, is_number, peek_rows
from core.importing.zones import parse_zone
from core.validation import parse_number

_VEMCO_ZONE = re.compile(r"\((?P<zone>UTC|GMT)(?P<offset>[+-]\d{1,2}(?::?\d{2})?)?\)")
_VEMCO_COLUMNS = ("Receiver", "Description", "Data", "Units")


def open_vemco(source: Source) -> ParsedFile:
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
        if len(fields) >= 5 and is_number(fields[3].strip()) and len(fields[3]) < MAX_FIELD:
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
