"""What a PDF report says about itself: its title, site and author, and how much it lists.

Part of an ``ExportRequest`` (``request.report``); the CSV and Excel writers ignore it.
"""

from dataclasses import dataclass
from enum import StrEnum

DEFAULT_TITLE = "Readings report"


class PdfDetail(StrEnum):
    """How a device's readings are listed; the summary and the chart always cover them all."""

    ALL = "all"  # every reading of the period
    DAILY = "daily"  # a line per day (count, min, max, mean, out of limits), then every
    # out-of-limit reading in full


@dataclass(frozen=True)
class ReportOptions:
    title: str = DEFAULT_TITLE
    site: str = ""
    author: str = ""
    detail: PdfDetail = PdfDetail.ALL
    # The request's period is the chart's view, which pads the data with room at both ends: the
    # report then names the readings' own first and last times, not the view's edges.
    period_from_view: bool = False
