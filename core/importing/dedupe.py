"""Duplicates and conflicts: which rows of an import are new.

A row is a duplicate when its device already has a reading at the same moment with the same
value, whether imported, typed in or corrected since (the corrected original is still a reading
at that moment, so a re-import does not bring it back). A row at a moment that already has a
*different* value is rejected as a conflict: FieldLog never overwrites a reading. Earlier
batches of the same import are already in the open transaction, so duplicates inside the file
are found the same way, with memory bounded by the batch.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from core.db import DriverConnection
from core.importing.parsed import Rejected

Ids = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]


@dataclass
class Verdict:
    """Of some rows sorted by (device, time): which are new, how many were duplicates, and the
    conflicts (a different value at a moment already known), rejected by line."""

    fresh: Flags
    duplicates: int = 0
    conflicts: list[Rejected] = field(default_factory=list)


_RANGE_SQL = (
    "SELECT recorded_at, value FROM readings WHERE device_id = ? AND recorded_at BETWEEN ? AND ? "
    "AND id <= ? ORDER BY recorded_at"
)
_SPAN_SQL = "SELECT min(recorded_at), max(recorded_at) FROM readings WHERE device_id = ?"
KNOWN_IN_MEMORY = 4_000_000  # keys (16 bytes each) kept of this import before asking SQLite


class KnownReadings:
    """The readings each device already has, as duplicates are looked for.

    Readings stored before this import are asked of SQLite, and only where the batch's times
    fall inside the stored span of the device (two index probes tell it), so importing new
    data asks nothing. Readings this import wrote are kept in memory as sorted arrays: asking
    SQLite for a range would return every row of the import so far again and again when a file
    is not in time order. Past ``KNOWN_IN_MEMORY`` keys the memory is dropped and every range
    is asked of SQLite, which sees this import's rows in the open transaction: slower on a
    huge unsorted file, but memory stays bounded.
    """

    def __init__(self, conn: DriverConnection) -> None:
        self.conn = conn
        self.before = int(conn.execute("SELECT coalesce(max(id), 0) FROM readings").fetchone()[0])
        self.spans: dict[int, tuple[int, int] | None] = {}
        self.mine: dict[int, tuple[Ids, Floats]] = {}
        self.size = 0
        self.overflowed = False

    def around(self, device: int, times: Ids) -> tuple[Ids, Floats]:
        """Known (time, value) pairs of ``device`` within ``times``' span, sorted by time."""
        first, last = int(times[0]), int(times[-1])
        if self.overflowed:
            return self._ask(device, first, last, 2**62)
        overlap = self._overlap(device, first, last)
        parts = [self._ask(device, *overlap, self.before)] if overlap else []
        if device in self.mine:
            known_t, known_v = self.mine[device]
            cut = slice(*np.searchsorted(known_t, [first, last + 1]))
            parts.append((known_t[cut], known_v[cut]))
        if not parts:
            return np.empty(0, np.int64), np.empty(0, np.float64)
        merged_t = np.concatenate([t for t, _ in parts])
        merged_v = np.concatenate([v for _, v in parts])
        order = np.argsort(merged_t, kind="stable")
        return merged_t[order], merged_v[order]

    def add(self, device: int, times: Ids, values: Floats) -> None:
        if self.overflowed:
            return
        self.size += len(times)
        if self.size > KNOWN_IN_MEMORY:
            self.mine.clear()
            self.overflowed = True
            return
        known_t, known_v = self.mine.get(device, (np.empty(0, np.int64), np.empty(0, np.float64)))
        merged_t, merged_v = np.concatenate([known_t, times]), np.concatenate([known_v, values])
        order = np.argsort(merged_t, kind="stable")
        self.mine[device] = (merged_t[order], merged_v[order])

    def new_rows(self, lines: Ids, device: Ids, times: Ids, values: Floats) -> Verdict:
        """Which rows are new: not already stored (or earlier in the file) at the same moment.
        The rows are sorted by device, then time (file order for ties); ``lines`` are their
        line numbers in the file."""
        verdict = Verdict(np.ones(len(lines), dtype=bool))
        same_as_previous = np.zeros(len(lines), dtype=bool)
        if len(lines) > 1:
            same_as_previous[1:] = (device[1:] == device[:-1]) & (times[1:] == times[:-1])
        for device_id, rows in device_runs(device):
            stored_t, stored_v = self.around(device_id, times[rows])
            if len(stored_t):
                _against_stored(verdict, rows, lines, times, values, stored_t, stored_v)
        for row in np.flatnonzero(same_as_previous & verdict.fresh):
            previous = row - 1
            while previous > 0 and same_as_previous[previous]:
                previous -= 1  # the first row at this moment decides
            if values[row] == values[previous]:
                verdict.duplicates += 1
            else:
                why = _conflict(float(values[previous]), int(lines[previous]), float(values[row]),
                                "earlier")  # fmt: skip
                verdict.conflicts.append(Rejected(int(lines[row]), why))
            verdict.fresh[row] = False
        return verdict

    def _overlap(self, device: int, first: int, last: int) -> tuple[int, int] | None:
        if device not in self.spans:  # asked before this import writes any row of the device
            low, high = self.conn.execute(_SPAN_SQL, (device,)).fetchone()
            self.spans[device] = None if low is None else (int(low), int(high))
        span = self.spans[device]
        if span is None or last < span[0] or first > span[1]:
            return None
        return max(first, span[0]), min(last, span[1])

    def _ask(self, device: int, first: int, last: int, up_to_id: int) -> tuple[Ids, Floats]:
        stored = self.conn.execute(_RANGE_SQL, (device, first, last, up_to_id)).fetchall()
        return (np.fromiter((s[0] for s in stored), np.int64, len(stored)),
                np.fromiter((s[1] for s in stored), np.float64, len(stored)))  # fmt: skip


