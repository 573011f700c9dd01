"""``fieldlog-server``: serve the office server, and (on the server's host) manage its accounts.

Every failure prints one line and exits non-zero. ``serve`` speaks HTTPS when given a key and
certificate (``--ssl-keyfile``/``--ssl-certfile``, handed to uvicorn); plain HTTP only with
``--insecure-dev`` on a loopback address, for development or behind a TLS proxy on the same
host. Before it listens it brings the database to head (under the migration lock), so a
database it cannot use is said in one line instead of a traceback.
"""

import argparse
import ipaddress
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from core import __version__
from core.errors import FieldLogError
from core.server import accounts_cli, logs
from core.server.settings import Settings

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
LOOPBACK_NAMES = {"localhost"}

Handler = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return handler(args)
    except FieldLogError as error:
        logs.fail_line(str(error))
        return EXIT_ERROR
    except KeyboardInterrupt:
        logs.fail_line("interrupted")
        return EXIT_ERROR
    except SQLAlchemyError as error:  # the database cannot be reached, or refused
        logs.fail_line(f"the database refused: {first_line(error)}")
        return EXIT_ERROR


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fieldlog-server", description="FieldLog office server")
    parser.add_argument("--version", action="version", version=f"fieldlog-server {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="{serve,user,enrol-code,laptop}")
    serve = commands.add_parser("serve", help="run the server (DATABASE_URL names the database)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8443, help="port (8443)")
    serve.add_argument("--ssl-keyfile", type=Path, help="TLS private key (PEM)")
    serve.add_argument("--ssl-certfile", type=Path, help="TLS certificate chain (PEM)")
    serve.add_argument(
        "--insecure-dev",
        action="store_true",
        help="plain HTTP, allowed on a loopback address only (development, or a TLS proxy)",
    )
    serve.set_defaults(handler=serve_command)
    accounts_cli.add_commands(commands)
    return parser


def serve_command(args: argparse.Namespace) -> int:
    tls = _tls_files(args)
    if tls is None:
        _plain_http_allowed(args.host, args.insecure_dev)
    settings = Settings.from_environment()
    logs.configure()
    _migrate_first(settings)
    import uvicorn

    from core.server.app import create_app

    keyfile, certfile = tls or (None, None)
    uvicorn.run(
        create_app(settings, migrate_on_start=False),
        host=args.host,
        port=args.port,
        ssl_keyfile=str(keyfile) if keyfile else None,
        ssl_certfile=str(certfile) if certfile else None,
        log_config=logs.log_config(),
        access_log=False,  # the application logs each request, with who made it
        server_header=False,
    )
    return EXIT_OK


def _tls_files(args: argparse.Namespace) -> tuple[Path, Path] | None:
    keyfile, certfile = args.ssl_keyfile, args.ssl_certfile
    if keyfile is None and certfile is None:
        return None
    if keyfile is None or certfile is None:
        raise FieldLogError("TLS needs both --ssl-keyfile and --ssl-certfile")
    for path in (keyfile, certfile):
        if not path.is_file() or not os.access(path, os.R_OK):
            raise FieldLogError(f"{path}: no such file, or it cannot be read")
    return keyfile, certfile


def _plain_http_allowed(host: str, insecure_dev: bool) -> None:
    if insecure_dev and is_loopback(host):
        return
    if insecure_dev:
        raise FieldLogError(
            f"refusing plain HTTP on {host}: --insecure-dev serves only a loopback address "
            "(127.0.0.1, ::1); give --ssl-keyfile and --ssl-certfile to serve the network"
        )
    raise FieldLogError(
        f"refusing plain HTTP on {host}: give --ssl-keyfile and --ssl-certfile (HTTPS), or "
        "--insecure-dev with --host 127.0.0.1 for development or a TLS proxy on this host"
    )


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _migrate_first(settings: Settings) -> None:
    from core.postgres import create_postgres_engine
    from core.server.database import bring_to_head

    engine = create_postgres_engine(settings.database_url)
    try:
        bring_to_head(engine)
    except FieldLogError:
        raise
    except Exception as error:  # the database cannot be reached, or refused the migration
        raise FieldLogError(
            f"the database cannot be brought to head: {first_line(error)}"
        ) from error
    finally:
        engine.dispose()


def first_line(error: Exception) -> str:
    """What the database said, without SQLAlchemy's statement and link lines."""
    said = str(getattr(error, "orig", None) or error).strip()
    return said.splitlines()[0] if said else type(error).__name__


def entry() -> None:
    sys.exit(main())
