"""``fieldlog``: the command line for support staff and scripts, no Alembic CLI needed.

Every failure prints one line and exits non-zero; tracebacks go to a log file, never to the
user. Each command group is a module that registers its own commands (``database``: ``db``,
``inventory``: ``device`` and ``reading``, ``calibration``, ``transfer``: ``import``, ``export`` and
``batch``, ``sync``: the office server), with what they share in ``common``; none of them
imports this module back.
"""

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from core import __version__
from core.cli import calibration, database, inventory, sync, transfer
from core.cli.common import EXIT_CLOSED_PIPE, EXIT_ERROR, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from core.errors import FieldLogError, from_the_database, os_error_text
from core.paths import log_dir, resolve_db_path

__all__ = [
    "EXIT_CLOSED_PIPE",
    "EXIT_ERROR",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_USAGE",
    "build_parser",
    "main",
]

COMMAND_GROUPS = (database, inventory, calibration, transfer, sync)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return EXIT_USAGE
    args.db_path = resolve_db_path(args.db)
    try:
        code = int(args.handler(args))
        sys.stdout.flush()  # a closed pipe is met here, not at exit, where it would be printed
        return code
    except BrokenPipeError:
        return _closed_pipe()
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


def _closed_pipe() -> int:
    """The reader of stdout went away (``fieldlog reading list X | head -1``): end quietly, as
    a Unix tool does. What is still buffered goes to the null device, so that Python's flush at
    exit finds no pipe to fail on (the way Python's documentation gives, without signals)."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):  # a stdout with no file behind it: nothing to flush there
        pass
    return EXIT_CLOSED_PIPE


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
        title="commands", metavar="{db,device,reading,calibration,import,export,batch,sync}"
    )
    for group in COMMAND_GROUPS:
        group.add_commands(groups)
    return parser
