"""The test session's own per-user folders: the suite never reaches a real user's data or logs.

``tests/conftest.py`` calls ``sandbox()`` before it imports anything of FieldLog's, so that from
the first line of any test module, any fixture of any scope (session ones included) and any
process a test starts, every per-user folder platformdirs would give (the database, backups,
logs, Qt's settings) is inside one temporary folder made for the session. A test that forgets
``--db`` or ``tmp_path`` then writes into that folder, never into a technician's database.

platformdirs reads these variables each time it is asked, so setting them is enough on Linux
(``XDG_*``, ``HOME``) and macOS (``HOME``); on Windows it asks the system for the known folders
unless ``WIN_PD_OVERRIDE_<name>`` names them.
"""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP = ("FieldLog", "FieldLog")  # core.paths's APP_NAME, APP_AUTHOR (core is not imported yet)

HOME_VARIABLES = {
    "HOME": "home",
    "USERPROFILE": "home",
    "XDG_DATA_HOME": "home/.local/share",
    "XDG_CONFIG_HOME": "home/.config",
    "XDG_STATE_HOME": "home/.local/state",
    "XDG_CACHE_HOME": "home/.cache",
    "XDG_RUNTIME_DIR": "runtime",
    "WIN_PD_OVERRIDE_APPDATA": "home/AppData/Roaming",
    "WIN_PD_OVERRIDE_LOCAL_APPDATA": "home/AppData/Local",
}
# FieldLog's own overrides, for the whole session; each test then gets its own (conftest.py).
FIELDLOG_VARIABLES = {
    "FIELDLOG_DB": "session/fieldlog.db",
    "FIELDLOG_LOG_DIR": "session/logs",
}


@dataclass(frozen=True)
class Sandbox:
    root: Path  # every per-user folder of the session is inside it
    real: tuple[Path, ...]  # FieldLog's per-user folders without the sandbox: never touched


def user_folders() -> tuple[Path, ...]:
    """Where FieldLog's per-user files would go now: data (the database and its backups),
    logs, state, settings and cache."""
    asked = (
        platformdirs.user_data_path,
        platformdirs.user_log_path,
        platformdirs.user_state_path,
        platformdirs.user_config_path,
        platformdirs.user_cache_path,
    )
    return tuple(Path(where(*APP)).resolve() for where in asked)


_active: list[Sandbox] = []


def sandbox() -> Sandbox:
    """Point every per-user folder of this process (and of the processes it starts) into a new
    temporary folder; the same one on every later call. Called first by conftest.py, before
    FieldLog is imported."""
    if _active:
        return _active[0]
    real = user_folders()
    root = Path(tempfile.mkdtemp(prefix="fieldlog-tests-")).resolve()
    for name, inside in {**HOME_VARIABLES, **FIELDLOG_VARIABLES}.items():
        folder = root / inside
        (folder.parent if name in FIELDLOG_VARIABLES else folder).mkdir(parents=True, exist_ok=True)
        os.environ[name] = str(folder)
    (root / "runtime").chmod(0o700)  # platformdirs takes XDG_RUNTIME_DIR only if it is private
    _active.append(Sandbox(root, real))
    return _active[0]
