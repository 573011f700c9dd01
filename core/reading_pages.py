"""Pages of the readings table: the rows of several devices, newest first, paged by key.

Read with the driver cursor (the table asks for a page at every scroll); each row says whether
a correction replaced it, so the table can show the originals too, and whether it was taken
while its device was overdue for calibration (``core.calibration.overdue_spans``).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.calibration import Span, overdue_at, overdue_spans
from core.db import Database
from core.models import ReadingSource
from core.readings import LimitFlag
from core.timeutil import ALL_TIME_MS, from_epoch_ms, to_epoch_ms
from core.validation import value_text


@dataclass(frozen=True)
class ReadingRow:
    """One line of the readings table."""

    id: int
    device_id: int
    device_name: str
    recorded_at: datetime
    value: float
    unit: str
    operator: str | None
    note: str | None
    source: ReadingSource
    flag: LimitFlag
    corrects_id: int | None
    corrected_by: int | None  # set on a superseded original
    decimals: int | None = None  # as typed (see core.validation.value_text)
    overdue: bool = False  # taken while its device was overdue for calibration

    @property
    def text(self) -> str:
        return value_text(self.value, self.decimals)

    @property
    def superseded(self) -> bool:
        return self.corrected_by is not None

    @property
    def key(self) -> tuple[int, int]:
        """Where the next page starts (see ``readings_page``)."""
        return to_epoch_ms(self.recorded_at), self.id


_PAGE_SQL = """
SELECT r.id, r.device_id, d.name, r.recorded_at, r.value, r.unit, r.operator, r.note,
       r.source, d.low_limit, d.high_limit, r.corrects_id,
       (SELECT c.id FROM readings AS c WHERE c.corrects_id = r.id) AS corrected_by, r.decimals
FROM readings AS r JOIN devices AS d ON d.id = r.device_id
WHERE r.device_id IN ({marks}) AND r.recorded_at >= ? AND r.recorded_at <= ?
  AND (r.recorded_at, r.id) < (?, ?)
ORDER BY r.recorded_at DESC, r.id DESC
LIMIT ?
"""


def readings_page(
    db: Database,
    device_ids: list[int],
    start_ms: int | None = None,
    end_ms: int | None = None,
    *,
    after: tuple[int, int] | None = None,
    limit: int = 500,
) -> list[ReadingRow]:
    """Readings of several devices in ``[start_ms, end_ms)``, newest first, including the
    originals that corrections replaced (each says which reading corrected it).

    ``after`` is the ``key`` of the last row of the previous page. Paging by key rather than by
    offset keeps the thousandth page as fast as the first.
    """
    if not device_ids:
        return []
    sql = _PAGE_SQL.format(marks=", ".join("?" * len(device_ids)))
    start = ALL_TIME_MS[0] if start_ms is None else start_ms
    end = ALL_TIME_MS[1] if end_ms is None else end_ms
    key = after if after is not None else (end, 0)
    last = min(end - 1, key[0])  # a plain bound, so that SQLite seeks to the page in the index
    with db.driver_read() as conn:  # scrolling asks for a page at a time
        rows = conn.execute(sql, (*device_ids, start, last, *key, limit)).fetchall()
    spans = overdue_spans(db, device_ids)
    return [_row(r, spans) for r in rows]


def _row(r: Any, spans: dict[int, list[Span]]) -> ReadingRow:
    value = float(r[4])
    return ReadingRow(
        id=int(r[0]),
        device_id=int(r[1]),
        device_name=str(r[2]),
        recorded_at=from_epoch_ms(int(r[3])),
        value=value,
        unit=str(r[5]),
        operator=r[6],
        note=r[7],
        source=ReadingSource(r[8]),
        flag=LimitFlag.of(value, r[9], r[10]),
        corrects_id=r[11],
        corrected_by=r[12],
        decimals=r[13],
        overdue=overdue_at(spans.get(int(r[1]), []), int(r[3])),
    )
