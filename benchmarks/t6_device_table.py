"""T6: the device table's first paint and a sort with N devices, against a minimal lazy model.

FieldLog's side is the real ``DevicePanel`` (its model asks the database thread for the ordered
ids and the first block of rows). The baseline is the textbook lazy table: one raw ``sqlite3``
query reads every row, and ``canFetchMore``/``fetchMore`` hand them to a ``QTableView`` 500 at a
time. Both views are built and shown before the clock starts; each side then

- first paint: gets its data (``set_database`` / ``setModel``), and the clock stops once the rows
  on screen have their data and the view has been painted (``grab``);
- sort: a mouse click on the Name header (already sorted by name: so descending), then the same
  wait and paint.

FieldLog waits for the database thread in an idle event loop, as the application does.
"""

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import data
from benchmarks.harness import Result, Sizes, interleaved, timed
from core.ids import uuid7

SIZE = (1000, 700)
BASELINE_SQL = (
    "SELECT name, serial_number, device_type, location, status, calibration_due, default_unit, "
    "low_limit FROM devices WHERE archived_at IS NULL ORDER BY name"
)
STATUSES = ("active", "active", "active", "out_of_service", "retired")
TIMEOUT_S = 60.0
Side = Callable[[], tuple[float, float]]  # one run: (first paint, sort) in seconds


def fill_devices(path: Path, count: int) -> None:
    """``count`` devices with every column the table shows, a few archived."""
    result = data.fieldlog_db(path, devices=0)
    with result.database.driver_write() as conn:
        conn.executemany(
            "INSERT INTO devices (uid, name, serial_number, location, device_type, default_unit, "
            "low_limit, high_limit, calibration_due, status, archived_at, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, 'Pressure gauge', 'bar', 0.5, 6.0, ?, ?, ?, 0, 0)",
            (_device(n, count) for n in range(count)),
        )
    result.database.close()


def _device(n: int, count: int) -> tuple[object, ...]:
    due = f"{2024 + n % 4}-{1 + n % 12:02d}-{1 + n % 28:02d}" if n % 3 else None
    archived = 1 if n % 50 == 0 else None
    return (uuid7().bytes, f"Device {(n * 7919) % count:06d}", f"SN{n:06d}", f"Room {n % 97}",
            due, STATUSES[n % len(STATUSES)], archived)  # fmt: skip


def minimal_model(path: Path) -> Any:
    """The baseline: every row read with one query, shown through canFetchMore in 500s."""
    import sqlite3
    from contextlib import closing

    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

    class Minimal(QAbstractTableModel):
        def __init__(self) -> None:
            super().__init__()
            with closing(sqlite3.connect(path)) as conn:
                self.rows = conn.execute(BASELINE_SQL).fetchall()
            self.shown = 0

        def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else self.shown

        def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else 8

        def canFetchMore(self, parent: Any = QModelIndex()) -> bool:  # noqa: B008
            return not parent.isValid() and self.shown < len(self.rows)

        def fetchMore(self, parent: Any = QModelIndex()) -> None:  # noqa: B008
            more = min(500, len(self.rows) - self.shown)
            self.beginInsertRows(QModelIndex(), self.shown, self.shown + more - 1)
            self.shown += more
            self.endInsertRows()

        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.rows[index.row()][index.column()]
            return None

        def sort(self, column: int, order: Any = Qt.SortOrder.AscendingOrder) -> None:
            self.layoutAboutToBeChanged.emit()
            self.rows.sort(key=lambda r: (r[column] is None, r[column] or ""),
                           reverse=order == Qt.SortOrder.DescendingOrder)  # fmt: skip
            self.layoutChanged.emit()

    return Minimal()


