"""Import a parsed file into the database as one batch: all or nothing, and never twice.

The whole import is one transaction on the driver connection. A dry run does exactly the same
work and rolls back at the end, so its report is the report the real import would give.

**Devices.** Each channel of the file is matched to a device: through ``device_map`` (the
wizard's choice), else by serial number (only when one channel of the file carries that serial:
a logger's serial names the logger, not each of its columns), else by exact name. A channel with
no device gets one made for it when ``create_devices`` is set; otherwise its rows are rejected
with a message saying how to go on.

**Duplicates.** A row is a duplicate when its device already has a reading at the same moment
with the same value, whether imported, typed in or corrected since (the corrected original is
still a reading at that moment, so a re-import does not bring it back). A row at a moment that
already has a *different* value is rejected as a conflict: FieldLog never overwrites a reading.
Rows come in batches (``SampleBatch``); earlier batches are already in the open transaction,
so duplicates inside the file are found the same way, with memory bounded by the batch.

**Speed.** Each batch is sorted by (device, time) before its INSERT, so the readings index grows
almost in order (docs/PERFORMANCE.md, T1: the insert is most of the import), and only the
values that vary from row to row are bound. Readings carry no index on ``batch_id``: the batch
records the range of reading ids it wrote, and undo and counts read that range (migration
0006).
"""

import sqlite3
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice, pairwise
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from core.db import Database
from core.errors import FieldLogError, NotFoundError
from core.files import sha256
from core.ids import uuid7
from core.importing.batches import SampleBatch
from core.importing.formats import iter_sample_batches
from core.importing.records import Channel, ParsedFile, Rejected
from core.models import ReadingSource
from core.timeutil import TOO_EARLY, TOO_LATE, from_epoch_ms, now_ms, out_of_window
from core.validation import unit_clash

Ids = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]
KEPT_REJECTIONS = 1000  # the report lists this many rejected rows; it counts them all

Progress = Callable[[int, int], None]  # (bytes read, file size)


class ImportCancelled(FieldLogError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"The import of {path.name} was cancelled; nothing was imported.")


class BatchUndoError(FieldLogError):
    pass


@dataclass(frozen=True)
class DeviceMatch:
    """What one channel of the file was matched to."""

    channel: Channel
    device_id: int | None  # None: rejected, or (dry run) to be created
    device_name: str
    how: str  # "serial", "name", "chosen", "created", "unknown"
    readings: int = 0  # new readings for this channel


@dataclass
class ImportReport:
    path: Path
    format: str
    description: str
    timezone: str | None
    dry_run: bool
    accepted: int = 0  # new readings (added, or that would be added)
    duplicates: int = 0
    rejected_count: int = 0
    flagged: int = 0  # accepted readings outside their device's limits (kept, flagged)
    rejected: list[Rejected] = field(default_factory=list)  # the first KEPT_REJECTIONS
    matches: list[DeviceMatch] = field(default_factory=list)
    batch_id: int | None = None
    earlier_batches: list[int] = field(default_factory=list)  # same file hash, imported before
    first_ms: int | None = None
    last_ms: int | None = None
    written: bool = True  # False when there was nothing new: no batch, no device was kept

    @property
    def devices_created(self) -> list[str]:
        return [m.device_name for m in self.matches if m.how == "created"]

    @property
    def nothing_importable(self) -> bool:
        """No row could be used: every row was rejected, or there were none."""
        return self.accepted == 0 and self.duplicates == 0

    def text(self) -> str:
        """The report as a technician reads it (the CLI prints this; the wizard shows it)."""
        verb = "would be" if self.dry_run else "were"
        lines = [f"{self.path.name}: {self.description}"]
        if self.timezone:
            lines.append(f"Times read as {self.timezone}.")
        if self.first_ms is not None and self.last_ms is not None:
            span = f"{_local(self.first_ms)} to {_local(self.last_ms)}"
            lines.append(f"Readings from {span}.")
        lines.append(
            f"{self.accepted:,} new readings {verb} imported; {self.duplicates:,} duplicates "
            f"skipped; {self.rejected_count:,} rows rejected; {self.flagged:,} outside limits "
            "(imported and flagged)."
        )
        if self.earlier_batches:
            batches = ", ".join(str(b) for b in self.earlier_batches)
            lines.append(f"This exact file was imported before (batch {batches}).")
        for match in self.matches:
            lines.append(f"  {_match_text(match, self.dry_run, self.written)}")
        if not self.written:
            lines.append("Nothing new, so nothing was written: no batch, no device.")
        for bad in self.rejected:
            lines.append(f"  line {bad.line}: {bad.reason}")
        if self.rejected_count > len(self.rejected):
            lines.append(f"  … and {self.rejected_count - len(self.rejected):,} more rejected rows")
        if not self.dry_run and self.batch_id is not None:
            lines.append(f"Recorded as batch {self.batch_id}; `fieldlog batch undo "
                         f"{self.batch_id}` removes it.")  # fmt: skip
        return "\n".join(lines)


