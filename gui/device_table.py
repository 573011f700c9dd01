"""The device list's table: its columns in a technician's order, and the ones shown kept.

Calibration due is the second column so that it is in sight at once; the header's context menu
hides or shows any column but the name, and the header's state (shown, hidden, widths, sort) is
kept in the settings. Rows have one fixed height: no per-row sizing at 100,000 devices.
"""

from PySide6.QtCore import QByteArray, QPoint, QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from gui.device_model import HEADERS, Columns, DeviceTableModel

HEADER_KEY = "devices/header"
DEFAULT_ORDER = (Columns.NAME, Columns.CALIBRATION_DUE, Columns.LOCATION, Columns.SERIAL,
                 Columns.STATUS, Columns.TYPE, Columns.UNIT, Columns.LIMITS)  # fmt: skip
COLUMN_WIDTHS = {
    Columns.NAME: 190,
    Columns.SERIAL: 110,
    Columns.TYPE: 130,
    Columns.LOCATION: 150,
    Columns.STATUS: 110,
    Columns.CALIBRATION_DUE: 110,
    Columns.UNIT: 60,
}


class DeviceTable(QTableView):
    """Whole rows selected, sorted by a header click (in SQL: ``DeviceTableModel.sort``)."""

    def __init__(self, model: DeviceTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deviceTable")
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self._arrange_columns()

    def _arrange_columns(self) -> None:
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicator(Columns.NAME, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        for column, width in COLUMN_WIDTHS.items():
            self.setColumnWidth(column, width)
        for visual, column in enumerate(DEFAULT_ORDER):
            header.moveSection(header.visualIndex(column), visual)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._choose_columns)

    def _choose_columns(self, at: QPoint) -> None:
        self.column_menu().popup(self.horizontalHeader().mapToGlobal(at))

    def column_menu(self) -> QMenu:
        """The header's context menu: a tick for every column but the name."""
        menu = QMenu(self)
        menu.setObjectName("columnChooser")
        for column in (c for c in Columns if c is not Columns.NAME):
            action = menu.addAction(HEADERS[column])
            action.setCheckable(True)
            action.setChecked(not self.isColumnHidden(column))
            action.toggled.connect(lambda on, c=column: self.setColumnHidden(c, not on))
        menu.aboutToHide.connect(menu.deleteLater)
        return menu

    def save_state(self, settings: QSettings) -> None:
        settings.setValue(HEADER_KEY, self.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings) -> None:
        """The columns as the user left them: shown, hidden, widths, sort."""
        state = settings.value(HEADER_KEY)
        if isinstance(state, QByteArray):
            self.horizontalHeader().restoreState(state)
            self.setColumnHidden(Columns.NAME, False)
