"""Samples as columns: the fast path from a parser to the import service.

A ``SampleBatch`` holds up to a few thousand (logger files) or a pyarrow block (generic CSV) of
samples as numpy arrays, plus the rows rejected while reading them, so a million-row import never
builds a million Python objects. ``ParsedFile.records`` is built on top of the batches
(``records_of``), so both ways of reading a file share one code path and one set of rules.
Its fields match the import service's ``Chunk``, in the same order.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from core.importing.records import ParsedFile, Rejected, Sample

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


def records_of(batches: Iterable[SampleBatch]) -> Iterator[Sample | Rejected]:
    for batch in batches:
        yield from samples_in(batch)


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


@dataclass
class BatchedFile(ParsedFile):
    """A ParsedFile whose ``records`` are read from ``batches`` (one stream, read once)."""

    batches: Iterator[SampleBatch] = field(default_factory=lambda: iter(()))
