"""Rows as the tests write and read them: one ``Sample`` or ``Rejected`` per record, in line
order, turned into the column batches the import reads (``batches_of``) and back (``rows_of``).

FieldLog itself knows only the batches (``core.importing.parsed``); a row-by-row form is what
expectations worked out by hand from a file look like.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from core.importing.parsed import Channel, ParsedFile, Rejected, SampleBatch, Texts, make_batch


@dataclass(frozen=True, slots=True)
class Sample:
    line: int  # 1-based line (or spreadsheet row) in the file
    channel: int  # index into ParsedFile.channels
    time_ms: int
    value: float
    unit: str | None = None  # only when a row states its own unit (generic files)
    operator: str | None = None
    note: str | None = None


def samples_in(batch: SampleBatch) -> Iterator[Sample | Rejected]:
    """A batch's records in line order: each rejection before the samples of later lines."""
    rejected = sorted(batch.rejected, key=lambda bad: bad.line)
    pending = 0
    columns = zip(
        batch.line.tolist(),
        batch.channel.tolist(),
        batch.time_ms.tolist(),
        batch.value.tolist(),
        strict=True,
    )
    for row, (line, channel, time_ms, value) in enumerate(columns):
        while pending < len(rejected) and rejected[pending].line <= line:
            yield rejected[pending]
            pending += 1
        yield Sample(
            line,
            channel,
            time_ms,
            value,
            _at(batch.unit, row),
            _at(batch.operator, row),
            _at(batch.note, row),
        )
    yield from rejected[pending:]


def _at(column: Texts, row: int) -> str | None:
    return None if column is None else column[row]


def rows_of(parsed: ParsedFile) -> list[Sample | Rejected]:
    """Every record of the file, in line order (reads the file's one stream)."""
    return [row for batch in parsed.batches for row in samples_in(batch)]


def batches_of(records: Iterable[Sample | Rejected], size: int = 50_000) -> Iterator[SampleBatch]:
    """Group plain records into batches (for a ParsedFile that was not made by our parsers)."""
    samples: list[Sample] = []
    rejected: list[Rejected] = []
    for record in records:
        if isinstance(record, Rejected):
            rejected.append(record)
            continue
        samples.append(record)
        if len(samples) >= size:
            yield _from_samples(samples, rejected)
            samples, rejected = [], []
    if samples or rejected:
        yield _from_samples(samples, rejected)


def _from_samples(samples: list[Sample], rejected: list[Rejected]) -> SampleBatch:
    def texts(name: str) -> Texts:
        values: list[str | None] = [getattr(s, name) for s in samples]
        return values if any(v is not None for v in values) else None

    made = make_batch(
        (s.line for s in samples),
        (s.channel for s in samples),
        (s.time_ms for s in samples),
        (s.value for s in samples),
        rejected,
    )
    return SampleBatch(
        made.line,
        made.channel,
        made.time_ms,
        made.value,
        texts("unit"),
        texts("operator"),
        texts("note"),
        rejected,
    )


def parsed_from_rows(
    path: Path,
    fmt: str,
    description: str,
    channels: list[Channel],
    rows: Iterable[Sample | Rejected],
    **more: object,
) -> ParsedFile:
    """A ParsedFile whose stream is ``rows``, as a parser would have batched them."""
    return ParsedFile(path, fmt, description, channels, batches_of(rows), **more)  # type: ignore[arg-type]
