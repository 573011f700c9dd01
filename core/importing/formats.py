"""Reading import files: detect the layout, read the header, stream the readings.

Public API::

    open_import(path, options=ImportOptions()) -> ParsedFile
    detect_format(path) -> str
    FORMATS: dict[str, str]   # format id -> description

``open_import`` reads the header (and, for generic files, the device columns) at once and
raises ``ImportFileError`` for anything that makes the whole file unusable, with what to do.
The rest of the file is read lazily, once, as ``parsed.batches`` (``SampleBatch``: numpy
arrays line, channel, time_ms, value; lists unit/operator/note or None; the rows rejected in
that stretch).

Rules shared by every format:

* Times are UTC epoch ms. An offset in the file wins; otherwise ``options.timezone`` is
  applied, and without it ``open_import`` refuses the file. A local time in a DST gap or fold
  is rejected, as is a time before 1970 or more than a day ahead.
* Row problems are ``Rejected(line, reason)``, never exceptions: a bad number, "NAN", a row
  with no valid time, a ragged row, a field over 10 kB. Rows that carry no reading at all
  (logger events, in-data notes, blank lines, empty cells) are skipped silently.
* Numbers follow ``core.validation.parse_number``: the other decimal separator is refused.
"""

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from core.importing import (
    campbell,
    common,
    device_tables,
    diver,
    generic,
    geoprecision,
    hobo,
    hydrolab,
    innovasea,
    insitu,
    rbr,
    solinst,
    vemco,
    ysi,
)
from core.importing.options import ImportOptions, Source
from core.importing.parsed import ImportFileError, ParsedFile
from core.importing.textfile import head_text, pick_encoding, read_head
from core.timeutil import now_ms

__all__ = [
    "FORMATS",
    "ImportOptions",
    "detect_format",
    "open_import",
]

FORMATS: dict[str, str] = {
    "toa5": "Campbell Scientific TOA5 or TOACI1 (.dat, LoggerNet)",
    "hobo": "Onset HOBOware export (CSV or TXT)",
    "gp5w": "GeoPrecision GP5W-Shell or FG2-Shell CSV",
    "vemco": "Vemco VUE receiver events (CSV)",
    "solinst": "Solinst Levelogger export (CSV)",
    "xle": "Solinst Levelogger file (.xle)",
    "diver": "Van Essen Diver export (Diver-Office CSV)",
    "winsitu": "In-Situ Win-Situ export (Aqua TROLL, Level TROLL; CSV)",
    "hydrovu": "In-Situ HydroVu export (CSV)",
    "exo": "YSI KorEXO or EXO handheld export (CSV)",
    "ecowatch": "YSI EcoWatch export (CSV or text)",
    "aquameasure": "Innovasea aquaMeasure export (CSV)",
    "hydrolab": "Hydrolab sonde log (terminal recovery text)",
    "rbr": "RBR logger text export (RBR Windows)",
    "csv": "Generic CSV/TXT with a header (device, serial, time, value, unit…)",
    "xlsx": "Excel workbook (.xlsx) with a header row",
}


def _open_xlsx(path: Path, options: ImportOptions, at: int) -> ParsedFile:
    from core.importing.xlsx import open_xlsx  # openpyxl is only loaded for workbooks

    return open_xlsx(path, options, at)


_TEXT_READERS: dict[str, Callable[[Source], ParsedFile]] = {
    "toa5": campbell.open_toa5,
    "hobo": hobo.open_hobo,
    "gp5w": geoprecision.open_gp5w,
    "vemco": vemco.open_vemco,
    "solinst": solinst.open_solinst_csv,
    "xle": solinst.open_solinst_xle,
    "diver": diver.open_diver,
    "winsitu": insitu.open_winsitu,
    "hydrovu": insitu.open_hydrovu,
    "exo": ysi.open_exo,
    "ecowatch": ysi.open_ecowatch,
    "aquameasure": innovasea.open_aquameasure,
    "hydrolab": hydrolab.open_hydrolab,
    "rbr": rbr.open_rbr,
    "csv": generic.open_generic,
}


