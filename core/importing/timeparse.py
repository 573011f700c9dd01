"""Reading the times of an import file: layouts, zones and the DST rules, vectorised.

Every parser turns its time text into UTC epoch milliseconds here, so every format follows the
same rules:

* A layout (``TimeLayout``) is a regular expression with named groups (Y/y, m, d, H, M, S, f,
  p for AM/PM, z for an offset). It is detected from many rows (``detect_layout``), never from
  one: the date order is the one that fits every row (``_decide_order``); when two fit, the
  file is refused until the user gives the format (``AmbiguousDateOrder``). Never a guess.
* A row's own offset ("+01:00", "Z") wins. Otherwise the zone the user chose is applied; a
  local time that falls in a DST gap or fold of that zone is rejected, never guessed.
* Times before 1970 or more than a day in the future are rejected.

Parsing runs on pyarrow arrays (``pyarrow.compute.extract_regex``) and numpy, so a million rows
cost a fraction of a second; only the rejected rows and the hours around a DST change are
looked at one by one in Python.
"""

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from core.timeutil import DAY_MS, TOO_EARLY, TOO_LATE, out_of_window

HOUR_MS = 3_600_000
Int64s = npt.NDArray[np.int64]

_TIME = (
    r"(?:[T ]\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"(?:\s*(?P<p>[AaPp]\.?[Mm]\.?))?)?"
)
_ZONE = r"(?:\s*(?P<z>Z|(?:UTC|GMT)?[+-]\d{1,2}(?::?\d{2})?))?"
_FIELDS = re.compile(r"^\s*(\d{1,4})([-./])(\d{1,2})\2(\d{1,4})(?=$|[T ])")
_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$")
_HAS_ZONE = re.compile(r"(Z|[+-]\d{1,2}(:?\d{2})?)\s*$")


@dataclass(frozen=True)
class TimeLayout:
    """How the time text of a file is written, as a regular expression with named groups."""

    pattern: str
    description: str  # e.g. "DD-MM-YY"
    iso: bool = False  # YYYY-MM-DD: pyarrow's own ISO 8601 parser may read it first


def _date_pattern(order: str, sep: str, year_digits: str) -> str:
    s = re.escape(sep)
    parts = {
        "Y": rf"(?P<Y>\d{{{year_digits}}})" if year_digits == "4" else r"(?P<y>\d{2})",
        "M": r"(?P<m>\d{1,2})",
        "D": r"(?P<d>\d{1,2})",
    }
    return s.join(parts[c] for c in order)


def layout_for(order: str, sep: str, year_digits: str) -> TimeLayout:
    """A layout for a date order ("YMD", "DMY", "MDY"), separator and 2- or 4-digit year."""
    pattern = "^" + _date_pattern(order, sep, year_digits) + _TIME + _ZONE + r"\s*$"
    iso = order == "YMD" and sep == "-" and year_digits == "4"
    return TimeLayout(pattern, _order_name(order, sep, year_digits), iso)


def detect_layout(
    samples: list[str],
    date_format: str | None = None,
    rest: Callable[[], Iterable[str]] | None = None,
) -> TimeLayout:
    """The layout that reads every sample, deciding the date order from all of them.

    ``samples`` are the first rows; when two date orders fit them, ``rest()`` (every row's
    time text, read from the file again) decides from the whole column, as a logger's first
    days often leave the order open that its later dates settle (15-12-17 … 31-12-17).
    Raises ValueError (with what to do) when the samples fit no layout or two orders at once.
    """
    if date_format:
        return layout_from_strptime(date_format)
    texts = [s.strip() for s in samples if s and s.strip()]
    if not texts:
        raise ValueError("no row has a time to read")
    found = [m for t in texts if (m := _FIELDS.match(t))]
    if len(found) * 2 <= len(texts):  # a few bad rows are rejected later; most must fit
        bad = next(t for t in texts if not _FIELDS.match(t))
        raise ValueError(f"cannot read the time {bad!r}; give the date format (--date-format)")
    _refuse_mixed_shapes(texts)
    seps = {m.group(2) for m in found if m is not None}
    sep = seps.pop()
    fields = [(m.group(1), m.group(3), m.group(4)) for m in found if m is not None]
    try:
        try:
            return _decide_order(fields, sep)
        except AmbiguousDateOrder:
            if rest is None:
                raise
            return _decide_order(_dates_of(rest()), sep)
    except AmbiguousDateOrder as error:
        error.example = texts[0]
        raise


