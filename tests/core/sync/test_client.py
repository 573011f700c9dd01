"""The laptop speaks HTTPS to its server; plain HTTP only to one on the same machine."""

import pytest

from core.sync.client import SyncError, checked_url


@pytest.mark.parametrize(
    "url", ["https://office.example:8443/", "http://127.0.0.1:8000", "http://localhost:1/"]
)
def test_https_anywhere_and_http_on_loopback(url: str) -> None:
    assert checked_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("http://office.example:8000", "plain HTTP would send the token in clear"),
        ("http://10.0.0.5", "plain HTTP would send the token in clear"),
        ("ftp://office", "is not a server's address"),
        ("office:8443", "is not a server's address"),
    ],
)
def test_anything_else_is_refused(url: str, said: str) -> None:
    with pytest.raises(SyncError, match=said):
        checked_url(url)
