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
            span = f"{local_text(self.first_ms)} to {local_text(self.last_ms)}"
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


def local_text(ms: int) -> str:
    """An epoch-ms time as the machine's local time, to the second."""
    return from_epoch_ms(ms).astimezone().isoformat(sep=" ", timespec="seconds")
