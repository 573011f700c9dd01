"""What the user can tell the importer about a file; everything left None is detected."""

from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from core.importing.parsed import ImportFileError
from core.importing.zones import parse_zone


@dataclass(frozen=True)
class ImportOptions:
    format: str | None = None  # None = detect; else a key of FORMATS
    timezone: str | None = None  # for times the file gives without an offset
    encoding: str | None = None  # None = detect (utf-8, utf-8-sig, cp1252, latin-1)
    delimiter: str | None = None  # None = detect
    decimal: str | None = None  # "." or ","; None = detect, refuse if ambiguous
    date_format: str | None = None  # e.g. "%d.%m.%Y %H:%M:%S"; None = detect from many rows
    mapping: dict[str, str] | None = None  # generic files: role -> column header
    sheet: str | None = None  # xlsx


ROLES = ("device_serial", "device_name", "time", "date", "value", "unit", "operator", "note")
SYNONYMS = {
    "device_serial": ("serial", "serial_number", "serial number", "s/n", "sn", "device_serial"),
    "device_name": ("device", "name", "instrument", "device_name", "device name"),
    "time": (
        "time",
        "timestamp",
        "date time",
        "datetime",
        "date_time",
        "recorded_at",
        "time (local)",
    ),
    "date": ("date",),
    "value": ("value", "reading"),
    "unit": ("unit", "units"),
    "operator": ("operator", "user"),
    "note": ("note", "notes", "comment", "comments"),
}


def guess_mapping(header: list[str]) -> dict[str, str]:
    """Role -> the header name that the generic reader picks when no mapping is given (for the
    wizard to show, and the user to correct)."""
    names = {name.strip().lower(): name for name in header}
    found = {role: next((names[c] for c in SYNONYMS[role] if c in names), None) for role in ROLES}
    return {role: name for role, name in found.items() if name is not None}


NEEDS_ZONE = (
    "the file gives no time zone; choose the zone the logger used (--tz Europe/Berlin, "
    "or --tz +01:00 for a fixed offset)"
)


def chosen_zone(path: Path, options: ImportOptions) -> tzinfo | None:
    if not options.timezone:
        return None
    try:
        return parse_zone(options.timezone)
    except ValueError as error:
        raise ImportFileError(path, str(error)) from None


def require_zone(path: Path, zone: tzinfo | None) -> tzinfo:
    if zone is None:
        raise ImportFileError(path, NEEDS_ZONE)
    return zone


@dataclass(frozen=True)
class Source:
    """A file being opened: what every format reader starts from."""

    path: Path
    options: ImportOptions
    encoding: str
    text: str  # the first megabyte, decoded, cut at a line end
    size: int
    now_ms: int  # "the future" is measured from the moment the file was opened

    @property
    def zone(self) -> tzinfo | None:
        return chosen_zone(self.path, self.options)

    def fail(self, message: str, line: int | None = None) -> ImportFileError:
        return ImportFileError(self.path, message, line)

    def no_layout(self, error: ValueError) -> ImportFileError:
        """The refusal for time text no layout reads, or that two date orders read."""
        return ImportFileError(
            self.path,
            str(error),
            date_formats=getattr(error, "formats", []),
            date_example=getattr(error, "example", ""),
        )
