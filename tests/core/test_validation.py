from datetime import UTC, datetime, timedelta

import pytest

from core.validation import check_time, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12.5", 12.5), (" -3 ", -3.0), ("1e3", 1000.0), (".5", 0.5), ("+7.", 7.0)],
)
def test_parse_number_reads_plain_numbers(text: str, expected: float) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text", ["1,5", "1,234.5", "abc", "", "   ", "nan", "inf", "1e999", "0x10", "1e-400", "-5e-999"]
)
def test_parse_number_refuses_what_it_would_have_to_guess(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def test_comma_decimal_separator_reads_comma_and_refuses_point() -> None:
    assert parse_number("1,5", decimal_separator=",") == 1.5
    with pytest.raises(ValueError, match="ambiguous"):
        parse_number("1.5", decimal_separator=",")


def test_ambiguous_message_says_what_to_do() -> None:
    with pytest.raises(ValueError, match=r"use '\.' as the decimal separator"):
        parse_number("1,5")


def test_check_time_refuses_naive_old_and_future_times() -> None:
    now = datetime.now(UTC)
    cases = {
        "zone": datetime(2024, 1, 1),
        "1970": datetime(1969, 12, 31, tzinfo=UTC),
        "future": now + timedelta(days=2),
    }
    for expected, moment in cases.items():
        problems: dict[str, str] = {}
        check_time("recorded_at", moment, problems)
        assert expected in problems["recorded_at"]


def test_check_time_accepts_now_and_the_past() -> None:
    problems: dict[str, str] = {}
    check_time("recorded_at", datetime.now(UTC) - timedelta(days=400), problems)
    assert problems == {}


@pytest.mark.parametrize(
    ("typed", "separator", "decimals"),
    [("4", ".", 0), ("4.00", ".", 2), ("-.5", ".", 1), ("+12.340", ".", 3), ("4,50", ",", 2),
     ("1e-3", ".", None), ("2.5E4", ".", None), ("0." + "1" * 16, ".", None), (" 7.10 ", ".", 2)],
)  # fmt: skip
def test_typed_decimals_counts_what_follows_the_point(typed, separator, decimals) -> None:
    from core.validation import typed_decimals

    assert typed_decimals(typed, separator) == decimals


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(4.0, 2, "4.00"), (4.0, None, "4"), (4.0, 0, "4"), (1234.5678, None, "1234.5678"),
     (0.1 + 0.2, None, "0.30000000000000004"), (7.1, 2, "7.10"), (1e300, None, "1e+300"),
     (-0.5, 1, "-0.5"), (float("inf"), 2, "inf")],
)  # fmt: skip
def test_value_text_shows_the_typed_resolution_or_every_digit(value, decimals, text) -> None:
    from core.validation import value_text

    assert value_text(value, decimals) == text


def test_zero_written_with_an_exponent_is_still_zero() -> None:
    assert parse_number("0e-400") == 0.0 and parse_number("0.000E+00") == 0.0
