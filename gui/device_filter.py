"""The device panel's filter bar: the filter that narrows the list as you type, the calibration
filters with their counts, and Show archived.

What it sets is the model's query (``gui/device_model.py``); the keys that lead out of the
filter field (Enter picks a match, Down goes into the table) are the panel's, signalled here.
"""

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from core.devices import DUE_SOON_DAYS, Calibration, CalibrationCounts
from gui.device_model import DeviceTableModel

FILTER_DELAY_MS = 150
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class DeviceFilterBar(QWidget):
    """The filter field with ``beside`` (the panel's Add… button) to its right; under them the
    calibration filters and Show archived."""

    entered = Signal()  # Enter in the filter field
    down_pressed = Signal()  # Down in the filter field

    def __init__(self, model: DeviceTableModel, beside: QWidget,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._model = model
        self.filter = QLineEdit(placeholderText="Filter by name, serial, location or type (Ctrl+F)")
        self.filter.setObjectName("deviceFilter")
        self.filter.setClearButtonEnabled(True)
        self.filter.installEventFilter(self)
        self._filter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(lambda: model.set_filter(self.filter.text()))
        self.filter.textChanged.connect(lambda _text: self._filter_timer.start())
        self.show_archived = QCheckBox("Show archived")
        self.show_archived.setObjectName("showArchived")
        self.show_archived.toggled.connect(model.set_show_archived)
        self.overdue_button = self._calibration_button("overdueFilter", Calibration.OVERDUE)
        self.due_soon_button = self._calibration_button("dueSoonFilter", Calibration.DUE_SOON)
        self.set_calibration_counts(CalibrationCounts(0, 0))
        self._arrange(beside)

    def _arrange(self, beside: QWidget) -> None:
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(beside)
        options = QHBoxLayout()
        options.addWidget(self.overdue_button)
        options.addWidget(self.due_soon_button)
        options.addStretch(1)
        options.addWidget(self.show_archived)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(options)

    def _calibration_button(self, name: str, which: Calibration) -> QPushButton:
        button = QPushButton()
        button.setObjectName(name)
        button.setCheckable(True)
        button.setFlat(True)
        button.toggled.connect(lambda on: self._on_calibration_filter(which, on))
        return button

    def _on_calibration_filter(self, which: Calibration, on: bool) -> None:
        """One calibration filter at a time; unchecking it lists every device again."""
        other = self.due_soon_button if which is Calibration.OVERDUE else self.overdue_button
        if on and other.isChecked():
            other.blockSignals(True)
            other.setChecked(False)
            other.blockSignals(False)
        self._model.set_calibration(which if on else None)

    def set_calibration_counts(self, counts: CalibrationCounts) -> None:
        """The numbers on the calibration filters (the window works them out with its counts)."""
        self.overdue_button.setText(f"Overdue ({counts.overdue})")
        self.overdue_button.setToolTip("Only the devices whose calibration is overdue")
        self.due_soon_button.setText(f"Due ≤ {DUE_SOON_DAYS} d ({counts.due_soon})")
        self.due_soon_button.setToolTip(
            f"Only the devices due for calibration within {DUE_SOON_DAYS} days"
        )

    def set_ready(self, ready: bool) -> None:
        """Enabled while a database is open."""
        for widget in (self.filter, self.show_archived, self.overdue_button, self.due_soon_button):
            widget.setEnabled(ready)

    def filter_now(self) -> None:
        """Filter by what is typed at once, if it was typed faster than the debounce."""
        if self._filter_timer.isActive():
            self._filter_timer.stop()
            self._model.set_filter(self.filter.text())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        pressed = event.type() == QEvent.Type.KeyPress
        if pressed and watched is self.filter and isinstance(event, QKeyEvent):
            return self._filter_key(event) or super().eventFilter(watched, event)
        return super().eventFilter(watched, event)

    def _filter_key(self, event: QKeyEvent) -> bool:
        """Enter and Down are the panel's (signalled); Escape clears the filter."""
        if event.key() in ENTER_KEYS:
            self.entered.emit()
            return True
        if event.key() == Qt.Key.Key_Down:
            self.down_pressed.emit()
            return True
        if event.key() == Qt.Key.Key_Escape and self.filter.text():
            self.filter.clear()
            return True
        return False