def _against_stored(
    verdict: Verdict,
    rows: npt.NDArray[np.intp],
    lines: Ids,
    times: Ids,
    values: Floats,
    stored_t: Ids,
    stored_v: Floats,
) -> None:
    """Mark the ``rows`` (of one device) whose moment is already known as not fresh."""
    at = np.searchsorted(stored_t, times[rows])
    inside = at < len(stored_t)
    hit = np.zeros(len(rows), dtype=bool)
    hit[inside] = stored_t[at[inside]] == times[rows][inside]
    for position in np.flatnonzero(hit):
        row = rows[position]
        first = at[position]
        last = int(np.searchsorted(stored_t, times[row], side="right"))
        if values[row] in stored_v[first:last]:
            verdict.duplicates += 1
        else:
            why = _conflict(float(stored_v[first]), None, float(values[row]), "stored")
            verdict.conflicts.append(Rejected(int(lines[row]), why))
        verdict.fresh[row] = False


def _conflict(kept: float, kept_line: int | None, value: float, where: str) -> str:
    """``where``: "stored" (in the database) or "earlier" (in the file, at ``kept_line``)."""
    source = "is already stored" if where == "stored" else f"comes earlier, on line {kept_line},"
    return (f"the device has a different value at this time ({kept!r} {source}); {value!r} was "
            "not imported: FieldLog never overwrites a reading")  # fmt: skip


def run_bounds(*keys: npt.NDArray[Any]) -> list[tuple[int, int]]:
    """(first, end) of each run of consecutive rows over which every one of ``keys`` (arrays
    of the same length) stays the same."""
    size = len(keys[0])
    if not size:
        return []
    changed = np.zeros(size - 1, dtype=bool)
    for key in keys:
        changed |= key[1:] != key[:-1]
    return list(pairwise([0, *(np.flatnonzero(changed) + 1).tolist(), size]))


def device_runs(device: Ids) -> Iterator[tuple[int, npt.NDArray[np.intp]]]:
    """(device id, row indexes) of each run of equal ids in ``device``, which is sorted."""
    for first, end in run_bounds(device):
        yield int(device[first]), np.arange(first, end)
