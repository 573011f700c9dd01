"""How a file writes its times: a ``TimeLayout``, detected from many rows, never from one.

A layout is a regular expression with named groups (Y/y, m, d, H, M, S, f, p for AM/PM, z for
an offset). The date order is the one that fits every row (``_decide_order``): in order, and
not in the future; when two fit, the file is refused until the user gives the format
(``AmbiguousDateOrder``, which carries the formats to offer and a time read each way). Never a
guess. ``core.importing.timeparse`` then reads a whole column with the layout.
"""

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_TIME = (
    r"(?:[T ]\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"(?:\s*(?P<p>[AaPp]\.?[Mm]\.?))?)?"
)
_ZONE = r"(?:\s*(?P<z>Z|(?:UTC|GMT)?[+-]\d{1,2}(?::?\d{2})?))?"
_FIELDS = re.compile(r"^\s*(\d{1,4})([-./])(\d{1,2})\2(\d{1,4})(?=$|[T ])")
HAS_ZONE = re.compile(r"(Z|[+-]\d{1,2}(:?\d{2})?)\s*$")


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
    return bool(texts) and sum(bool(HAS_ZONE.search(t)) for t in texts) * 2 > len(texts)
