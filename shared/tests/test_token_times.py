"""Time claims (``exp``, ``nbf``, ``iat``) that are no finite NumericDate are refused (401).

Python's json reads NaN, Infinity and integers of any size. Authlib checks only that a
time claim is a number: a NaN ``exp`` is never past and a NaN ``nbf`` never in the
future, so such a token was valid (and remembered) forever, and ``float()`` of a
400-digit ``exp`` overflowed into a 500.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from avhopp_shared.auth.demo_clients import DEMO_CLIENTS
from avhopp_shared.auth.dependencies import CallerDep, install_auth_problem_handlers
from avhopp_shared.auth.local_issuer import LocalIssuer
from avhopp_shared.auth.tokens import MAX_NUMERIC_DATE, InvalidToken, TokenValidator
from avhopp_shared.web.problems import install_problem_handlers

CLIENT = DEMO_CLIENTS["police-syd"]
HUGE = 10**400
NAN = float("nan")
INFINITY = float("inf")


@pytest.fixture
def issuer(tmp_path: Path) -> LocalIssuer:
    return LocalIssuer(tmp_path / "key.pem")


def _token(issuer: LocalIssuer, claim: str, value: Any) -> str:
    # mint lays the given claims over its own, so the time claim is replaced as it is.
    return issuer.mint({**CLIENT.claims(), claim: value})


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("exp", HUGE),
        ("exp", NAN),
        ("exp", INFINITY),
        ("exp", MAX_NUMERIC_DATE + 1),
        ("nbf", NAN),
        ("nbf", -INFINITY),
        ("nbf", -HUGE),
        ("iat", NAN),
        ("iat", -INFINITY),
    ],
    ids=[
        "exp-400-digits",
        "exp-nan",
        "exp-infinity",
        "exp-beyond-2**53",
        "nbf-nan",
        "nbf-minus-infinity",
        "nbf-minus-400-digits",
        "iat-nan",
        "iat-minus-infinity",
    ],
)
async def test_a_time_claim_that_is_no_finite_time_is_refused(
    issuer: LocalIssuer, claim: str, value: Any
) -> None:
    validator = TokenValidator(issuer.issuer, issuer.audience, issuer.key_source())

    with pytest.raises(InvalidToken, match=claim):
        await validator.validate(_token(issuer, claim, value))


async def test_an_exp_too_large_for_a_float_is_a_401_not_a_500(issuer: LocalIssuer) -> None:
    app = FastAPI()
    app.state.token_validator = TokenValidator(issuer.issuer, issuer.audience, issuer.key_source())
    install_problem_handlers(app)
    install_auth_problem_handlers(app)

    @app.get("/me")
    async def me(caller: CallerDep) -> dict[str, str]:
        return {"client": caller.client_id}

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://avhopp.test") as client:
        response = await client.get(
            "/me", headers={"Authorization": f"Bearer {_token(issuer, 'exp', HUGE)}"}
        )

    assert response.status_code == 401, response.text
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


async def test_a_time_claim_at_the_largest_numeric_date_is_still_judged_by_its_value(
    issuer: LocalIssuer,
) -> None:
    validator = TokenValidator(issuer.issuer, issuer.audience, issuer.key_source())

    caller = await validator.validate(_token(issuer, "exp", MAX_NUMERIC_DATE))

    assert caller.client_id == CLIENT.client_id
