"""Accounts and laptops: a laptop enrols with a one-time code for a token, stored only hashed;
a used, expired or unknown code, and a missing, unknown or revoked token, are refused with a
reason and change nothing; roles decide what a laptop may do."""

import hashlib
import subprocess
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
from fastapi.routing import APIRoute
from sqlalchemy import func, select, text, update
from starlette.routing import BaseRoute

from core import postgres
from core.models import server_enrolment_codes, server_laptops
from core.server.app import create_app
from core.server.settings import Settings
from tests.server.conftest import Office
from tests.server.support import REPO_ROOT, server_command, server_environment

OPEN = {("GET", "/health"), ("POST", "/enrol")}


def sql(url: str, statement: object) -> list[tuple[Any, ...]]:
    engine = postgres.create_postgres_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(statement)  # type: ignore[call-overload]
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def laptop_count(url: str) -> int:
    return int(sql(url, select(func.count()).select_from(server_laptops))[0][0])


def test_a_laptop_enrols_with_a_code_and_its_token_names_it(
    office: Office, shared_url: str
) -> None:
    user = office.user("technician")
    code = office.code(user)
    origin = uuid.uuid4()
    answer = office.enrol(code, origin)
    assert answer.status_code == 200, answer.text
    enrolled = answer.json()
    assert (enrolled["user"], enrolled["role"], enrolled["origin"]) == (
        user,
        "technician",
        str(origin),
    )
    me = httpx.get(f"{office.url}/me", headers={"Authorization": f"Bearer {enrolled['token']}"})
    assert me.status_code == 200 and me.json()["laptop"] == enrolled["laptop"]
    # only digests are kept: neither the token nor the code is anywhere in the tables
    stored = sql(shared_url, select(server_laptops.c.token_hash))
    assert (hashlib.sha256(enrolled["token"].encode()).hexdigest(),) in stored
    dump = str(sql(shared_url, text("SELECT * FROM server_laptops, server_enrolment_codes")))
    assert enrolled["token"] not in dump and code not in dump


def test_a_code_enrols_one_laptop_only(office: Office, shared_url: str) -> None:
    code = office.code(office.user())
    assert office.enrol(code).status_code == 200
    before = laptop_count(shared_url)
    again = office.enrol(code)
    assert again.status_code == 401 and "was used at" in again.json()["reason"]
    assert again.headers["WWW-Authenticate"] == "Bearer"
    assert laptop_count(shared_url) == before


def test_an_expired_or_unknown_code_is_refused(office: Office, shared_url: str) -> None:
    code = office.code(office.user())
    digest = hashlib.sha256(code.encode()).hexdigest()
    made = server_enrolment_codes.c.code_hash == digest
    sql(shared_url, update(server_enrolment_codes).where(made).values(expires_at=1))
    before = laptop_count(shared_url)
    expired = office.enrol(code)
    assert expired.status_code == 401 and "expired at 1970" in expired.json()["reason"]
    unknown = office.enrol("AAAA-BBBB-CCCC-DDDD")
    assert unknown.status_code == 401 and "unknown enrolment code" in unknown.json()["reason"]
    assert laptop_count(shared_url) == before
    assert sql(shared_url, select(server_enrolment_codes.c.used_at).where(made)) == [(None,)]


def test_a_code_may_be_typed_in_any_case_without_dashes(office: Office) -> None:
    code = office.code(office.user())
    assert office.enrol(code.replace("-", " ").lower()).status_code == 200


def test_no_token_an_unknown_token_and_a_revoked_token_are_refused(office: Office) -> None:
    laptop = office.laptop()
    bare = httpx.get(f"{office.url}/me")
    assert bare.status_code == 401 and "no credentials" in bare.json()["reason"]
    forged = httpx.get(f"{office.url}/me", headers={"Authorization": "Bearer flt_not-a-token"})
    assert forged.status_code == 401 and "unknown token" in forged.json()["reason"]
    assert laptop.get("/me").status_code == 200
    revoked = office.cli("laptop", "revoke", str(laptop.answer["laptop"]))
    assert revoked.code == 0 and "revoked at" in revoked.out
    refused = laptop.get("/me")
    assert refused.status_code == 401 and "was revoked at" in refused.json()["reason"]


