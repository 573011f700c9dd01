"""Add or edit a device, with each problem shown under its own field.

The dialog checks what was typed with ``core.devices.validate`` (a pure function, safe on the
UI thread) and then emits ``submitted``; whoever opened it saves the fields as an op and calls
``saved()`` (which closes it) or ``save_failed(error)`` (which shows why and keeps it open).
"""

from datetime import date

from PySide6.QtCore import QDate, QLocale, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.devices import MAX_INTERVAL_DAYS, DeviceFields, DeviceRecord, validate
from core.errors import FieldLogError, ValidationError
from core.models import DeviceStatus
from core.validation import parse_number
from gui.device_model import STATUS_TEXT, number_text
from gui.form import FieldForm

TEXT_FIELDS = (
    ("name", "&Name"),
    ("serial_number", "&Serial number"),
    ("device_type", "&Type"),
    ("manufacturer", "&Manufacturer"),
    ("model", "Mo&del"),
    ("location", "&Location"),
    ("default_unit", "Default &unit"),
)
LIMIT_FIELDS = (("low_limit", "Lo&w limit"), ("high_limit", "&High limit"))
FIELD_ORDER = [name for name, _ in TEXT_FIELDS + LIMIT_FIELDS] + [
    "calibration_due",
    "calibration_interval_days",
    "status",
    "notes",
    "reason",
]


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class DeviceDialog(QDialog):
    """``fields`` holds the checked values once they have been submitted."""

    submitted = Signal(object)  # the checked DeviceFields, to be saved by the owner

    def __init__(self, device: DeviceRecord | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deviceDialog")
        self.setWindowTitle(f"Edit device “{device.name}”" if device else "Add device")
        self.device = device
        self.fields: DeviceFields | None = None
        self.inputs: dict[str, QLineEdit] = {}
        self._decimal_point = QLocale().decimalPoint()
        self.form = FieldForm()
        self.errors = self.form.errors  # each field's message label, by field name
        self.general_error = self.form.general_error
        for name, label in TEXT_FIELDS + LIMIT_FIELDS:
            self.inputs[name] = self._add_line(name, label)
        self._add_calibration()
        self._add_interval()
        self._add_status()
        self._add_notes()
        self.reason = QLineEdit()  # why it changes: the audit trail keeps it
        if device is not None:
            self.reason.setObjectName("reason")
            self.reason.setPlaceholderText("needed when the limits change; kept in the history")
            self.form.add("reason", "Wh&y", self.reason)
            self.reason.textEdited.connect(lambda _text: self.form.clear("reason"))
        self._build_buttons()
        if device is not None:
            self._fill(device)

    # --- building -------------------------------------------------------------------------

    def _add_line(self, name: str, label: str) -> QLineEdit:
        line = QLineEdit()
        line.setObjectName(name)
        self.form.add(name, label, line)
        line.textEdited.connect(lambda _text: self.form.clear(name))
        return line

    def _add_calibration(self) -> None:
        self.has_calibration = QCheckBox("Due on")
        self.has_calibration.setObjectName("has_calibration")
        self.calibration = QDateEdit(QDate.currentDate().addYears(1))
        self.calibration.setObjectName("calibration_due")
        self.calibration.setCalendarPopup(True)
        self.calibration.setDisplayFormat("yyyy-MM-dd")
        self.calibration.setEnabled(False)
        self.has_calibration.toggled.connect(self.calibration.setEnabled)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.has_calibration)
        line.addWidget(self.calibration, 1)
        self.form.add("calibration_due", "&Calibration", row, self.has_calibration)

    def _add_interval(self) -> None:
        """Days between calibrations: recording a calibration sets the due date from it."""
        self.interval = QSpinBox()
        self.interval.setObjectName("calibration_interval_days")
        self.interval.setRange(0, MAX_INTERVAL_DAYS)
        self.interval.setSpecialValueText("not set")  # 0
        self.interval.setSuffix(" days")
        self.interval.setToolTip("Recording a calibration sets its next due date this long after")
        self.form.add("calibration_interval_days", "Calibrate &every", self.interval)

    def _add_status(self) -> None:
        self.status = QComboBox()
        self.status.setObjectName("status")
        for status, text in STATUS_TEXT.items():
            self.status.addItem(text, status.value)
        self.form.add("status", "S&tatus", self.status)

    def _add_notes(self) -> None:
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(70)
        self.form.add("notes", "N&otes", self.notes)

    def _build_buttons(self) -> None:
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        assert isinstance(save, QPushButton)
        self.save_button = save
        self._saving = False
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def _fill(self, device: DeviceRecord) -> None:
        for name, _ in TEXT_FIELDS:
            self.inputs[name].setText(getattr(device, name) or "")
        for name, _ in LIMIT_FIELDS:
            value = getattr(device, name)
            self.inputs[name].setText("" if value is None else self._number_text(value))
        if device.calibration_due is not None:
            self.has_calibration.setChecked(True)
            self.calibration.setDate(_qdate(device.calibration_due))
        self.interval.setValue(device.calibration_interval_days or 0)
        self.status.setCurrentIndex(self.status.findData(device.status.value))
        self.notes.setPlainText(device.notes or "")

    def _number_text(self, value: float) -> str:
        return number_text(value, self._decimal_point)

    # --- checking and saving ----------------------------------------------------------------

    def accept(self) -> None:
        """Check the form; if it is fine, hand it to the owner to save (the dialog stays)."""
        problems: dict[str, str] = {}
        values = self._read(problems)
        try:
            cleaned = validate(values)
        except ValidationError as exc:
            problems = exc.problems | problems
        else:
            problems |= self._reason_problem(cleaned)
        if problems:
            self.show_problems(problems)
            return
        self.fields = cleaned
        self._set_saving(True)
        self.submitted.emit(cleaned)

    def _reason_problem(self, cleaned: DeviceFields) -> dict[str, str]:
        """A change of the limits needs a reason (``core.audit``): asked here, before saving."""
        before = self.device
        limits_changed = before is not None and (
            (before.low_limit, before.high_limit) != (cleaned.low_limit, cleaned.high_limit)
        )
        if limits_changed and not self.reason.text().strip():
            return {"reason": "a change of the limits needs a reason: say why"}
        return {}

    @property
    def reason_text(self) -> str | None:
        """Why the device was changed, as typed (None: nothing typed)."""
        return self.reason.text().strip() or None

    def saved(self) -> None:
        """The owner saved the fields: close as accepted."""
        self._set_saving(False)
        super().accept()

    def reject(self) -> None:
        """Cancel, unless a save is under way (its outcome still has to be shown here)."""
        if not self._saving:
            super().reject()

    def save_failed(self, error: BaseException) -> None:
        """The owner could not save: show why and let the user fix it or cancel."""
        self._set_saving(False)
        if isinstance(error, ValidationError):
            self.show_problems(error.problems)
        elif isinstance(error, FieldLogError):
            self.form.show_general(str(error))
        else:
            self.form.show_general(
                "The device could not be saved; the details are in the log file."
            )

    def _read(self, problems: dict[str, str]) -> DeviceFields:
        text = {name: self.inputs[name].text() for name, _ in TEXT_FIELDS}
        due = _date(self.calibration.date()) if self.has_calibration.isChecked() else None
        return DeviceFields(
            **text,
            low_limit=self._number("low_limit", problems),
            high_limit=self._number("high_limit", problems),
            calibration_due=due,
            calibration_interval_days=self.interval.value() or None,
            status=DeviceStatus(self.status.currentData()),
            notes=self.notes.toPlainText(),
        )

    def _number(self, name: str, problems: dict[str, str]) -> float | None:
        text = self.inputs[name].text().strip()
        if not text:
            return None
        try:
            return parse_number(text, self._decimal_point)
        except ValueError as exc:
            problems[name] = str(exc)
            return None

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.save_button.setEnabled(not saving)

    # --- showing problems -------------------------------------------------------------------

    def show_problems(self, problems: dict[str, str]) -> None:
        """Each message under its field; the first bad field gets the focus (the due date
        itself when it is ticked)."""
        self.form.show_problems(problems, FIELD_ORDER)
        first = next((name for name in FIELD_ORDER if name in problems), None)
        if first == "calibration_due" and self.calibration.isEnabled():
            self.calibration.setFocus()
