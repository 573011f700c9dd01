"""The developers' ``alembic`` command line on a PostgreSQL database: ``-x db=URL`` or
alembic.ini's ``sqlalchemy.url``, run for real from a copy of the checkout."""

import pytest
from sqlalchemy import create_engine, text

from core import postgres
from core.schema import HEAD_REVISION
from tests.core.alembic_support import Checkout, checkout

__all__ = ["checkout"]  # fixtures

pytestmark = pytest.mark.slow


def tables(url: str) -> set[str]:
    engine = create_engine(postgres.database_url(url))
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
            return set(found.scalars())
    finally:
        engine.dispose()


def test_current_on_an_empty_database_creates_nothing(
    checkout: Checkout, postgres_url: str
) -> None:
    done = checkout.alembic("-x", f"db={postgres_url}", "current")
    assert done.returncode == 0, done.stderr
    assert tables(postgres_url) == set()
    assert "dev.db" not in checkout.files()


def test_sqlalchemy_url_in_alembic_ini_names_the_database(
    checkout: Checkout, postgres_url: str
) -> None:
    ini = checkout.root / "alembic.ini"
    setting = postgres_url.replace("%", "%%")
    ini.write_text(
        ini.read_text().replace("[alembic]\n", f"[alembic]\nsqlalchemy.url = {setting}\n")
    )
    done = checkout.alembic("upgrade", "head")
    assert done.returncode == 0, done.stderr
    assert {"devices", "readings", "alembic_version"} <= tables(postgres_url)
    assert "dev.db" not in checkout.files()
    current = checkout.alembic("current")
    assert f"{HEAD_REVISION} (head)" in current.stdout, current.stderr


def test_check_on_a_database_behind_head_says_what_to_do(
    checkout: Checkout, postgres_url: str
) -> None:
    assert checkout.alembic("-x", f"db={postgres_url}", "upgrade", "0005").returncode == 0
    done = checkout.alembic("-x", f"db={postgres_url}", "check")
    assert done.returncode != 0
    assert "Target database is not up to date" in done.stderr
    assert "run `alembic upgrade head` first" in done.stderr


def test_a_stamp_is_refused_unless_forced(checkout: Checkout, postgres_url: str) -> None:
    done = checkout.alembic("-x", f"db={postgres_url}", "stamp", "head")
    assert done.returncode != 0 and "-x force=1" in done.stderr
    assert tables(postgres_url) == set()
    forced = checkout.alembic("-x", f"db={postgres_url}", "-x", "force=1", "stamp", "0001")
    assert forced.returncode == 0, forced.stderr
    assert tables(postgres_url) == {"alembic_version"}
