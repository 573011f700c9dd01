"""Export what is on screen: the selected devices over the chart's range, as CSV, Excel or PDF.

The dialog starts from the window's selection and the chart's visible range, so that the file a
supervisor gets holds what the technician was looking at; both can be widened to every device
and all time. The export runs on the database thread with a progress bar and Cancel, and writes
beside the target before renaming (``core.exporting``): a cancelled or failed export leaves no
half-written file.
"""

import threading
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDateTime, QSettings, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from core.db import Database
from core.exporting import (
    ExportCancelled,
    ExportFormat,
    ExportRequest,
    ExportSummary,
    PdfDetail,
    ReportOptions,
)
from core.exporting.report_options import DEFAULT_TITLE
from gui.messages import explain
from gui.operations.exports import export_readings
from gui.ops import Ops
from gui.who import OPERATOR_KEY

FILTERS = {
    ExportFormat.CSV: "CSV (*.csv)",
    ExportFormat.XLSX: "Excel workbook (*.xlsx)",
    ExportFormat.PDF: "PDF report (*.pdf)",
}
LABELS = {
    ExportFormat.CSV: "&CSV (any spreadsheet or script), the devices in a second file beside it",
    ExportFormat.XLSX: "&Excel workbook, with real dates and numbers",
    ExportFormat.PDF: "&PDF report: details, chart, table and summary per device",
}
TITLE_KEY, SITE_KEY = "export/reportTitle", "export/reportSite"  # the last ones typed


