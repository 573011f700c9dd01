"""Add or edit a device, with each problem shown under its own field."""

from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from core.devices import DeviceFields, DeviceRecord, validate
from core.errors import ValidationError
from core.models import DeviceStatus
from core.validation import parse_number
from gui.device_model import STATUS_TEXT

TEXT_FIELDS = (
    ("name", "&Name"),
    ("serial_number", "&Serial number"),
    ("device_type", "&Type"),
    ("manufacturer", "&Manufacturer"),
    ("model", "Mo&del"),
    ("location", "&Location"),
    ("default_unit", "Default &unit"),
)


class DeviceDialog(QDialog):
    """``fields`` holds the checked values once the dialog is accepted."""

    def __init__(self, device: DeviceRecord | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deviceDialog")
        self.setWindowTitle("Edit device" if device else "Add device")
        self.fields: DeviceFields | None = None
        self.inputs: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self._form = QFormLayout()
        for name, label in TEXT_FIELDS:
            self.inputs[name] = self._add_line(name, label)
        self.inputs["low_limit"] = self._add_line("low_limit", "Lo&w limit")
        self.inputs["high_limit"] = self._add_line("high_limit", "&High limit")
        self._add_calibration()
        self._add_status()
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(70)
        self._add_row("N&otes", self.notes, self._with_error("notes", self.notes))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self._form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        if device is not None:
            self._fill(device)

    def _add_line(self, name: str, label: str) -> QLineEdit:
        line = QLineEdit()
        line.setObjectName(name)
        self._add_row(label, line, self._with_error(name, line))
        return line

    def _add_row(self, text: str, buddy: QWidget, row: QWidget) -> None:
        label = QLabel(text)
        label.setBuddy(buddy)  # makes the & in the text an Alt shortcut, not a character
        self._form.addRow(label, row)

    def _with_error(self, name: str, widget: QWidget) -> QWidget:
        error = QLabel()
        error.setObjectName(f"{name}_error")
        error.setStyleSheet("color: #c62828")
        error.hide()
        self.errors[name] = error
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(widget)
        column.addWidget(error)
        return box

    def _add_calibration(self) -> None:
        self.has_calibration = QCheckBox("Calibration due")
        self.calibration = QDateEdit(QDate.currentDate().addYears(1))
        self.calibration.setCalendarPopup(True)
        self.calibration.setObjectName("calibration_due")
        self.calibration.setDisplayFormat("yyyy-MM-dd")
        self.calibration.setEnabled(False)
        self.has_calibration.toggled.connect(self.calibration.setEnabled)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.has_calibration)
        line.addWidget(self.calibration, 1)
        self._add_row("&Calibration", self.has_calibration, row)

    def _add_status(self) -> None:
        self.status = QComboBox()
        self.status.setObjectName("status")
        for status, text in STATUS_TEXT.items():
            self.status.addItem(text, status.value)
        self._add_row("S&tatus", self.status, self._with_error("status", self.status))

    def _fill(self, device: DeviceRecord) -> None:
        for name, _ in TEXT_FIELDS:
            self.inputs[name].setText(getattr(device, name) or "")
        for name in ("low_limit", "high_limit"):
            value = getattr(device, name)
            self.inputs[name].setText("" if value is None else f"{value:g}")
        if device.calibration_due is not None:
            self.has_calibration.setChecked(True)
            due = device.calibration_due
            self.calibration.setDate(QDate(due.year, due.month, due.day))
        self.status.setCurrentIndex(self.status.findData(device.status.value))
        self.notes.setPlainText(device.notes or "")

    # --- checking ---------------------------------------------------------------------------

    def accept(self) -> None:
        problems: dict[str, str] = {}
        limits = {name: self._number(name, problems) for name in ("low_limit", "high_limit")}
        text = {name: self.inputs[name].text() for name, _ in TEXT_FIELDS}
        due = self.calibration.date().toPython() if self.has_calibration.isChecked() else None
        values = DeviceFields(
            name=text["name"],
            serial_number=text["serial_number"],
            device_type=text["device_type"],
            manufacturer=text["manufacturer"],
            model=text["model"],
            location=text["location"],
            default_unit=text["default_unit"],
            low_limit=limits["low_limit"],
            high_limit=limits["high_limit"],
            calibration_due=due,  # type: ignore[arg-type]
            status=DeviceStatus(self.status.currentData()),
            notes=self.notes.toPlainText(),
        )
        try:
            cleaned = validate(values)
        except ValidationError as exc:
            problems = exc.problems | problems
        if problems:
            self.show_problems(problems)
            return
        self.fields = cleaned
        super().accept()

    def _number(self, name: str, problems: dict[str, str]) -> float | None:
        text = self.inputs[name].text().strip()
        if not text:
            return None
        try:
            return parse_number(text, QLocale().decimalPoint())
        except ValueError as exc:
            problems[name] = str(exc)
            return None

    def show_problems(self, problems: dict[str, str]) -> None:
        """Each message under its field; the first bad field gets the focus."""
        for name, label in self.errors.items():
            label.setVisible(name in problems)
            label.setText(problems.get(name, ""))
        order = [name for name, _ in TEXT_FIELDS] + ["low_limit", "high_limit", "status", "notes"]
        first = next((name for name in order if name in problems), None)
        widget = {"status": self.status, "notes": self.notes}.get(first or "")
        target = widget or self.inputs.get(first or "")
        if target is not None:
            target.setFocus()
