"""Alembic environment for FieldLog.

Two callers:
- the app (``core.migrate``) passes its own connection in ``config.attributes["connection"]``,
  already inside the ``BEGIN IMMEDIATE`` transaction it owns, and keeps its logging;
- a developer's ``alembic`` command line, for which this file opens the database itself and runs
  every pending revision in one transaction, exactly as the app does. The database is ``dev.db``
  beside alembic.ini unless ``-x db=PATH`` names another (``core.alembic_cli``): never a user's.
"""

import logging
import logging.config

from alembic import context
from alembic.util import CommandError
from sqlalchemy import Connection

from core import alembic_cli, migrate
from core.errors import FieldLogError
from core.models import metadata

config = context.config
log = logging.getLogger("alembic.env")

if config.attributes.get("connection") is None and config.config_file_name is not None:
    # The template's fileConfig() disables every logger the host application made; only the
    # command line configures logging, and even then leaves existing loggers alone.
    logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    migrate.write_marker(connection, context.script)


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    named = context.get_x_argument(as_dictionary=True).get("db")
    try:
        path = alembic_cli.database_path(named, config.config_file_name)
    except FieldLogError as exc:
        raise CommandError(str(exc)) from exc
    note = alembic_cli.ignored_environment(named)
    if note:
        log.warning("%s", note)
    log.info("Database: %s", path)
    with migrate.migration_connection(path) as conn:
        _run(conn)


if context.is_offline_mode():
    raise SystemExit("FieldLog does not support offline (--sql) migrations.")
run_migrations_online()
