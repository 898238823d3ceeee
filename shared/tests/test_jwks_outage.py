"""An issuer whose JWKS cannot be fetched: the caller gets a 503 to retry, never a 401.

A 401 invalid_token tells a client its credentials are bad, so it discards a good token
and re-authenticates, or gives up. When the key set could not be fetched the token was
not judged at all; only a key id that is unknown to a reachable issuer earns a 401.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from avhopp_shared.auth.demo_clients import DEMO_CLIENTS
from avhopp_shared.auth.dependencies import CallerDep, install_auth_problem_handlers
from avhopp_shared.auth.jwks import RemoteKeySource
from avhopp_shared.auth.local_issuer import LocalIssuer
from avhopp_shared.auth.tokens import TokenValidator
from avhopp_shared.web.problems import PROBLEM_JSON, install_problem_handlers
from shared.tests.test_tokens import FakeClock, JwksServer

CLIENT = DEMO_CLIENTS["police-syd"]


@pytest.fixture
def issuer(tmp_path: Path) -> LocalIssuer:
    return LocalIssuer(tmp_path / "key.pem")


@pytest.fixture
def jwks_server(issuer: LocalIssuer) -> Iterator[JwksServer]:
    server = JwksServer()
    server.jwks = issuer.jwks()
    thread = threading.Thread(target=server.http.serve_forever, daemon=True)
    thread.start()
    yield server
    server.http.shutdown()
    server.http.server_close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def _client_for(issuer: LocalIssuer, keys: RemoteKeySource) -> httpx.AsyncClient:
    app = FastAPI()
    app.state.token_validator = TokenValidator(issuer.issuer, issuer.audience, keys)
    install_problem_handlers(app)
    install_auth_problem_handlers(app)

    @app.get("/me")
    async def me(caller: CallerDep) -> dict[str, str]:
        return {"client": caller.client_id}

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://avhopp.test")


@pytest.fixture
async def client(
    issuer: LocalIssuer, jwks_server: JwksServer, clock: FakeClock
) -> AsyncIterator[httpx.AsyncClient]:
    """An app validating tokens against the test issuer's JWKS, served over real HTTP."""
    keys = RemoteKeySource(jwks_server.url, min_refresh_interval_seconds=30, clock=clock)
    try:
        async with await _client_for(issuer, keys) as client:
            yield client
    finally:
        keys.close()


def _bearer(issuer: LocalIssuer) -> dict[str, str]:
    return {"Authorization": f"Bearer {issuer.mint(CLIENT)}"}


async def test_an_unreachable_jwks_is_a_503_not_a_401(issuer: LocalIssuer) -> None:
    # Nothing listens on port 9 of localhost: the issuer's JWKS endpoint is down.
    keys = RemoteKeySource("http://127.0.0.1:9/jwks.json", http_timeout=0.5)
    try:
        async with await _client_for(issuer, keys) as client:
            response = await client.get("/me", headers=_bearer(issuer))
    finally:
        keys.close()

    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert int(response.headers["Retry-After"]) >= 1
    assert "WWW-Authenticate" not in response.headers


async def test_a_jwks_answering_an_error_is_a_503_also_while_the_next_fetch_is_held_back(
    issuer: LocalIssuer, jwks_server: JwksServer, client: httpx.AsyncClient
) -> None:
    jwks_server.failing = True

    first = await client.get("/me", headers=_bearer(issuer))
    again = await client.get("/me", headers=_bearer(issuer))

    assert (first.status_code, again.status_code) == (503, 503)
    assert jwks_server.hits == 1, "the retry within the backoff does not ask the issuer again"


async def test_a_valid_token_is_accepted_as_soon_as_the_jwks_is_reachable_again(
    issuer: LocalIssuer, jwks_server: JwksServer, client: httpx.AsyncClient, clock: FakeClock
) -> None:
    jwks_server.failing = True
    assert (await client.get("/me", headers=_bearer(issuer))).status_code == 503

    jwks_server.failing = False
    clock.now += 1  # the backoff after a failed fetch, far short of the 30 s refresh interval
    recovered = await client.get("/me", headers=_bearer(issuer))

    assert recovered.status_code == 200, recovered.text
    assert recovered.json() == {"client": CLIENT.client_id}


async def test_a_new_key_during_an_outage_is_a_503_while_the_keys_held_still_verify(
    tmp_path: Path,
    issuer: LocalIssuer,
    jwks_server: JwksServer,
    client: httpx.AsyncClient,
    clock: FakeClock,
) -> None:
    assert (await client.get("/me", headers=_bearer(issuer))).status_code == 200
    jwks_server.failing = True
    clock.now += 300  # the key set is due again, and the fetch fails
    rotated = LocalIssuer(tmp_path / "rotated.pem")

    held = await client.get("/me", headers=_bearer(issuer))
    unjudged = await client.get("/me", headers=_bearer(rotated))

    assert held.status_code == 200, held.text
    assert unjudged.status_code == 503, unjudged.text


async def test_a_key_the_reachable_jwks_does_not_publish_is_still_a_401(
    tmp_path: Path, jwks_server: JwksServer, client: httpx.AsyncClient
) -> None:
    stranger = LocalIssuer(tmp_path / "stranger.pem")

    response = await client.get("/me", headers=_bearer(stranger))

    assert response.status_code == 401, response.text
    assert "unknown key" in response.json()["detail"]
    assert jwks_server.hits == 1