def _match_text(match: DeviceMatch, dry_run: bool, written: bool = True) -> str:
    column = match.channel.column or match.channel.key
    unit = f" [{match.channel.unit}]" if match.channel.unit else ""
    if match.how == "unknown":
        return f"{column}{unit}: no device found — rows rejected"
    if match.how == "created":
        made = "would be created" if dry_run else "created" if written else "not kept"
        return f"{column}{unit} → new device “{match.device_name}” ({made}), {match.readings:,} new"
    return f"{column}{unit} → “{match.device_name}” (by {match.how}), {match.readings:,} new"


def _local(ms: int) -> str:
    return from_epoch_ms(ms).astimezone().isoformat(sep=" ", timespec="seconds")


def import_parsed(
    db: Database,
    parsed: ParsedFile,
    *,
    dry_run: bool = False,
    create_devices: bool = False,
    device_map: dict[str, int] | None = None,
    batches: Iterable[SampleBatch] | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import ``parsed`` as one batch (or, with ``dry_run``, report what that would do).

    ``batches`` replaces ``iter_sample_batches(parsed)`` (tests cut them small).
    Raises ``ImportCancelled`` when ``cancelled()`` turns true; nothing is written then.
    """
    report = ImportReport(parsed.path, parsed.format, parsed.description, parsed.timezone,
                          dry_run)  # fmt: skip
    digest = sha256(parsed.path)
    with db.driver_write(IMPORT_PRAGMAS) as conn:  # T1
        writer = _BatchWriter(conn, parsed, report, digest, device_map or {}, create_devices)
        for chunk in batches if batches is not None else iter_sample_batches(parsed):
            if cancelled is not None and cancelled():
                raise ImportCancelled(parsed.path)
            writer.write(chunk)
            if progress is not None:
                progress(parsed.position(), parsed.total_bytes)
        writer.finish()
        keep = not dry_run and report.accepted > 0
        if not keep:
            conn.rollback()  # a dry run, or nothing new: nothing written at all
    if not keep:
        report.batch_id = None
        if not dry_run:
            report.written = False
    return report


_DEVICES_SQL = (
    "SELECT id, name, serial_number, default_unit, low_limit, high_limit, archived_at "
    "FROM devices ORDER BY archived_at IS NOT NULL, id"
)


# The connection tuned for one import's transaction (``Database.driver_write`` puts it back):
# - foreign-key checks off: every reading the import writes names a device it has just read (or
#   made) in the same ``BEGIN IMMEDIATE`` transaction, which no other writer can enter, and the
#   batch it has just inserted; SQLite's check of each row would look both up again, a tenth of
#   the import's time (T1);
# - a 64 MB page cache instead of 2 MB, so that the readings index being extended stays in
#   memory rather than being written out and read back while the batch goes in.
IMPORT_CACHE_KIB = -65_536  # negative: KiB, as PRAGMA cache_size takes it
IMPORT_PRAGMAS = {"foreign_keys": 0, "cache_size": IMPORT_CACHE_KIB}


_RANGE_SQL = (
    "SELECT recorded_at, value FROM readings WHERE device_id = ? AND recorded_at BETWEEN ? AND ? "
    "AND id <= ? ORDER BY recorded_at"
)
_SPAN_SQL = "SELECT min(recorded_at), max(recorded_at) FROM readings WHERE device_id = ?"
MIN_RUN = 64  # rows, on average, for which a statement with the device and unit as literals pays
KNOWN_IN_MEMORY = 4_000_000  # keys (16 bytes each) kept of this import before asking SQLite


class _Known:
    """The readings each device already has, as duplicates are looked for.

    Readings stored before this import are asked of SQLite, and only where the batch's times
    fall inside the stored span of the device (two index probes tell it), so importing new
    data asks nothing. Readings this import wrote are kept in memory as sorted arrays: asking
    SQLite for a range would return every row of the import so far again and again when a file
    is not in time order. Past ``KNOWN_IN_MEMORY`` keys the memory is dropped and every range
    is asked of SQLite, which sees this import's rows in the open transaction: slower on a
    huge unsorted file, but memory stays bounded.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
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


@dataclass
class _Target:
    """A channel's device, once resolved."""

    device_id: int
    name: str
    unit: str  # the device's default unit, '' when it has none
    low: float | None
    high: float | None
    how: str
    readings: int = 0


class _BatchWriter:
    """Writes one import inside an open transaction."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        parsed: ParsedFile,
        report: ImportReport,
        digest: str,
        device_map: dict[str, int],
        create_devices: bool,
    ) -> None:
        self.conn, self.parsed, self.report = conn, parsed, report
        self.created_at = now_ms()
        report.earlier_batches = [row[0] for row in conn.execute(
            "SELECT id FROM import_batches WHERE file_hash = ? AND undone_at IS NULL ORDER BY id",
            (digest,),
        )]  # fmt: skip
        self.batch_id = self._start_batch(digest)
        report.batch_id = self.batch_id
        self.targets = self._resolve(device_map, create_devices)
        self.known = _Known(conn)

    def _start_batch(self, digest: str) -> int:
        parsed = self.parsed
        cursor = self.conn.execute(
            "INSERT INTO import_batches (uid, file_name, file_hash, file_size, format, timezone, "
            "imported_at, readings_added, duplicates, rejected, devices_created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0)",
            (uuid7().bytes, parsed.path.name[:255], digest, parsed.path.stat().st_size,
             parsed.format, parsed.timezone, self.created_at),
        )  # fmt: skip
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    # --- devices ---------------------------------------------------------------------------

    def _resolve(self, device_map: dict[str, int], create: bool) -> list[_Target | None]:
        rows = self.conn.execute(_DEVICES_SQL).fetchall()
        by_id = {row[0]: row for row in rows}
        by_serial: dict[str, list[tuple]] = {}  # type: ignore[type-arg]
        by_name: dict[str, list[tuple]] = {}  # type: ignore[type-arg]
        for row in rows:
            if row[2]:
                by_serial.setdefault(row[2], []).append(row)
            by_name.setdefault(row[1], []).append(row)
        channels = self.parsed.channels
        serial_uses = Counter(channel.serial for channel in channels if channel.serial)
        targets: list[_Target | None] = []
        for channel in channels:
            target: _Target | None = None
            if channel.key in device_map:
                chosen = by_id.get(device_map[channel.key])
                if chosen is None:
                    raise NotFoundError(
                        f"There is no device with id {device_map[channel.key]} "
                        f"(chosen for {channel.column or channel.key})."
                    )
                target = _target(chosen, "chosen")
            elif (
                channel.serial and serial_uses[channel.serial] == 1 and channel.serial in by_serial
            ):
                target = _target(by_serial[channel.serial][0], "serial")
            elif channel.name in by_name:
                target = _target(by_name[channel.name][0], "name")
            elif create:
                target = self._create_device(channel)
                by_name.setdefault(channel.name, []).append(
                    (target.device_id, channel.name, channel.serial, channel.unit, None, None, None)
                )
            targets.append(target)
        return targets

    def _create_device(self, channel: Channel) -> _Target:
        stamp = self.created_at
        cursor = self.conn.execute(
            "INSERT INTO devices (uid, name, serial_number, device_type, default_unit, status, "
            "notes, created_at, updated_at, batch_id) VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)",
            (uuid7().bytes, channel.name[:200], channel.serial, channel.quantity,
             channel.unit or None, f"Created by importing {self.parsed.path.name}.", stamp, stamp,
             self.batch_id),
        )  # fmt: skip
        assert cursor.lastrowid is not None
        return _Target(cursor.lastrowid, channel.name, channel.unit, None, None, "created")

    # --- rows ------------------------------------------------------------------------------

    def write(self, chunk: SampleBatch) -> None:
        for bad in chunk.rejected:
            self._reject(bad)
        if not len(chunk.line):
            return
        device, keep = self._devices_of(chunk)
        order = np.flatnonzero(keep)  # in file order, so that a stable sort keeps it for ties
        order = order[np.lexsort((chunk.time_ms[order], device[order]))]  # by device, then time
        device, times, values = device[order], chunk.time_ms[order], chunk.value[order]
        fresh = self._not_duplicates(chunk, order, device, times, values)
        self._insert(chunk, order[fresh], device[fresh])

    def _devices_of(
        self, chunk: SampleBatch
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
        """Each row's device id (0 for none) and whether the row can be kept: it has a device,
        a believable time, a finite value and its device's unit."""
        ids = np.array([t.device_id if t else 0 for t in self.targets] or [0], dtype=np.int64)
        device = ids[chunk.channel]
        keep = device != 0
        for index, channel in enumerate(self.parsed.channels):
            if self.targets[index] is None:
                self._reject_rows(chunk, (chunk.channel == index), _no_device(channel))
        early, late = out_of_window(chunk.time_ms)
        self._reject_rows(chunk, keep & early, f"the time {TOO_EARLY}")
        self._reject_rows(chunk, keep & late, f"the time {TOO_LATE}")
        odd_time = keep & (early | late)
        odd_value = keep & ~odd_time & ~np.isfinite(chunk.value)
        self._reject_rows(chunk, odd_value, "the value is not a finite number")
        keep &= ~odd_time & ~odd_value
        keep &= self._unit_ok(chunk, keep)
        return device, keep

    def _unit_ok(self, chunk: SampleBatch, keep: Flags) -> Flags:
        """Rows whose unit differs from their device's are refused: FieldLog does not convert
        units, and a chart mixing °F into °C would mislead."""
        device_unit = np.array([t.unit if t else "" for t in self.targets] or [""], dtype=object)
        if chunk.unit is None:
            channel_unit = np.array([c.unit for c in self.parsed.channels] or [""], dtype=object)
            row_unit = channel_unit[chunk.channel]
        else:
            row_unit = np.asarray(chunk.unit, dtype=object)
            row_unit = np.where(row_unit == None, "", row_unit)  # noqa: E711 -- element-wise
        wanted = device_unit[chunk.channel]
        clash: Flags = keep & (row_unit != "") & (wanted != "") & (row_unit != wanted)
        for channel, unit in {(int(c), str(u)) for c, u in
                              zip(chunk.channel[clash], row_unit[clash], strict=True)}:  # fmt: skip
            target = self.targets[channel]
            assert target is not None
            rows = clash & (chunk.channel == channel) & (row_unit == unit)
            self._reject_rows(chunk, rows, _unit_clash(unit, target))
        return ~clash

    def _reject_rows(self, chunk: SampleBatch, rows: npt.NDArray[np.bool_], reason: str) -> None:
        """Reject the rows where ``rows`` is true, keeping the first few for the report."""
        picked = np.flatnonzero(rows)
        room = max(0, KEPT_REJECTIONS - len(self.report.rejected))
        self.report.rejected.extend(Rejected(int(chunk.line[r]), reason) for r in picked[:room])
        self.report.rejected_count += len(picked)

    def _not_duplicates(
        self,
        chunk: SampleBatch,
        order: npt.NDArray[np.intp],
        device: npt.NDArray[np.int64],
        times: npt.NDArray[np.int64],
        values: npt.NDArray[np.float64],
    ) -> npt.NDArray[np.bool_]:
        """Which of the sorted rows are new: not already stored (or earlier in the file) at
        the same moment. A different value at a stored moment is a conflict, rejected."""
        fresh = np.ones(len(order), dtype=bool)
        same_as_previous = np.zeros(len(order), dtype=bool)
        if len(order) > 1:
            same_as_previous[1:] = (device[1:] == device[:-1]) & (times[1:] == times[:-1])
        for device_id, rows in _runs(device):
            stored_t, stored_v = self.known.around(device_id, times[rows])
            if len(stored_t):
                self._against_stored(rows, times, values, stored_t, stored_v, fresh, chunk, order)
        for row in np.flatnonzero(same_as_previous & fresh):
            previous = row - 1
            while previous > 0 and same_as_previous[previous]:
                previous -= 1  # the first row at this moment decides
            if values[row] == values[previous]:
                self.report.duplicates += 1
            else:
                self._reject(Rejected(int(chunk.line[order[row]]), _conflict(
                    float(values[previous]), int(chunk.line[order[previous]]), float(values[row]),
                    "earlier")))  # fmt: skip
            fresh[row] = False
        return fresh

    def _against_stored(
        self,
        rows: npt.NDArray[np.intp],
        times: npt.NDArray[np.int64],
        values: npt.NDArray[np.float64],
        stored_t: npt.NDArray[np.int64],
        stored_v: npt.NDArray[np.float64],
        fresh: npt.NDArray[np.bool_],
        chunk: SampleBatch,
        order: npt.NDArray[np.intp],
    ) -> None:
        at = np.searchsorted(stored_t, times[rows])
        inside = at < len(stored_t)
        hit = np.zeros(len(rows), dtype=bool)
        hit[inside] = stored_t[at[inside]] == times[rows][inside]
        for position in np.flatnonzero(hit):
            row = rows[position]
            first = at[position]
            last = int(np.searchsorted(stored_t, times[row], side="right"))
            if values[row] in stored_v[first:last]:
                self.report.duplicates += 1
            else:
                reason = _conflict(float(stored_v[first]), None, float(values[row]), "stored")
                self._reject(Rejected(int(chunk.line[order[row]]), reason))
            fresh[row] = False

    def _insert(self, chunk: SampleBatch, rows: npt.NDArray[np.intp], device: Ids) -> None:
        """Write the sorted rows, binding only what varies from row to row.

        Each bound value costs the driver time, and this is most of an import (docs/PERFORMANCE.md,
        T1). The batch, source and creation time are literals in the statement; so are the
        device and unit, with one ``executemany`` per run of rows that share them, when the
        runs are long enough to pay for a statement each (they are: rows are sorted by device).
        """
        if not len(rows):
            return
        values, times = chunk.value[rows], chunk.time_ms[rows]
        pairs = zip(self.targets, self.parsed.channels, strict=True)
        units = [(target.unit if target else "") or channel.unit for target, channel in pairs]
        channel = chunk.channel[rows]
        unit_of = np.array(units or [""], dtype=object)[channel]
        if chunk.unit is not None:  # a row's own unit (already checked against the device's)
            own = np.array(chunk.unit, dtype=object)[rows]
            given = (own != None) & (own != "")  # noqa: E711 -- element-wise, not identity
            unit_of = np.where(given, own, unit_of)
        columns: list[Iterable[object]] = [values.tolist(), times.tolist()]
        names = ["value", "recorded_at"]
        for name, texts in (("operator", chunk.operator), ("note", chunk.note)):
            if texts is not None:
                names.append(name)
                columns.append(_pick(texts, rows))
        constants = {
            "source": str(int(ReadingSource.IMPORT)),
            "created_at": str(int(self.created_at)),
            "batch_id": str(int(self.batch_id)),
        }
        runs = [(first, end, str(unit_of[first])) for first, end in _run_bounds(device, unit_of)]
        if len(runs) * MIN_RUN > len(rows) or any("\0" in unit for _, _, unit in runs):
            self._executemany(
                constants,
                ["device_id", "unit", *names],
                zip(device.tolist(), unit_of.tolist(), *columns, strict=True),
            )
        else:
            together = zip(*columns, strict=True)
            for first, end, unit in runs:
                literals = {"device_id": str(int(device[first])), "unit": _sql_text(unit)}
                self._executemany(literals | constants, names, islice(together, end - first))
        self._count(channel, device, values, times)
        for device_id, rows in _runs(device):
            self.known.add(device_id, times[rows], values[rows])

    def _executemany(
        self, literals: dict[str, str], bound: list[str], rows: Iterable[tuple[object, ...]]
    ) -> None:
        """INSERT ``rows``, values of the ``bound`` columns, into readings, with the same SQL
        ``literals`` in every row."""
        names = ", ".join([*literals, *bound])
        values = ", ".join([*literals.values(), *"?" * len(bound)])
        self.conn.executemany(f"INSERT INTO readings ({names}) VALUES ({values})", rows)

    def _count(
        self,
        channel: npt.NDArray[np.int64],
        device: npt.NDArray[np.int64],
        values: npt.NDArray[np.float64],
        times: npt.NDArray[np.int64],
    ) -> None:
        report = self.report
        report.accepted += len(values)
        first, last = int(times.min()), int(times.max())
        report.first_ms = first if report.first_ms is None else min(report.first_ms, first)
        report.last_ms = last if report.last_ms is None else max(report.last_ms, last)
        per_channel = np.bincount(channel, minlength=len(self.targets))
        for target, count in zip(self.targets, per_channel.tolist(), strict=True):
            if target is not None:
                target.readings += count
        nan = float("nan")  # a missing limit: every comparison with it is false
        low = np.array([t.low if t and t.low is not None else nan for t in self.targets] or [nan])
        high = np.array([t.high if t and t.high is not None else nan for t in self.targets]
                        or [nan])  # fmt: skip
        report.flagged += int(np.count_nonzero((values < low[channel]) | (values > high[channel])))

    def _reject(self, bad: Rejected) -> None:
        self.report.rejected_count += 1
        if len(self.report.rejected) < KEPT_REJECTIONS:
            self.report.rejected.append(bad)

    def finish(self) -> None:
        report = self.report
        report.rejected.sort(key=lambda bad: bad.line)
        report.matches = [
            DeviceMatch(channel, t.device_id, t.name, t.how, t.readings)
            if t is not None
            else DeviceMatch(channel, None, channel.name, "unknown")
            for channel, t in zip(self.parsed.channels, self.targets, strict=True)
        ]
        # Inside this transaction only this import writes readings, so its readings are
        # exactly those past the largest id stored before it.
        first = last = None
        if report.accepted:
            first = self.conn.execute(
                "SELECT min(id) FROM readings WHERE id > ?", (self.known.before,)
            ).fetchone()[0]
            last = self.conn.execute("SELECT max(id) FROM readings").fetchone()[0]
        self.conn.execute(
            "UPDATE import_batches SET readings_added = ?, duplicates = ?, rejected = ?, "
            "devices_created = ?, first_reading_id = ?, last_reading_id = ? WHERE id = ?",
            (report.accepted, report.duplicates, report.rejected_count,
             len(report.devices_created), first, last, self.batch_id),
        )  # fmt: skip


def _run_bounds(*keys: npt.NDArray[Any]) -> list[tuple[int, int]]:
    """(first, end) of each run of consecutive rows over which every one of ``keys`` (arrays
    of the same length) stays the same."""
    size = len(keys[0])
    if not size:
        return []
    changed = np.zeros(size - 1, dtype=bool)
    for key in keys:
        changed |= key[1:] != key[:-1]
    return list(pairwise([0, *(np.flatnonzero(changed) + 1).tolist(), size]))


def _runs(device: Ids) -> Iterator[tuple[int, npt.NDArray[np.intp]]]:
    """(device id, row indexes) of each run of equal ids in ``device``, which is sorted."""
    for first, end in _run_bounds(device):
        yield int(device[first]), np.arange(first, end)


def _target(row: tuple, how: str) -> _Target:  # type: ignore[type-arg]
    return _Target(row[0], row[1], row[3] or "", row[4], row[5], how)


def _sql_text(text: str) -> str:
    """``text`` as an SQL string literal (it has no NUL, which a literal cannot hold)."""
    return "'" + text.replace("'", "''") + "'"


def _pick(column: list[str | None] | None, rows: npt.NDArray[np.intp]) -> list[str | None]:
    if column is None:
        return [None] * len(rows)
    return [column[r] for r in rows.tolist()]


def _no_device(channel: Channel) -> str:
    named = f"serial {channel.serial} or name “{channel.name}”" if channel.serial else (
        f"name “{channel.name}”")  # fmt: skip
    return (f"no device with {named}; add the device first, or import with "
            "“create devices” (--create-devices)")  # fmt: skip


def _unit_clash(unit: str, target: _Target) -> str:
    clash = unit_clash(unit, target.unit, target.name, "import into another device or fix the file")
    assert clash is not None  # the rows were picked by the same rule, vectorised
    return clash


def _conflict(kept: float, kept_line: int | None, value: float, where: str) -> str:
    """``where``: "stored" (in the database) or "earlier" (in the file, at ``kept_line``)."""
    source = "is already stored" if where == "stored" else f"comes earlier, on line {kept_line},"
    return (f"the device has a different value at this time ({kept!r} {source}); {value!r} was "
            "not imported: FieldLog never overwrites a reading")  # fmt: skip


# --- batches ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchRecord:
    id: int
    uid: uuid.UUID
    file_name: str
    file_hash: str
    format: str
    timezone: str | None
    imported_at: datetime
    readings_added: int
    duplicates: int
    rejected: int
    devices_created: int
    undone_at: datetime | None
    readings_now: int  # readings of the batch still in the database


# Where the readings of batch ``b`` are, as bounds on readings.id: the range the import
# recorded (there is no index on readings.batch_id, migration 0006). A batch that a 0005 build
# imported recorded none, so its readings are looked for over the whole table; a batch that
# added nothing, or was undone, gets NULL bounds, which select no row.
_UNRECORDED = "CASE WHEN b.readings_added > 0 AND b.undone_at IS NULL THEN {} END"
_BATCH_LOW = f"coalesce(b.first_reading_id, {_UNRECORDED.format(-(2**63))})"
_BATCH_HIGH = f"coalesce(b.last_reading_id, {_UNRECORDED.format(2**63 - 1)})"

_BATCH_SQL = (
    "SELECT b.id, b.uid, b.file_name, b.file_hash, b.format, b.timezone, b.imported_at, "
    "b.readings_added, b.duplicates, b.rejected, b.devices_created, b.undone_at, "
    "(SELECT count(*) FROM readings AS r "
    f"WHERE r.id BETWEEN {_BATCH_LOW} AND {_BATCH_HIGH} AND r.batch_id = b.id) "
    "FROM import_batches AS b"
)


def list_batches(db: Database) -> list[BatchRecord]:
    """Every import, newest first."""
    with db.driver_read() as conn:
        return [_batch(row) for row in conn.execute(f"{_BATCH_SQL} ORDER BY b.id DESC")]


def get_batch(db: Database, batch_id: int) -> BatchRecord:
    with db.driver_read() as conn:
        row = conn.execute(f"{_BATCH_SQL} WHERE b.id = ?", (batch_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"There is no import batch {batch_id}.")
    return _batch(row)


def _batch(row: tuple) -> BatchRecord:  # type: ignore[type-arg]
    return BatchRecord(
        row[0], uuid.UUID(bytes=bytes(row[1])), row[2], row[3], row[4], row[5],
        from_epoch_ms(row[6]), row[7], row[8], row[9], row[10],
        None if row[11] is None else from_epoch_ms(row[11]), row[12],
    )  # fmt: skip


@dataclass(frozen=True)
class BatchUndone:
    batch_id: int
    readings_removed: int
    devices_removed: list[str]
    devices_kept: list[str]  # made by the import, but holding other readings since


def undo_batch(db: Database, batch_id: int) -> BatchUndone:
    """Remove every reading a batch added, and the devices it created that nothing else uses.

    Refused, changing nothing, when a later correction refers to one of its readings: the
    correction would lose what it corrects. The batch stays listed, marked undone.
    """
    with db.driver_write() as conn:
        return _undo(conn, batch_id)


def _undo(conn: sqlite3.Connection, batch_id: int) -> BatchUndone:
    row = conn.execute(
        f"SELECT file_name, undone_at, {_BATCH_LOW}, {_BATCH_HIGH} FROM import_batches AS b "
        "WHERE id = ?",
        (batch_id,),
    ).fetchone()
    if row is None:
        raise NotFoundError(f"There is no import batch {batch_id}.")
    name, undone_at, low, high = row
    if undone_at is not None:
        raise BatchUndoError(
            f"Batch {batch_id} ({name}) was already undone on {_local(undone_at)}."
        )
    corrections = conn.execute(
        "SELECT count(*) FROM readings AS c JOIN readings AS r ON c.corrects_id = r.id "
        "WHERE r.id BETWEEN ? AND ? AND r.batch_id = ? AND (c.batch_id IS NOT ?)",
        (low, high, batch_id, batch_id),
    ).fetchone()[0]
    if corrections:
        raise BatchUndoError(
            f"Batch {batch_id} ({name}) cannot be undone: {corrections} of its readings have "
            "been corrected since. Undo or withdraw those corrections first."
        )
    removed = conn.execute(
        "DELETE FROM readings WHERE id BETWEEN ? AND ? AND batch_id = ?", (low, high, batch_id)
    ).rowcount
    made = conn.execute(
        "SELECT id, name, EXISTS (SELECT 1 FROM readings AS r WHERE r.device_id = d.id) "
        "FROM devices AS d WHERE batch_id = ? ORDER BY name",
        (batch_id,),
    ).fetchall()
    unused = [(device_id, device) for device_id, device, used in made if not used]
    conn.executemany("DELETE FROM devices WHERE id = ?", [(d,) for d, _ in unused])
    conn.execute("UPDATE import_batches SET undone_at = ? WHERE id = ?", (now_ms(), batch_id))
    return BatchUndone(batch_id, removed, [n for _, n in unused],
                       [n for _, n, used in made if used])  # fmt: skip
