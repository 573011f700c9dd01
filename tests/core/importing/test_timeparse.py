"""Reading a column of times (``core.importing.timeparse``), on hand-worked cases.

Expected instants are worked out by hand: Europe/Berlin is UTC+1 in winter and UTC+2 in
summer; in 2025 its clocks went forward at 02:00 on 30 March (02:00–02:59 does not exist) and
back at 03:00 on 26 October (02:00–02:59 happens twice).
"""

from datetime import UTC, datetime, timedelta, tzinfo

import pytest

from core.importing.timelayout import (
    TimeLayout,
    detect_layout,
)
from core.importing.timeparse import ParsedTimes, parse_times
from core.importing.zones import parse_zone

BERLIN = parse_zone("Europe/Berlin")
NOW = int(datetime(2026, 12, 1, tzinfo=UTC).timestamp() * 1000)


def ms(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp() * 1000)  # type: ignore[misc, arg-type]


def times(
    texts: list[str], zone: tzinfo = BERLIN, date_format: str | None = None
) -> tuple[TimeLayout, ParsedTimes]:
    layout = detect_layout(texts, date_format)
    return layout, parse_times(texts, layout, zone, NOW)


def test_a_given_format_is_used_as_given() -> None:
    layout, parsed = times(["01/02/2025 10:00:00"], date_format="%d/%m/%Y %H:%M:%S")
    assert parsed.problems == {} and parsed.ms[0] == ms(2025, 2, 1, 9)
    assert "given format" in layout.description


# --- zones, DST and the clock ------------------------------------------------------------


def test_winter_and_summer_offsets_of_a_named_zone() -> None:
    _, parsed = times(["2025-01-15 12:00:00", "2025-07-15 12:00:00"])
    assert parsed.problems == {}
    assert list(parsed.ms) == [ms(2025, 1, 15, 11), ms(2025, 7, 15, 10)]


def test_a_time_in_the_spring_gap_or_the_autumn_fold_is_rejected_never_guessed() -> None:
    texts = ["2025-03-30 01:59:00", "2025-03-30 02:30:00", "2025-03-30 03:00:00",
             "2025-10-26 01:59:00", "2025-10-26 02:30:00", "2025-10-26 03:00:00"]  # fmt: skip
    _, parsed = times(texts)
    assert sorted(parsed.problems) == [1, 4]
    assert parsed.ms[0] == ms(2025, 3, 30, 0, 59) and parsed.ms[2] == ms(2025, 3, 30, 1)
    assert parsed.ms[3] == ms(2025, 10, 25, 23, 59) and parsed.ms[5] == ms(2025, 10, 26, 2)


def test_a_rows_own_offset_wins_over_the_zone() -> None:
    _, parsed = times(["2025-07-15T12:00:00+05:30", "2025-07-15T12:00:00Z"])
    assert list(parsed.ms) == [ms(2025, 7, 15, 6, 30), ms(2025, 7, 15, 12)]


@pytest.mark.parametrize(
    ("text", "hour"),
    [("12:30:00 AM", 0), ("01:30:00 AM", 1), ("12:30:00 PM", 12), ("11:30:00  PM", 23)],
)
def test_twelve_hour_clock(text: str, hour: int) -> None:
    _, parsed = times([f"08/18/10 {text}"], zone=parse_zone("UTC"))
    assert parsed.problems == {} and parsed.ms[0] == ms(2010, 8, 18, hour, 30)


def test_a_thirteenth_hour_with_pm_is_rejected() -> None:
    _, parsed = times(["08/18/10 13:30:00 PM", "08/19/10 01:00:00 PM"], zone=parse_zone("UTC"))
    assert list(parsed.problems) == [0]


def test_fractions_of_a_second_are_kept_to_the_millisecond() -> None:
    _, parsed = times(["2025-01-01 00:00:00.125", "2025-01-01 00:00:00,5"], zone=parse_zone("UTC"))
    assert list(parsed.ms) == [ms(2025, 1, 1) + 125, ms(2025, 1, 1) + 500]


def test_before_1970_and_after_tomorrow_are_rejected() -> None:
    tomorrow = datetime(2026, 12, 1, tzinfo=UTC) + timedelta(days=2)
    _, parsed = times(["1969-12-31 23:00:00", f"{tomorrow:%Y-%m-%d %H:%M:%S}",
                       "2026-11-30 12:00:00"], zone=parse_zone("UTC"))  # fmt: skip
    assert sorted(parsed.problems) == [0, 1]
    assert "1970" in parsed.problems[0] and "future" in parsed.problems[1]
