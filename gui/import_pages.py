"""The import wizard's three pages: the file, how it was read, and the dry run's report.

``gui.import_wizard`` holds what they share (the parsed file, the report, the work on the
database thread); each page asks the wizard for it.
"""

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import available_timezones

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from core.importing.formats import FORMATS
from core.importing.options import guess_mapping
from core.importing.parsed import ParsedFile
from core.importing.report import ImportCancelled, ImportReport
from gui.messages import explain

if TYPE_CHECKING:
    from gui.import_wizard import ImportWizard

IMPORT_FILTER = (
    "Logger and spreadsheet files (*.csv *.txt *.dat *.tsv *.xlsx *.xle *.mon *.toa);;All files (*)"
)
ROLE_LABELS = {  # one per core.importing.options.ROLES (a test checks)
    "device_serial": "Device serial",
    "device_name": "Device name",
    "time": "Time (or date and time)",
    "date": "Date (when time is a separate column)",
    "value": "Value",
    "unit": "Unit",
    "operator": "Operator",
    "note": "Note",
}
GENERIC_FORMATS = ("csv", "xlsx")
PREVIEW_ROWS = 20
NOT_MAPPED = "—"


def read_as(example: str, date_format: str) -> str:
    """How ``date_format`` reads ``example``: "18-08-10 is 18 August 2010 (%d-%m-%y …)"."""
    date, fmt = example.split(" ")[0], date_format.split(" ")[0]
    try:
        moment = datetime.strptime(date, fmt)
    except ValueError:
        return date_format
    return f"{date} is {moment.day} {moment:%B %Y}  ({date_format})"


DETECT_DATES = "Found from the rows"
CHOOSE_DATES = "Choose how the dates are written…"


def local_zone_name() -> str:
    """The machine's IANA zone when it can be told (the usual answer for a logger's clock)."""
    zone = datetime.now().astimezone().tzinfo
    key = getattr(zone, "key", None)
    return str(key) if key else "UTC"


