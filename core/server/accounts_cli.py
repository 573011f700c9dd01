"""``fieldlog-server user``, ``enrol-code`` and ``laptop``: the accounts, managed on the
server's host (whoever can reach ``DATABASE_URL`` is the server's administrator).

Each command brings the database to head first (under the migration lock, as a server does),
so that they work on a database no server has started on yet.
"""

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from core.models import ServerRole
from core.postgres import create_postgres_engine
from core.server import accounts
from core.server.database import bring_to_head
from core.server.refusals import Refused
from core.server.settings import Settings
from core.timeutil import iso_utc

Commands = Any  # argparse's _SubParsersAction


def add_commands(commands: Commands) -> None:
    user = commands.add_parser("user", help="accounts: add, list")
    users = user.add_subparsers(title="user commands", metavar="{add,list}")
    add = users.add_parser("add", help="add a user")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[str(role) for role in ServerRole])
    add.set_defaults(handler=_user_add)
    users.add_parser("list", help="every user and role").set_defaults(handler=_user_list)

    code = commands.add_parser("enrol-code", help="a one-time code that enrols a user's laptop")
    code.add_argument("user")
    code.add_argument("--hours", type=float, default=24.0, help="how long it is valid (24)")
    code.set_defaults(handler=_enrol_code)

    laptop = commands.add_parser("laptop", help="enrolled laptops: list, revoke")
    laptops = laptop.add_subparsers(title="laptop commands", metavar="{list,revoke}")
    laptops.add_parser("list", help="every laptop, revoked ones too").set_defaults(
        handler=_laptop_list
    )
    revoke = laptops.add_parser("revoke", help="end a laptop's token (it must enrol again)")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(handler=_laptop_revoke)


@contextmanager
def _database() -> Iterator[Engine]:
    engine = create_postgres_engine(Settings.from_environment().database_url)
    try:
        bring_to_head(engine)
        yield engine
    finally:
        engine.dispose()


def _with_database(work: Callable[[Engine, argparse.Namespace], None]) -> Callable[..., int]:
    def handler(args: argparse.Namespace) -> int:
        with _database() as engine:
            work(engine, args)
        return 0

    return handler


@_with_database
def _user_add(engine: Engine, args: argparse.Namespace) -> None:
    accounts.add_user(engine, args.name, ServerRole(args.role))
    print(f"user {args.name.strip()} added, role {args.role}")


@_with_database
def _user_list(engine: Engine, args: argparse.Namespace) -> None:
    for name, role in accounts.users(engine):
        print(f"{name}\t{role}")


@_with_database
def _enrol_code(engine: Engine, args: argparse.Namespace) -> None:
    if not 0 < args.hours <= 24 * 30:
        raise Refused(422, "--hours: more than 0, at most 720 (30 days)")
    code, expires = accounts.new_enrolment_code(engine, args.user, timedelta(hours=args.hours))
    print(f"enrolment code for {args.user}: {code}")
    print(f"valid once, until {iso_utc(expires)}: on the laptop, fieldlog sync enrol URL {code}")


@_with_database
def _laptop_list(engine: Engine, args: argparse.Namespace) -> None:
    print("id\tname\tuser\torigin\tenrolled\tlast seen\tstate")
    for row in accounts.laptops(engine):
        seen = iso_utc(row.last_seen_at) if row.last_seen_at is not None else "never"
        state = f"revoked {iso_utc(row.revoked_at)}" if row.revoked_at is not None else "active"
        print(
            f"{row.id}\t{row.name}\t{row.user}\t{row.origin}\t{iso_utc(row.enrolled_at)}\t"
            f"{seen}\t{state}"
        )


@_with_database
def _laptop_revoke(engine: Engine, args: argparse.Namespace) -> None:
    row = accounts.revoke(engine, args.id)
    assert row.revoked_at is not None
    print(f"laptop {row.id} ({row.name}, {row.user}) revoked at {iso_utc(row.revoked_at)}")