def _dates_of(texts: Iterable[str]) -> list[tuple[str, str, str]]:
    """The date fields of every text, a run of equal dates kept once (a day of readings is
    one date: the whole column costs memory by the day, not by the row)."""
    dates: list[tuple[str, str, str]] = []
    for text in texts:
        found = _FIELDS.match(text.strip()) if text else None
        if found is not None:
            date = (found.group(1), found.group(3), found.group(4))
            if not dates or dates[-1] != date:
                dates.append(date)
    return dates


def _shape(text: str) -> tuple[str, tuple[bool, ...]] | None:
    """How a date is written: its separator and which field holds a four-digit year."""
    found = _FIELDS.match(text)
    if found is None:
        return None
    return found.group(2), tuple(len(found.group(i)) == 4 for i in (1, 3, 4))


def _refuse_mixed_shapes(texts: list[str]) -> None:
    """A column whose dates change how they are written part-way (a logger export re-saved
    by a spreadsheet: "04/01/19" above "2004-01-19 00:00") is read one way nowhere: refused,
    with the first row of each way."""
    first: dict[tuple[str, tuple[bool, ...]], int] = {}
    for row, text in enumerate(texts, start=1):
        shape = _shape(text)
        if shape is not None:
            first.setdefault(shape, row)
    if len(first) > 1:
        ways = [f"{texts[row - 1]!r} (first in data row {row})" for row in first.values()]
        raise ValueError(
            f"the dates are written in {len(ways)} ways: " + " and ".join(ways[:3]) + ". The "
            "file was probably re-saved by a spreadsheet part-way; export it again from the "
            "logger software, or give the date format (--date-format)"
        )


def _decide_order(fields: list[tuple[str, str, str]], sep: str) -> TimeLayout:
    """The one date order that fits every row; refused (ValueError) when none or several do.

    A four-digit year decides where the year is. An order fits a row when its month is 1–12
    and its day 1–31; it fits the column when it fits every row that some order fits (a row
    no order reads is rejected on its own later) and reads the dates as a logger writes them:
    in time order (a step back of a day at most, as a clock set back would make) and none after
    tomorrow. ``24/07/20``…``24/07/31`` fits DD/MM/YY by its fields, but read so its dates
    jump a year a day and run past today: only YY/MM/DD fits. Never a guess (issue 13): when
    two orders fit, the user gives the format.
    """
    if sum(len(a) == 4 for a, _, _ in fields) * 2 > len(fields):
        return layout_for("YMD", sep, "4")
    year_digits = "4" if sum(len(c) == 4 for _, _, c in fields) * 2 > len(fields) else "2"
    orders = ["MDY", "DMY"] + (["YMD"] if year_digits == "2" else [])
    readable = [row for row in fields if any(_fits(order, row) for order in orders)]
    if len(readable) * 2 <= len(fields):
        raise ValueError("no date order fits the rows; give the date format (--date-format)")
    fitting = [order for order in orders if _fits_column(order, readable)]
    if len(fitting) == 1:
        return layout_for(fitting[0], sep, year_digits)
    names = " and ".join(_order_name(order, sep, year_digits) for order in fitting or orders)
    if not fitting:
        raise ValueError(
            f"the dates fit none of {names} in every row (read either way, some run backwards "
            "or lie in the future: check the logger's clock); give the date format "
            "(--date-format)"
        )
    example = _strptime_example(fitting[0], sep, year_digits)
    raise AmbiguousDateOrder(
        f"the dates fit both {names}: no field above 31 and no four-digit year decides which; "
        f'give the date format (e.g. --date-format "{example}")',
        [_strptime_example(order, sep, year_digits) for order in fitting],
    )


