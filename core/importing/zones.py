"""Time zones of an import: the zone a user names, how it is shown, and local time to UTC.

A local time that falls in a DST gap (the clocks moved forward) or fold (they moved back, so
the time happened twice) of the zone is rejected with a reason, never guessed. The offset is
looked up once per distinct local hour, so a million rows cost a few hundred lookups.
"""

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

HOUR_MS = 3_600_000
Int64s = npt.NDArray[np.int64]
OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$")


def parse_zone(name: str) -> tzinfo:
    """A zone from an IANA name, "UTC", or a fixed offset ("+02:00", "GMT-07:00")."""
    text = name.strip()
    if text.upper() in {"UTC", "GMT", "Z"}:
        return UTC
    fixed = OFFSET.match(text)
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
