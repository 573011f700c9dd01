"""GeoPrecision loggers read out with GP5W-Shell or FG2-Shell: CSV after a "Logger:" line (or
FG2's lines in angle brackets). Times are the logger's clock, in no stated zone."""

import re

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
from core.importing.wide import LOOK_AHEAD, WideSpec, peek_rows

_GP5W_LOGGER = re.compile(r"^Logger:\s*#(?P<serial>\S+)\s*(?:'(?P<name>[^']*)')?")
_GP5W_COLUMN = re.compile(r"^(?P<quantity>#?[^:]+)(?::(?P<unit>.*))?$")


_FG2_LOGGER = re.compile(r"^<LOGGER:\s*\$(?P<serial>[^>\s]+)")


def open_gp5w(source: Source) -> ParsedFile:
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
    kind = "FG2" if fg2 else "GP5W"
    description = f"GeoPrecision {kind} logger {serial} ({label}); local logger time"
    return wide_csv_file(source, "gp5w", description, channels, spec, head[:PREVIEW],
                         delimiter=",", skip_lines=header_at + 1)  # fmt: skip


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