class AmbiguousDateOrder(ValueError):
    """More than one date order reads every row; ``formats`` are the strptime formats that
    do, for a dialog to offer."""

    def __init__(self, message: str, formats: list[str]) -> None:
        super().__init__(message)
        self.formats = formats
        self.example = ""  # the first time text of the file, to show read each way


def _order_name(order: str, sep: str, year_digits: str) -> str:
    year = "YYYY" if year_digits == "4" else "YY"
    return sep.join({"Y": year, "M": "MM", "D": "DD"}[c] for c in order)


def _strptime_example(order: str, sep: str, year_digits: str) -> str:
    codes = {"Y": "%Y" if year_digits == "4" else "%y", "M": "%m", "D": "%d"}
    return sep.join(codes[c] for c in order) + " %H:%M:%S"


def _fits_column(order: str, rows: list[tuple[str, str, str]]) -> bool:
    if not all(_fits(order, row) for row in rows):
        return False
    days = [_day_number(order, row) for row in rows]
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().toordinal()
    if any(day is None or day > tomorrow for day in days):
        return False
    return all(b >= a - 1 for a, b in itertools.pairwise(days))  # type: ignore[operator]


def _day_number(order: str, row: tuple[str, str, str]) -> int | None:
    values = dict(zip(order, (int(part) for part in row), strict=True))
    year = values["Y"] if values["Y"] >= 100 else values["Y"] + (2000 if values["Y"] < 70 else 1900)
    try:
        return datetime(year, values["M"], values["D"]).toordinal()
    except ValueError:  # 31 April
        return None


def _fits(order: str, row: tuple[str, str, str]) -> bool:
    values = dict(zip(order, (int(part) for part in row), strict=True))
    return 1 <= values["M"] <= 12 and 1 <= values["D"] <= 31


_STRPTIME = {
    "%Y": r"(?P<Y>\d{4})",
    "%y": r"(?P<y>\d{2})",
    "%m": r"(?P<m>\d{1,2})",
    "%d": r"(?P<d>\d{1,2})",
    "%H": r"(?P<H>\d{1,2})",
    "%I": r"(?P<H>\d{1,2})",
    "%M": r"(?P<M>\d{2})",
    "%S": r"(?P<S>\d{2})",
    "%f": r"(?P<f>\d{1,9})",
    "%p": r"(?P<p>[AaPp]\.?[Mm]\.?)",
    "%z": r"(?P<z>Z|[+-]\d{2}:?\d{2})",
    "%%": "%",
}


def layout_from_strptime(date_format: str) -> TimeLayout:
    """A layout from a strptime-style format such as "%d.%m.%Y %H:%M:%S"."""
    out, rest = [], date_format
    while rest:
        token = rest[:2]
        if token in _STRPTIME:
            out.append(_STRPTIME[token])
            rest = rest[2:]
        elif rest[0] == "%":
            raise ValueError(f"the date format {date_format!r} uses {token!r}, which is not read")
        else:
            out.append(r"\s+" if rest[0] == " " else re.escape(rest[0]))
            rest = rest[1:]
    return TimeLayout("^" + "".join(out) + r"\s*$", f"the given format {date_format}")


def samples_have_zone(samples: list[str]) -> bool:
    """Whether the time text states its own offset (most samples: bad rows are rejected later)."""
    texts = [s.strip() for s in samples if s and s.strip()]
    return bool(texts) and sum(bool(_HAS_ZONE.search(t)) for t in texts) * 2 > len(texts)


# --- zones -----------------------------------------------------------------------------------


