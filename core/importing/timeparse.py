"""Reading the times of an import file, a whole column at a time.

Every parser turns its time text into UTC epoch milliseconds here, so every format follows the
same rules:

* The column is read with the file's layout (``core.importing.timelayout``: detected from many
  rows, never guessed).
* A row's own offset ("+01:00", "Z") wins. Otherwise the zone the user chose is applied; a
  local time that falls in a DST gap or fold of that zone is rejected, never guessed
  (``core.importing.zones``).
* Times before 1970 or more than a day in the future are rejected.

Parsing runs on pyarrow arrays (``pyarrow.compute.extract_regex``) and numpy, so a million rows
cost a fraction of a second; only the rejected rows and the hours around a DST change are
looked at one by one in Python.
"""

from dataclasses import dataclass
from datetime import tzinfo

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from core.importing.timelayout import HAS_ZONE, TimeLayout
from core.importing.zones import HOUR_MS, OFFSET, local_to_utc
from core.timeutil import DAY_MS, TOO_EARLY, TOO_LATE, out_of_window

Int64s = npt.NDArray[np.int64]


@dataclass
class ParsedTimes:
    """UTC milliseconds for each input row; ``problems`` maps a row index to why it failed."""

    ms: Int64s
    problems: dict[int, str]


def parse_times(
    texts: pa.Array | list[str | None], layout: TimeLayout, zone: tzinfo | None, now_ms: int
) -> ParsedTimes:
    """Read time text into UTC epoch ms; rows that cannot be read get a reason."""
    array = pa.array(texts, pa.string()) if isinstance(texts, list) else texts
    fast = _iso_fast(array, zone, now_ms) if layout.iso else None
    if fast is not None:
        return fast
    count = len(array)
    parts = pc.extract_regex(array, layout.pattern)
    problems: dict[int, str] = {}
    matched = np.asarray(parts.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    _blame(problems, ~matched, lambda i: _unreadable(array[i].as_py(), layout))
    fields = {name: _ints(parts, name, count) for name in ("Y", "y", "m", "d", "H", "M", "S")}
    year = _year(fields, parts)
    hour = _hour(fields["H"], parts, count, problems, matched)
    ok = matched.copy()
    for bad, why in _range_errors(year, fields, hour):
        _blame(problems, ok & bad, lambda _i, w=why: w)
        ok &= ~bad
    local = _civil_ms(year, fields["m"], fields["d"]) + _clock_ms(hour, fields, parts, count)
    utc = _to_utc(local, _offsets(parts, count), zone, ok, problems)
    _check_window(utc, ok & _no_problem(problems, count), now_ms, problems)
    return ParsedTimes(utc, problems)


def _iso_fast(array: pa.Array, zone: tzinfo | None, now_ms: int) -> ParsedTimes | None:
    """pyarrow's ISO 8601 cast when every row is valid: all with offsets, or all without.

    Any bad row makes the cast fail as a whole; the caller then reads the rows one layout
    field at a time and says which rows are wrong.
    """
    if array.null_count:
        return None
    problems: dict[int, str] = {}
    first = array[0].as_py() if len(array) else ""
    try:
        if HAS_ZONE.search(first or ""):
            utc = _as_ms(pc.cast(array, pa.timestamp("ms", "UTC")))
        elif zone is None:
            return None
        else:
            local = _as_ms(pc.cast(array, pa.timestamp("ms")))
            utc = local_to_utc(local, zone, np.arange(len(local), dtype=np.int64), problems)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    _check_window(utc, _no_problem(problems, len(utc)), now_ms, problems)
    return ParsedTimes(utc, problems)


def _as_ms(stamps: pa.Array) -> Int64s:
    return np.asarray(stamps.cast(pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)


def _unreadable(text: str | None, layout: TimeLayout) -> str:
    if text is None or not text.strip():
        return "no time"
    shown = text if len(text) <= 40 else text[:40] + "…"
    return f"time {shown!r} does not match the file's layout ({layout.description})"


def _blame(problems: dict[int, str], bad: npt.NDArray[np.bool_], why: object) -> None:
    for index in np.flatnonzero(bad).tolist():
        if index not in problems:
            problems[index] = why(index)  # type: ignore[operator]


def _no_problem(problems: dict[int, str], count: int) -> npt.NDArray[np.bool_]:
    ok = np.ones(count, dtype=bool)
    if problems:
        ok[list(problems)] = False
    return ok


def _field(parts: pa.StructArray, name: str) -> pa.Array | None:
    names = [parts.type.field(i).name for i in range(parts.type.num_fields)]
    return parts.field(name) if name in names else None


def _ints(parts: pa.StructArray, name: str, count: int) -> Int64s:
    column = _field(parts, name)
    if column is None:
        return np.zeros(count, dtype=np.int64)
    blank = pc.or_kleene(pc.is_null(column), pc.equal(column, ""))
    filled = pc.if_else(blank, "0", column)
    return np.asarray(pc.cast(filled, pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)


def _year(fields: dict[str, Int64s], parts: pa.StructArray) -> Int64s:
    if _field(parts, "y") is None:
        return fields["Y"]
    short = fields["y"]
    return np.where(short < 70, 2000 + short, 1900 + short)


def _hour(
    hour: Int64s,
    parts: pa.StructArray,
    count: int,
    problems: dict[int, str],
    matched: npt.NDArray[np.bool_],
) -> Int64s:
    """24-hour clock hours; 12-hour times need an hour from 1 to 12."""
    marker = _field(parts, "p")
    if marker is None:
        return hour
    upper = pc.utf8_upper(pc.fill_null(marker, ""))
    has = np.asarray(pc.not_equal(upper, "").to_numpy(zero_copy_only=False), dtype=bool)
    pm = np.asarray(pc.starts_with(upper, "P").to_numpy(zero_copy_only=False), dtype=bool)
    _blame(problems, matched & has & ((hour < 1) | (hour > 12)), lambda _i: "hour out of range")
    return np.where(has, hour % 12 + np.where(pm, 12, 0), hour)


_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _range_errors(
    year: Int64s, fields: dict[str, Int64s], hour: Int64s
) -> list[tuple[npt.NDArray[np.bool_], str]]:
    month, day = fields["m"], fields["d"]
    bad_month = (month < 1) | (month > 12)
    safe_month = np.where(bad_month, 1, month)
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days = _MONTH_DAYS[safe_month] + ((safe_month == 2) & leap)
    return [
        (bad_month, "month out of range"),
        ((day < 1) | (day > days), "day out of range for its month"),
        ((hour > 23) | (fields["M"] > 59) | (fields["S"] > 59), "time of day out of range"),
        (year < 1900, f"the date {TOO_EARLY}"),
    ]


def _civil_ms(year: Int64s, month: Int64s, day: Int64s) -> Int64s:
    """Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm), in ms."""
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days = era * 146097 + doe - 719468
    return np.asarray(days * DAY_MS, dtype=np.int64)


def _clock_ms(hour: Int64s, fields: dict[str, Int64s], parts: pa.StructArray, count: int) -> Int64s:
    millis = np.zeros(count, dtype=np.int64)
    fraction = _field(parts, "f")
    if fraction is not None:
        padded = pc.utf8_slice_codeunits(pc.utf8_rpad(pc.fill_null(fraction, ""), 3, "0"), 0, 3)
        millis = np.asarray(pc.cast(padded, pa.int64()).to_numpy(zero_copy_only=False))
    return hour * HOUR_MS + fields["M"] * 60_000 + fields["S"] * 1000 + millis


def _offsets(parts: pa.StructArray, count: int) -> list[int | None] | None:
    """Each row's own offset in ms (None where the row has none); None when no row has one."""
    zone = _field(parts, "z")
    if zone is None:
        return None
    if not pc.any(pc.not_equal(pc.fill_null(zone, ""), "")).as_py():
        return None
    return [_offset_ms(t) if t else None for t in zone.to_pylist()]


def _offset_ms(text: str) -> int | None:
    if text.upper() == "Z":
        return 0
    found = OFFSET.match(text)
    if not found:
        return None
    sign = -1 if found.group(1) == "-" else 1
    return sign * (int(found.group(2)) * HOUR_MS + int(found.group(3) or 0) * 60_000)


def _to_utc(
    local: Int64s,
    offsets: list[int | None] | None,
    zone: tzinfo | None,
    ok: npt.NDArray[np.bool_],
    problems: dict[int, str],
) -> Int64s:
    own = np.zeros(len(local), dtype=bool)
    utc = local.copy()
    if offsets is not None:
        own = np.array([o is not None for o in offsets], dtype=bool)
        utc[own] -= np.array([o or 0 for o in offsets], dtype=np.int64)[own]
    rest = ok & ~own
    if not rest.any():
        return utc
    if zone is None:
        why = "the time has no offset and no time zone was chosen; choose one (--tz Europe/Berlin)"
        _blame(problems, rest, lambda _i: why)
        return utc
    utc[rest] = local_to_utc(local[rest], zone, np.flatnonzero(rest), problems)
    return utc


def _check_window(
    utc: Int64s, ok: npt.NDArray[np.bool_], now_ms: int, problems: dict[int, str]
) -> None:
    early, late = out_of_window(utc, now_ms)
    _blame(problems, ok & early, lambda _i: f"the time {TOO_EARLY}")
    _blame(problems, ok & late, lambda _i: f"the time {TOO_LATE}")