def open_import(path: Path, options: ImportOptions = ImportOptions()) -> ParsedFile:  # noqa: B008
    """Open ``path``: its channels, preview and a lazy stream of its readings."""
    if options.format is not None and options.format not in FORMATS:
        raise ImportFileError(
            path, f"unknown format {options.format!r}; choose one of {', '.join(FORMATS)}"
        )
    head = read_head(path)
    if options.format == "xlsx" or (options.format is None and _is_xlsx(path, head)):
        return _open_xlsx(path, options, now_ms())
    _refuse_campbell_binary(path, head)
    encoding = pick_encoding(path, head, options.encoding)
    text = head_text(head, encoding)
    fmt = options.format or _detect_text(text)
    source = Source(path, options, encoding, text, path.stat().st_size, now_ms())
    if fmt == "csv" and device_tables.looks_like_devices_csv(text):
        return device_tables.open_devices_csv(source)
    if fmt == "csv" and device_tables.header_only(text):  # an export of devices, no readings
        devices, where = device_tables.beside(path)
        if where is not None:
            return device_tables.devices_only(path, fmt, devices, where)
    if fmt == "csv":
        _refuse_mixed_array(source)
    try:
        parsed = _TEXT_READERS[fmt](source)
    except ImportFileError:
        raise
    except Exception as error:
        raise common.reader_failure(path, fmt, error) from error
    if fmt == "csv":
        parsed.devices, parsed.devices_from = device_tables.beside(path)
    return parsed


_CAMPBELL_BINARY = (b'"TOB1"', b'"TOB2"', b'"TOB3"', b"TOB1,", b"TOB3,")


def _refuse_campbell_binary(path: Path, head: bytes) -> None:
    """TOB1/TOB2/TOB3 are Campbell's binary tables: a header line of text, then binary
    records. CardConvert (part of LoggerNet) turns them into TOA5, which FieldLog reads."""
    if head.lstrip().startswith(_CAMPBELL_BINARY):
        kind = head.lstrip()[:5].strip(b'",').decode("ascii")
        raise ImportFileError(
            path,
            f"this is a Campbell Scientific {kind} file, which holds its readings in binary; "
            "convert it to TOA5 with CardConvert (in LoggerNet), then import the .dat file "
            "CardConvert writes",
        )


_MIXED_ARRAY = re.compile(r"^\d{1,3},(?:19|20)\d\d,\d{1,3},\d{1,4},[-+.\d]")


def _refuse_mixed_array(source: Source) -> None:
    """Output of Campbell's older loggers (CR10X, CR23X, 21X): rows of numbers that start
    with an array id, year, day of year and hhmm, with no header to say what each holds."""
    lines = [ln for ln in source.text.splitlines()[:20] if ln.strip()]
    if lines and all(_MIXED_ARRAY.match(ln) for ln in lines):
        raise source.fail(
            "this is Campbell Scientific mixed-array output (a CR10X, CR23X or 21X): its "
            "columns have no names in the file. Convert it to TOA5 in LoggerNet (Split, with "
            "the logger program's labels), then import that"
        )


def detect_format(path: Path) -> str:
    """The format id of ``path``, read from its content (never its name)."""
    head = read_head(path)
    if _is_xlsx(path, head):
        return "xlsx"
    return _detect_text(head_text(head, pick_encoding(path, head, None)))


def _is_xlsx(path: Path, head: bytes) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.startswith("xl/") for n in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        raise ImportFileError(path, "a damaged ZIP or Excel file; save it again") from None


def _detect_text(text: str) -> str:
    first = text.lstrip().split("\n", 1)[0]
    if first.startswith(('"TOA5"', "TOA5,", '"TOACI1"', "TOACI1,")):
        return "toa5"
    if first.startswith(("Logger: #", "<FG2")):
        return "gp5w"
    if "Receiver" in first and "Description" in first and "Data" in first:
        return "vemco"
    return next((fmt for fmt, looks in _DETECTED_BY_HEADER if looks(text)), "csv")


# Formats known by their first lines, in the order they are tried: the most particular marks
# first (a Solinst settings block can look like a HOBOmobile serial line; HOBO's marks are
# the loosest, so it goes last).
_DETECTED_BY_HEADER: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("rbr", rbr.looks_like_rbr),
    ("hydrolab", hydrolab.looks_like_hydrolab),
    ("aquameasure", innovasea.looks_like_aquameasure),
    ("exo", ysi.looks_like_exo),
    ("ecowatch", ysi.looks_like_ecowatch),
    ("winsitu", insitu.looks_like_winsitu),
    ("hydrovu", insitu.looks_like_hydrovu),
    ("diver", diver.looks_like_diver),
    ("xle", solinst.looks_like_xle),
    ("solinst", solinst.looks_like_solinst),
    ("hobo", hobo.looks_like_hobo),
)
