"""T6: the device table's first paint and a sort with N devices, against a minimal lazy model."""

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from benchmarks import data
from benchmarks.harness import Result, Sizes, interleaved, timed
from core.ids import uuid7


def fill_devices(path: Path, count: int) -> None:
    result = data.fieldlog_db(path, devices=0)
    with result.database.raw() as conn:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO devices (uid, name, serial_number, location, device_type, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, 'Pressure gauge', 0, 0)",
            ((uuid7().bytes, f"Device {n:06d}", f"SN{(n * 7919) % count:06d}",
              f"Room {(n * 31) % 97}") for n in range(count)),
        )  # fmt: skip
        conn.execute("COMMIT")
    result.database.close()


def minimal_model(path: Path) -> Any:
    """The baseline: every row read with one query, shown through canFetchMore in 500s."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

    class Minimal(QAbstractTableModel):
        def __init__(self) -> None:
            super().__init__()
            with closing(sqlite3.connect(path)) as conn:
                self.rows = conn.execute(
                    "SELECT name, serial_number, device_type, location, status, "
                    "calibration_due, default_unit, low_limit FROM devices WHERE archived_at "
                    "IS NULL ORDER BY name").fetchall()  # fmt: skip
            self.shown = 0

        def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return self.shown

        def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return 8

        def canFetchMore(self, parent: Any = QModelIndex()) -> bool:  # noqa: B008
            return self.shown < len(self.rows)

        def fetchMore(self, parent: Any = QModelIndex()) -> None:  # noqa: B008
            more = min(500, len(self.rows) - self.shown)
            self.beginInsertRows(QModelIndex(), self.shown, self.shown + more - 1)
            self.shown += more
            self.endInsertRows()

        def data(self, index: Any, role: int = 0) -> Any:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.rows[index.row()][index.column()]
            return None

        def sort(self, column: int, order: Any = Qt.SortOrder.AscendingOrder) -> None:
            self.layoutAboutToBeChanged.emit()
            self.rows.sort(key=lambda r: (r[column] is None, r[column] or ""),
                           reverse=order == Qt.SortOrder.DescendingOrder)  # fmt: skip
            self.layoutChanged.emit()

    return Minimal()


def run(sizes: Sizes, folder: Path, repeat: int) -> Result:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QTableView

    from core.db import Database, create_sqlite_engine
    from gui.device_model import Columns
    from gui.device_panel import DevicePanel
    from gui.ops import Ops

    app = data.qt_app()
    count = sizes.pick(10_000, 100_000)
    path = folder / "t6.db"
    fill_devices(path, count)
    ops, stack = Ops(), QUndoStack()
    db = Database(path, create_sqlite_engine(path))

    def painted(panel: DevicePanel) -> None:
        model = panel.model
        data.spin(app, lambda: not ops.busy and model.rowCount() > 0 and model.is_loaded(0))
        panel.table.grab()

    def ours() -> float:
        panel = DevicePanel(ops, stack)
        panel.resize(1000, 700)
        panel.show()

        def first() -> None:
            panel.set_database(db)
            painted(panel)

        def by_place() -> None:
            panel.table.sortByColumn(Columns.LOCATION, Qt.SortOrder.AscendingOrder)
            painted(panel)

        seconds = timed(first) + timed(by_place)
        panel.close()
        panel.deleteLater()
        return seconds

    def baseline() -> float:
        view = QTableView()
        view.resize(1000, 700)
        view.show()

        def first() -> None:
            view.setModel(minimal_model(path))
            app.processEvents()
            view.grab()

        def by_place() -> None:
            view.model().sort(3)
            app.processEvents()
            view.grab()

        seconds = timed(first) + timed(by_place)
        view.close()
        view.deleteLater()
        return seconds

    try:
        ours(), baseline()
        mine, theirs = interleaved(ours, baseline, repeat)
    finally:
        db.close()
        ops.shutdown()
    return Result("T6", f"device table first paint + sort, {count:,} devices", mine * 1000,
                  theirs * 1000, "ms", 1.5)  # fmt: skip
