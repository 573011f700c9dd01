"""Keyboard-first reading entry for the selected device.

Type a value, press Enter: the reading is committed at once, the value field clears for the
next one, and the previous reading and the change since it are shown. A value outside the
device's limits is saved and flagged, never refused; a value that cannot be read for certain
("1,5" where "." is the decimal point, "abc", nothing) is refused with a message.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDateTime, QLocale, QSettings, Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.db import Database
from core.devices import DeviceRecord, get_device
from core.errors import FieldLogError, ValidationError
from core.readings import (
    LimitFlag,
    NewReading,
    ReadingRecord,
    add_reading,
    latest_reading,
    withdraw_reading,
)
from core.validation import parse_number
from gui.ops import Ops
from gui.undo import push_done

OPERATOR_KEY = "entry/operator"
FLAG_TEXT = {LimitFlag.ABOVE: "above the high limit", LimitFlag.BELOW: "below the low limit"}


@dataclass(frozen=True)
class DeviceContext:
    device: DeviceRecord
    previous: ReadingRecord | None


def load_context(db: Database, device_id: int) -> DeviceContext:
    return DeviceContext(get_device(db, device_id), latest_reading(db, device_id))


def local_text(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def describe(reading: ReadingRecord) -> str:
    who = f" by {reading.operator}" if reading.operator else ""
    return f"{reading.value:g} {reading.unit} at {local_text(reading.recorded_at)}{who}"


class EntryPanel(QWidget):
    """Value, unit, time, operator, note; Enter saves. Emits ``saved`` after every change."""

    saved = Signal(object)  # the ReadingRecord just saved (or None after an undo)

    def __init__(self, ops: Ops, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self.undo_stack = undo_stack
        self._db: Database | None = None
        self._context: DeviceContext | None = None
        self._device_id: int | None = None
        self._build()
        self._follow_now = True
        self.set_device(None)

    # --- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.heading = QLabel("Select a device to log readings")
        self.heading.setObjectName("entryHeading")
        self.heading.setStyleSheet("font-weight: 600; font-size: 11pt")
        self.value = self._line("value", "Value, then Enter")
        self.unit = self._line("unit", "unit")
        self.unit.setMaximumWidth(90)
        self.time = QDateTimeEdit(calendarPopup=True)
        self.time.setObjectName("time")
        self.time.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.time.dateTimeChanged.connect(self._on_time_edited)
        self.now_button = QPushButton("Now")
        self.now_button.setToolTip("Use the current time for the next reading")
        self.now_button.clicked.connect(self._use_now)
        self.operator = self._line("operator", "your name")
        self.operator.setText(str(QSettings().value(OPERATOR_KEY, "") or ""))
        self.note = self._line("note", "optional note")
        self.save_button = QPushButton("Save reading")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()
        self.message.setObjectName("entryMessage")
        self.message.setWordWrap(True)
        self.previous = QLabel()
        self.previous.setObjectName("previousReading")
        self.previous.setWordWrap(True)
        self.previous.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._arrange()

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        line = QLineEdit()
        line.setObjectName(name)
        line.setPlaceholderText(placeholder)
        line.returnPressed.connect(self.save)
        return line

    def _arrange(self) -> None:
        value_row = QHBoxLayout()
        value_row.addWidget(self.value, 3)
        value_row.addWidget(self.unit, 1)
        time_row = QHBoxLayout()
        time_row.addWidget(self.time, 1)
        time_row.addWidget(self.now_button)
        form = QFormLayout()
        for text, buddy, row in (("&Value", self.value, value_row), ("&Time", self.time, time_row),
                                 ("&Operator", self.operator, self.operator),
                                 ("N&ote", self.note, self.note)):  # fmt: skip
            label = QLabel(text)
            label.setBuddy(buddy)
            form.addRow(label, row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.previous)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.setTabOrder(self.value, self.unit)
        self.setTabOrder(self.unit, self.time)
        self.setTabOrder(self.time, self.operator)
        self.setTabOrder(self.operator, self.note)

    # --- state ----------------------------------------------------------------------------

    def set_database(self, db: Database | None) -> None:
        self._db = db
        self.set_device(None)

    def set_device(self, device_id: int | None) -> None:
        """Show ``device_id``'s default unit and last reading (None: nothing to enter for)."""
        self._context = None
        self._device_id = device_id
        self._enable(False)
        self.previous.clear()
        self.message.clear()
        if device_id is None or self._db is None:
            self.heading.setText("Select a device to log readings")
            return
        db = self._db
        self._ops.run(lambda: load_context(db, device_id), done=self._on_context, label="device")

    def _on_context(self, context: DeviceContext) -> None:
        if context.device.id != self._device_id:
            return  # the user has moved on to another device meanwhile
        self._context = context
        device = context.device
        self.heading.setText(f"Reading for {device.name}")
        self.unit.setText(device.default_unit or "")
        self._show_previous(context.previous)
        self._use_now()
        self._enable(not device.archived)
        if device.archived:
            self.message.setText("This device is archived: unarchive it to log readings.")

    def _enable(self, enabled: bool) -> None:
        for widget in (self.value, self.unit, self.time, self.now_button, self.note):
            widget.setEnabled(enabled)
        self.operator.setEnabled(enabled)
        self.save_button.setEnabled(enabled)

    def focus_value(self) -> None:
        self.value.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.value.selectAll()

    @property
    def device_id(self) -> int | None:
        return self._device_id

    @property
    def ready(self) -> bool:
        """A device is loaded and readings can be entered for it."""
        return self._context is not None

    # --- time -----------------------------------------------------------------------------

    def _use_now(self) -> None:
        self._follow_now = True
        self.time.blockSignals(True)
        self.time.setDateTime(QDateTime.currentDateTime())
        self.time.blockSignals(False)

    def _on_time_edited(self) -> None:
        self._follow_now = False

    def _entered_time(self) -> datetime:
        if self._follow_now:
            return datetime.now(UTC)
        chosen = self.time.dateTime().toSecsSinceEpoch()
        return datetime.fromtimestamp(chosen, UTC)

    # --- saving ---------------------------------------------------------------------------

    def save(self) -> None:
        if self._context is None or self._db is None:
            return
        try:
            value = parse_number(self.value.text(), QLocale().decimalPoint())
        except ValueError as exc:
            self._refuse(f"Not saved: {exc}.")
            return
        new = NewReading(
            device_id=self._context.device.id,
            value=value,
            recorded_at=self._entered_time(),
            unit=self.unit.text().strip() or None,
            operator=self.operator.text().strip() or None,
            note=self.note.text().strip() or None,
        )
        QSettings().setValue(OPERATOR_KEY, self.operator.text().strip())
        db = self._db
        self.save_button.setEnabled(False)
        self._ops.run(lambda: add_reading(db, new), done=self._on_saved, failed=self._on_failed)

    def _on_saved(self, reading: ReadingRecord) -> None:
        self.save_button.setEnabled(True)
        self._report_saved(reading)
        self._show_previous(reading, before=self._context.previous if self._context else None)
        if self._context is not None:
            self._context = DeviceContext(self._context.device, reading)
        self.value.clear()
        self.note.clear()
        if self._follow_now:
            self._use_now()
        self.focus_value()
        self._record_undo(reading)
        self.saved.emit(reading)

    def _on_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            problems = "; ".join(f"{field} {text}" for field, text in exc.problems.items())
            self._refuse(f"Not saved: {problems}.")
        elif isinstance(exc, FieldLogError):
            self._refuse(f"Not saved: {exc}")
        else:
            raise exc

    def _refuse(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c62828")
        self.value.setFocus()
        self.value.selectAll()

    def _report_saved(self, reading: ReadingRecord) -> None:
        flag = FLAG_TEXT.get(reading.flag)
        if flag:
            self.message.setText(f"⚠ Saved {reading.value:g} {reading.unit}: {flag}.")
            self.message.setStyleSheet("color: #e65100; font-weight: 600")
        else:
            self.message.setText(f"✓ Saved {reading.value:g} {reading.unit}.")
            self.message.setStyleSheet("color: #2e7d32")

    def _show_previous(self, latest: ReadingRecord | None, before: Any = None) -> None:
        if latest is None:
            self.previous.setText("No readings yet.")
            return
        text = f"Last: {describe(latest)}"
        if before is not None and before.unit == latest.unit:
            text += f"  (change {latest.value - before.value:+g} {latest.unit})"
        flag = FLAG_TEXT.get(latest.flag)
        if flag:
            text += f" — {flag}"
        self.previous.setText(text)

    # --- undo -----------------------------------------------------------------------------

    def _record_undo(self, reading: ReadingRecord) -> None:
        db = self._db
        assert db is not None
        current = {"id": reading.id}
        entry = NewReading(
            reading.device_id, reading.value, reading.recorded_at, reading.unit,
            reading.operator, reading.note,
        )  # fmt: skip

        def undo() -> None:
            withdraw_reading(db, current["id"])

        def redo() -> None:
            current["id"] = add_reading(db, entry).id

        text = f"reading {reading.value:g} {reading.unit}"
        push_done(self.undo_stack, self._ops, text, undo=undo, redo=redo, changed=self._after_undo)

    def _after_undo(self) -> None:
        self.set_device(self.device_id)
        self.saved.emit(None)
