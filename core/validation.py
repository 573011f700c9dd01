"""Checks on what users type, each with a message that says which field and what to do.

Nothing is guessed: an ambiguous number is refused, never read one way or the other.
"""

import math
import re
from datetime import datetime

from core.timeutil import time_problem, to_epoch_ms

MAX_LENGTHS = {
    "name": 200,
    "serial_number": 100,
    "device_type": 100,
    "manufacturer": 100,
    "model": 100,
    "location": 255,
    "default_unit": 32,
    "unit": 32,
    "operator": 100,
    "notes": 10_000,
    "note": 10_000,
    # a calibration's (core.calibration)
    "performed_by": 100,
    "lab": 200,
    "certificate_number": 100,
    "reference_standard": 200,
    "as_found_values": 10_000,
    "as_left_values": 10_000,
}

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


KEPT_AS_TYPED = frozenset({"notes", "note"})  # free text: every character is the writer's


def clean_text(name: str, value: str | None, problems: dict[str, str]) -> str | None:
    """``value`` as stored: None when blank (nothing but whitespace); a note exactly as typed;
    any other field without the ordinary spaces at its ends, and nothing else taken off (a
    leading tab pasted from a spreadsheet cell is the user's, not noise to strip silently).
    Records a problem when it is too long."""
    text = None if value is None else typed_or_none(value, name)
    if text is None:
        return None
    limit = MAX_LENGTHS[name]
    if len(text) > limit:
        problems[name] = f"at most {limit} characters (this has {len(text)})"
    elif not _is_text(text):
        problems[name] = "holds bytes that are not text (not UTF-8): type it again"
    return text


def trimmed(text: str) -> str:
    """``text`` without the ordinary spaces at its ends: the one trim of names and such."""
    return text.strip(" ")


def typed_or_none(text: str, name: str = "") -> str | None:
    """What a field holds as ``clean_text`` keeps it (for ``name``, a note by its name), or
    None when it is blank: for a screen that passes on what was typed."""
    if not text.strip():
        return None
    return text if name in KEPT_AS_TYPED else trimmed(text)


def _is_text(text: str) -> bool:
    """False for a string with lone surrogates: the bytes of a command line that were not
    UTF-8 (Python keeps them so), which the database cannot store as text."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


SQLITE_INTEGERS = range(-(2**63), 2**63)  # an id outside this can name no row


def storable_id(value: int) -> bool:
    """Whether ``value`` fits SQLite's INTEGER (a typed id of 20 digits does not)."""
    return value in SQLITE_INTEGERS


def check_finite(name: str, value: float | None, problems: dict[str, str]) -> None:
    if value is not None and not math.isfinite(value):
        problems[name] = "must be a finite number"


def parse_number(text: str, decimal_separator: str = ".") -> float:
    """Read a number typed by a user, refusing anything ambiguous.

    With ``decimal_separator="."`` "1,5" is refused rather than read as 15 or 1.5; with ","
    it reads 1.5 and "1.5" is refused. Thousands separators are never accepted.
    """
    if decimal_separator not in {".", ","}:
        raise ValueError("the decimal separator must be '.' or ','")
    stripped = text.strip()
    if not stripped:
        raise ValueError("enter a number")
    other = "," if decimal_separator == "." else "."
    if other in stripped:
        raise ValueError(
            f"{stripped!r} is ambiguous: use {decimal_separator!r} as the decimal separator "
            "and no thousands separator"
        )
    normal = stripped.replace(",", ".")
    if not _PLAIN_NUMBER.match(normal):
        raise ValueError(f"{stripped!r} is not a number")
    value = float(normal)
    if not math.isfinite(value):
        raise ValueError(f"{stripped!r} is too large")
    if value == 0 and any(digit in "123456789" for digit in normal.lower().partition("e")[0]):
        raise ValueError(f"{stripped!r} is too small to store: it would be saved as 0")
    return value


MAX_DECIMALS = 15  # beyond this a float holds no more digits: the shortest exact text is shown


def typed_decimals(text: str, decimal_separator: str = ".") -> int | None:
    """How many digits follow the decimal point in a number as typed ("4.00": 2, "4": 0), so
    that it can be shown as typed; None for an exponent ("1e-3") or more than MAX_DECIMALS.
    ``text`` is one that ``parse_number`` read."""
    number = text.strip().replace(decimal_separator, ".")
    if "e" in number.lower():
        return None
    digits = len(number.partition(".")[2])
    return digits if digits <= MAX_DECIMALS else None


def value_text(value: float, decimals: int | None = None) -> str:
    """A reading's value as it was typed (``decimals``), else its shortest exact text: never
    rounded to fewer digits than the value has (``:g`` shows 1234.5678 as 1234.57)."""
    if decimals is not None and 0 <= decimals <= MAX_DECIMALS and math.isfinite(value):
        return f"{value:.{decimals}f}"
    return repr(float(value)).removesuffix(".0")


def check_time(name: str, moment: datetime, problems: dict[str, str]) -> None:
    """A reading's time must carry a zone and lie between 1970 and tomorrow."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        problems[name] = "needs a time zone"
    elif (why := time_problem(to_epoch_ms(moment))) is not None:
        problems[name] = why


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(text: str) -> str:
    """Text a spreadsheet shows as text: one apostrophe before a risky start, as Excel itself
    writes it. ``formula_unquoted`` takes it off again, so a FieldLog CSV round-trips."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def formula_unquoted(text: str) -> str:
    """The inverse of ``formula_safe``: one leading apostrophe before a risky start removed."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def unit_clash(
    unit: str | None, device_unit: str | None, device_name: str, what_to_do: str = ""
) -> str | None:
    """Why a reading in ``unit`` cannot go to a device measured in ``device_unit``, or None.

    One rule for typed and imported readings: FieldLog never converts units, so a value in
    another unit than its device's is refused (a reading or a device without a unit clashes
    with nothing). ``what_to_do`` ends the message; by default, give the value in the device's
    unit.
    """
    if not unit or not device_unit or unit == device_unit:
        return None
    advice = what_to_do or f"give the value in {device_unit}"
    return (
        f"unit {unit} differs from {device_unit}, the unit of “{device_name}”; FieldLog does not "
        f"convert units: {advice}"
    )