def click_header(view: Any, column: int) -> None:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    header = view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def wait_idle(app: Any, until: Callable[[], bool]) -> None:
    """Run the event loop, asleep between events, until ``until()`` holds."""
    from PySide6.QtCore import QEventLoop, QTimer

    tick = QTimer(interval=20)  # a wake-up now and then, in case the condition needs no event
    tick.start()
    deadline = time.monotonic() + TIMEOUT_S
    try:
        while not until():
            if time.monotonic() > deadline:
                raise TimeoutError("the device table did not load in time")
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    finally:
        tick.stop()


def visible_rows_loaded(panel: Any) -> bool:
    model, table = panel.model, panel.table
    if model.loading or model.rowCount() == 0:
        return False
    first = max(table.rowAt(0), 0)
    last = table.rowAt(table.viewport().height() - 1)
    last = model.rowCount() - 1 if last < 0 else last
    return all(model.is_loaded(row) for row in range(first, last + 1))


def run(sizes: Sizes, folder: Path, repeat: int) -> Result:
    from PySide6.QtGui import QUndoStack

    from core.db import SqliteDatabase, create_sqlite_engine
    from gui.ops import Ops

    app = data.qt_app()
    count = sizes.pick(10_000, 100_000)
    path = folder / "t6.db"
    fill_devices(path, count)
    ops, stack = Ops(), QUndoStack()
    db = SqliteDatabase(path, create_sqlite_engine(path))
    ours, baseline = _fieldlog_side(app, ops, stack, db), _baseline_side(app, path)
    parts: dict[str, list[tuple[float, float]]] = {"ours": [], "baseline": []}

    def measured(side: Side, key: str) -> float:
        first, sort = side()
        parts[key].append((first, sort))
        return first + sort

    try:
        ours(), baseline()  # first use of each pays one-off costs
        mine, theirs = interleaved(lambda: measured(ours, "ours"),
                                   lambda: measured(baseline, "baseline"), repeat)  # fmt: skip
    finally:
        db.close()
        ops.shutdown()
    return Result("T6", f"device table first paint + sort, {count:,} devices", mine * 1000,
                  theirs * 1000, "ms", 1.5, note=_breakdown(parts))  # fmt: skip


def _breakdown(parts: dict[str, list[tuple[float, float]]]) -> str:
    """Each step's medians and ratio, so that neither hides behind the other's total."""
    steps = []
    for n, step in enumerate(("first paint", "sort")):
        mine = statistics.median(p[n] for p in parts["ours"]) * 1000
        theirs = statistics.median(p[n] for p in parts["baseline"]) * 1000
        steps.append(f"{step} {mine:.0f}/{theirs:.0f} ms = {mine / theirs:.2f}x")
    return "; ".join(steps)


def _fieldlog_side(app: Any, ops: Any, stack: Any, db: Any) -> Side:
    from gui.device_model import Columns
    from gui.device_panel import DevicePanel

    def side() -> tuple[float, float]:
        panel = DevicePanel(ops, stack)
        panel.resize(*SIZE)
        panel.show()
        app.processEvents()

        def first() -> None:
            panel.set_database(db)
            wait_idle(app, lambda: visible_rows_loaded(panel))
            panel.table.grab()

        def sort() -> None:
            click_header(panel.table, Columns.NAME)
            wait_idle(app, lambda: visible_rows_loaded(panel))
            panel.table.grab()

        seconds = timed(first), timed(sort)
        assert panel.model.query.descending, "the header click did not sort"
        panel.close()
        panel.deleteLater()
        return seconds

    return side


def _baseline_side(app: Any, path: Path) -> Side:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTableView

    def side() -> tuple[float, float]:
        view = QTableView()
        view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
        view.resize(*SIZE)
        view.show()
        app.processEvents()

        def first() -> None:
            view.setModel(minimal_model(path))
            app.processEvents()
            view.grab()

        def sort() -> None:
            click_header(view, 0)
            app.processEvents()
            view.grab()

        seconds = timed(first), timed(sort)
        view.close()
        view.deleteLater()
        return seconds

    return side
