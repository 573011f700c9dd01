"""Time as FieldLog stores it: integer milliseconds since the Unix epoch, always UTC.

An integer column is half the size of SQLAlchemy's ISO text and reads into numpy several times
faster (docs/PERFORMANCE.md). Naive datetimes are refused rather than guessed.
"""

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy only for the types: the launch path need not import it
    import numpy as np
    import numpy.typing as npt

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY_MS = 86_400_000
ALL_TIME_MS = (-(2**62), 2**62)  # bounds that hold every stored time, for "no limit"

# The one rule for a believable time, typed or imported: not before 1970, and at most a day
# ahead of this machine's clock (a logger's or a laptop's clock may run a little fast).
FUTURE_TOLERANCE_MS = DAY_MS
TOO_EARLY = "is before 1970; check the date"
TOO_LATE = "is more than a day in the future; check the date and the clock"


def to_epoch_ms(moment: datetime) -> int:
    """Milliseconds since the epoch for an aware datetime."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"time {moment.isoformat()} has no time zone; FieldLog needs one")
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def from_epoch_ms(ms: int) -> datetime:
    """The UTC datetime for milliseconds since the epoch."""
    return _EPOCH + timedelta(milliseconds=ms)


def now_ms() -> int:
    return to_epoch_ms(datetime.now(UTC))


def iso_utc(ms: int) -> str:
    """ISO 8601 with an explicit offset, the form of every time FieldLog exports."""
    return from_epoch_ms(ms).isoformat(timespec="milliseconds")


def time_problem(ms: int, now: int | None = None) -> str | None:
    """Why a time (epoch ms) is not believable, or None: ``TOO_EARLY`` or ``TOO_LATE``."""
    if ms < 0:
        return TOO_EARLY
    if ms > (now_ms() if now is None else now) + FUTURE_TOLERANCE_MS:
        return TOO_LATE
    return None


def out_of_window(
    times_ms: "npt.NDArray[np.int64]", now: int | None = None
) -> "tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]":
    """``time_problem`` for a whole column: which times are too early, which too late."""
    late = (now_ms() if now is None else now) + FUTURE_TOLERANCE_MS
    return times_ms < 0, times_ms > late
