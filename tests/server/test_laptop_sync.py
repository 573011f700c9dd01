"""A real laptop database joins a real server and pushes its readings: ``fieldlog sync enrol``,
``fieldlog sync push``, ``fieldlog sync status``; an interrupted push resumes; a reading id
reused after an undo is refused by the server, not lost."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core import cli as laptop_cli
from core.db import Database
from core.devices import DeviceFields, create_device
from core.models import readings
from core.readings import NewReading, add_reading, correct_reading, withdraw_reading
from core.sync import store
from core.sync.push import local_origin, push_all
from tests.server.conftest import Office
from tests.server.test_push import stored

START = datetime(2026, 3, 1, 8, tzinfo=UTC)


def fieldlog(db_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = laptop_cli.main(["--db", str(db_path), *args])
    said = capsys.readouterr()
    return code, said.out + said.err


def typed(db: Database, device_id: int, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        at = START + timedelta(minutes=n)
        add_reading(db, NewReading(device_id, n / 8, at, operator="Łukasz", note=f"n{n}"))


def local_rows(db: Database) -> list[tuple[object, ...]]:
    with db.read() as conn:
        query = select(readings.c.id, readings.c.recorded_at, readings.c.value, readings.c.unit)
        return [tuple(row) for row in conn.execute(query.order_by(readings.c.id))]


@pytest.fixture
def laptop(db: Database) -> Database:
    gauge = create_device(db, DeviceFields("Druckmessgerät Ω", serial_number="SN-1",
                                           default_unit="bar", low_limit=0.5))  # fmt: skip
    typed(db, gauge.id, 120)
    return db


def test_a_laptop_enrols_and_pushes_everything_once(
    laptop: Database, db_path: Path, office: Office, shared_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    code = office.code(office.user())
    done, said = fieldlog(db_path, capsys, "sync", "enrol", office.url, code, "--name", "van 2")
    assert done == 0, said
    assert "as laptop" in said and "readable by you alone" in said  # no keyring here
    origin = local_origin(laptop)
    assert len(local_rows(laptop)) == 120
    correct_reading(laptop, 5, value=9.5, reason="misread")  # travels as the new reading it is
    laptop_rows = local_rows(laptop)
    done, said = fieldlog(db_path, capsys, "sync", "push")
    assert done == 0, said
    assert "pushed 121 readings: 121 new on the server" in said and "1 devices added" in said
    on_server = stored(shared_url, origin)
    assert [(row[0], row[2], row[3], row[4]) for row in on_server] == laptop_rows
    assert on_server[4][6] is True and on_server[-1][5] == 5  # #5 superseded by #121
    done, said = fieldlog(db_path, capsys, "sync", "push")  # nothing new: recent ones again
    assert done == 0 and "0 new on the server, 121 it had already" in said
    assert len(stored(shared_url, origin)) == 121
    done, said = fieldlog(db_path, capsys, "sync", "status")
    assert done == 0 and "0 readings not pushed yet (pushed through #121)" in said


def test_an_interrupted_push_resumes_where_it_stopped(
    laptop: Database, office: Office, shared_url: str
) -> None:
    from core.sync.joining import enrol

    origin, _, _ = enrol(laptop, office.url, office.code(office.user()), "van 3")

    def cut(sent: int) -> None:
        if sent >= 50:
            raise ConnectionError("the connection dropped")

    with pytest.raises(ConnectionError):
        push_all(laptop, progress=cut, page=25)
    assert store.load(origin).pushed_through == 50
    assert len(stored(shared_url, origin)) == 50
    resumed = push_all(laptop, page=25)
    assert (resumed.sent, resumed.added, resumed.through) == (70, 70, 120)
    assert [row[0] for row in stored(shared_url, origin)] == list(range(1, 121))


def test_a_reading_id_reused_after_an_undo_is_refused_not_lost(
    laptop: Database, db_path: Path, office: Office, shared_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    code = office.code(office.user())
    assert fieldlog(db_path, capsys, "sync", "enrol", office.url, code)[0] == 0
    assert fieldlog(db_path, capsys, "sync", "push")[0] == 0
    withdraw_reading(laptop, 120)  # undo of the last entry, after it was pushed
    typed(laptop, 1, 1, start=500)  # SQLite gives the new reading id 120 again
    assert local_rows(laptop)[-1][0] == 120
    done, said = fieldlog(db_path, capsys, "sync", "push")
    assert done == 1 and "refused (409)" in said and "readings 120 of this origin" in said
    assert stored(shared_url, local_origin(laptop))[-1][3] == 119 / 8  # the server's #120 kept


def test_without_enrolling_or_with_a_spent_code_it_says_what_to_do(
    laptop: Database, db_path: Path, office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    done, said = fieldlog(db_path, capsys, "sync", "push")
    assert done == 1 and "has not joined a server: fieldlog sync enrol URL CODE" in said
    code = office.code(office.user())
    assert office.enrol(code).status_code == 200  # spent by another laptop
    done, said = fieldlog(db_path, capsys, "sync", "enrol", office.url, code)
    assert done == 1 and "refused (401)" in said and "was used at" in said
    done, said = fieldlog(db_path, capsys, "sync", "enrol", "http://office.example", code)
    assert done == 1 and "plain HTTP would send the token in clear" in said
