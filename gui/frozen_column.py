"""A table's first column kept in view while the rest scrolls sideways (Qt's frozen column).

A second view over the same model and selection shows only that column, laid over the table's
own; the two scroll together vertically. Clicks, the context menu and sorting act on the table
underneath, so the overlay is only what it looks like.
"""

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


class FrozenColumn(QTableView):
    """Shows ``column`` of ``table`` at the table's left edge, above the scrolled cells."""

    def __init__(self, table: QTableView, column: int) -> None:
        super().__init__(table)
        self.setObjectName(f"{table.objectName()}Frozen")
        self._table, self._column = table, column
        self.setModel(table.model())
        self.setSelectionModel(table.selectionModel())
        self._look_like(table)
        for other in range(table.model().columnCount()):
            self.setColumnHidden(other, other != column)
        self._connect(table)
        table.installEventFilter(self)
        self.show()
        self.place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._table and event.type() == QEvent.Type.Resize:
            self.place()
        return super().eventFilter(watched, event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        super().mousePressEvent(event)
        self._table.setFocus(Qt.FocusReason.MouseFocusReason)

    def _look_like(self, table: QTableView) -> None:
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys go to the table underneath
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(table.alternatingRowColors())
        self.setWordWrap(False)
        self.setStyleSheet("QTableView { border: none; }")
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(table.verticalScrollMode())
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(table.verticalHeader().defaultSectionSize())
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setColumnWidth(self._column, table.columnWidth(self._column))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.addActions(table.actions())

    def _connect(self, table: QTableView) -> None:
        header = table.horizontalHeader()
        header.sectionResized.connect(self._on_resized)
        header.sortIndicatorChanged.connect(self._show_sort)
        self.horizontalHeader().setSortIndicatorShown(header.isSortIndicatorShown())
        self.horizontalHeader().sectionClicked.connect(self._sort)
        self.verticalScrollBar().valueChanged.connect(table.verticalScrollBar().setValue)
        table.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.doubleClicked.connect(table.doubleClicked.emit)

    def _show_sort(self, column: int, order: Qt.SortOrder) -> None:
        self.horizontalHeader().setSortIndicator(column, order)

    def _on_resized(self, column: int, _old: int, new: int) -> None:
        if column == self._column:
            self.setColumnWidth(column, new)
            self.place()

    def _sort(self, _column: int) -> None:
        """A click on the frozen header sorts as a click on the table's own would."""
        header = self._table.horizontalHeader()
        order = Qt.SortOrder.AscendingOrder
        if header.sortIndicatorSection() == self._column and header.sortIndicatorOrder() == order:
            order = Qt.SortOrder.DescendingOrder
        self._table.sortByColumn(self._column, order)

    def place(self) -> None:
        """Over the table's first column: call after the table is resized."""
        table = self._table
        frame = table.frameWidth()
        self.setGeometry(
            table.verticalHeader().width() + frame,
            frame,
            table.columnWidth(self._column),
            table.viewport().height() + table.horizontalHeader().height(),
        )
        self.setVisible(table.model().columnCount(QModelIndex()) > 1)
