"""``fieldlog-server serve``: HTTPS with the key and certificate it is given; plain HTTP refused
unless ``--insecure-dev`` on a loopback address, in one line and a non-zero exit."""

import ssl
import subprocess
from pathlib import Path

import httpx
import pytest

from core.server.cli import is_loopback
from tests.server.support import (
    REPO_ROOT,
    server_command,
    server_environment,
    start,
    stop,
    wait_until_up,
)


def serve(*args: str, environ: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        server_command("serve", *args),
        cwd=REPO_ROOT,
        env=environ or server_environment("postgresql+psycopg://nobody@/nowhere"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--host", "0.0.0.0"], "refusing plain HTTP on 0.0.0.0: give --ssl-keyfile"),
        (["--host", "192.168.1.20", "--insecure-dev"], "--insecure-dev serves only a loopback"),
        (["--host", "127.0.0.1"], "refusing plain HTTP on 127.0.0.1"),
        (["--ssl-keyfile", "key.pem"], "TLS needs both --ssl-keyfile and --ssl-certfile"),
    ],
)
def test_plain_http_is_refused_in_one_line(args: list[str], said: str) -> None:
    done = serve(*args)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and said in done.stderr, done.stderr


def test_without_database_url_it_says_so(tmp_path: Path) -> None:
    environ = server_environment("")
    done = serve("--insecure-dev", environ=environ)
    assert done.returncode == 1 and "DATABASE_URL is not set" in done.stderr


def test_an_unreachable_database_is_one_line() -> None:
    done = serve("--insecure-dev", "--port", "1")
    assert done.returncode == 1
    assert done.stderr.startswith("fieldlog-server: the database cannot be brought to head")
    assert done.stderr.count("\n") == 1, done.stderr


def test_loopback_addresses() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.8.9.1", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "10.0.0.1", "example.org", ""]))


def self_signed(folder: Path) -> tuple[Path, Path]:
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return key, cert


def test_it_serves_https_with_the_key_and_certificate_given(
    postgres_url: str, tmp_path: Path
) -> None:
    key, cert = self_signed(tmp_path)
    tls = ("--ssl-keyfile", str(key), "--ssl-certfile", str(cert))
    server = start(postgres_url, tmp_path / "server.log", *tls, scheme="https")
    try:
        trusted = ssl.create_default_context(cafile=str(cert))
        wait_until_up(server, verify=trusted)
        assert httpx.get(f"{server.url}/health", verify=trusted).json()["status"] == "ok"
        with pytest.raises(httpx.ConnectError):  # an unknown certificate is not trusted
            httpx.get(f"{server.url}/health")
        plain = server.url.replace("https://", "http://")
        with pytest.raises(httpx.TransportError):  # and no plain HTTP on that port
            httpx.get(f"{plain}/health").raise_for_status()
    finally:
        stop(server)
