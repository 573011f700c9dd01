"""Numbers as the PDF report prints them: at the readings' own precision, without exponents.

A reading stores the decimals it was typed with (``decimals``, migration 0007); one that does
not (imported, or from before 0007) has the decimals of its text to 15 significant digits. A
device's precision is the most any of its readings has; its minimum and maximum print at that
precision, its mean with one decimal more. ``12345678.901`` stays ``12345678.901`` and
``0.000000001`` stays ``0.000000001`` (``:g`` makes them ``1.23457e+07`` and ``1e-09``).
"""

import math
from decimal import Decimal

from core.validation import MAX_DECIMALS

_LONGEST_FIXED = 24  # past this, positional digits help no reader: 1e+300 stays 1e+300


def own_decimals(value: float) -> int:
    """The decimals of ``value`` written with at most 15 significant digits, as many as a
    float holds for certain: 4.125 → 3, 1e-09 → 9, 4.0 → 0, and 20.499000000000002 (what
    ``20 + 0.499`` computes) → 3, not the 15 of its last bit."""
    if not math.isfinite(value):
        return 0
    text = f"{value:.15g}"
    if "e" not in text:  # the common case, without a Decimal
        return len(text.partition(".")[2])
    exponent = Decimal(text).as_tuple().exponent
    assert isinstance(exponent, int)  # a finite value
    return max(0, -exponent)


def reading_decimals(value: float, decimals: int | None) -> int:
    """How many decimals a reading shows: as typed, else its shortest exact text's."""
    if decimals is not None and 0 <= decimals <= MAX_DECIMALS:
        return decimals
    return own_decimals(value)


def fixed(value: float | None, decimals: int) -> str:
    """``value`` with ``decimals`` digits after the point, never in exponent form unless it
    would be longer than any reader wants ("–" for no value)."""
    if value is None:
        return "–"
    if not math.isfinite(value):
        return repr(value)
    text = f"{value:.{max(0, decimals)}f}"
    if len(text) > _LONGEST_FIXED:
        return repr(value)
    return "0" + text[2:] if text.startswith("-0") and not text.strip("-0.") else text


def plain(value: float | None) -> str:
    """A value at its own precision, such as a limit: 12345678.901, 0.000000001."""
    return "–" if value is None else fixed(value, own_decimals(value))
