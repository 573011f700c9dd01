"""The developers' ``alembic`` command line (``alembic.ini``, ``migrations/env.py``): which
database it works on.

From the repository root, with no database named, every command works on ``dev.db`` beside
``alembic.ini`` (git-ignored), as a fresh checkout expects: ``rm dev.db; alembic upgrade head;
sqlite3 dev.db ".tables"``. ``-x db=PATH`` names any other file. Neither the per-user database
nor ``FIELDLOG_DB`` is ever used unless it is named so: a developer's command line must never
migrate a technician's data by default. The app never comes here: it hands Alembic its own
connection (``core.migrate``).
"""

import os
from pathlib import Path

from core.errors import FieldLogError
from core.paths import DB_ENV

DEV_DB = "dev.db"


def database_path(named: str | None, config_file: str | None) -> Path:
    """``-x db=PATH`` if given, else ``dev.db`` beside the ``alembic.ini`` in use."""
    if named:
        return Path(named).expanduser().resolve()
    if config_file is None:
        raise FieldLogError(
            "No database named, and no alembic.ini to find dev.db beside: name one with "
            "-x db=PATH (for example alembic -x db=dev.db upgrade head)."
        )
    return Path(config_file).resolve().parent / DEV_DB


def ignored_environment(named: str | None) -> str | None:
    """What to tell a developer whose ``FIELDLOG_DB`` this command does not use, if any."""
    chosen = os.environ.get(DB_ENV)
    if named or not chosen:
        return None
    return (
        f"{DB_ENV} is set ({chosen}), but the alembic command line uses {DEV_DB} unless "
        f"-x db=PATH names a file: alembic -x db={chosen} ..."
    )