def test_roles_decide_and_an_admin_lists_the_laptops(office: Office) -> None:
    technician, supervisor, admin = (
        office.laptop(role) for role in ("technician", "supervisor", "admin")
    )
    for laptop in (technician, supervisor):
        refused = laptop.get("/laptops")
        assert refused.status_code == 403 and "this needs a admin" not in refused.text
        assert (
            "needs a admin or above" in refused.json()["reason"]
            or "admin" in refused.json()["reason"]
        )
    listed = admin.get("/laptops")
    assert listed.status_code == 200
    ids = {row["id"] for row in listed.json()}
    assert {technician.answer["laptop"], supervisor.answer["laptop"]} <= ids


def test_an_origin_another_live_laptop_speaks_for_is_refused(
    office: Office, shared_url: str
) -> None:
    user = office.user()
    first = office.enrol(office.code(user))
    origin = uuid.UUID(first.json()["origin"])
    second_code = office.code(user)
    twice = office.enrol(second_code, origin)
    assert twice.status_code == 409 and "revoke it first" in twice.json()["reason"]
    office.cli("laptop", "revoke", str(first.json()["laptop"]))
    again = office.enrol(second_code, origin)  # the refused attempt did not spend the code
    assert again.status_code == 200 and again.json()["origin"] == str(origin)


def test_a_malformed_enrolment_is_422_and_names_the_field(office: Office) -> None:
    code = office.code(office.user())
    bad = httpx.post(f"{office.url}/enrol", json={"code": code, "origin": "nope", "name": "x"})
    assert bad.status_code == 422 and "origin:" in bad.json()["reason"]
    extra = {"code": code, "origin": str(uuid.uuid4()), "name": "x", "role": "admin"}
    sneaky = httpx.post(f"{office.url}/enrol", json=extra)
    assert sneaky.status_code == 422 and "role: Extra inputs" in sneaky.json()["reason"]
    assert office.enrol(code).status_code == 200  # neither spent the code


def test_every_route_but_health_and_enrol_needs_a_token(office: Office, shared_url: str) -> None:
    routes = set(api_routes(create_app(Settings(shared_url)).routes))
    assert routes > OPEN and ("POST", "/push") in routes
    for method, path in sorted(routes - OPEN):
        answer = httpx.request(method, f"{office.url}{path}", json={})
        assert answer.status_code == 401, (method, path, answer.text)


def api_routes(routes: Sequence[BaseRoute]) -> Iterator[tuple[str, str]]:
    """(method, path) of every route, those of included routers too (FastAPI 0.16x keeps an
    included router whole)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield from ((method, route.path) for method in route.methods or ())
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from api_routes(included.routes)


def test_the_command_line_says_what_it_refuses_in_one_line(office: Office) -> None:
    user = office.user()
    twice = office.cli("user", "add", user, "--role", "admin")
    assert twice.code == 1 and twice.err == f"fieldlog-server: there is a user '{user}' already\n"
    nobody = office.cli("enrol-code", "nobody-at-all")
    assert nobody.code == 1 and "there is no user 'nobody-at-all'" in nobody.err
    missing = office.cli("laptop", "revoke", "999999")
    assert missing.code == 1 and "there is no laptop 999999" in missing.err
    listed = office.cli("user", "list")
    assert f"{user}\ttechnician" in listed.out


def test_the_console_command_manages_accounts(shared_url: str, office: Office) -> None:
    """``python -m core.server`` (what the ``fieldlog-server`` script runs), as a process."""
    name = f"proc-{uuid.uuid4().hex[:8]}"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        environ = server_environment(shared_url)
        return subprocess.run(
            server_command(*args), cwd=REPO_ROOT, capture_output=True, text=True, env=environ
        )

    assert run("user", "add", name, "--role", "supervisor").returncode == 0
    made = run("enrol-code", name)
    assert made.returncode == 0 and "valid once, until" in made.stdout
    code = made.stdout.split(": ", 1)[1].splitlines()[0]
    assert office.enrol(code).status_code == 200
    listed = run("laptop", "list")
    assert any(name in line and line.endswith("active") for line in listed.stdout.splitlines())
