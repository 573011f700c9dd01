"""Keyboard-first reading entry for the selected device.

Type a value, press Enter: everything the reading needs (value, unit, time, operator, note) is
taken at that instant, the value field clears for the next one at once, and the save goes to
the database thread, which runs saves in the order they were entered. So typing ahead of a slow
machine loses nothing: a save that finishes never touches what is being typed. A save that
fails puts its value back (in the field if it is empty, else in the list under it) with the
reason, never silently.

A value outside the device's limits is saved and flagged, never refused; a value that cannot be
read for certain ("1,5" where "." is the decimal point, "abc", nothing) or in another unit than
the device's is refused with a message. The previous reading and the change since it are shown.
"""

from collections import deque
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from PySide6.QtCore import QEvent, QLocale, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.db import Database
from core.errors import ValidationError
from core.readings import LimitFlag, NewReading, ReadingRecord
from core.validation import parse_number, typed_decimals, typed_or_none, unit_clash
from gui.colors import alarm
from gui.messages import explain
from gui.operations.readings import DeviceContext, device_context, save_reading, withdraw_reading
from gui.ops import Ops
from gui.reading_time import ReadingTime
from gui.undo import push_made
from gui.who import OPERATOR_KEY, current_operator

FLAG_TEXT = {LimitFlag.ABOVE: "above the high limit", LimitFlag.BELOW: "below the low limit"}
UNDO_KEYS = (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo)


