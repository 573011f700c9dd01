"""``fieldlog``: the command line for support staff and scripts, no Alembic CLI needed.

Every failure prints one line and exits non-zero; tracebacks go to a log file, never to the
user.
"""

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from core import __version__, maintenance
from core.errors import FieldLogError, NotFoundError, from_the_database, os_error_text
from core.paths import log_dir, resolve_db_path
from core.validation import parse_number, typed_decimals

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_PROBLEMS = 0, 1, 2, 3

if TYPE_CHECKING:
    from core.db import Database

Handler = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return EXIT_USAGE
    args.db_path = resolve_db_path(args.db)
    try:
        return int(args.handler(args))
    except FieldLogError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted")
    except OSError as exc:
        _log_traceback()
        return _fail(os_error_text(exc))
    except Exception as exc:
        if from_the_database(exc):  # a full disk, another program's lock
            from core.launch import translate

            _log_traceback()
            return _fail(str(translate(args.db_path, exc)))
        return _fail(f"unexpected error: {exc} (details in {_log_traceback()})")


def _fail(message: str) -> int:
    print(f"fieldlog: {message}", file=sys.stderr)
    return EXIT_ERROR


def _log_traceback() -> Path | str:
    try:
        path = log_dir() / "fieldlog-cli.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return "no log: the log folder cannot be written"
    logger = logging.getLogger("fieldlog.cli")
    logger.addHandler(handler)
    logger.exception("unexpected error")
    logger.removeHandler(handler)
    handler.close()
    return path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fieldlog", description="FieldLog command line")
    parser.add_argument("--version", action="version", version=f"FieldLog {__version__}")
    parser.add_argument("--db", help="database file (default: $FIELDLOG_DB, else per-user file)")
    groups = parser.add_subparsers(
        title="commands", metavar="{db,device,reading,import,export,batch}"
    )
    _add_db_commands(groups)
    _add_device_commands(groups)
    _add_reading_commands(groups)
    from core import cli_transfer  # it uses this module's helpers: imported once they exist

    cli_transfer.add_commands(groups, _command, _group)
    return parser


def _command(
    group: "argparse._SubParsersAction[argparse.ArgumentParser]",
    name: str,
    handler: Handler,
    **kw: str,
) -> argparse.ArgumentParser:
    sub = group.add_parser(name, **kw)  # type: ignore[arg-type]
    sub.add_argument("--db", default=argparse.SUPPRESS, help="database file")
    sub.set_defaults(handler=handler)
    return sub


def _group(
    groups: "argparse._SubParsersAction[argparse.ArgumentParser]", name: str, help_text: str
) -> "argparse._SubParsersAction[argparse.ArgumentParser]":
    parser = groups.add_parser(name, help=help_text)
    parser.add_argument("--db", default=argparse.SUPPRESS, help="database file")
    return parser.add_subparsers(title=f"{name} commands")


# --- db ----------------------------------------------------------------------------------------


