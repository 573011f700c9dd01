"""Time as FieldLog stores it: integer milliseconds since the Unix epoch, always UTC.

An integer column is half the size of SQLAlchemy's ISO text and reads into numpy several times
faster (docs/PERFORMANCE.md). Naive datetimes are refused rather than guessed.
"""

from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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
