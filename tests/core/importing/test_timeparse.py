"""The time rules every import shares (``core.importing.timeparse``), on hand-worked cases.

Expected instants are worked out by hand: Europe/Berlin is UTC+1 in winter and UTC+2 in
summer; in 2025 its clocks went forward at 02:00 on 30 March (02:00–02:59 does not exist) and
back at 03:00 on 26 October (02:00–02:59 happens twice).
"""

from datetime import UTC, datetime, timedelta, tzinfo

import pytest

from core.importing.timeparse import (
    AmbiguousDateOrder,
    ParsedTimes,
    TimeLayout,
    detect_layout,
    layout_from_strptime,
    parse_times,
    parse_zone,
    zone_label,
)

BERLIN = parse_zone("Europe/Berlin")
NOW = int(datetime(2026, 12, 1, tzinfo=UTC).timestamp() * 1000)


def ms(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp() * 1000)  # type: ignore[misc, arg-type]


def times(
    texts: list[str], zone: tzinfo = BERLIN, date_format: str | None = None
) -> tuple[TimeLayout, ParsedTimes]:
    layout = detect_layout(texts, date_format)
    return layout, parse_times(texts, layout, zone, NOW)


# --- the date order -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "described"),
    [
        (["03/13/2025 10:00"], "MM/DD/YYYY"),  # 13 cannot be a month
        (["13/03/2025 10:00"], "DD/MM/YYYY"),
        (["2025-03-04 10:00"], "YYYY-MM-DD"),  # a four-digit year first decides
        (["24/07/20", "24/07/31"], "YY/MM/DD"),  # read day first, 24/07/31 would be 2031
        (["31.12.24 23:00", "01.01.25 00:00"], "DD.MM.YY"),  # year first would run backwards
    ],
)
def test_one_order_fits_every_row(texts: list[str], described: str) -> None:
    assert detect_layout(texts).description == described


def test_two_orders_that_fit_are_refused_with_the_formats_to_offer() -> None:
    with pytest.raises(AmbiguousDateOrder) as refused:
        detect_layout(["01/02/2025 10:00", "01/03/2025 10:00"])
    assert refused.value.formats == ["%m/%d/%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S"]
    assert refused.value.example == "01/02/2025 10:00"


def test_the_rest_of_the_column_decides_what_its_first_rows_leave_open() -> None:
    head = ["01/02/2025 10:00", "01/03/2025 10:00"]
    later = [*head, "01/13/2025 10:00"]  # 13 can only be a day: month first
    assert detect_layout(head, rest=lambda: iter(later)).description == "MM/DD/YYYY"


def test_a_column_written_two_ways_is_refused_with_where_each_begins() -> None:
    with pytest.raises(ValueError, match=r"'2004-01-19 00:00' \(first in data row 3\)"):
        detect_layout(["04/01/19 00:00", "04/01/19 01:00", "2004-01-19 00:00"])


def test_a_given_format_is_used_as_given() -> None:
    layout, parsed = times(["01/02/2025 10:00:00"], date_format="%d/%m/%Y %H:%M:%S")
    assert parsed.problems == {} and parsed.ms[0] == ms(2025, 2, 1, 9)
    assert "given format" in layout.description


def test_an_unknown_strptime_code_is_refused() -> None:
    with pytest.raises(ValueError, match="%j"):
        layout_from_strptime("%Y %j")


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
