"""FastAPI plumbing for caller identity: the ``CallerDep`` dependency, 401/403 answers, JWKS.

The app wiring sets ``app.state.token_validator`` to a
:class:`~avhopp_shared.auth.tokens.TokenValidator` and calls
:func:`install_auth_problem_handlers`; a route then takes ``caller: CallerDep``.
An app without a validator answers 500 to every protected route: it fails
closed rather than letting anyone in.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from avhopp_shared.auth.caller import Caller
from avhopp_shared.auth.jwks import KeysUnavailable
from avhopp_shared.auth.local_issuer import LocalIssuer
from avhopp_shared.auth.tokens import InvalidToken, TokenValidator
from avhopp_shared.web.problems import problem_response

REALM = "avhopp"
JWKS_PATH = "/.well-known/jwks.json"
_JWKS_MAX_AGE_SECONDS = 300
# RFC 6750 3: error_description may hold only these characters.
_UNSAFE_DESCRIPTION = re.compile(r"[^\x20\x21\x23-\x5b\x5d-\x7e]")

# auto_error=False: a missing header is answered by our problem handler, not
# FastAPI's plain 401; the scheme still appears in the OpenAPI document.
_bearer = HTTPBearer(
    auto_error=False, bearerFormat="JWT", description="An access token from the avhopp issuer"
)


class Unauthenticated(Exception):
    """No usable credentials. ``error`` is the RFC 6750 error code, if any."""

    def __init__(self, reason: str, *, error: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.error = error

    def www_authenticate(self) -> str:
        challenge = f'Bearer realm="{REALM}"'
        if self.error:
            description = _UNSAFE_DESCRIPTION.sub("", self.reason)
            challenge += f', error="{self.error}", error_description="{description}"'
        return challenge


class Forbidden(Exception):
    """The caller is known but may not do this. The message is shown to the client."""


async def current_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
) -> Caller:
    if credentials is None:
        raise Unauthenticated("a bearer token is required")
    validator = getattr(request.app.state, "token_validator", None)
    if not isinstance(validator, TokenValidator):
        raise RuntimeError("app.state.token_validator is not set: no caller can be authenticated")
    try:
        return await validator.validate(credentials.credentials)
    except InvalidToken as invalid:
        raise Unauthenticated(invalid.reason, error="invalid_token") from None


CallerDep = Annotated[Caller, Depends(current_caller)]


def install_auth_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Unauthenticated)
    async def _unauthenticated(request: Request, exc: Unauthenticated) -> JSONResponse:
        response = problem_response(
            request, 401, "unauthorized", "Authentication required", exc.reason
        )
        response.headers["WWW-Authenticate"] = exc.www_authenticate()
        return response

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> JSONResponse:
        return problem_response(request, 403, "forbidden", "Forbidden", str(exc) or None)

    @app.exception_handler(KeysUnavailable)
    async def _keys_unavailable(request: Request, exc: KeysUnavailable) -> JSONResponse:
        # The token was not judged at all: a 401 would tell the client its
        # credentials are bad, and it would discard a good token. A 503 with
        # Retry-After (RFC 9110 15.6.4, 10.2.3) says to retry the same request.
        response = problem_response(
            request,
            503,
            "service-unavailable",
            "Service temporarily unavailable",
            "The token issuer's signing keys could not be fetched; the token was not judged. "
            "Retry later.",
        )
        response.headers["Retry-After"] = str(exc.retry_after_seconds)
        return response


def jwks_router(issuer: LocalIssuer) -> APIRouter:
    """``GET /.well-known/jwks.json``: the local issuer's public keys."""
    router = APIRouter(tags=["auth"])
    jwks = issuer.jwks()

    @router.get(
        JWKS_PATH, summary="Public keys that verify this platform's tokens", operation_id="jwks"
    )
    async def _jwks() -> JSONResponse:
        return JSONResponse(jwks, headers={"Cache-Control": f"max-age={_JWKS_MAX_AGE_SECONDS}"})

    return router
