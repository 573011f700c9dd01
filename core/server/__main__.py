"""``python -m core.server``: the same as ``fieldlog-server``."""

from core.server.cli import entry

entry()
