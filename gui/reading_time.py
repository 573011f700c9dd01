"""The time a typed reading gets: "now", following the clock, until the technician sets one.

A time chosen by hand stays for every next reading (a round of readings written on paper is
typed in later), so it must be seen to stay: the field turns to the alarm colour and says
"backdated" until Now is pressed.
"""

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QDateTimeEdit, QHBoxLayout, QLabel, QPushButton, QWidget

from gui.colors import alarm

CLOCK_TICK_MS = 1000  # the field follows the clock while it says "now"


class ReadingTime(QWidget):
    """The time field, its "backdated" mark and its Now button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._follow_now = True
        self.edit = QDateTimeEdit(calendarPopup=True)
        self.edit.setObjectName("time")
        self.edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.edit.dateTimeChanged.connect(self._on_edited)
        self.backdated = QLabel("backdated")
        self.backdated.setObjectName("backdated")
        self.backdated.setToolTip("Every reading gets this time until you press Now")
        self.backdated.hide()
        self.now_button = QPushButton("Now")
        self.now_button.setToolTip("Go back to the current time for the next readings")
        self.now_button.clicked.connect(self.use_now)
        self._clock = QTimer(self, interval=CLOCK_TICK_MS)
        self._clock.timeout.connect(self._tick)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.backdated)
        row.addWidget(self.now_button)

    @property
    def is_backdated(self) -> bool:
        return not self._follow_now

    def entered(self) -> datetime:
        """The time for a reading entered now: this instant, or the one chosen."""
        if self._follow_now:
            return datetime.now(UTC)
        return datetime.fromtimestamp(self.edit.dateTime().toSecsSinceEpoch(), UTC)

    def use_now(self) -> None:
        self._follow_now = True
        self._show(QDateTime.currentDateTime())
        self._mark_backdated(False)

    def showEvent(self, event: QShowEvent) -> None:
        self._tick()
        self._clock.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self._clock.stop()
        super().hideEvent(event)

    def _tick(self) -> None:
        if self._follow_now:
            self._show(QDateTime.currentDateTime())

    def _show(self, moment: QDateTime) -> None:
        self.edit.blockSignals(True)
        self.edit.setDateTime(moment)
        self.edit.blockSignals(False)

    def _on_edited(self) -> None:
        self._follow_now = False
        self._mark_backdated(True)

    def _mark_backdated(self, backdated: bool) -> None:
        self.backdated.setVisible(backdated)
        if backdated:
            tint = alarm()
            style = f"background: {tint.background.name()}; color: {tint.text.name()}"
            self.edit.setStyleSheet(f"QDateTimeEdit {{ {style} }}")
            self.backdated.setStyleSheet(f"color: {tint.text.name()}; font-weight: 600")
        else:
            self.edit.setStyleSheet("")
