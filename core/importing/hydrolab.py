"""Hydrolab DataSonde / MiniSonde logs as their terminal menu prints them ("recovery" text).

    Log File Name : 1104OldR.208
    Starting Date (MMDDYY) : 113004
    …
      Time    Temp      pH  SpCond   Salin      DO      DO    Batt
    HHMMSS   deg C   units   mS/cm     ppt   % Sat    mg/l   volts

    Date (MMDDYY) : 113004
    080000   22.75     N/A   0.015     0.0    98.0    8.43    14.8&

Names and units sit right-aligned over their columns (a unit may hold a space: "% Sat"), so
each unit is read from under its name. A "Date (MMDDYY)" line gives the date of the rows
after it; each page repeats the header (after a form feed). "N/A" and "##.##" are the sonde's
"no value"; a trailing "&" flags a value (the battery's) and is not part of it; a row that says
"ERROR: data could not be acquired" is refused with that reason. No zone, no serial number.
"""

import re
from collections.abc import Callable, Iterable, Iterator

from core.importing.common import PREVIEW, build, zone_or_fail
from core.importing.options import Source
from core.importing.parsed import Channel, ParsedFile
from core.importing.timelayout import layout_for
from core.importing.units import usual_unit
from core.importing.wide import Row, WideSpec, text_lines, wide_batches

_NAMES = re.compile(r"^\s*Time\s+\S")
_UNITS = re.compile(r"^\s*HHMMSS\s")
_DATE = re.compile(r"^\s*Date \(MMDDYY\)\s*:\s*(?P<date>\d{6})\s*$")
_ROW = re.compile(r"^\s*(?P<time>\d{6})\s+(?P<rest>\S.*)$")
_NO_VALUE = frozenset({"N/A", "##.##", "#####"})


def looks_like_hydrolab(text: str) -> bool:
    head = text[:3000]
    return head.startswith("Log File Name :") and "Date (MMDDYY)" in head


def open_hydrolab(source: Source) -> ParsedFile:
    lines = source.text.splitlines()
    names_at = next((i for i, ln in enumerate(lines) if _NAMES.match(ln)), None)
    if names_at is None or names_at + 1 >= len(lines) or not _UNITS.match(lines[names_at + 1]):
        raise source.fail("no 'Time …' and 'HHMMSS …' header lines in this Hydrolab log")
    names, units = _columns(lines[names_at], lines[names_at + 1])
    first = [fields for _, fields in _rows(enumerate(lines[names_at:], start=names_at + 1))][
        :PREVIEW
    ]
    if not first:
        stated = next((ln.strip() for ln in lines if ln.startswith("Power loss")), "")
        why = f" ({stated})" if stated else ""
        raise source.fail(
            f"this Hydrolab log holds no readings{why}; recover the data from another "
            "download of the sonde"
        )
    channels = [_channel(name, unit, names) for name, unit in zip(names, units, strict=True)]
    zone = zone_or_fail(source)
    layout = layout_for("MDY", "/", "2")
    spec = WideSpec((0,), tuple(range(1, len(names) + 1)), tuple(names), layout, zone,
                    source.now_ms, missing=_NO_VALUE, row_check=_error_row)  # fmt: skip
    rows, position = _file_rows(source)
    description = "Hydrolab sonde log (terminal recovery text); dates MM/DD/YY as the file states"
    return build(source, "hydrolab", description, channels, wide_batches(rows, spec),
                 [["Time", *names], *first], zone, position)  # fmt: skip


def _columns(names_line: str, units_line: str) -> tuple[list[str], list[str]]:
    """Each name after "Time", and the unit written under it (right-aligned both)."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", names_line)][1:]
    first_unit = re.match(r"\s*HHMMSS", units_line)
    left = first_unit.end() if first_unit else 0
    names, units = [], []
    for start, end in spans:
        names.append(names_line[start:end])
        units.append(units_line[left:end].strip())
        left = end
    return names, units


def _channel(name: str, unit: str, names: list[str]) -> Channel:
    key = f"{name}, {unit}" if names.count(name) > 1 else name  # "DO, % Sat" and "DO, mg/l"
    return Channel(key, f"Hydrolab {key}", usual_unit(unit, name), None, name, name)


def _rows(lines: Iterable[tuple[int, str]]) -> Iterator[tuple[int, list[str]]]:
    """(line, [time text, value, …]) of each reading row, with the date of the page."""
    date = None
    for number, line in lines:
        if found := _DATE.match(line):
            text = found.group("date")
            date = f"{text[0:2]}/{text[2:4]}/{text[4:6]}"
        elif date is not None and (row := _ROW.match(line)):
            clock = row.group("time")
            moment = f"{date} {clock[0:2]}:{clock[2:4]}:{clock[4:6]}"
            rest = row.group("rest").strip()
            if rest.startswith("ERROR"):
                yield number, [moment, rest]
            else:
                yield number, [moment, *(cell.rstrip("&") for cell in rest.split())]


def _error_row(fields: list[str]) -> str | None:
    if len(fields) > 1 and fields[1].startswith("ERROR"):
        return f"the sonde logged no reading: {fields[1]}"
    return None


def _file_rows(source: Source) -> tuple[Iterator[Row], Callable[[], int]]:
    lines, position = text_lines(source.path, source.encoding)
    return _rows(lines), position