def _add_db_commands(groups: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    db = _group(groups, "db", "schema and safety: status, upgrade, backups, check")
    _command(db, "status", _db_status, help="path, revision, head and counts; writes nothing")
    _command(db, "upgrade", _db_upgrade, help="create or upgrade the database to this version")
    down = _command(db, "downgrade", _db_downgrade, help="take the schema back to a revision")
    down.add_argument("revision", help="target revision, e.g. 0003, or 'base'")
    down.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    _command(db, "backup", _db_backup, help="write a manual backup now")
    _command(db, "backups", _db_backups, help="list the backups, newest first")
    restore = _command(db, "restore", _db_restore, help="replace the database with a backup")
    restore.add_argument("file", type=Path, help="the backup file")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    _command(db, "check", _db_check, help="integrity, foreign keys and schema drift")
    _command(db, "set-aside-wal", _db_set_aside_wal, help="move a -wal that does not belong aside")


def _db_status(args: argparse.Namespace) -> int:
    found = maintenance.status(args.db_path)
    print(f"database: {found.path}")
    if found.revision is None:
        state = "empty file" if found.exists else "does not exist (nothing was created)"
        print(f"state:    {state}; `fieldlog db upgrade` creates it")
        print(f"head:     {found.head}")
        return EXIT_OK
    current = "up to date" if found.up_to_date else _behind_or_newer(found.revision, found.head)
    print(f"revision: {found.revision}\nhead:     {found.head}\nstate:    {current}")
    for table, count in found.counts.items():
        print(f"{table + ':':<9} {count}")
    return EXIT_OK


def _behind_or_newer(revision: str, head: str) -> str:
    if revision.isdigit() and int(revision) > int(head):
        return "written by a newer FieldLog"
    return "behind: the next launch (or `fieldlog db upgrade`) upgrades it"


def _db_upgrade(args: argparse.Namespace) -> int:
    from core.launch import open_database

    result = open_database(args.db_path, progress=_progress)
    result.database.close()
    print(f"{result.database.path}: {result.outcome.value}, revision {result.revision}")
    if result.backup:
        print(f"backup taken first: {result.backup}")
    return EXIT_OK


def _db_downgrade(args: argparse.Namespace) -> int:
    question = f"Downgrade {args.db_path} to {args.revision}? A backup is taken first."
    if not confirmed(args.yes, question):
        return _fail("not confirmed; nothing was changed (use --yes to skip the question)")
    saved = maintenance.downgrade(args.db_path, args.revision, progress=_progress)
    print(f"{args.db_path}: downgraded to {args.revision}; backup: {saved}")
    return EXIT_OK


def _db_backup(args: argparse.Namespace) -> int:
    print(maintenance.backup_now(args.db_path))
    return EXIT_OK


def _db_backups(args: argparse.Namespace) -> int:
    from core.backup import list_backups

    found = list_backups(args.db_path)
    if not found:
        print(f"no backups of {args.db_path}")
    for item in found:
        stamp = item.created.astimezone().isoformat(timespec="seconds")
        print(f"{stamp}  r{item.revision or '-'}  {item.reason:<13} {item.size:>12,d}  {item.path}")
    return EXIT_OK


def _db_restore(args: argparse.Namespace) -> int:
    question = f"Replace {args.db_path} with {args.file}? The current file is backed up first."
    if not confirmed(args.yes, question):
        return _fail("not confirmed; nothing was changed (use --yes to skip the question)")
    kept = maintenance.restore(args.db_path, args.file, progress=_progress)
    print(f"{args.db_path}: restored from {args.file}")
    if kept:
        print(f"the replaced database was backed up to {kept}")
    return EXIT_OK


def _db_check(args: argparse.Namespace) -> int:
    problems = maintenance.check(args.db_path)
    for problem in problems:
        print(problem)
    print(f"{args.db_path}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
    return EXIT_PROBLEMS if problems else EXIT_OK


def _db_set_aside_wal(args: argparse.Namespace) -> int:
    moved = maintenance.set_aside_wal(args.db_path)
    print(f"set aside: {moved} (kept; the database opens without it now)")
    return EXIT_OK


def confirmed(yes: bool, question: str) -> bool:
    if yes:
        return True
    if not sys.stdin or not sys.stdin.isatty():
        return False
    return input(f"{question} [y/N] ").strip().lower() in {"y", "yes"}


def _progress(message: str) -> None:
    print(message, file=sys.stderr)


# --- devices and readings ----------------------------------------------------------------------


def _add_device_commands(groups: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    device = _group(groups, "device", "add and list devices")
    add = _command(device, "add", _device_add, help="add a device")
    add.add_argument("name")
    for option in ("serial", "type", "manufacturer", "model", "location", "unit", "notes"):
        add.add_argument(f"--{option}")
    add.add_argument("--low", type=_number, help="low limit")
    add.add_argument("--high", type=_number, help="high limit")
    add.add_argument("--calibration-due", type=date.fromisoformat, help="YYYY-MM-DD")
    listing = _command(device, "list", _device_list, help="list devices")
    listing.add_argument("--filter", default="", help="text in name, serial, location or type")
    listing.add_argument("--archived", action="store_true", help="include archived devices")


def _add_reading_commands(groups: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    reading = _group(groups, "reading", "add and list readings")
    add = _command(reading, "add", _reading_add, help="add a reading")
    add.add_argument("device", help="device id or serial number")
    add.add_argument("value", type=_typed_number,
                     help="the value, with '.' as decimal separator")  # fmt: skip
    add.add_argument("--unit", help="default: the device's unit")
    add.add_argument("--at", type=_moment, help="ISO 8601 time; without an offset, local time")
    add.add_argument("--operator")
    add.add_argument("--note")
    listing = _command(reading, "list", _reading_list, help="list a device's readings")
    listing.add_argument("device", help="device id or serial number")
    listing.add_argument("--from", dest="start", type=_moment, help="ISO 8601 time")
    listing.add_argument("--to", dest="end", type=_moment, help="ISO 8601 time")
    listing.add_argument("--limit", type=int, default=100)


def _number(text: str) -> float:
    try:
        return parse_number(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _typed_number(text: str) -> tuple[float, int | None]:
    """The value and the decimals it was typed with ("4.00" is kept as 4.00)."""
    return _number(text), typed_decimals(text)


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 time") from exc
    return moment if moment.tzinfo else moment.astimezone()


def open_db(args: argparse.Namespace, *, write: bool = True, dry_run: bool = False) -> "Database":
    """The database of ``--db``; ``write=False`` for commands that only read, which work
    while a FieldLog window has the file open (``dry_run``: writes that are rolled back)."""
    from core.launch import open_database

    opened = open_database(args.db_path, progress=_progress, write=write, dry_run=dry_run)
    return opened.database


def _device_add(args: argparse.Namespace) -> int:
    from core.devices import DeviceFields, create_device

    fields = DeviceFields(
        name=args.name,
        serial_number=args.serial,
        device_type=args.type,
        manufacturer=args.manufacturer,
        model=args.model,
        location=args.location,
        default_unit=args.unit,
        low_limit=args.low,
        high_limit=args.high,
        calibration_due=args.calibration_due,
        notes=args.notes,
    )
    db = open_db(args)
    try:
        device = create_device(db, fields)
    finally:
        db.close()
    print(f"device {device.id} added: {device.name} ({device.uid})")
    return EXIT_OK


def _device_list(args: argparse.Namespace) -> int:
    from core.devices import list_devices

    db = open_db(args, write=False)
    try:
        found = list_devices(
            db, filter_text=args.filter, include_archived=args.archived, limit=None
        )
    finally:
        db.close()
    for d in found:
        limits = f"{_blank(d.low_limit)}..{_blank(d.high_limit)}"
        print(
            f"{d.id:>6}  {d.name:<30} {_blank(d.serial_number):<14} {d.status.value:<14} "
            f"{_blank(d.default_unit):<6} {limits:<14} {_blank(d.location)}"
        )
    return EXIT_OK


def _reading_add(args: argparse.Namespace) -> int:
    from core.readings import LimitFlag, NewReading, add_reading

    db = open_db(args)
    try:
        device_id = device_id_of(db, args.device)
        moment = args.at or datetime.now().astimezone()
        value, decimals = args.value
        new = NewReading(device_id, value, moment, args.unit, args.operator, args.note,
                         decimals=decimals)  # fmt: skip
        saved = add_reading(db, new)
    finally:
        db.close()
    print(f"reading {saved.id} saved: {saved.text} {saved.unit} at {_local(saved.recorded_at)}")
    if saved.flag is not LimitFlag.WITHIN:
        print(f"warning: the value is {saved.flag.value} the device's limits", file=sys.stderr)
    return EXIT_OK


def _reading_list(args: argparse.Namespace) -> int:
    from core.readings import list_readings

    db = open_db(args, write=False)
    try:
        device_id = device_id_of(db, args.device)
        found = list_readings(db, device_id, start=args.start, end=args.end, limit=args.limit)
    finally:
        db.close()
    for r in found:
        mark = "" if r.flag.value == "within" else f" [{r.flag.value} limits]"
        fixed = f" (corrects {r.corrects_id})" if r.corrects_id else ""
        print(
            f"{r.id:>8}  {_local(r.recorded_at)}  {r.text:>12} {r.unit:<6} "
            f"{_blank(r.operator):<12} {_blank(r.note)}{mark}{fixed}"
        )
    return EXIT_OK


def device_id_of(db: "Database", key: str) -> int:
    from core.devices import get_device, list_devices

    if key.isdigit():
        return get_device(db, int(key)).id
    matches = [d for d in list_devices(db, filter_text=key, include_archived=True, limit=None)]
    exact = [d for d in matches if d.serial_number == key]
    if len(exact) == 1:
        return exact[0].id
    raise NotFoundError(f"No single device has the serial number {key!r} (found {len(exact)}).")


def _local(moment: datetime) -> str:
    return moment.astimezone().isoformat(timespec="seconds")


def _blank(value: object) -> str:
    return "" if value is None else str(value)


if __name__ == "__main__":
    sys.exit(main())
