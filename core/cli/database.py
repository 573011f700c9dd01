"""``fieldlog db``: the schema and the file's safety, for support staff on an installed copy.

Status, upgrade and downgrade, stamping a revision, backups and restore, the integrity check
and setting a stray WAL aside: each command is one call into ``core.maintenance`` (or the
launch) and a few lines out.
"""

import argparse
from pathlib import Path

from core import maintenance
from core.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    Groups,
    add_command,
    add_group,
    confirmed,
    report_progress,
)
from core.errors import FieldLogError
from core.maintenance import Condition


def add_commands(groups: Groups) -> None:
    db = add_group(groups, "db", "schema and safety: status, upgrade, backups, check")
    add_command(
        db,
        "status",
        _status,
        help="path, revision, head and counts; writes nothing (exit 3: FieldLog would not open "
        "the file, and it says what to do)",
    )
    add_command(db, "upgrade", _upgrade, help="create or upgrade the database to this version")
    down = add_command(db, "downgrade", _downgrade, help="take the schema back to a revision")
    down.add_argument("revision", help="target revision, e.g. 0003, or 'base'")
    down.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_command(db, "backup", _backup, help="write a manual backup now")
    add_command(db, "backups", _backups, help="list the backups, newest first")
    restore = add_command(db, "restore", _restore, help="replace the database with a backup")
    restore.add_argument("file", type=Path, help="the backup file")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    stamp = add_command(
        db, "stamp", _stamp, help="record a revision without migrating (its schema must match)"
    )
    stamp.add_argument("revision", help="the revision the file's schema is, e.g. 0007 or 'head'")
    stamp.add_argument(
        "--force", action="store_true", help="stamp even a schema that differs (backup first)"
    )
    add_command(db, "check", _check, help="integrity, foreign keys and schema drift")
    add_command(db, "set-aside-wal", _set_aside_wal, help="move a -wal that does not belong aside")


def _status(args: argparse.Namespace) -> int:
    found = maintenance.status(args.db_path)
    print(f"database: {found.path}")
    if found.condition in (Condition.MISSING, Condition.EMPTY):
        state = "empty file" if found.exists else "does not exist (nothing was created)"
        print(f"state:    {state}; `fieldlog db upgrade` creates it")
        print(f"head:     {found.head}")
        return EXIT_OK
    print(f"revision: {found.revision or 'none recorded'}\nhead:     {found.head}")
    print(f"state:    {_state(found)}")
    for table, count in found.counts.items():
        print(f"{table + ':':<9} {count}")
    return EXIT_PROBLEMS if found.condition in UNUSABLE else EXIT_OK


UNUSABLE = (
    Condition.NEWER_UNREADABLE,
    Condition.UNKNOWN,
    Condition.UNRECORDED,
    Condition.TABLES_MISSING,
    Condition.NOT_ITS_SCHEMA,
)
RESTORE = "restore the newest backup (`fieldlog db backups`, `fieldlog db restore FILE`)"


def _state(found: maintenance.Status) -> str:
    """What ``found`` means, and for a file FieldLog will not open, what to do."""
    revision, head = found.revision, found.head
    if found.condition is Condition.TABLES_MISSING:
        missing = ", ".join(sorted(found.missing_tables))
        return (
            f"its revision says {head}, but it has no table {missing}: FieldLog will not open "
            f"it. {RESTORE[0].upper()}{RESTORE[1:]}"
        )
    doubtful = {
        Condition.UNKNOWN: (
            f"revision {revision!r} is not one FieldLog knows (it knows 0001 to {head}), and "
            "nothing says a newer FieldLog wrote it: FieldLog will not open it"
        ),
        Condition.UNRECORDED: (
            "no revision recorded (its alembic_version record is gone), though it holds "
            "FieldLog's tables: FieldLog will not open it"
        ),
        Condition.NOT_ITS_SCHEMA: (
            f"its revision says {revision}, but its schema is not {revision}'s, so an upgrade "
            "would fail"
        ),
    }
    if found.condition in doubtful:
        return f"{doubtful[found.condition]}. {_what_its_schema_is(found)}"
    return {
        Condition.UP_TO_DATE: "up to date",
        Condition.BEHIND: "behind: the next launch (or `fieldlog db upgrade`) upgrades it",
        Condition.NEWER: "written by a newer FieldLog, which this version can read and write",
        Condition.NEWER_UNREADABLE: (
            "written by a newer FieldLog, in a way this version cannot use safely: it opens "
            "nothing. Install the newer FieldLog to work with it"
        ),
    }[found.condition]


def _what_its_schema_is(found: maintenance.Status) -> str:
    if found.schema_of is None:
        return f"Its schema is that of no revision: {RESTORE}"
    then = "" if found.schema_of == found.head else ", then the next launch upgrades it"
    return (
        f"Its schema is that of {found.schema_of}: `fieldlog db stamp {found.schema_of}` "
        f"records that{then}"
    )


def _upgrade(args: argparse.Namespace) -> int:
    from core.launch import open_database

    result = open_database(args.db_path, progress=report_progress)
    result.database.close()
    print(f"{result.database.path}: {result.outcome.value}, revision {result.revision}")
    if result.backup:
        print(f"backup taken first: {result.backup}")
    return EXIT_OK


def _downgrade(args: argparse.Namespace) -> int:
    _go_on_only_if(
        args.yes, f"Downgrade {args.db_path} to {args.revision}? A backup is taken first."
    )
    saved = maintenance.downgrade(args.db_path, args.revision, progress=report_progress)
    print(f"{args.db_path}: downgraded to {args.revision}; backup: {saved}")
    return EXIT_OK


def _backup(args: argparse.Namespace) -> int:
    print(maintenance.backup_now(args.db_path))
    return EXIT_OK


def _backups(args: argparse.Namespace) -> int:
    from core.backup import list_backups

    found = list_backups(args.db_path)
    if not found:
        print(f"no backups of {args.db_path}")
    for item in found:
        stamp = item.created.astimezone().isoformat(timespec="seconds")
        print(f"{stamp}  r{item.revision or '-'}  {item.reason:<13} {item.size:>12,d}  {item.path}")
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    question = f"Replace {args.db_path} with {args.file}? The current file is backed up first."
    _go_on_only_if(args.yes, question)
    kept = maintenance.restore(args.db_path, args.file, progress=report_progress)
    print(f"{args.db_path}: restored from {args.file}")
    if kept:
        print(f"the replaced database was backed up to {kept}")
    return EXIT_OK


def _stamp(args: argparse.Namespace) -> int:
    saved = maintenance.stamp(
        args.db_path, args.revision, force=args.force, progress=report_progress
    )
    print(f"{args.db_path}: stamped {args.revision}; its schema was not migrated")
    if saved:
        print(f"its schema differs from {args.revision}'s; backup taken first: {saved}")
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    problems = maintenance.check(args.db_path)
    for problem in problems:
        print(problem)
    print(f"{args.db_path}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
    return EXIT_PROBLEMS if problems else EXIT_OK


def _set_aside_wal(args: argparse.Namespace) -> int:
    moved = maintenance.set_aside_wal(args.db_path)
    print(f"set aside: {moved} (kept; the database opens without it now)")
    return EXIT_OK


def _go_on_only_if(yes: bool, question: str) -> None:
    """Stop a command that replaces data unless it was confirmed (``core.cli.main`` prints the
    reason as its one line and exits with ``EXIT_ERROR``)."""
    if not confirmed(yes, question):
        raise FieldLogError("not confirmed; nothing was changed (use --yes to skip the question)")