class ExportDialog(QDialog):
    exported = Signal(object)  # ExportSummary
    progressed = Signal(int, int)  # from the database thread

    def __init__(self, ops: Ops, db: Database, device_ids: list[int],
                 visible_range_ms: tuple[int, int] | None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export readings")
        self._ops, self._db = ops, db
        self._selected, self._range = device_ids, visible_range_ms
        self._cancel = threading.Event()
        self.busy = False
        self._build()
        self.progressed.connect(self._show_progress)

    def _build(self) -> None:
        self.formats = QButtonGroup(self)
        format_box = QVBoxLayout()
        self.format_buttons: dict[ExportFormat, QRadioButton] = {}
        for fmt in ExportFormat:
            button = QRadioButton(LABELS[fmt])
            button.setObjectName(f"format_{fmt.value}")
            self.formats.addButton(button)
            self.format_buttons[fmt] = button
            format_box.addWidget(button)
        self.format_buttons[ExportFormat.CSV].setChecked(True)
        self.bom = QCheckBox("Start the CSV with a byte-order mark, so that Excel reads UTF-8")
        self.bom.setObjectName("bom")
        self.bom.setChecked(True)  # the CSV's audience is a spreadsheet (Excel needs the mark)
        self.formats.buttonToggled.connect(lambda *_: self._update())

        count = len(self._selected)
        self.only_selected = QRadioButton(f"The &selected device{'s' if count != 1 else ''} "
                                          f"({count})")  # fmt: skip
        self.only_selected.setObjectName("onlySelected")
        self.all_devices = QRadioButton("&All devices")
        self.all_devices.setObjectName("allDevices")
        (self.only_selected if self._selected else self.all_devices).setChecked(True)
        self.only_selected.setEnabled(bool(self._selected))

        self.visible = QRadioButton("The chart's &visible range")
        self.visible.setObjectName("visibleRange")
        self.all_time = QRadioButton("All &time")
        self.all_time.setObjectName("allTime")
        self.custom = QRadioButton("F&rom … to …")
        self.start, self.end = QDateTimeEdit(), QDateTimeEdit()
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        now = QDateTime.currentDateTime()
        self.start.setDateTime(now.addDays(-30))
        self.end.setDateTime(now)
        if self._range is not None:
            self.start.setDateTime(QDateTime.fromMSecsSinceEpoch(self._range[0]))
            self.end.setDateTime(QDateTime.fromMSecsSinceEpoch(self._range[1]))
        (self.visible if self._range is not None else self.all_time).setChecked(True)
        self.visible.setEnabled(self._range is not None)
        self.custom.toggled.connect(lambda _on: self._update())
        span = QHBoxLayout()
        for widget in (self.custom, self.start, QLabel("to"), self.end):
            span.addWidget(widget)

        self.problem = QLabel()
        self.problem.setObjectName("exportProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c62828")
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Export…")
        self.buttons.accepted.connect(self.choose_file)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Format", format_box)
        form.addRow("", self.bom)
        devices = QVBoxLayout()
        devices.addWidget(self.only_selected)
        devices.addWidget(self.all_devices)
        form.addRow("Devices", devices)
        ranges = QVBoxLayout()
        ranges.addWidget(self.visible)
        ranges.addWidget(self.all_time)
        ranges.addLayout(span)
        form.addRow("Period", ranges)
        self._add_report_fields(form)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.bar)
        layout.addWidget(self.buttons)
        self._period_group = QButtonGroup(self)
        for button in (self.visible, self.all_time, self.custom):
            self._period_group.addButton(button)
        self._update()

    def _add_report_fields(self, form: QFormLayout) -> None:
        """The PDF report's listing, title, site and author (the author starts as the operator
        name of the reading entry; title and site as last typed)."""
        self.every_reading = QRadioButton("E&very reading")
        self.every_reading.setObjectName("pdfEveryReading")
        self.daily_summary = QRadioButton("A &daily summary, and every out-of-limit reading")
        self.daily_summary.setObjectName("pdfDaily")
        self.every_reading.setChecked(True)
        self._detail_group = QButtonGroup(self)
        listing = QVBoxLayout()
        for button in (self.every_reading, self.daily_summary):
            self._detail_group.addButton(button)
            listing.addWidget(button)
        settings = QSettings()
        self.report_title = self._line("reportTitle", str(settings.value(TITLE_KEY, "") or "")
                                       or DEFAULT_TITLE)  # fmt: skip
        self.site = self._line("reportSite", str(settings.value(SITE_KEY, "") or ""))
        self.author = self._line("reportAuthor", str(settings.value(OPERATOR_KEY, "") or ""))
        self._report_widgets = [self.every_reading, self.daily_summary, self.report_title,
                                self.site, self.author]  # fmt: skip
        form.addRow("Report lists", listing)
        form.addRow("Report &title", self.report_title)
        form.addRow("S&ite", self.site)
        form.addRow("A&uthor", self.author)

    def _line(self, name: str, text: str) -> QLineEdit:
        edit = QLineEdit(text)
        edit.setObjectName(name)
        return edit

    def _update(self) -> None:
        for widget in self._report_widgets:
            widget.setEnabled(self.chosen_format() is ExportFormat.PDF)
        self.bom.setEnabled(self.chosen_format() is ExportFormat.CSV)
        for edit in (self.start, self.end):
            edit.setEnabled(self.custom.isChecked())

    # --- what was chosen -------------------------------------------------------------------

    def chosen_format(self) -> ExportFormat:
        return next(f for f, b in self.format_buttons.items() if b.isChecked())

    def request(self) -> ExportRequest:
        ids = list(self._selected) if self.only_selected.isChecked() else None
        start: int | None = None
        end: int | None = None
        if self.visible.isChecked() and self._range is not None:
            start, end = self._range
        elif self.custom.isChecked():
            start = self.start.dateTime().toMSecsSinceEpoch()
            end = self.end.dateTime().toMSecsSinceEpoch()
        bom = self.bom.isChecked() and self.chosen_format() is ExportFormat.CSV
        return ExportRequest(device_ids=ids, start_ms=start, end_ms=end, excel_bom=bom,
                             report=self.report_options())  # fmt: skip

    def report_options(self) -> ReportOptions:
        detail = PdfDetail.DAILY if self.daily_summary.isChecked() else PdfDetail.ALL
        view = self.visible.isChecked() and self._range is not None
        return ReportOptions(title=self.report_title.text().strip() or DEFAULT_TITLE,
                             site=self.site.text().strip(), author=self.author.text().strip(),
                             detail=detail, period_from_view=view)  # fmt: skip

    def suggested_name(self) -> str:
        stamp = datetime.now().strftime("%Y-%m-%d")
        return f"FieldLog readings {stamp}.{self.chosen_format().value}"

    # --- running -----------------------------------------------------------------------------

    def choose_file(self) -> None:
        request = self.request()
        start, end = request.start_ms, request.end_ms
        if start is not None and end is not None and end <= start:
            self.problem.setText("The end of the period must come after its start.")
            return
        fmt = self.chosen_format()
        path, _ = QFileDialog.getSaveFileName(self, "Export readings", self.suggested_name(),
                                              FILTERS[fmt])  # fmt: skip
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        fmt, request, db = self.chosen_format(), self.request(), self._db
        if path.suffix.lower() != f".{fmt.value}":
            path = path.with_name(f"{path.name}.{fmt.value}")
        self._cancel.clear()
        cancelled, progress = self._cancel.is_set, self.progressed.emit
        self.problem.clear()
        self._set_busy(True)
        if fmt is ExportFormat.PDF:
            settings = QSettings()
            settings.setValue(TITLE_KEY, request.report.title)
            settings.setValue(SITE_KEY, request.report.site)
        exporting = export_readings(self._ops, db, path, fmt, request, progress=progress,
                                    cancelled=cancelled)  # fmt: skip
        exporting.done(self._on_done).failed(self._on_failed).run()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.bar.setVisible(busy)
        self.bar.setValue(0)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not busy)

    def _show_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setValue(min(100, 100 * done // total))

    def _on_done(self, summary: ExportSummary) -> None:
        self._set_busy(False)
        self.exported.emit(summary)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, ExportCancelled):
            self.problem.setText("Cancelled: no file was written.")
        else:
            self.problem.setText(explain(exc, "The export failed"))

    def reject(self) -> None:
        if self.busy:
            self._cancel.set()  # the op rolls back; the dialog stays to say so
            return
        super().reject()
