"""What a parsed import file is: its channels and a stream of samples, before any database.

A parser (``core.importing.formats``) turns one file into a ``ParsedFile``: the channels it
found in the header (a logger's column, or one device named in a generic CSV's rows) and a
lazy stream of ``SampleBatch``: samples as columns (numpy arrays of line, channel, time and
value, one value of one channel at one moment each) plus the rows of that stretch that cannot
be imported (``Rejected``: the line and the reason). A million-row import never builds a
million Python objects. The import service (``core.importing.service``) maps channels to
devices, drops duplicates and writes a batch.

Times are UTC epoch milliseconds (``core.timeutil``): a parser has already applied the offset
the file states, or the time zone the user chose for a file that states none.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from core.device_table import TableDevice
from core.errors import FieldLogError


class ImportFileError(FieldLogError):
    """The file as a whole cannot be imported (empty, binary, unknown layout, bad encoding...).

    The message names the file and, where it applies, the line; the database is not touched.
    """

    def __init__(
        self,
        path: Path,
        message: str,
        line: int | None = None,
        date_formats: Sequence[str] = (),
        date_example: str = "",
    ) -> None:
        where = f"{path.name}, line {line}" if line is not None else path.name
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.reason = message
        self.date_formats = list(date_formats)  # when two date orders fit: the ones to offer
        self.date_example = date_example  # and a time from the file, to show read each way


@dataclass(frozen=True)
class Channel:
    """One series in the file: a logger's column, or a device named in a generic file's rows.

    ``serial`` and ``name`` are how the import finds (or creates) the device: by serial first,
    then by name. ``quantity`` is what is measured ("Temp", "RH"), when the file says.
    """

    key: str  # unique within the file, stable across exports of the same logger
    name: str  # the name a device made for this channel gets
    unit: str  # '' when the file gives none
    serial: str | None = None
    quantity: str | None = None
    column: str | None = None  # the header text, for the preview and the report


@dataclass(frozen=True, slots=True)
class Rejected:
    line: int
    reason: str  # says what is wrong and, where it can, what to do


Texts = list[str | None] | None


@dataclass(frozen=True)
class SampleBatch:
    """Samples as columns; ``unit``/``operator``/``note`` are None when no row has one."""

    line: npt.NDArray[np.int64]
    channel: npt.NDArray[np.int64]
    time_ms: npt.NDArray[np.int64]
    value: npt.NDArray[np.float64]
    unit: Texts
    operator: Texts
    note: Texts
    rejected: list[Rejected]

    def __len__(self) -> int:
        return len(self.line)


def make_batch(
    line: Iterable[int],
    channel: Iterable[int],
    time_ms: Iterable[int],
    value: Iterable[float],
    rejected: list[Rejected],
    unit: Texts = None,
) -> SampleBatch:
    """A batch from plain Python columns (the logger parsers build these row by row)."""
    return SampleBatch(
        np.fromiter(line, np.int64),
        np.fromiter(channel, np.int64),
        np.fromiter(time_ms, np.int64),
        np.fromiter(value, np.float64),
        unit if unit is not None and any(u is not None for u in unit) else None,
        None,
        None,
        rejected,
    )


@dataclass
class ParsedFile:
    """A file opened and its header understood; ``batches`` reads the rest lazily, once."""

    path: Path
    format: str  # e.g. "toa5", "hobo", "csv"
    description: str  # e.g. "Campbell Scientific TOA5, station CR1000 - IP, logger E2948"
    channels: list[Channel]
    batches: Iterator[SampleBatch]
    preview: list[list[str]] = field(default_factory=list)  # the first rows as split
    timezone: str | None = None  # what the times were read in: "UTC-07:00", "Europe/Oslo"
    total_bytes: int = 0  # the file's size, for progress
    position: Callable[[], int] = lambda: 0  # bytes read so far, for progress
    # The devices table FieldLog's own export carries (``core.device_table``), and where it
    # was read: the import re-creates or finds each device whole, readings or not.
    devices: list[TableDevice] = field(default_factory=list)
    devices_from: str | None = None  # "march.devices.csv", 'sheet "Devices"'
