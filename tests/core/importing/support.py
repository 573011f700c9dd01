"""Hand-made parsed files for the import tests: channels, samples, and a look at what is stored.

The parsers have their own tests; here the records are written out by hand so that each rule of
the import is seen on its own, against a real migrated database.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.db import Database
from core.importing.parsed import Channel, ParsedFile, Rejected
from core.timeutil import to_epoch_ms
from tests.core.importing.rows import Sample, parsed_from_rows

T0 = to_epoch_ms(datetime(2025, 6, 1, tzinfo=UTC))
MINUTE = 60_000
TEMP = Channel("t", "Logger 7 Temp", "°C", serial="L7", quantity="Temp", column="Temp, °C")
Records = list[Sample | Rejected]
RH = Channel("rh", "Logger 7 RH", "%", serial="L7", quantity="RH", column="RH, %")


def parsed_file(
    folder: Path,
    channels: Sequence[Channel],
    records: Sequence[Sample | Rejected],
    name: str = "log.csv",
    content: str = "the file's bytes, for its hash",
) -> ParsedFile:
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return parsed_from_rows(path, "test", "a test file", list(channels), records, timezone="UTC")


def samples(channel: int, count: int, start_line: int = 2, value: float = 20.0) -> list[Sample]:
    return [Sample(start_line + n, channel, T0 + n * MINUTE, value + n / 10) for n in range(count)]


def rows(db: Database, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with db.driver_read() as conn:
        return conn.execute(sql, params).fetchall()


def reading_count(db: Database) -> int:
    return int(rows(db, "SELECT count(*) FROM readings")[0][0])


def first_reading_id(db: Database) -> int:
    return int(rows(db, "SELECT min(id) FROM readings")[0][0])


# --- devices -------------------------------------------------------------------------------
