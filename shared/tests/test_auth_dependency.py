"""The caller dependency in a real FastAPI app: 401 and 403 as problem+json, the JWKS route."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from avhopp_shared.auth.dependencies import (
    CallerDep,
    Forbidden,
    install_auth_problem_handlers,
    jwks_router,
)
from avhopp_shared.auth.local_issuer import DEMO_CLIENTS, LocalIssuer
from avhopp_shared.auth.tokens import TokenValidator
from avhopp_shared.web.problems import PROBLEM_JSON, install_problem_handlers

ISSUER = "http://127.0.0.1:8000/issuer"


@pytest.fixture
def issuer(tmp_path: Path) -> LocalIssuer:
    return LocalIssuer(tmp_path / "issuer" / "es256.pem", ISSUER, "avhopp")


@pytest.fixture
async def client(issuer: LocalIssuer) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    install_problem_handlers(app)
    install_auth_problem_handlers(app)
    app.state.token_validator = TokenValidator(ISSUER, "avhopp", issuer.key_source())
    app.include_router(jwks_router(issuer))

    @app.get("/whoami")
    async def whoami(caller: CallerDep) -> dict[str, str]:
        return {"agency": caller.agency.value, "organisation": caller.organisation}

    @app.get("/police-only")
    async def police_only(caller: CallerDep) -> dict[str, str]:
        raise Forbidden(f"{caller.agency.value} may not read police records")

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://avhopp.test") as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_request_without_a_token_gets_a_401_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/whoami")
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["www-authenticate"] == 'Bearer realm="avhopp"'
    assert response.json()["type"].endswith("/unauthorized")


async def test_another_authorization_scheme_counts_as_no_token(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/whoami", headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="avhopp"'


async def test_a_bad_token_gets_a_401_naming_invalid_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/whoami", headers=bearer("not.a.token"))
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_JSON
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="avhopp", error="invalid_token", error_description=')
    assert "not.a.token" not in response.text + challenge


async def test_a_token_from_another_issuer_is_refused(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    stranger = LocalIssuer(tmp_path / "other.pem", ISSUER, "avhopp")
    response = await client.get(
        "/whoami", headers=bearer(stranger.mint(DEMO_CLIENTS["sis-ungdomshem"]))
    )
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


async def test_a_good_token_reaches_the_route_as_its_caller(
    client: httpx.AsyncClient, issuer: LocalIssuer
) -> None:
    token = issuer.mint(DEMO_CLIENTS["probation-syd"])
    response = await client.get("/whoami", headers=bearer(token))
    assert response.status_code == 200
    assert response.json() == {"agency": "probation", "organisation": "frivarden-malmo"}


async def test_a_forbidden_action_gets_a_403_problem(
    client: httpx.AsyncClient, issuer: LocalIssuer
) -> None:
    token = issuer.mint(DEMO_CLIENTS["provider-kontakt"])
    response = await client.get("/police-only", headers=bearer(token))
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["type"].endswith("/forbidden")
    assert problem["detail"] == "provider may not read police records"


async def test_the_jwks_route_publishes_the_public_key_only(
    client: httpx.AsyncClient, issuer: LocalIssuer
) -> None:
    response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "max-age=300"
    (key,) = response.json()["keys"]
    assert key["kid"] == issuer.kid
    assert {key["kty"], key["crv"], key["alg"], key["use"]} == {"EC", "P-256", "ES256", "sig"}
    assert "d" not in key


async def test_an_app_without_a_validator_lets_no_one_in(issuer: LocalIssuer) -> None:
    app = FastAPI()
    install_problem_handlers(app)
    install_auth_problem_handlers(app)

    @app.get("/whoami")
    async def whoami(caller: CallerDep) -> str:
        return caller.client_id

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://avhopp.test") as client:
        token = issuer.mint(DEMO_CLIENTS["police-syd"])
        response = await client.get("/whoami", headers=bearer(token))
    assert response.status_code == 500
