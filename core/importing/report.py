"""What an import did (or, in a dry run, would do): the report the wizard shows and the CLI
prints, row counts, the devices each channel went to, and the first rejected rows by line."""

from dataclasses import dataclass, field
from pathlib import Path

from core.errors import FieldLogError
from core.importing.parsed import Channel, Rejected
from core.timeutil import from_epoch_ms

KEPT_REJECTIONS = 1000  # the report lists this many rejected rows; it counts them all


class ImportCancelled(FieldLogError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"The import of {path.name} was cancelled; nothing was imported.")


@dataclass(frozen=True)
class DeviceMatch:
    """What one channel of the file was matched to; or, with no channel, a device of the
    file's devices table that has no readings in it."""

    channel: Channel | None
    device_id: int | None  # None: rejected, or (dry run) to be created
    device_name: str
    how: str  # "UID", "serial", "name", "chosen", "created", "unknown"
    readings: int = 0  # new readings for this channel


@dataclass(frozen=True)
class DeviceDifference:
    """A device of the file's devices table found in the database with another value of a
    field: reported, never changed."""

    device_id: int
    device_name: str  # as the database has it
    field: str  # "high limit", "unit"
    in_file: str  # as shown: “80.0”, or nothing
    in_database: str

    def text(self) -> str:
        return (f"“{self.device_name}” (device {self.device_id}): the file gives its {self.field} "
                f"as {self.in_file}, the database has {self.in_database}; the database's is "
                "kept")  # fmt: skip


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
    differences: list[DeviceDifference] = field(default_factory=list)
    devices_from: str | None = None  # where the file's devices table was read
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
        """No row could be used (every row was rejected, or there were none), and no device of
        the file's devices table either."""
        devices = any(m.channel is None and m.how != "unknown" for m in self.matches)
        return self.accepted == 0 and self.duplicates == 0 and not devices

    @property
    def writes(self) -> bool:
        """Whether the import writes anything: new readings, or new devices of the file's
        devices table that have no readings in it (a device made for a channel whose rows all
        failed would hold nothing, and is not kept)."""
        made = any(m.channel is None and m.how == "created" for m in self.matches)
        return self.accepted > 0 or made

    def text(self) -> str:
        """The report as a technician reads it (the CLI prints this; the wizard shows it)."""
        verb = "would be" if self.dry_run else "were"
        lines = [f"{self.path.name}: {self.description}"]
        if self.timezone:
            lines.append(f"Times read as {self.timezone}.")
        if self.first_ms is not None and self.last_ms is not None:
            span = f"{local_text(self.first_ms)} to {local_text(self.last_ms)}"
            lines.append(f"Readings from {span}.")
        lines.append(
            f"{self.accepted:,} new readings {verb} imported; {self.duplicates:,} duplicates "
            f"skipped; {self.rejected_count:,} rows rejected; {self.flagged:,} outside limits "
            "(imported and flagged)."
        )
        if self.devices_from:
            lines.append(f"Devices (every field) read from {self.devices_from}.")
        if self.earlier_batches:
            batches = ", ".join(str(b) for b in self.earlier_batches)
            lines.append(f"This exact file was imported before (batch {batches}).")
        for match in self.matches:
            lines.append(f"  {_match_text(match, self.dry_run, self.written)}")
        for difference in self.differences:
            lines.append(f"  {difference.text()}")
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
    if match.channel is None:
        return _table_only_text(match, dry_run, written)
    column = match.channel.column or match.channel.key
    unit = f" [{match.channel.unit}]" if match.channel.unit else ""
    if match.how == "unknown":
        return f"{column}{unit}: no device found — rows rejected"
    if match.how == "created":
        made = "would be created" if dry_run else "created" if written else "not kept"
        return f"{column}{unit} → new device “{match.device_name}” ({made}), {match.readings:,} new"
    return f"{column}{unit} → “{match.device_name}” (by {match.how}), {match.readings:,} new"


def _table_only_text(match: DeviceMatch, dry_run: bool, written: bool) -> str:
    """A device of the devices table with no readings in the file."""
    name = f"“{match.device_name}” (no readings in the file)"
    if match.how == "unknown":
        return f"{name}: not in the database; import with “create devices” (--create-devices)"
    if match.how == "created":
        made = "would be created" if dry_run else "created" if written else "not kept"
        return f"{name} → new device ({made})"
    return f"{name} → found (by {match.how})"


def local_text(ms: int) -> str:
    """An epoch-ms time as the machine's local time, to the second."""
    return from_epoch_ms(ms).astimezone().isoformat(sep=" ", timespec="seconds")
