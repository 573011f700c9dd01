"""``fieldlog import``, ``fieldlog export`` and ``fieldlog batch``: files in and out.

The same two steps the import wizard takes (``open_import``, then ``import_parsed``), the
export the window's dialog writes, and the batches an import leaves to list or undo.
"""

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from core.cli.common import (
    DEVICE_HELP,
    EXIT_ERROR,
    EXIT_OK,
    Groups,
    add_command,
    add_group,
    confirmed,
    device_id_of,
    end_moment,
    local_time,
    moment,
    open_db,
)
from core.errors import FieldLogError, NotFoundError
from core.importing.options import ROLES
from core.progress import Progress

if TYPE_CHECKING:
    from core.exporting.report_options import ReportOptions


def add_commands(groups: Groups) -> None:
    _add_import_command(groups)
    _add_export_command(groups)
    _add_batch_commands(groups)


def _add_import_command(groups: Groups) -> None:
    imp = add_command(groups, "import", _import,
                      help="import readings from a logger, CSV or XLSX file")  # fmt: skip
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--dry-run", action="store_true", help="report what would happen; write nothing"
    )
    imp.add_argument("--format", help="toa5, hobo, gp5w, vemco, csv or xlsx (default: detected)")
    imp.add_argument("--tz", help="time zone of times without an offset, e.g. Europe/Berlin, UTC")
    imp.add_argument("--create-devices", action="store_true",
                     help="create the devices that match none (from a FieldLog export: "
                          "every field of each)")  # fmt: skip
    imp.add_argument("--encoding", help="e.g. utf-8, cp1252 (default: detected)")
    imp.add_argument("--delimiter", help="',', ';' or 'tab' (default: detected)")
    imp.add_argument("--decimal", choices=(".", ","), help="decimal separator (default: detected)")
    imp.add_argument("--date-format", help="strptime format, e.g. '%%d.%%m.%%Y %%H:%%M'")
    imp.add_argument("--sheet", help="xlsx: the sheet to read (default: the first)")
    roles = ", ".join(ROLES)
    imp.add_argument("--map", action="append", default=[], metavar="ROLE=COLUMN",
                     help=f"the column for a role ({roles}); repeatable")  # fmt: skip


def _add_export_command(groups: Groups) -> None:
    exp = add_command(groups, "export", _export,
                      help="export readings as CSV, Excel or a PDF report")  # fmt: skip
    exp.add_argument("--device", action="append", default=[],
                     help=f"{DEVICE_HELP}; repeatable (default: every device)")  # fmt: skip
    exp.add_argument("--from", dest="start", type=moment, help="date or ISO 8601 time")
    exp.add_argument("--to", dest="end", type=end_moment,
                     help="date (the whole day is included) or ISO 8601 time")  # fmt: skip
    exp.add_argument("--format", choices=("csv", "xlsx", "pdf"), help="default: from -o's suffix")
    exp.add_argument("-o", "--output", type=Path, required=True, help="the file to write")
    bom = exp.add_mutually_exclusive_group()
    bom.add_argument(
        "--bom",
        action="store_true",
        default=True,
        help="CSV: start with a byte-order mark, so Excel reads UTF-8 (the default)",
    )
    bom.add_argument("--no-bom", dest="bom", action="store_false",
                     help="CSV: no byte-order mark, for tools that take it for text")  # fmt: skip
    _add_report_options(exp)


def _add_report_options(exp: argparse.ArgumentParser) -> None:
    report = exp.add_argument_group("PDF report")
    report.add_argument("--pdf-detail", choices=("all", "daily"),
                        help="all: every reading (the default); daily: a line per device and "
                             "day, and every out-of-limit reading in full")  # fmt: skip
    report.add_argument("--title", help="the report's title (default: 'Readings report')")
    report.add_argument("--site", help="the site or plant the report covers")
    report.add_argument("--author", help="who made the report (default: your login name)")


def _add_batch_commands(groups: Groups) -> None:
    batch = add_group(groups, "batch", "imports: list them, undo one")
    add_command(batch, "list", _batch_list, help="every import, newest first")
    undo = add_command(batch, "undo", _batch_undo, help="remove everything one import added")
    undo.add_argument("batch_id", type=int)
    undo.add_argument("--yes", action="store_true", help="do not ask for confirmation")


# --- import ----------------------------------------------------------------------------------


