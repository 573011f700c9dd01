"""Real files in every state the launch contract names, and a way to run launches elsewhere."""

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

from core.schema import HEAD_REVISION, SchemaMarker

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "db"
EXTRA_REVISION = f"{int(HEAD_REVISION) + 1:04d}"  # the revision after head, made by tests


def behind_head(target: Path, revision: str = "0003") -> Path:
    """A copy of the committed fixture written at ``revision``, full of data."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / f"rev_{revision}.db", target)
    return target


def execute(path: Path, *statements: str) -> None:
    with closing(sqlite3.connect(path)) as conn:
        for statement in statements:
            conn.execute(statement)
        conn.commit()


def stamp(path: Path, revision: str, marker: SchemaMarker) -> None:
    """Make ``path`` claim another revision, as a newer or unknown FieldLog would leave it."""
    execute(
        path,
        f"UPDATE alembic_version SET version_num = '{revision}'",
        f"PRAGMA user_version = {marker.encode()}",
    )


def rows(path: Path, table: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall()


def scripts_with_extra_revision(
    folder: Path, upgrade_body: str, downgrade_body: str = "pass"
) -> Path:
    """A copy of the shipped migrations with one more revision (``EXTRA_REVISION``), whose
    upgrade runs ``upgrade_body`` and whose downgrade runs ``downgrade_body``."""
    scripts = folder / "migrations"
    shutil.copytree(REPO_ROOT / "migrations", scripts, ignore=shutil.ignore_patterns("__pycache__"))
    body, down = (
        textwrap.indent(textwrap.dedent(code).strip(), "    ")
        for code in (upgrade_body, downgrade_body)
    )
    (scripts / "versions" / f"{EXTRA_REVISION}_extra.py").write_text(
        f'''"""Extra revision for a launch test."""
import sqlalchemy as sa
from alembic import op

revision = "{EXTRA_REVISION}"
down_revision = "{HEAD_REVISION}"
branch_labels = None
depends_on = None
breaks_older_readers = False


def upgrade() -> None:
{body}


def downgrade() -> None:
{down}
''',
        encoding="utf-8",
    )
    return scripts


LAUNCH_PROBE = """
import sys
from core.errors import FieldLogError
from core.launch import open_database
try:
    result = open_database(sys.argv[1], lock_timeout=float(sys.argv[2]))
except FieldLogError as exc:
    print(type(exc).__name__)
    print(exc)
    sys.exit(1)
print(result.outcome.name)
print(result.backup or "")
print("alembic" in sys.modules)
result.database.close()
"""


def launch_in_process(
    db: Path, *, lock_timeout: float = 30, drop_root_powers: bool = False
) -> subprocess.Popen[str]:
    """Start ``open_database(db)`` in a new Python process; read its lines with ``finish``."""
    command = [sys.executable, "-c", LAUNCH_PROBE, str(db), str(lock_timeout)]
    if drop_root_powers and hasattr(os, "geteuid") and os.geteuid() == 0:
        # root ignores file permissions; drop the capabilities that let it, as for a normal user
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) is needed to test permissions as root"
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]
    return subprocess.Popen(
        command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, list[str]]:
    out, err = process.communicate(timeout=120)
    assert not err.strip() or process.returncode in (0, 1), err
    return process.returncode, out.splitlines()


# A FieldLog that saves readings and then dies without closing the file, as a crash or a kill
# would: SQLite never checkpoints, so the WAL it leaves holds those readings.
_CRASHING_WRITER = """
import os, sys
from datetime import UTC, datetime, timedelta
from core.launch import open_database
from core.readings import NewReading, add_reading
db = open_database(sys.argv[1]).database
start = datetime(2026, 1, 1, tzinfo=UTC)
for n in range(int(sys.argv[2])):
    add_reading(db, NewReading(int(sys.argv[3]), float(n), start + timedelta(minutes=n)))
os._exit(0)
"""


def crash_after_saving(path: Path, readings: int, device_id: int = 1) -> Path:
    """Save ``readings`` on ``device_id`` in another process that dies with the file open;
    returns the ``-wal`` it leaves beside ``path``."""
    subprocess.run(
        [sys.executable, "-c", _CRASHING_WRITER, str(path), str(readings), str(device_id)],
        cwd=REPO_ROOT, check=True, timeout=120,
    )  # fmt: skip
    wal = path.with_name(path.name + "-wal")
    assert wal.stat().st_size > 0
    return wal


def gauge_database(path: Path, readings: int = 0) -> Path:
    """A FieldLog database at ``path`` with one device, "Gauge" (id 1), and ``readings``
    readings on it, a minute apart from 2026-01-01 00:00 UTC."""
    from datetime import UTC, datetime, timedelta

    from core.devices import DeviceFields, create_device
    from core.launch import open_database
    from core.readings import NewReading, add_reading

    path.parent.mkdir(parents=True, exist_ok=True)
    db = open_database(path).database
    try:
        device = create_device(db, DeviceFields(name="Gauge"))
        start = datetime(2026, 1, 1, tzinfo=UTC)
        for n in range(readings):
            add_reading(db, NewReading(device.id, float(n), start + timedelta(minutes=n)))
    finally:
        db.close()
    return path


def damaged_below_the_schema(path: Path) -> Path:
    """A FieldLog database at ``path`` with 400 devices whose last page (a leaf of devices,
    below the schema) is overwritten: it opens, and only a full check finds the damage."""
    from core.devices import DeviceFields, create_device
    from core.launch import open_database

    db = open_database(path).database
    try:
        for n in range(400):
            create_device(db, DeviceFields(f"Device {n} " + "x" * 150))
    finally:
        db.close()
    data, page = bytearray(path.read_bytes()), 4096
    last = len(data) // page - 1
    data[last * page + 8 : last * page + 200] = b"\x00\xff" * 96
    path.write_bytes(bytes(data))
    return path
