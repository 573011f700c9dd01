"""``fieldlog sync``: join the office server (``enrol``), push this database's readings to it
(``push``), and say where things stand (``status``). The work is ``core.sync``'s."""

import argparse
import socket
from pathlib import Path

from core.cli.common import EXIT_OK, Groups, add_command, add_group, open_db


def add_commands(groups: Groups) -> None:
    sync = add_group(groups, "sync", "the office server: enrol, push, status")
    enrol = add_command(sync, "enrol", _enrol, help="join a server with a one-time code")
    enrol.add_argument("url", help="the server's address, https://host:port")
    enrol.add_argument("code", help="the code an admin made (fieldlog-server enrol-code)")
    enrol.add_argument("--name", help="this laptop's name on the server (default: host name)")
    enrol.add_argument("--ca-file", type=Path, help="the CA certificate to trust (PEM)")
    add_command(sync, "push", _push, help="send the readings made here to the server")
    add_command(sync, "status", _status, help="the server, and what is not pushed yet")


def _enrol(args: argparse.Namespace) -> int:
    from core.sync.joining import enrol

    db = open_db(args, write=False)
    try:
        name = args.name or socket.gethostname()
        _, settings, where = enrol(db, args.url, args.code, name, args.ca_file)
    finally:
        db.close()
    print(f"enrolled on {settings.url} as laptop {settings.laptop}, for {settings.user} "
          f"({settings.role}); the token is in {where}")  # fmt: skip
    return EXIT_OK


def _push(args: argparse.Namespace) -> int:
    from core.sync.push import push_all

    db = open_db(args, write=False)
    try:
        done = push_all(db)
    finally:
        db.close()
    print(f"pushed {done.sent} readings: {done.added} new on the server, {done.already} it had "
          f"already; {done.devices_added} devices added; every reading up to #{done.through} "
          "is on the server")  # fmt: skip
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    from core.sync import store
    from core.sync.push import local_origin, not_pushed

    db = open_db(args, write=False)
    try:
        origin = local_origin(db)
        settings = store.load(origin)
        waiting = not_pushed(db, settings.pushed_through)
    finally:
        db.close()
    print(f"server {settings.url}: laptop {settings.laptop}, for {settings.user} "
          f"({settings.role}); database origin {origin}")  # fmt: skip
    print(f"{waiting} readings not pushed yet (pushed through #{settings.pushed_through})")
    return EXIT_OK
