"""A form whose problems show under their own fields: the device and calibration dialogs.

Each field is a row of a ``QFormLayout`` with its label (whose ``&`` is an Alt shortcut to the
field) and a red message under it, hidden until the field has a problem. A problem with no
field of its own shows in a general message under the form.
"""

from collections.abc import Sequence

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

ERROR_STYLE = "color: #c62828"


def error_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


class FieldForm:
    def __init__(self) -> None:
        self.layout = QFormLayout()
        self.errors: dict[str, QLabel] = {}
        self.focus_of: dict[str, QWidget] = {}  # the widget that gets the focus for a problem
        self.general_error = error_label("general_error")

    def add(self, name: str, text: str, widget: QWidget, buddy: QWidget | None = None) -> None:
        """A row labelled ``text`` holding ``widget`` (``buddy``: the field in it that the
        label's shortcut and a problem focus, if not the widget itself)."""
        label = QLabel(text)
        label.setBuddy(buddy or widget)  # makes the & in the text an Alt shortcut
        error = error_label(f"{name}_error")
        self.errors[name] = error
        self.focus_of[name] = buddy or widget
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(widget)
        column.addWidget(error)
        self.layout.addRow(label, box)

    def show_problems(self, problems: dict[str, str], order: Sequence[str]) -> None:
        """Each message under its field; the first bad field (in ``order``) gets the focus."""
        for name, label in self.errors.items():
            label.setText(problems.get(name, ""))
            label.setVisible(name in problems)
        unplaced = [f"{name}: {why}" for name, why in problems.items() if name not in self.errors]
        self.show_general("\n".join(unplaced))
        first = next((name for name in order if name in problems), None)
        if first is not None:
            widget = self.focus_of[first]
            widget.setFocus()
            if isinstance(widget, QLineEdit):
                widget.selectAll()

    def show_general(self, message: str) -> None:
        self.general_error.setText(message)
        self.general_error.setVisible(bool(message))

    def clear(self, name: str) -> None:
        self.errors[name].hide()
