"""Zones (``core.importing.zones``): names, labels, and local time to UTC around DST.

Worked by hand: Europe/Berlin is UTC+1 in winter and UTC+2 in summer; in 2025 its clocks went
forward at 02:00 on 30 March (02:00–02:59 does not exist) and back at 03:00 on 26 October
(02:00–02:59 happens twice).
"""

from datetime import UTC, datetime

import numpy as np
import pytest

from core.importing.zones import local_to_utc, parse_zone, zone_label


def wall(*parts: int) -> int:
    """A wall-clock time as milliseconds, as if it were UTC (how local times are passed)."""
    return int(datetime(*parts, tzinfo=UTC).timestamp() * 1000)  # type: ignore[misc, arg-type]


def test_local_times_become_utc_and_dst_gaps_and_folds_are_named() -> None:
    local = np.array([wall(2025, 1, 15, 12), wall(2025, 3, 30, 2, 30), wall(2025, 7, 15, 12),
                      wall(2025, 10, 26, 2, 30), wall(2025, 10, 26, 3, 30)])  # fmt: skip
    problems: dict[int, str] = {}
    utc = local_to_utc(local, parse_zone("Europe/Berlin"), np.arange(10, 15), problems)
    assert utc[0] == wall(2025, 1, 15, 11)  # winter: UTC+1
    assert utc[2] == wall(2025, 7, 15, 10)  # summer: UTC+2
    assert utc[4] == wall(2025, 10, 26, 2, 30)  # after the change: UTC+1 again
    assert sorted(problems) == [11, 13]  # the rows' own numbers, not positions
    assert "does not exist in Europe/Berlin" in problems[11]
    assert "happened twice in Europe/Berlin" in problems[13]


def test_a_fixed_offset_is_subtracted_as_it_is() -> None:
    problems: dict[int, str] = {}
    utc = local_to_utc(np.array([wall(2025, 3, 30, 2, 30)]), parse_zone("+05:30"),
                       np.array([0]), problems)  # fmt: skip
    assert utc.tolist() == [wall(2025, 3, 29, 21, 0)] and problems == {}


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("UTC", "UTC"),
        ("GMT-07:00", "UTC-07:00"),
        ("+0530", "UTC+05:30"),
        ("Europe/Oslo", "Europe/Oslo"),
    ],
)
def test_zones_by_name_and_by_offset(name: str, label: str) -> None:
    assert zone_label(parse_zone(name)) == label


def test_an_unknown_zone_says_what_to_write() -> None:
    with pytest.raises(ValueError, match="Europe/Berlin, UTC or \\+02:00"):
        parse_zone("Mitteleuropäische Zeit")
