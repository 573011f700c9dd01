"""Globally unique identifiers, stored compactly.

Devices carry a UUIDv7 (time-ordered, 16 bytes as a BLOB). Readings are too many for a 16-byte
key each (docs/PERFORMANCE.md, T2): a reading is identified globally by the origin that created it
(a UUIDv7 per database, in the ``origins`` table) and its sequence number at that origin. Rows
created locally store neither column (NULL costs no bytes in SQLite): their origin is the local
one and their sequence number is their rowid.
"""

import os
import time
import uuid


def uuid7() -> uuid.UUID:
    """A version 7 UUID: 48 bits of Unix milliseconds, then random bits (RFC 9562)."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return uuid.UUID(int=value)