class FilePage(QWizardPage):
    def __init__(self, wizard: "ImportWizard", path: Path | None) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Choose the file")
        self.setSubTitle("A logger export (Campbell TOA5, HOBOware, GeoPrecision, Vemco VUE) or a "
                         "CSV or Excel file with a column for each field.")  # fmt: skip
        self.file = QLineEdit(str(path) if path else "")
        self.file.setObjectName("importFile")
        self.file.textChanged.connect(lambda _t: self.completeChanged.emit())
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(browse)
        self.format = QComboBox()
        self.format.setObjectName("importFormat")
        self.format.addItem("Detect from the contents", None)
        for key, description in FORMATS.items():
            self.format.addItem(description, key)
        self.zone = QComboBox()
        self.zone.setObjectName("importZone")
        self.zone.setEditable(True)
        local = local_zone_name()
        self.zone.addItems([local, "UTC", *sorted(available_timezones() - {local, "UTC"})])
        self.zone.setToolTip("Used only for times written without an offset: choose the zone the "
                             "logger's clock was set to.")  # fmt: skip
        self.dates = QComboBox()
        self.dates.setObjectName("importDateFormat")
        self.dates.setEditable(True)
        self.dates.addItem(DETECT_DATES, None)
        self.dates.setToolTip(
            "How the file writes its dates, e.g. %d.%m.%Y %H:%M:%S: found from the rows, "
            "asked for when more than one order fits."
        )
        self.create_devices = QCheckBox("Create the devices that match none (a FieldLog export "
                                        "brings every field of each)")  # fmt: skip
        self.create_devices.setObjectName("createDevices")
        self.problem = QLabel()
        self.problem.setObjectName("fileProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c62828")
        form = QFormLayout(self)
        form.addRow("&File", row)
        form.addRow("F&ormat", self.format)
        form.addRow("&Time zone", self.zone)
        form.addRow("&Dates", self.dates)
        form.addRow("", self.create_devices)
        form.addRow("", self.problem)

    def path(self) -> Path:
        return Path(self.file.text().strip())

    def date_format(self) -> str | None:
        """The format chosen from the list, or one typed in."""
        text = self.dates.currentText().strip()
        index = self.dates.currentIndex()
        if index >= 0 and text == self.dates.itemText(index):
            chosen = self.dates.itemData(index)
            return str(chosen) if chosen else None
        return None if text in ("", DETECT_DATES, CHOOSE_DATES) else text

    def offer_date_formats(self, formats: list[str], example: str = "") -> None:
        """The file's dates fit more than one order: list those, each showing how it reads
        the file's first time ("18-08-10 14:00:00 is 18 August 2010"), and make the user
        choose."""
        self.dates.clear()
        self.dates.addItem(CHOOSE_DATES, None)
        for date_format in formats:
            self.dates.addItem(read_as(example, date_format), date_format)
        self.dates.setCurrentIndex(0)
        self.dates.setFocus()

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Import readings", self.file.text(),
                                                IMPORT_FILTER)  # fmt: skip
        if chosen:
            self.file.setText(chosen)

    def isComplete(self) -> bool:
        return bool(self.file.text().strip()) and not self._wizard.busy

    def validatePage(self) -> bool:
        """Read the file's header before moving on; a file that cannot be read stays here,
        with the reason under the fields."""
        if self._wizard.parsed is not None:
            return True
        if not self.path().is_file():
            self.problem.setText(f"{self.path()} is not a file that can be read.")
            return False
        self.problem.clear()
        self._wizard.read_file(self._read, self._failed)
        return False

    def _read(self, parsed: ParsedFile) -> None:
        self._wizard.parsed = parsed
        self._wizard.next()

    def _failed(self, exc: BaseException) -> None:
        formats = getattr(exc, "date_formats", [])
        if formats:
            self.offer_date_formats(formats, getattr(exc, "date_example", ""))
            self.problem.setText(
                f"{explain(exc, 'The file could not be read')}\n"
                "Choose under Dates how this file writes them, then press Next."
            )
            return
        self.problem.setText(explain(exc, "The file could not be read"))

    def initializePage(self) -> None:
        self._wizard.parsed = None


class PreviewPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Check how the file was read")
        self.description = QLabel()
        self.description.setObjectName("importDescription")
        self.description.setWordWrap(True)
        self.table = QTableWidget()
        self.table.setObjectName("importPreview")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.channels = QTableWidget(0, 4)
        self.channels.setObjectName("importChannels")
        self.channels.setHorizontalHeaderLabels(["Column", "Device name", "Unit", "Serial"])
        self.channels.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.channels.horizontalHeader().setStretchLastSection(True)
        self.roles: dict[str, QComboBox] = {}
        self.mapping_box = QWidget()
        mapping_form = QFormLayout(self.mapping_box)
        mapping_form.setContentsMargins(0, 0, 0, 0)
        for role, label in ROLE_LABELS.items():
            combo = QComboBox()
            combo.setObjectName(f"map_{role}")
            self.roles[role] = combo
            mapping_form.addRow(label, combo)
        self.reread = QPushButton("&Read again with these columns")
        self.reread.clicked.connect(self._read_again)
        mapping_form.addRow("", self.reread)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c62828")
        layout = QVBoxLayout(self)
        layout.addWidget(self.description)
        layout.addWidget(self.table, 2)
        layout.addWidget(QLabel("Channels (each becomes the readings of one device):"))
        layout.addWidget(self.channels, 1)
        layout.addWidget(self.mapping_box)
        layout.addWidget(self.problem)

    def initializePage(self) -> None:
        parsed = self._wizard.parsed
        assert parsed is not None
        self.problem.clear()
        zone = f" Times without an offset are read as {parsed.timezone}." if parsed.timezone else ""
        self.description.setText(f"{parsed.path.name}: {parsed.description}.{zone}")
        _fill(self.table, parsed.preview[:PREVIEW_ROWS])
        self.channels.setRowCount(len(parsed.channels))
        for row, channel in enumerate(parsed.channels):
            cells = (channel.column or channel.key, channel.name, channel.unit, channel.serial)
            for column, text in enumerate(cells):
                self.channels.setItem(row, column, QTableWidgetItem(text or ""))
        generic = parsed.format in GENERIC_FORMATS
        self.mapping_box.setVisible(generic)
        if generic:
            self._fill_roles(parsed)

    def _fill_roles(self, parsed: ParsedFile) -> None:
        header = parsed.preview[0] if parsed.preview else []
        current = self._wizard.import_options().mapping or {}
        guessed = guess_mapping(header)
        for role, combo in self.roles.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(NOT_MAPPED, None)
            for name in header:
                combo.addItem(name, name)
            found = combo.findData(current.get(role, guessed.get(role)))
            combo.setCurrentIndex(max(found, 0))
            combo.blockSignals(False)

    def mapping(self) -> dict[str, str]:
        if not self.mapping_box.isVisible():
            return {}
        return {role: str(c.currentData()) for role, c in self.roles.items() if c.currentData()}

    def _read_again(self) -> None:
        self._wizard.read_file(self._reread, self._failed)

    def _reread(self, parsed: ParsedFile) -> None:
        self._wizard.parsed = parsed
        self.initializePage()

    def _failed(self, exc: BaseException) -> None:
        self.problem.setText(explain(exc, "The file could not be read"))

    def isComplete(self) -> bool:
        return self._wizard.parsed is not None and not self._wizard.busy


class CheckPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Dry run: what the import will do")
        self.setSubTitle("Nothing has been written yet. Import writes exactly this, as one "
                         "batch that can be undone from File → Import History.")  # fmt: skip
        self.summary = QLabel()
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.report_text = QPlainTextEdit()
        self.report_text.setObjectName("importReport")
        self.report_text.setReadOnly(True)
        self.bar = QProgressBar()
        self.bar.setObjectName("importProgress")
        self.bar.setRange(0, 100)
        self.cancel = QPushButton("&Cancel")
        self.cancel.setObjectName("importCancel")
        self.cancel.clicked.connect(wizard.cancel_work)
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.report_text, 1)
        layout.addLayout(row)

    def initializePage(self) -> None:
        self._wizard.report = None
        self._wizard.dry_run()

    def started(self, dry_run: bool) -> None:
        self.summary.setText("Checking every row…" if dry_run else "Importing…")
        self.bar.setValue(0)
        self.bar.show()
        self.cancel.show()

    def show_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setValue(min(100, 100 * done // total))

    def show_report(self, report: ImportReport) -> None:
        self.bar.hide()
        self.cancel.hide()
        self.report_text.setPlainText(report.text())
        created = len(report.devices_created)
        if report.nothing_importable:
            self.summary.setText("Nothing in this file can be imported: see why below.")
        elif not report.writes:
            self.summary.setText("Every reading in this file is already in the database.")
        elif report.accepted == 0:
            self.summary.setText(f"{created} new devices will be created; every reading in "
                                 "this file is already in the database.")  # fmt: skip
        else:
            made = f", and {created} new devices" if created else ""
            self.summary.setText(f"{report.accepted:,} new readings will be imported{made}.")
        self.completeChanged.emit()

    def failed(self, exc: BaseException) -> None:
        self.bar.hide()
        self.cancel.hide()
        self._wizard.report = None
        if isinstance(exc, ImportCancelled):
            self.summary.setText("Cancelled: nothing was imported.")
        else:
            self.summary.setText(explain(exc, "The import failed"))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        report = self._wizard.report
        return report is not None and report.writes and not self._wizard.busy


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    width = max((len(r) for r in rows), default=0)
    table.clear()
    table.setRowCount(len(rows))
    table.setColumnCount(width)
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