def parse_zone(name: str) -> tzinfo:
    """A zone from an IANA name, "UTC", or a fixed offset ("+02:00", "GMT-07:00")."""
    text = name.strip()
    if text.upper() in {"UTC", "GMT", "Z"}:
        return UTC
    fixed = _OFFSET.match(text)
    if fixed:
        return fixed_offset(fixed.group(1), fixed.group(2), fixed.group(3) or "0")
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f"unknown time zone {name!r}; use a name such as Europe/Berlin, UTC or +02:00"
        ) from None


def fixed_offset(sign: str, hours: str, minutes: str) -> timezone:
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta >= timedelta(hours=24):
        raise ValueError(f"offset {sign}{hours}:{minutes} is out of range")
    return timezone(-delta if sign == "-" else delta)


def zone_label(zone: tzinfo) -> str:
    """How a zone is shown: its IANA key, "UTC", or "UTC-07:00"."""
    if isinstance(zone, ZoneInfo):
        return zone.key
    offset = zone.utcoffset(None) or timedelta(0)
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# --- parsing ---------------------------------------------------------------------------------


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
        if _HAS_ZONE.search(first or ""):
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
    found = _OFFSET.match(text)
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


def local_to_utc(local: Int64s, zone: tzinfo, rows: Int64s, problems: dict[int, str]) -> Int64s:
    """UTC ms for local wall-clock ms in ``zone``; times in a DST gap or fold get a problem.

    The offset is looked up once per distinct local hour; only hours that contain a change of
    offset are checked row by row.
    """
    if not isinstance(zone, ZoneInfo):
        offset = zone.utcoffset(None) or timedelta(0)
        return local - offset // timedelta(milliseconds=1)
    hours, inverse = np.unique(local // HOUR_MS, return_inverse=True)
    per_hour = np.array([_steady_offset(int(h), zone) for h in hours.tolist()], dtype=np.int64)
    offsets = per_hour[inverse.reshape(-1)]
    utc = local - offsets
    for position in np.flatnonzero(offsets == _UNSTEADY).tolist():
        utc[position], why = _one_local(int(local[position]), zone)
        if why:
            problems.setdefault(int(rows[position]), why)
    return utc


_UNSTEADY = np.iinfo(np.int64).min
_EPOCH = datetime(1970, 1, 1)


def _wall(ms: int) -> datetime:
    return _EPOCH + timedelta(milliseconds=ms)


def _steady_offset(hour: int, zone: ZoneInfo) -> int:
    """The zone's offset through one local hour, or _UNSTEADY when it changes inside it."""
    try:
        ends = [_wall(hour * HOUR_MS), _wall((hour + 1) * HOUR_MS - 1)]
    except OverflowError:
        return 0
    seen = {
        moment.replace(tzinfo=zone, fold=fold).utcoffset() for moment in ends for fold in (0, 1)
    }
    if len(seen) != 1:
        return int(_UNSTEADY)
    offset = seen.pop() or timedelta(0)
    return offset // timedelta(milliseconds=1)


def _one_local(ms: int, zone: ZoneInfo) -> tuple[int, str]:
    naive = _wall(ms)
    first, second = (naive.replace(tzinfo=zone, fold=f) for f in (0, 1))
    offset = first.utcoffset() or timedelta(0)
    if offset == second.utcoffset():
        return ms - offset // timedelta(milliseconds=1), ""
    shown = naive.isoformat(sep=" ")
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        return 0, f"{shown} does not exist in {zone.key} (the clocks moved forward then)"
    return 0, (
        f"{shown} happened twice in {zone.key} (the clocks moved back then); "
        "the file does not say which"
    )


def _check_window(
    utc: Int64s, ok: npt.NDArray[np.bool_], now_ms: int, problems: dict[int, str]
) -> None:
    early, late = out_of_window(utc, now_ms)
    _blame(problems, ok & early, lambda _i: f"the time {TOO_EARLY}")
    _blame(problems, ok & late, lambda _i: f"the time {TOO_LATE}")
