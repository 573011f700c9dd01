"""FieldLog's PySide6 window. It calls core/ and nothing in core/ imports it."""
