"""The secrets the server hands out, and how it keeps them: only their SHA-256.

A laptop's token is 256 random bits; an enrolment code is 16 characters of an alphabet with no
look-alikes (about 78 bits), typed by a person, within its hours of validity, once. Both are
random and long, so a fast hash is enough (there is no dictionary to try, and a stolen table
gives no way back to them) and lets the server find a token by an indexed lookup. Nothing else
is stored: a lost token or code cannot be shown again, only replaced.
"""

import hashlib
import secrets

TOKEN_PREFIX = "flt_"
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U
CODE_LENGTH = 16


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_code() -> str:
    """``ABCD-EFGH-JKMN-PQRS``: four groups, easy to read out and type."""
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(letters[at : at + 4] for at in range(0, CODE_LENGTH, 4))


def normal_code(typed: str) -> str:
    """A code as typed (any case, with or without dashes and spaces) in the form it was made."""
    letters = "".join(typed.split()).replace("-", "").upper()
    return "-".join(letters[at : at + 4] for at in range(0, len(letters), 4))


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
