"""Device → Calibrations…: a device's calibration history, and recording a new calibration.

The history lists every calibration, newest first; the selected one's values, notes and files
show under it, and a file opens in the program the system uses for it. The form below records
a calibration from its certificate. Records are never changed or deleted, so nothing is
recorded until the form has what a certificate must say (the day and what the device was left
as); every problem shows under its own field.
"""

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.attachments import kept_path
from core.calibration import CalibrationEntry, NewCalibration
from core.db import Database, SqliteDatabase
from core.errors import ValidationError
from core.models import CalibrationResult
from gui.form import FieldForm
from gui.messages import explain
from gui.operations.calibrations import (
    CalibrationHistory,
    calibration_history,
    record_calibration,
)
from gui.ops import Ops
from gui.pick_table import PickTable

HEADERS = ("Date", "By", "Where", "Certificate", "As found", "As left", "Next due", "Files")
RESULT_TEXT = {CalibrationResult.PASS: "Pass", CalibrationResult.FAIL: "Fail",
               CalibrationResult.ADJUSTED: "Adjusted"}  # fmt: skip
LINES = (
    ("performed_by", "Performed &by"),
    ("lab", "&Laboratory"),
    ("certificate_number", "&Certificate no."),
    ("reference_standard", "&Reference standard"),
    ("as_found_values", "As found &values"),
    ("as_left_values", "As left v&alues"),
)
ORDER = ("performed_on", "performed_by", "lab", "certificate_number", "reference_standard",
         "as_found", "as_found_values", "as_left", "as_left_values", "next_due",
         "notes")  # fmt: skip


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def history_row(entry: CalibrationEntry) -> tuple[tuple[str, ...], str]:
    """The cells of one calibration in the history, and its tooltip (its notes)."""
    found = RESULT_TEXT[entry.as_found] if entry.as_found else "—"
    due = entry.next_due.isoformat() if entry.next_due else "—"
    cells = (entry.performed_on.isoformat(), entry.performed_by or "", entry.lab or "in-house",
             entry.certificate_number or "", found, RESULT_TEXT[entry.as_left], due,
             str(len(entry.files)) if entry.files else "")  # fmt: skip
    return cells, entry.notes or ""


