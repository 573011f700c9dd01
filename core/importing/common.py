"""What every logger reader shares: building the parsed file, the time layout and zone rules,
and the one-line refusal a reader's own failure becomes."""

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import tzinfo
from pathlib import Path

from core.importing.options import NEEDS_ZONE, Source
from core.importing.parsed import Channel, ImportFileError, ParsedFile, SampleBatch
from core.importing.timelayout import TimeLayout, detect_layout
from core.importing.wide import WideSpec, csv_rows, is_number, wide_batches
from core.importing.zones import zone_label

PREVIEW = 20
log = logging.getLogger(__name__)


def build(
    source: Source,
    fmt: str,
    description: str,
    channels: list[Channel],
    batches: Iterator[SampleBatch],
    preview: list[list[str]],
    zone: tzinfo,
    position: Callable[[], int],
) -> ParsedFile:
    batches = guarded(source.path, fmt, batches)
    return ParsedFile(
        source.path,
        fmt,
        description,
        channels,
        batches,
        preview,
        zone_label(zone),
        source.size,
        position,
    )


def wide_csv_file(
    source: Source,
    fmt: str,
    description: str,
    channels: list[Channel],
    spec: WideSpec,
    preview: list[list[str]],
    *,
    delimiter: str,
    skip_lines: int,
) -> ParsedFile:
    """A logger export whose rows are delimited fields after ``skip_lines`` lines of header:
    a time (one column or two) and a column per channel, read by ``spec``."""
    assert spec.zone is not None  # every reader has the file's zone by now (zone_or_fail)
    rows, position = csv_rows(source.path, source.encoding, delimiter, skip_lines)
    batches = wide_batches(rows, spec)
    return build(source, fmt, description, channels, batches, preview, spec.zone, position)


READER_STOPPED = "is not written as FieldLog expects that format to be"


def reader_failure(path: Path, fmt: str, error: Exception) -> ImportFileError:
    """The one line a user gets when a reader meets what it was not written for (a bug, or a
    file damaged past what the reader checks): what to do, never a traceback. The detail is
    logged; tests fail on this text, so each such case gets its own reason."""
    from core.importing.formats import FORMATS  # at call time: formats imports this module

    log.error("the %s reader failed on %s", fmt, path, exc_info=error)
    return ImportFileError(
        path,
        f"read as {FORMATS.get(fmt, fmt)}, this file {READER_STOPPED}. Check that it is such "
        "an export and complete, export it again, or choose another format (--format); the "
        "details are in the log",
    )


def guarded(path: Path, fmt: str, batches: Iterator[SampleBatch]) -> Iterator[SampleBatch]:
    """``batches``, with any error other than ImportFileError turned into one."""
    try:
        yield from batches
    except ImportFileError:
        raise
    except Exception as error:
        raise reader_failure(path, fmt, error) from error


def zone_or_fail(source: Source) -> tzinfo:
    zone = source.zone
    if zone is None:
        raise source.fail(NEEDS_ZONE)
    return zone


def time_layout(
    source: Source, samples: list[str], rest: Callable[[], Iterable[str]] | None = None
) -> TimeLayout:
    """The layout of ``samples`` (the first rows); ``rest`` gives every row's time text when
    the first rows leave the date order open (see ``timeparse.detect_layout``)."""
    try:
        return detect_layout(samples, source.options.date_format, rest)
    except ValueError as error:
        raise source.no_layout(error) from None


def header_line(lines: list[str], is_header: Callable[[str], bool], within: int) -> int | None:
    """The index of the first of the first ``within`` lines that ``is_header``, if any: where
    a table starts under a vendor's block of settings."""
    return next((i for i, line in enumerate(lines[:within]) if is_header(line)), None)


def column_texts(
    source: Source, delimiter: str, skip: int, text: Callable[[list[str]], str]
) -> Callable[[], Iterator[str]]:
    """Every row's time text (``text(fields)``) after the first ``skip`` lines, read anew."""

    def texts() -> Iterator[str]:
        rows, _ = csv_rows(source.path, source.encoding, delimiter, skip)
        return (text(fields) for _, fields in rows)

    return texts


def numeric_columns(rows: list[list[str]], columns: range, missing: frozenset[str]) -> list[int]:
    """Columns whose values (in the look-ahead) all read as numbers or the missing marker."""
    found = []
    for column in columns:
        cells = [r[column].strip() for r in rows if column < len(r) and r[column].strip()]
        if cells and all(c in missing or is_number(c) for c in cells):
            found.append(column)
    return found
