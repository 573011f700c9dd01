"""Opening an import file as text: size, binary check, encoding, and a byte-counting reader.

The encoding is decided from the first megabyte: a BOM wins; else UTF-8 if those bytes are
valid UTF-8; else Windows-1252 (what HOBOware and Excel write on Western Windows), else
Latin-1, which decodes any byte. Bytes later in the file that do not decode stop the import
with the line, rather than being replaced silently.
"""

import codecs
import io
from collections.abc import Callable
from pathlib import Path

from core.importing.parsed import ImportFileError

HEAD_BYTES = 1 << 20
MAX_FIELD = 10_000  # a longer field is not a reading: the row is rejected
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_head(path: Path) -> bytes:
    """The first megabyte; ImportFileError for a missing, unreadable or empty file."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as error:
        raise ImportFileError(path, f"cannot be read ({error.strerror or error})") from None
    if not head.strip():
        raise ImportFileError(path, "the file is empty; choose the exported data file")
    return head


def pick_encoding(path: Path, head: bytes, chosen: str | None) -> str:
    """The encoding to read the file with (see the module docstring)."""
    if chosen:
        return _check_chosen(path, head, chosen)
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if b"\x00" in head or _mostly_control(head):
        raise ImportFileError(
            path,
            "this is not a text file (it holds binary data); export the readings as CSV or text",
        )
    for name in ("utf-8", "cp1252"):
        if _decodes(head, name):
            return name
    return "latin-1"


def _check_chosen(path: Path, head: bytes, chosen: str) -> str:
    try:
        codecs.lookup(chosen)
    except LookupError:
        raise ImportFileError(path, f"unknown encoding {chosen!r}; use utf-8 or cp1252") from None
    if not _decodes(head, chosen):
        raise ImportFileError(
            path, f"the file is not valid {chosen}; choose another encoding (--encoding cp1252)"
        )
    return chosen


def _decodes(head: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        decoder.decode(head, final=len(head) < HEAD_BYTES)
    except (UnicodeDecodeError, UnicodeError):
        return False
    return True


def _mostly_control(head: bytes) -> bool:
    sample = head[:4096]
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return control > len(sample) // 20


def head_text(head: bytes, encoding: str) -> str:
    """The first megabyte as text, cut at the last complete line."""
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)
    if len(head) >= HEAD_BYTES and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    return text.lstrip("\ufeff")


class CountingReader(io.RawIOBase):
    """A raw binary file that remembers how many bytes were read, for the progress bar."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("rb")
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: "bytearray | memoryview") -> int:  # type: ignore[override]
        count = self._file.readinto(buffer)
        self.consumed += count or 0
        return count or 0

    def close(self) -> None:
        self._file.close()
        super().close()


def open_text(path: Path, encoding: str) -> tuple[io.TextIOWrapper, Callable[[], int]]:
    """The file as text (universal newlines kept for csv) and a function giving bytes read."""
    raw = CountingReader(path)
    text = io.TextIOWrapper(io.BufferedReader(raw, 1 << 16), encoding=encoding, newline="")
    return text, lambda: raw.consumed


def decode_failure(path: Path, encoding: str, line: int) -> ImportFileError:
    return ImportFileError(
        path,
        f"bytes that are not valid {encoding} after this line; choose the file's encoding "
        "(--encoding cp1252, utf-8, latin-1)",
        line,
    )
