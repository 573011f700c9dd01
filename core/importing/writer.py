"""The import's writer: one batch of readings inside the import's open transaction.

Each chunk of samples is checked (a device, a believable time, a finite value, the device's
unit), sorted by (device, time), stripped of duplicates (``dedupe``) and inserted. Sorting makes
the readings index grow almost in order (docs/PERFORMANCE.md, T1: the insert is most of the
import), and only the values that vary from row to row are bound. Readings carry no index on
``batch_id``: the batch records the range of reading ids it wrote, and undo and counts read that
range (migration 0006).
"""

from collections.abc import Iterable
from itertools import islice

import numpy as np
import numpy.typing as npt

from core.db import DriverConnection, inserted_id, is_sqlite, uid_value
from core.ids import uuid7
from core.importing.dedupe import KnownReadings, device_runs, run_bounds
from core.importing.matching import DeviceMatcher, Target, no_device_text
from core.importing.parsed import ParsedFile, Rejected, SampleBatch
from core.importing.report import KEPT_REJECTIONS, DeviceMatch, ImportReport
from core.models import ReadingSource
from core.readings import insert_rows
from core.timeutil import TOO_EARLY, TOO_LATE, now_ms, out_of_window
from core.validation import unit_clash

Ids = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]
MIN_RUN = 64  # rows, on average, for which a statement with the device and unit as literals pays

# The connection tuned for one import's transaction (``Database.driver_write`` puts it back):
# - foreign-key checks off: every reading the import writes names a device it has just read (or
#   made) in the same ``BEGIN IMMEDIATE`` transaction, which no other writer can enter, and the
#   batch it has just inserted; SQLite's check of each row would look both up again, a tenth of
#   the import's time (T1);
# - a 64 MB page cache instead of 2 MB, so that the readings index being extended stays in
#   memory rather than being written out and read back while the batch goes in.
IMPORT_CACHE_KIB = -65_536  # negative: KiB, as PRAGMA cache_size takes it
IMPORT_PRAGMAS = {"foreign_keys": 0, "cache_size": IMPORT_CACHE_KIB}


class BatchWriter:
    """Writes one import inside an open transaction."""

    def __init__(
        self,
        conn: DriverConnection,
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
        self.matcher = DeviceMatcher(conn, parsed, self.batch_id, self.created_at)
        self.targets = self.matcher.resolve(device_map, create_devices)
        self.known = KnownReadings(conn)

    def _start_batch(self, digest: str) -> int:
        parsed = self.parsed
        return inserted_id(
            self.conn,
            "INSERT INTO import_batches (uid, file_name, file_hash, file_size, format, timezone, "
            "imported_at, readings_added, duplicates, rejected, devices_created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0)",
            (uid_value(self.conn, uuid7()), parsed.path.name[:255], digest,
             parsed.path.stat().st_size, parsed.format, parsed.timezone, self.created_at),
        )  # fmt: skip

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
        verdict = self.known.new_rows(chunk.line[order], device, times, values)
        self.report.duplicates += verdict.duplicates
        for conflict in verdict.conflicts:
            self._reject(conflict)
        self._insert(chunk, order[verdict.fresh], device[verdict.fresh])

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
                why = self.matcher.refusals.get(index) or no_device_text(channel)
                self._reject_rows(chunk, (chunk.channel == index), why)
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

    def _insert(self, chunk: SampleBatch, rows: npt.NDArray[np.intp], device: Ids) -> None:
        """Write the sorted rows, binding only what varies from row to row.

        Each bound value costs the driver time, and this is most of an import (docs/PERFORMANCE.md,
        T1). The batch, source and creation time are literals in the statement; so are the
        device and unit, with one ``executemany`` per run of rows that share them, when the
        runs are long enough to pay for a statement each (they are: rows are sorted by device).
        On PostgreSQL the chunk is one binary ``COPY`` (a statement per run costs more there).
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
        constants: dict[str, int | str] = {
            "source": int(ReadingSource.IMPORT),
            "created_at": int(self.created_at),
            "batch_id": int(self.batch_id),
        }
        runs = [(first, end, str(unit_of[first])) for first, end in run_bounds(device, unit_of)]
        if (
            not is_sqlite(self.conn)  # PostgreSQL: one COPY, which binds every column cheaply
            or len(runs) * MIN_RUN > len(rows)
            or any("\0" in unit for _, _, unit in runs)
        ):
            self._executemany(
                constants,
                ["device_id", "unit", *names],
                zip(device.tolist(), unit_of.tolist(), *columns, strict=True),
            )
        else:
            together = zip(*columns, strict=True)
            for first, end, unit in runs:
                literals: dict[str, int | str] = {"device_id": int(device[first]), "unit": unit}
                self._executemany(literals | constants, names, islice(together, end - first))
        self._count(channel, device, values, times)
        for device_id, rows in device_runs(device):
            self.known.add(device_id, times[rows], values[rows])

    def _executemany(
        self, literals: dict[str, int | str], bound: list[str], rows: Iterable[tuple[object, ...]]
    ) -> None:
        """INSERT ``rows``, values of the ``bound`` columns, into readings, with the same
        ``literals`` in every row (``executemany`` on SQLite, ``COPY`` on PostgreSQL)."""
        insert_rows(self.conn, bound, rows, literals)

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
        ] + self.matcher.table_matches
        report.differences = self.matcher.differences
        report.devices_from = self.parsed.devices_from
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


def _pick(column: list[str | None] | None, rows: npt.NDArray[np.intp]) -> list[str | None]:
    if column is None:
        return [None] * len(rows)
    return [column[r] for r in rows.tolist()]


def _unit_clash(unit: str, target: Target) -> str:
    clash = unit_clash(unit, target.unit, target.name, "import into another device or fix the file")
    assert clash is not None  # the rows were picked by the same rule, vectorised
    return clash
