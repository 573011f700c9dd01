"""RBR loggers exported as text by the RBR Windows software (XR-420 and its kin, pre-Ruskin).

    RBR XR-420  5.40 012056 (Windows: 6.13 - Minimum required: 5.11)
    Host time     19/06/30 20:59:53
    Logging start 18/08/01 11:00:00
    Sample period          08:00:00
    Number of channels =  8, number of samples =   1001, mode: Logging Stopped by User
    N08%9.4f
    Calibration  1: 0.004322570446620
                    …
                    -0.000000127546420 Degrees_C
    …
         Temp      Temp      Temp …
    -143.0841 -142.0261 -142.9275 …

The third word of the first line is the serial number. A channel's unit ends its calibration.
With the format "E…" each row starts with its date and time (YYYY/MM/DD HH:MM:SS); with "N…"
rows hold only values, and sample k was taken at the logging start plus k sample periods, as
the RBR software itself counts them. The header's own dates are two-digit; their order is
read from the header lines like any file's. No zone is stated.
"""

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from core.importing.common import PREVIEW, build, time_layout, zone_or_fail
from core.importing.options import Source
from core.importing.parsed import Channel, ParsedFile
from core.importing.timelayout import layout_for
from core.importing.units import usual_unit
from core.importing.wide import Row, WideSpec, text_lines, wide_batches

_FIRST = re.compile(r"^RBR\s+(?P<model>\S+)\s+(?P<firmware>\S+)\s+(?P<serial>\S+)\s+\(Windows:")
_START = re.compile(r"^Logging start\s+(?P<at>\d{2}/\d{2}/\d{2} \d{2}:\d{2}:\d{2})\s*$")
_HOST = re.compile(r"^Host time\s+(?P<at>\d{2}/\d{2}/\d{2} \d{2}:\d{2}:\d{2})\s*$")
_PERIOD = re.compile(r"^Sample period\s+(?P<h>\d+):(?P<m>\d{2}):(?P<s>\d{2})\s*$")
_FORMAT = re.compile(r"^(?P<kind>[NE])(?P<count>\d{2})%")
_CALIBRATION = re.compile(r"^Calibration\s+(?P<n>\d+):")
_UNIT = re.compile(r"\s(?P<unit>[A-Za-z_%][\w/%]*)\s*$")
_HEADER_WITHIN = 120


def looks_like_rbr(text: str) -> bool:
    return bool(_FIRST.match(text.lstrip()))


def open_rbr(source: Source) -> ParsedFile:
    lines = source.text.splitlines()[:_HEADER_WITHIN]
    first = _FIRST.match(lines[0].strip()) if lines else None
    start = _first_match(_START, lines)
    period = _first_match(_PERIOD, lines)
    code = next((m for ln in lines if (m := _FORMAT.match(ln.strip()))), None)
    names_at = next((i for i, ln in enumerate(lines) if ln.split() and
                     all(not _is_number(w) for w in ln.split()) and i > 5
                     and _is_data(lines[i + 1 : i + 2])), None)  # fmt: skip
    if first is None or start is None or period is None or code is None or names_at is None:
        raise source.fail(
            "this RBR text export lacks its logging start, sample period, data format or "
            "column line; export it again from the RBR software"
        )
    names = lines[names_at].split()
    units = _units(lines[:names_at])
    serial = first.group("serial")
    channels = [_channel(serial, name, units.get(n + 1, ""), names, n)
                for n, name in enumerate(names)]  # fmt: skip
    zone = zone_or_fail(source)
    step = timedelta(hours=int(period["h"]), minutes=int(period["m"]), seconds=int(period["s"]))
    timed = code.group("kind") == "E"
    began = datetime.min  # dated rows need no start
    if not timed:
        host = _first_match(_HOST, lines)
        stamps = [start.group("at"), *([host.group("at")] if host else [])]
        fmt = source.options.date_format or _strptime(time_layout(source, stamps).description)
        try:
            began = datetime.strptime(start.group("at"), fmt)
        except ValueError:
            raise source.fail(f"its logging start {start.group('at')!r} is not {fmt}") from None
    layout = layout_for("YMD", "/", "4")
    spec = WideSpec((0,), tuple(range(1, len(names) + 1)), tuple(names), layout, zone,
                    source.now_ms, min_fields=len(names) + 1)  # fmt: skip
    rows, position = _file_rows(source, names_at + 1, timed, began, step)
    kind = "dated rows" if timed else f"times from the logging start, every {step}"
    description = f"RBR {first.group('model')} {serial} (RBR Windows text; {kind})"
    preview = [["Time", *names], *[ln.split() for ln in lines[names_at + 1 :][:PREVIEW]]]
    return build(source, "rbr", description, channels, wide_batches(rows, spec), preview, zone,
                 position)  # fmt: skip


def _first_match(pattern: re.Pattern[str], lines: list[str]) -> re.Match[str] | None:
    return next((m for ln in lines if (m := pattern.match(ln.strip()))), None)


def _is_number(word: str) -> bool:
    return bool(re.fullmatch(r"[-+]?\d+(\.\d+)?", word))


def _is_data(following: list[str]) -> bool:
    words = following[0].split() if following else []
    return bool(words) and all(_is_number(w) or re.fullmatch(r"[\d/:]+", w) for w in words)


def _units(lines: list[str]) -> dict[int, str]:
    """Channel number -> the unit that ends its calibration block."""
    units: dict[int, str] = {}
    current = None
    for line in lines:
        if found := _CALIBRATION.match(line.strip()):
            current = int(found.group("n"))
        if current is not None and (unit := _UNIT.search(line)):
            units.setdefault(current, unit.group("unit"))
    return units


def _strptime(description: str) -> str:
    """The strptime format ("%y/%m/%d %H:%M:%S") of the order the header lines showed."""
    codes = {"YY": "%y", "MM": "%m", "DD": "%d"}
    return "/".join(codes[part] for part in description.split(" ")[0].split("/")) + " %H:%M:%S"


def _channel(serial: str, name: str, unit: str, names: list[str], index: int) -> Channel:
    key = f"{name} #{index + 1}" if names.count(name) > 1 else name
    unit = usual_unit(unit, name)
    return Channel(key, f"RBR {serial} {key}", unit, serial, name, name)


def _file_rows(
    source: Source, skip: int, timed: bool, began: datetime, step: timedelta
) -> tuple[Iterator[Row], Callable[[], int]]:
    lines, position = text_lines(source.path, source.encoding, skip)

    def rows() -> Iterator[Row]:
        sample = 0
        for number, text in lines:
            words = text.split()
            if not words:
                continue
            if timed:
                yield number, [" ".join(words[:2]), *words[2:]]
            else:
                moment = began + sample * step
                yield number, [moment.strftime("%Y/%m/%d %H:%M:%S"), *words]
            sample += 1

    return rows(), position
