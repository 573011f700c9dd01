"""What every ``fieldlog`` command group shares: the exit codes, adding a group or a command
(each takes ``--db``), the argument types, asking for confirmation, opening the database,
finding a device by id or serial number, and printing progress and times.

The command groups (``database``, ``inventory``, ``transfer``) import this module and no other
part of the package, so the package has no import cycle. Anything heavy is imported inside the
function that needs it: building the parser, all ``fieldlog --help`` does, stays cheap.
"""

import argparse
import re
import sys
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, TypeAlias

from core.errors import NotFoundError
from core.validation import parse_number, typed_decimals

if TYPE_CHECKING:
    from core.db import Database
    from core.devices import DeviceRecord

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_PROBLEMS = 0, 1, 2, 3
EXIT_CLOSED_PIPE = 128 + 13  # what a shell reports for a tool a closed pipe stopped (SIGPIPE)

Groups: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Handler = Callable[[argparse.Namespace], int]

# A year of five digits or more: ISO 8601 cannot write it, and FieldLog could not store it.
_LONG_YEAR = re.compile(r"[+-]?\d{5,}-")


# --- commands ----------------------------------------------------------------------------------


def add_group(groups: Groups, name: str, help_text: str) -> Groups:
    """A command group (``fieldlog db ...``); its commands are added to what it returns."""
    parser = groups.add_parser(name, help=help_text)
    _take_db(parser)
    return parser.add_subparsers(title=f"{name} commands")


def add_command(group: Groups, name: str, handler: Handler, **kw: str) -> argparse.ArgumentParser:
    """A command that runs ``handler`` with the parsed arguments and exits with what it returns."""
    sub = group.add_parser(name, **kw)  # type: ignore[arg-type]
    _take_db(sub)
    sub.set_defaults(handler=handler)
    return sub


def _take_db(parser: argparse.ArgumentParser) -> None:
    """``--db`` after the command too (``fieldlog db status --db x.db``), not only before it."""
    parser.add_argument("--db", default=argparse.SUPPRESS, help="database file")


# --- argument types ----------------------------------------------------------------------------


def number(text: str) -> float:
    try:
        return parse_number(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def typed_number(text: str) -> tuple[float, int | None]:
    """The value and the decimals it was typed with ("4.00" is kept as 4.00)."""
    return number(text), typed_decimals(text)


def moment(text: str) -> datetime:
    """A date (its local midnight) or an ISO 8601 time (local when it has no offset)."""
    try:
        parsed = datetime.fromisoformat(text)  # a bare date reads as its midnight
    except ValueError as exc:
        unreadable = f"{text!r} is not a date or an ISO 8601 time"
        raise argparse.ArgumentTypeError(
            _out_of_range(text) if _LONG_YEAR.match(text) else unreadable
        ) from exc
    if parsed.tzinfo:
        return parsed
    try:
        return parsed.astimezone()
    except (ValueError, OverflowError) as exc:  # e.g. year 1: local time needs the year before
        raise argparse.ArgumentTypeError(_out_of_range(text)) from exc


def end_moment(text: str) -> datetime:
    """Like ``moment``, but a bare date means the end of that day: "--to 2026-03-31" includes
    the readings of March 31st."""
    start = moment(text)
    if not _is_date(text):
        return start
    try:
        return datetime.combine(start.date() + timedelta(days=1), time()).astimezone()
    except (ValueError, OverflowError) as exc:
        raise argparse.ArgumentTypeError(_out_of_range(text)) from exc


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _out_of_range(text: str) -> str:
    return f"{text!r} is out of the range of dates FieldLog handles; give one between 1970 and 9998"


# --- the database ------------------------------------------------------------------------------


def confirmed(yes: bool, question: str) -> bool:
    """``--yes``, or the user's answer at a terminal; without a terminal, no."""
    if yes:
        return True
    if not sys.stdin or not sys.stdin.isatty():
        return False
    return input(f"{question} [y/N] ").strip().lower() in {"y", "yes"}


def open_db(args: argparse.Namespace, *, write: bool = True, dry_run: bool = False) -> "Database":
    """The database of ``--db``; ``write=False`` for commands that only read, which work
    while a FieldLog window has the file open (``dry_run``: writes that are rolled back)."""
    from core.launch import open_database

    opened = open_database(args.db_path, progress=report_progress, write=write, dry_run=dry_run)
    return opened.database


ID_PREFIX, SERIAL_PREFIX = "id:", "serial:"
DEVICE_HELP = "serial number or id (id:N or serial:S to say which)"
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() takes "²", which int() refuses


def device_id_of(db: "Database", key: str) -> int:
    """The device a user named: ``id:N`` is the device with id N, ``serial:S`` the one with
    serial number S; otherwise the device whose serial number is exactly ``key``, or, for a
    key of digits that is no serial, the device with that id. A key that is one device's id
    and another's serial number is refused, naming both."""
    from core.devices import get_device

    if key.startswith(ID_PREFIX):
        return get_device(db, _id_in(key.removeprefix(ID_PREFIX), key)).id
    if key.startswith(SERIAL_PREFIX):
        return _by_serial(db, key.removeprefix(SERIAL_PREFIX)).id
    if not _DIGITS.fullmatch(key):
        return _by_serial(db, key).id
    return _by_id_or_serial(db, key)


def _id_in(text: str, key: str) -> int:
    if not _DIGITS.fullmatch(text):
        raise NotFoundError(f"{key!r}: after {ID_PREFIX} comes a device id, a whole number.")
    return int(text)


def _by_serial(db: "Database", serial: str) -> "DeviceRecord":
    from core.devices import devices_with_serial

    exact = devices_with_serial(db, serial)
    if len(exact) == 1:
        return exact[0]
    raise NotFoundError(f"No single device has the serial number {serial!r} (found {len(exact)}).")


def _by_id_or_serial(db: "Database", key: str) -> int:
    from core.devices import devices_with_serial, get_device

    serials = devices_with_serial(db, key)
    try:
        by_id = get_device(db, int(key))
    except NotFoundError:
        if serials:
            return _by_serial(db, key).id
        raise NotFoundError(
            f"There is no device with id {key} and none with the serial number {key!r}."
        ) from None
    others = [d for d in serials if d.id != by_id.id]
    if not others:
        return by_id.id
    named = ", ".join(f"device {d.id} “{d.name}”" for d in others)
    raise NotFoundError(
        f"{key} is the id of device {by_id.id} “{by_id.name}” and the serial number of "
        f"{named}: write {ID_PREFIX}{key} for the first, {SERIAL_PREFIX}{key} for the other."
    )


# --- printing ----------------------------------------------------------------------------------


def report_progress(message: str) -> None:
    """A step of a long job (an upgrade, a backup), on stderr: stdout is the command's result."""
    print(message, file=sys.stderr)


def local_time(when: datetime, sep: str = "T") -> str:
    """``when`` in local time to the second; ``sep=" "`` where a column reads better."""
    return when.astimezone().isoformat(sep=sep, timespec="seconds")