def local_text(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def describe(reading: ReadingRecord) -> str:
    who = f" by {reading.operator}" if reading.operator else ""
    return f"{reading.text} {reading.unit} at {local_text(reading.recorded_at)}{who}"


def change_text(latest: ReadingRecord, before: ReadingRecord) -> str:
    """The change since the reading before, at the resolution both were typed with."""
    change = latest.value - before.value
    if latest.decimals is not None and before.decimals is not None:
        return f"{change:+.{max(latest.decimals, before.decimals)}f}"
    return f"{change:+g}"


def failure_text(exc: BaseException) -> str:
    """Why a save failed, in words (anything not FieldLog's own also goes to the log)."""
    if isinstance(exc, ValidationError):
        return "; ".join(f"{field} {text}" for field, text in exc.problems.items())
    return explain(exc, "the database could not save it")


@dataclass(frozen=True)
class Entry:
    """One Enter: the text as typed and the reading taken from the fields at that instant."""

    text: str
    reading: NewReading
    device_name: str


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
        self._in_flight: deque[Entry] = deque()  # entered, not yet saved: oldest first
        self._build()
        self.set_device(None)

    # --- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.heading = QLabel("Select a device to log readings")
        self.heading.setObjectName("entryHeading")
        self.heading.setStyleSheet("font-weight: 600; font-size: 11pt")
        self.value = self._line("value", "Value, then Enter")
        self.unit = self._line("unit", "unit")
        self.unit.setMaximumWidth(90)
        self.when = ReadingTime()
        self.operator = self._line("operator", "your name")
        self.operator.setText(str(QSettings().value(OPERATOR_KEY, "") or ""))
        self.operator.editingFinished.connect(self._remember_operator)
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
        self._build_failed_list()
        self._arrange()

    def _build_failed_list(self) -> None:
        self.failed = QListWidget()
        self.failed.setObjectName("failedReadings")
        self.failed.setToolTip("Readings that were not saved. Enter or double-click puts one "
                               "back in the value field.")  # fmt: skip
        self.failed.setMaximumHeight(80)
        self.failed.itemActivated.connect(self._retry)
        self.failed.hide()

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        line = QLineEdit()
        line.setObjectName(name)
        line.setPlaceholderText(placeholder)
        line.returnPressed.connect(self.save)
        line.installEventFilter(self)
        return line

    def _arrange(self) -> None:
        value_row = QHBoxLayout()
        value_row.addWidget(self.value, 3)
        value_row.addWidget(self.unit, 1)
        form = QFormLayout()
        rows = (
            ("&Value", self.value, value_row),
            ("&Time", self.when.edit, self.when),
            ("&Operator", self.operator, self.operator),
            ("N&ote", self.note, self.note),
        )
        for text, buddy, row in rows:
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
        layout.addWidget(self.failed)
        layout.addStretch(1)
        chain = (self.value, self.unit, self.when.edit, self.operator, self.note)
        for first, second in pairwise(chain):
            self.setTabOrder(first, second)

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
        if not self._in_flight:
            self.message.clear()
        if device_id is None or self._db is None:
            self.heading.setText("Select a device to log readings")
            return
        self.reload()

    def reload(self) -> None:
        """Read the device and its last reading again (after a correction, an undo, an
        import): the "Last:" line follows every change."""
        db, device_id = self._db, self._device_id
        if db is not None and device_id is not None:
            load = device_context(self._ops, db, device_id).done(self._on_context)
            load.latest_only(f"entry-context-{id(self)}").run()

    def _on_context(self, context: DeviceContext) -> None:
        if context.device.id != self._device_id:
            return  # the user has moved on to another device meanwhile
        before, self._context = self._context, context
        device = context.device
        self.heading.setText(f"Reading for {device.name}")
        self._show_previous(context.previous)
        if before is None or before.device.default_unit != device.default_unit:
            self.unit.setText(device.default_unit or "")
        if before is None or before.device.archived != device.archived:
            self._enable(not device.archived)
            if device.archived:
                self.message.setText("This device is archived: unarchive it to log readings.")

    def _enable(self, enabled: bool) -> None:
        for widget in (self.value, self.unit, self.when.edit, self.when.now_button, self.note,
                       self.operator, self.save_button):  # fmt: skip
            widget.setEnabled(enabled)

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

    @property
    def saving(self) -> int:
        """How many entered readings are still on their way to the database."""
        return len(self._in_flight)

    # --- saving ---------------------------------------------------------------------------

    def save(self) -> None:
        """Take the fields as they are now, clear the value and the note, queue the save."""
        context, db = self._context, self._db
        if context is None or db is None:
            return
        entry = self._take_entry(context)
        if entry is None:
            return
        self.value.clear()
        self.note.clear()
        self._in_flight.append(entry)
        self._show_saving()
        saving = save_reading(self._ops, db, entry.reading).done(self._on_saved)
        saving.failed(lambda exc: self._on_failed(entry, exc)).run()

    def _take_entry(self, context: DeviceContext) -> Entry | None:
        """The reading the fields describe now, or None (and why) if it cannot be saved."""
        text, unit = self.value.text(), typed_or_none(self.unit.text())
        point = QLocale().decimalPoint()
        try:
            value = parse_number(text, point)
        except ValueError as exc:
            self._refuse(f"Not saved: {exc}.")
            return None
        device = context.device
        clash = unit_clash(unit, device.default_unit, device.name)
        if clash is not None:
            self._refuse(f"Not saved: {clash}.")
            return None
        operator = self._remember_operator()
        reading = NewReading(device.id, value, self.when.entered(), unit, operator or None,
                             typed_or_none(self.note.text(), "note"),
                             decimals=typed_decimals(text, point))  # fmt: skip
        return Entry(text.strip(), reading, device.name)

    def _remember_operator(self) -> str:
        """The operator's name, kept for the next start and for corrections (written only
        when it changes: a settings write is a disk write)."""
        operator = typed_or_none(self.operator.text()) or ""
        settings = QSettings()
        if settings.value(OPERATOR_KEY, "") != operator:
            settings.setValue(OPERATOR_KEY, operator)
        return operator

    def _on_saved(self, reading: ReadingRecord) -> None:
        self._in_flight.popleft()
        context = self._context
        if context is not None and context.device.id == reading.device_id:
            self._show_previous(reading, before=context.previous)
            self._context = DeviceContext(context.device, reading)
        self._report_saved(reading)
        self._record_undo(reading)
        self.saved.emit(reading)

    def _on_failed(self, entry: Entry, exc: BaseException) -> None:
        self._in_flight.popleft()
        reason = failure_text(exc)
        if not self.value.text() and entry.reading.device_id == self._device_id:
            self.value.setText(entry.text)
            self._refuse(f"Not saved: {reason}.")
            return
        when = local_text(entry.reading.recorded_at)
        item = QListWidgetItem(f"{entry.text} for {entry.device_name} at {when} — not saved: "
                               f"{reason}")  # fmt: skip
        item.setData(Qt.ItemDataRole.UserRole, entry)
        self.failed.addItem(item)
        self.failed.show()
        self._refuse(f"Not saved: {entry.text} ({reason}). It is in the list below.")

    def _retry(self, item: QListWidgetItem) -> None:
        """Put a reading that was not saved back in the value field, if the field is free and
        its device is the one selected (a value never moves to another device)."""
        entry: Entry = item.data(Qt.ItemDataRole.UserRole)
        if entry.reading.device_id != self._device_id:
            self.message.setText(f"That value was for {entry.device_name}: select it first.")
            return
        if self.value.text():
            self.message.setText("Save or clear the value field first.")
            return
        self.value.setText(entry.text)
        self.failed.takeItem(self.failed.row(item))
        self.failed.setVisible(self.failed.count() > 0)
        self.focus_value()

    def _refuse(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {alarm().text.name()}")
        if not self.value.hasFocus():
            self.value.setFocus()
            self.value.selectAll()

    def _show_saving(self) -> None:
        count = len(self._in_flight)
        self.message.setText(f"Saving {count} reading{'s' if count > 1 else ''}…")
        self.message.setStyleSheet("")

    def _report_saved(self, reading: ReadingRecord) -> None:
        flag = FLAG_TEXT.get(reading.flag)
        waiting = f" Saving {len(self._in_flight)} more…" if self._in_flight else ""
        if flag:
            self.message.setText(f"⚠ Saved {reading.text} {reading.unit}: {flag}.{waiting}")
            self.message.setStyleSheet("color: #e65100; font-weight: 600")
        else:
            self.message.setText(f"✓ Saved {reading.text} {reading.unit}.{waiting}")
            self.message.setStyleSheet("color: #2e7d32")

    def _show_previous(
        self, latest: ReadingRecord | None, before: ReadingRecord | None = None
    ) -> None:
        if latest is None:
            self.previous.setText("No readings yet.")
            return
        text = f"Last: {describe(latest)}"
        if before is not None and before.unit == latest.unit:
            text += f"  (change {change_text(latest, before)} {latest.unit})"
        flag = FLAG_TEXT.get(latest.flag)
        if flag:
            text += f" — {flag}"
        self.previous.setText(text)

    # --- undo -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Z and redo in an empty field go to the window's Undo and Redo (the last
        entry), not to the field's own text undo: the value field always has the focus."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and isinstance(watched, QLineEdit)
            and not watched.text()
            and any(event.matches(key) for key in UNDO_KEYS)
        ):
            event.ignore()
            return True
        return super().eventFilter(watched, event)

    def _record_undo(self, reading: ReadingRecord) -> None:
        db = self._db
        assert db is not None
        entry = NewReading(
            reading.device_id, reading.value, reading.recorded_at, reading.unit,
            reading.operator, reading.note, decimals=reading.decimals,
        )  # fmt: skip
        push_made(self.undo_stack, f"reading {reading.text} {reading.unit}", made=reading,
                  make=save_reading(self._ops, db, entry),
                  unmake=lambda saved: withdraw_reading(self._ops, db, saved.id,
                                                         who=current_operator()),
                  changed=self._after_undo)  # fmt: skip

    def _after_undo(self) -> None:
        self.reload()
        self.saved.emit(None)