def _import(args: argparse.Namespace) -> int:
    from core.importing.formats import ImportOptions, open_import
    from core.importing.service import import_parsed

    options = ImportOptions(
        format=args.format,
        timezone=args.tz,
        encoding=args.encoding,
        delimiter="\t" if args.delimiter == "tab" else args.delimiter,
        decimal=args.decimal,
        date_format=args.date_format,
        mapping=_mapping(args.map),
        sheet=args.sheet,
    )
    if not args.file.is_file():
        raise NotFoundError(f"{args.file} does not exist or is not a file.")
    parsed = open_import(args.file, options)
    db = open_db(args, write=not args.dry_run, dry_run=args.dry_run)
    try:
        report = import_parsed(
            db, parsed, dry_run=args.dry_run, create_devices=args.create_devices,
            progress=_percent_printer(),
        )  # fmt: skip
    finally:
        db.close()
    print(report.text())
    if report.nothing_importable:
        print(f"fieldlog: nothing in {args.file.name} could be imported", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def _mapping(pairs: list[str]) -> dict[str, str] | None:
    mapping: dict[str, str] = {}
    for pair in pairs:
        role, sep, column = pair.partition("=")
        if not sep or role not in ROLES or not column:
            raise FieldLogError(
                f"--map {pair!r}: expected ROLE=COLUMN with ROLE one of {', '.join(ROLES)}"
            )
        mapping[role] = column
    return mapping or None


def _percent_printer() -> Progress | None:
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if total:
            print(f"\rimporting… {100 * done // total:3d}%", end="", file=sys.stderr, flush=True)

    return show


# --- export ----------------------------------------------------------------------------------


def _export(args: argparse.Namespace) -> int:
    from core.exporting import ExportFormat, ExportRequest, export

    fmt = args.format or args.output.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx", "pdf"):
        raise FieldLogError(
            f"Cannot tell the format of {args.output.name}: use --format csv, xlsx or pdf."
        )
    if args.start and args.end and args.end <= args.start:
        raise FieldLogError("--to must be after --from.")
    report = _report_options(args, fmt)
    db = open_db(args, write=False)
    try:
        ids = [device_id_of(db, key) for key in args.device] or None
        request = ExportRequest(
            device_ids=ids,
            start_ms=_ms(args.start),
            end_ms=_ms(args.end),
            excel_bom=args.bom,
            report=report,
        )
        summary = export(db, args.output, ExportFormat(fmt), request)
    finally:
        db.close()
    print(f"{summary.readings:,} readings of {summary.devices} devices written to {summary.path}")
    if summary.devices_path is not None:
        print(f"the devices, every field of each, written to {summary.devices_path}")
    return EXIT_OK


def _report_options(args: argparse.Namespace, fmt: str) -> "ReportOptions":
    from core.exporting.report_options import DEFAULT_TITLE, PdfDetail, ReportOptions

    given = {"--pdf-detail": args.pdf_detail, "--title": args.title, "--site": args.site,
             "--author": args.author}  # fmt: skip
    if fmt != "pdf" and any(value is not None for value in given.values()):
        named = ", ".join(name for name, value in given.items() if value is not None)
        raise FieldLogError(f"{named}: only a PDF report has these; add --format pdf.")
    return ReportOptions(
        title=args.title if args.title is not None else DEFAULT_TITLE,
        site=args.site or "",
        author=args.author if args.author is not None else _login_name(),
        detail=PdfDetail(args.pdf_detail or PdfDetail.ALL),
    )


def _login_name() -> str:
    """The user's login name, the report's author unless ``--author`` says otherwise."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container), or no login at all
        return ""


def _ms(when: datetime | None) -> int | None:
    from core.timeutil import to_epoch_ms

    return None if when is None else to_epoch_ms(when)


# --- batches ---------------------------------------------------------------------------------


def _batch_list(args: argparse.Namespace) -> int:
    from core.importing.history import list_batches

    db = open_db(args, write=False)
    try:
        batches = list_batches(db)
    finally:
        db.close()
    if not batches:
        print("no imports yet")
    for b in batches:
        state = f"{b.readings_now:,} readings"
        if b.undone_at:
            state = f"undone {_batch_time(b.undone_at)}"
        print(f"{b.id:>5}  {_batch_time(b.imported_at)}  {b.file_name:<32} {b.format:<6} "
              f"+{b.readings_added:,} new, {b.duplicates:,} dup, {b.rejected:,} rejected, "
              f"{b.devices_created} devices made  [{state}]")  # fmt: skip
    return EXIT_OK


def _batch_undo(args: argparse.Namespace) -> int:
    from core.importing.history import get_batch, undo_batch

    db = open_db(args)
    try:
        batch = get_batch(db, args.batch_id)
        question = (f"Remove the {batch.readings_now:,} readings imported from {batch.file_name} "
                    f"on {_batch_time(batch.imported_at)}?")  # fmt: skip
        if not confirmed(args.yes, question):
            print("nothing changed")
            return EXIT_ERROR
        undone = undo_batch(db, args.batch_id)
    finally:
        db.close()
    print(f"batch {undone.batch_id} undone: {undone.readings_removed:,} readings removed")
    if undone.devices_removed:
        print(f"devices removed (made by the import): {', '.join(undone.devices_removed)}")
    if undone.devices_kept:
        print(f"devices kept (they have other readings): {', '.join(undone.devices_kept)}")
    return EXIT_OK


def _batch_time(when: datetime) -> str:
    """A batch's time, with a space before the hour: it reads better in the list's columns."""
    return local_time(when, sep=" ")
