"""What a parsed import file is: its channels and a stream of samples, before any database.

A parser (``core.importing.formats``) turns one file into a ``ParsedFile``: the channels it
found in the header (a logger's column, or one device named in a generic CSV's rows) and an
iterator over ``Sample`` (one value of one channel at one moment) and ``Rejected`` (a row, or a
cell, that cannot be imported, with its line number and the reason). The import service
(``core.importing.service``) maps channels to devices, drops duplicates and writes a batch.

Times are UTC epoch milliseconds (``core.timeutil``): a parser has already applied the offset
the file states, or the time zone the user chose for a file that states none.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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
class Sample:
    line: int  # 1-based line (or spreadsheet row) in the file
    channel: int  # index into ParsedFile.channels
    time_ms: int
    value: float
    unit: str | None = None  # only when a row states its own unit (generic files)
    operator: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Rejected:
    line: int
    reason: str  # says what is wrong and, where it can, what to do


@dataclass
class ParsedFile:
    """A file opened and its header understood; ``records`` reads the rest lazily, once."""

    path: Path
    format: str  # e.g. "toa5", "hobo", "csv"
    description: str  # e.g. "Campbell Scientific TOA5, station CR1000 - IP, logger E2948"
    channels: list[Channel]
    records: Iterator[Sample | Rejected]
    preview: list[list[str]] = field(default_factory=list)  # the first rows as split
    timezone: str | None = None  # what the times were read in: "UTC-07:00", "Europe/Oslo"
    total_bytes: int = 0  # the file's size, for progress
    position: Callable[[], int] = lambda: 0  # bytes read so far, for progress
