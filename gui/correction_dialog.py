"""Correct a reading: the original stays in the history, marked as corrected."""

from PySide6.QtCore import QLocale, QSettings
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from core.readings import ReadingRecord
from core.validation import parse_number, typed_decimals, typed_or_none
from gui.entry_panel import describe
from gui.who import OPERATOR_KEY


class CorrectionDialog(QDialog):
    """The corrected value, why, and who corrects it (the correction's operator; the
    original keeps the operator who took it)."""

    def __init__(self, original: ReadingRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("correctionDialog")
        self.setWindowTitle("Correct reading")
        self.corrected_value = original.value
        self.decimals = original.decimals
        self.note: str | None = None
        self.corrected_by: str | None = None
        intro = QLabel(
            f"Original: {describe(original)}.\nThe original is kept in the history and shown "
            "as corrected."
        )
        intro.setWordWrap(True)
        self.value = QLineEdit(original.text)
        self.value.setObjectName("correctedValue")
        self.reason = QLineEdit()
        self.reason.setObjectName("correctionNote")
        self.reason.setPlaceholderText("why it was wrong (the history keeps it)")
        self.who = QLineEdit(str(QSettings().value(OPERATOR_KEY, "") or ""))
        self.who.setObjectName("correctedBy")
        self.who.setPlaceholderText("your name")
        self.error = QLabel()
        self.error.setObjectName("correctionError")
        self.error.setStyleSheet("color: #c62828")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Corrected &value", self.value)
        form.addRow("&Reason", self.reason)
        form.addRow("Corrected &by", self.who)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.value.selectAll()

    def accept(self) -> None:
        try:
            point = QLocale().decimalPoint()
            self.corrected_value = parse_number(self.value.text(), point)
            self.decimals = typed_decimals(self.value.text(), point)
        except ValueError as exc:
            self.error.setText(f"Value: {exc}.")
            self.value.setFocus()
            return
        self.note = typed_or_none(self.reason.text(), "note")
        if self.note is None:
            self.error.setText("Reason: a correction needs one; say why the reading was wrong.")
            self.reason.setFocus()
            return
        self.corrected_by = typed_or_none(self.who.text())
        super().accept()
