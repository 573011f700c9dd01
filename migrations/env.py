"""Alembic environment for FieldLog.

Two callers:
- the app (``core.migrate``) passes its own connection in ``config.attributes["connection"]``,
  already inside the ``BEGIN IMMEDIATE`` transaction it owns, and keeps its logging;
- a developer's ``alembic`` command line, for which this file opens the database itself and runs
  every pending revision in one transaction, exactly as the app does. The database is ``dev.db``
  beside alembic.ini unless ``-x db=PATH`` names another, or ``-x db=postgresql+psycopg://…``
  (or ``sqlalchemy.url``) a PostgreSQL database (``core.alembic_cli``): never a user's.
"""

import logging.config
from pathlib import Path

from alembic import context
from alembic.util import CommandError
from sqlalchemy import Connection

from core import alembic_cli, migrate, new_revision
from core.errors import FieldLogError
from core.models import metadata

config = context.config

if config.attributes.get("connection") is None and config.config_file_name is not None:
    # The template's fileConfig() disables every logger the host application made; only the
    # command line configures logging, and even then leaves existing loggers alone.
    logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)


def _run(connection: Connection, writes: bool = True) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        transactional_ddl=True,
        process_revision_directives=new_revision.directives(context.script),
    )
    with context.begin_transaction():
        context.run_migrations()
    if writes:
        migrate.write_marker(connection, context.script)


def _command() -> alembic_cli.Command:
    """The running alembic command: its own options to the EnvironmentContext that runs this
    file say which it is, and the ``-x`` arguments the rest."""
    environment = getattr(context, "_proxy")  # noqa: B009  (the module proxies that instance)
    x = context.get_x_argument(as_dictionary=True)
    return alembic_cli.Command.of(environment.context_opts, x, Path(context.script.dir))


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    command = _command()
    try:
        configured = config.get_main_option("sqlalchemy.url")
        with alembic_cli.database(command, config.config_file_name, configured) as conn:
            _run(conn, writes=command.use.writes)
    except FieldLogError as exc:  # alembic prints it as one line, "FAILED: ...", and exits 1
        raise CommandError(str(exc)) from exc


if context.is_offline_mode():
    raise SystemExit("FieldLog does not support offline (--sql) migrations.")
run_migrations_online()