class CalibrationDialog(QDialog):
    recorded = Signal(object)  # the CalibrationEntry: the device's due date may have moved

    def __init__(self, ops: Ops, db: Database, device_id: int,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("calibrationDialog")
        self.setWindowTitle("Calibrations")
        self.resize(860, 720)
        self._ops, self._db, self._device_id = ops, db, device_id
        self._interval: int | None = None
        self.history: list[CalibrationEntry] = []
        self.files: list[Path] = []
        self._saving = False
        self.heading = QLabel()
        self.heading.setObjectName("calibrationHeading")
        self.heading.setWordWrap(True)
        self.table = PickTable(HEADERS)
        self.table.setMinimumHeight(150)
        self.table.itemSelectionChanged.connect(self._show_details)
        self.details = QLabel()
        self.details.setObjectName("calibrationDetails")
        self.details.setWordWrap(True)
        self.kept_files = QListWidget()
        self.kept_files.setObjectName("keptFiles")
        self.kept_files.setMaximumHeight(60)
        self.kept_files.hide()  # until a calibration with files is selected
        self.kept_files.itemActivated.connect(
            lambda item: self.open_kept(self.kept_files.row(item))
        )
        self.form = FieldForm()
        self._build_form()
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.kept_files)
        record_label = QLabel("<b>Record a calibration</b> (from its certificate; a record is "
                              "kept as it is, never changed)")  # fmt: skip
        layout.addWidget(record_label)
        layout.addLayout(self.form.layout)
        layout.addWidget(self.form.general_error)
        layout.addWidget(self._buttons())
        self.reload()

    # --- building ---------------------------------------------------------------------------

    def _build_form(self) -> None:
        self.performed_on = QDateEdit(QDate.currentDate())
        self.performed_on.setObjectName("performed_on")
        self.performed_on.setCalendarPopup(True)
        self.performed_on.setDisplayFormat("yyyy-MM-dd")
        self.performed_on.dateChanged.connect(lambda _day: self._update_due_hint())
        self.form.add("performed_on", "&Date", self.performed_on)
        self.inputs: dict[str, QLineEdit] = {}
        for name, text in LINES[:4]:
            self.inputs[name] = self._line(name, text)
        self.lab = self.inputs["lab"]
        self.lab.setPlaceholderText("blank: done in-house")
        self.as_found = self._results("as_found", "As &found", none="not recorded")
        self.inputs["as_found_values"] = self._line(*LINES[4])
        self.as_left = self._results("as_left", "As l&eft", none="choose…")
        self.inputs["as_left_values"] = self._line(*LINES[5])
        self._build_due()
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(50)
        self.form.add("notes", "N&otes", self.notes)
        self._build_files()

    def _line(self, name: str, text: str) -> QLineEdit:
        line = QLineEdit()
        line.setObjectName(name)
        line.textEdited.connect(lambda _text: self.form.clear(name))
        self.form.add(name, text, line)
        return line

    def _results(self, name: str, text: str, *, none: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItem(none, None)
        for result, shown in RESULT_TEXT.items():
            combo.addItem(shown, result.value)
        combo.currentIndexChanged.connect(lambda _index: self.form.clear(name))
        self.form.add(name, text, combo)
        return combo

    def _build_due(self) -> None:
        self.has_next_due = QCheckBox("As the certificate gives it:")
        self.has_next_due.setObjectName("has_next_due")
        self.next_due = QDateEdit(QDate.currentDate().addYears(1))
        self.next_due.setObjectName("next_due")
        self.next_due.setCalendarPopup(True)
        self.next_due.setDisplayFormat("yyyy-MM-dd")
        self.next_due.setEnabled(False)
        self.has_next_due.toggled.connect(self.next_due.setEnabled)
        self.has_next_due.toggled.connect(lambda _on: self._update_due_hint())
        self.due_hint = QLabel()
        self.due_hint.setObjectName("dueHint")
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.has_next_due)
        line.addWidget(self.next_due)
        line.addWidget(self.due_hint, 1)
        self.form.add("next_due", "&Next due", row, self.has_next_due)

    def _build_files(self) -> None:
        self.file_list = QLabel("none")
        self.file_list.setObjectName("attachedFiles")
        self.file_list.setWordWrap(True)
        attach = QPushButton("A&ttach Files…")
        attach.setObjectName("attachFiles")
        attach.clicked.connect(self._choose_files)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(attach)
        line.addWidget(self.file_list, 1)
        self.form.add("files", "Files", row, attach)

    def _buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.record_button = QPushButton("Record Cal&ibration")
        self.record_button.setObjectName("recordCalibration")
        self.record_button.setAutoDefault(False)
        self.record_button.clicked.connect(self.record)
        buttons.addButton(self.record_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        return buttons

    # --- the history ------------------------------------------------------------------------

    def reload(self) -> None:
        loading = calibration_history(self._ops, self._db, self._device_id)
        loading.done(self._show_history).failed(self._on_failed).run()

    def _show_history(self, found: CalibrationHistory) -> None:
        device, self.history = found.device, found.calibrations
        self._interval = device.calibration_interval_days
        self.setWindowTitle(f"Calibrations of “{device.name}”")
        every = f"every {self._interval} days" if self._interval else "no interval set"
        due = device.calibration_due.isoformat() if device.calibration_due else "not set"
        overdue = " (overdue)" if device.calibration_overdue(date.today()) else ""
        count = len(self.history)
        self.heading.setText(f"<b>{device.name}</b>: calibrated {every}; next due "
                             f"{due}{overdue}. {count} calibration(s) recorded.")  # fmt: skip
        self.table.fill([history_row(entry) for entry in self.history], numbers={7})
        if self.history:
            self.table.selectRow(0)
        self._show_details()
        self._update_due_hint()

    def _show_details(self) -> None:
        entry = self.selected()
        self.kept_files.clear()
        self.kept_files.hide()
        if entry is None:
            self.details.setText("No calibration recorded yet." if not self.history else "")
            return
        parts = [f"As found: {entry.as_found_values}" if entry.as_found_values else "",
                 f"As left: {entry.as_left_values}" if entry.as_left_values else "",
                 f"Reference: {entry.reference_standard}" if entry.reference_standard else "",
                 f"Notes: {entry.notes}" if entry.notes else ""]  # fmt: skip
        self.details.setText("\n".join(p for p in parts if p) or "(no values or notes)")
        for kept in entry.files:
            self.kept_files.addItem(f"{kept.name} ({kept.size:,} bytes) — Enter to open")
        self.kept_files.setVisible(bool(entry.files))

    def selected(self) -> CalibrationEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.history[rows[0].row()] if rows else None

    def open_kept(self, index: int) -> None:
        """Open a file of the selected calibration in the program the system uses for it."""
        entry, db = self.selected(), self._db
        if entry is not None and 0 <= index < len(entry.files) and isinstance(db, SqliteDatabase):
            path = kept_path(db.path, entry.files[index].sha256)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # --- recording --------------------------------------------------------------------------

    def _update_due_hint(self) -> None:
        if self.has_next_due.isChecked():
            self.due_hint.setText("")
        elif self._interval:
            due = _date(self.performed_on.date()) + timedelta(days=self._interval)
            self.due_hint.setText(f"else {due.isoformat()}, from the interval")
        else:
            self.due_hint.setText("else none: the device has no interval")

    def _choose_files(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(self, "Attach files to the calibration")
        self.add_files([Path(name) for name in chosen])

    def add_files(self, paths: list[Path]) -> None:
        self.files += [p for p in paths if p not in self.files]
        self.file_list.setText(", ".join(p.name for p in self.files) or "none")
        self.form.clear("files")

    def record(self) -> None:
        if self._saving:
            return
        new = self.read()
        if new is None:
            return
        self._set_saving(True)
        recording = record_calibration(self._ops, self._db, new)
        recording.done(self._on_recorded).failed(self._on_record_failed).run()

    def read(self) -> NewCalibration | None:
        """The form as a calibration, or None (with the problems shown) if it is not one."""
        left = self.as_left.currentData()
        if left is None:
            self.form.show_problems({"as_left": "say what the device was left as"}, ORDER)
            return None
        found = self.as_found.currentData()
        texts = {name: line.text() for name, line in self.inputs.items()}
        return NewCalibration(
            self._device_id, _date(self.performed_on.date()), CalibrationResult(left),
            as_found=None if found is None else CalibrationResult(found),
            next_due=_date(self.next_due.date()) if self.has_next_due.isChecked() else None,
            notes=self.notes.toPlainText(), files=tuple(self.files), **texts,
        )  # fmt: skip

    def _on_recorded(self, entry: CalibrationEntry) -> None:
        self._set_saving(False)
        for line in self.inputs.values():
            line.clear()
        self.notes.clear()
        self.as_found.setCurrentIndex(0)
        self.as_left.setCurrentIndex(0)
        self.has_next_due.setChecked(False)
        self.files = []
        self.file_list.setText("none")
        due = entry.next_due.isoformat() if entry.next_due else "none"
        self.form.show_general("")
        self.details.setText(f"Recorded. Next due: {due}.")
        self.recorded.emit(entry)
        self.reload()

    def _on_record_failed(self, exc: BaseException) -> None:
        self._set_saving(False)
        if isinstance(exc, ValidationError):
            self.form.show_problems(exc.problems, ORDER)
        else:
            self.form.show_general(explain(exc, "The calibration could not be recorded"))

    def _on_failed(self, exc: BaseException) -> None:
        self.heading.setText(explain(exc, "The calibrations could not be loaded"))

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.record_button.setEnabled(not saving)

    def reject(self) -> None:
        if not self._saving:  # a record under way still has to say how it went
            super().reject()
