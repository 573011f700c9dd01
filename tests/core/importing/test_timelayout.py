"""How a file writes its times (``core.importing.timelayout``): the date order that fits every
row, or a refusal that says which formats to choose from."""

import pytest

from core.importing.timelayout import AmbiguousDateOrder, detect_layout, layout_from_strptime


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


def test_an_unknown_strptime_code_is_refused() -> None:
    with pytest.raises(ValueError, match="%j"):
        layout_from_strptime("%Y %j")
