"""Bearer token validation: a JWT in, a :class:`Caller` out, or :class:`InvalidToken`.

Authlib's JOSE does the cryptography with a fixed algorithm allow-list
(RS256, ES256): ``none`` and the HMAC family are refused before any key is
touched, so a token "signed" with the public key as an HMAC secret cannot pass.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from avhopp_shared.auth.authlib_jose import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    InvalidTokenError,
    JoseError,
    JsonWebToken,
    Key,
    MissingClaimError,
    UnsupportedAlgorithmError,
)
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.auth.jwks import KeySource, KeysUnavailable

ALLOWED_ALGORITHMS = ("RS256", "ES256")
_KEY_TYPE_FOR_ALGORITHM = {"RS256": "RSA", "ES256": "EC"}
# RFC 7519 4.1.4 allows "a few minutes" of clock skew; more than that would
# keep expired tokens alive.
MAX_LEEWAY_SECONDS = 300
# RFC 7519 2: a NumericDate is a number of seconds since the epoch. Python's json
# reads integers of any size and NaN / Infinity (which RFC 8259 6 does not allow):
# NaN is never past, Infinity or 1e400 never comes, and float() of a 400-digit
# integer overflows. 2**53, the largest integer a double (and so any JavaScript
# issuer) holds exactly, is some 285 million years from the epoch.
MAX_NUMERIC_DATE = 2**53
_TIME_CLAIMS = ("exp", "nbf", "iat")

_JWT = JsonWebToken(list(ALLOWED_ALGORITHMS))
_AGENCIES = frozenset(agency.value for agency in Agency)


class InvalidToken(Exception):
    """A token that does not identify a caller.

    ``reason`` is short, fixed text safe to send to the client: it never
    repeats the token or any value taken from it.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _UnknownKeyId(Exception):
    pass


class TokenValidator:
    """Validates bearer tokens, remembering the ones it has verified until they expire.

    A client sends the same token with every request until it expires; checking
    its signature again each time was most of the cost of authentication. A
    remembered token is still refused once ``exp`` (plus the leeway) has passed.
    The price: a token signed by a key later withdrawn from the JWKS stays
    valid until its own expiry, as it would in any client that cached it.
    """

    def __init__(
        self,
        issuer: str,
        audience: str,
        keys: KeySource,
        *,
        leeway_seconds: int = 60,
        remember: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        # Authlib skips a claim check whose expected value is empty: refuse that here.
        if not issuer or not audience:
            raise ValueError("issuer and audience must be given")
        if not 0 <= leeway_seconds <= MAX_LEEWAY_SECONDS:
            raise ValueError(f"leeway_seconds must be within 0..{MAX_LEEWAY_SECONDS}")
        self._keys = keys
        self._leeway = leeway_seconds
        self._remember = remember
        self._clock = clock
        self._verified: OrderedDict[str, tuple[Caller, float]] = OrderedDict()
        self._claims_options = {
            "iss": {"essential": True, "value": issuer},
            "aud": {"essential": True, "value": audience},
            "exp": {"essential": True},
        }

    async def validate(self, token: str) -> Caller:
        """The caller a token identifies; raises :class:`InvalidToken` otherwise.

        Does no I/O unless the token names a key the source does not yet hold.
        Raises :class:`~avhopp_shared.auth.jwks.KeysUnavailable` when that key
        could be neither found nor ruled out because the issuer's keys could
        not be fetched: an outage of the issuer is not the caller's fault.
        """
        remembered = self._verified.get(token)
        if remembered is not None:
            caller, expires = remembered
            if self._clock() <= expires + self._leeway:
                self._verified.move_to_end(token)
                return caller
            del self._verified[token]
        try:
            claims = self._verified_claims(token)
        except _UnknownKeyId:
            unavailable: KeysUnavailable | None = None
            try:
                await self._keys.refresh()
            except KeysUnavailable as error:
                # The keys held from before the outage may still verify this token.
                unavailable = error
            try:
                claims = self._verified_claims(token)
            except _UnknownKeyId:
                if unavailable is not None:
                    raise unavailable from None
                raise InvalidToken("token signed with an unknown key") from None
        caller = _caller_from(claims)
        self._keep(token, caller, float(claims["exp"]))
        return caller

    def _keep(self, token: str, caller: Caller, expires: float) -> None:
        if self._remember <= 0:
            return
        self._verified[token] = (caller, expires)
        while len(self._verified) > self._remember:
            self._verified.popitem(last=False)

    def _verified_claims(self, token: str) -> dict[str, Any]:
        # Compact JWS only: a five-part token would be a JWE, which we do not accept.
        if token.count(".") != 2:
            raise InvalidToken("malformed token")
        try:
            claims = _JWT.decode(token, self._key_for, claims_options=self._claims_options)
            _check_numeric_dates(claims)
            claims.validate(now=int(self._clock()), leeway=self._leeway)
        except (InvalidToken, _UnknownKeyId):
            raise
        except JoseError as error:
            raise InvalidToken(_reason_for(error)) from None
        except Exception:
            # Any other fault while reading a hostile token is a rejection, never a 500.
            raise InvalidToken("malformed token") from None
        return dict(claims)

    def _key_for(self, header: dict[str, Any], payload: object) -> Key:
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("token header has no key id")
        key = self._keys.key_for(kid)
        if key is None:
            raise _UnknownKeyId
        algorithm = header["alg"]
        # Authlib trips over a key of the wrong type with a bare KeyError; and a
        # key published for one algorithm must not verify another.
        if (
            key.kty != _KEY_TYPE_FOR_ALGORITHM[algorithm]
            or key.tokens.get("alg", algorithm) != algorithm
        ):
            raise InvalidToken("key does not match the token's algorithm")
        return key


def _check_numeric_dates(claims: Any) -> None:
    """Refuses a time claim that is no finite NumericDate within ``MAX_NUMERIC_DATE``.

    Other types are left to Authlib, which refuses what is not a number.
    """
    for name in _TIME_CLAIMS:
        value = claims.get(name)
        # Written so that NaN (every comparison false), infinities and integers
        # too large for a float all fail it, without converting anything.
        if isinstance(value, int | float) and not abs(value) <= MAX_NUMERIC_DATE:
            raise InvalidToken(f"Invalid claim '{name}'")


def _reason_for(error: Exception) -> str:
    if isinstance(error, ExpiredTokenError):
        return "token has expired"
    if isinstance(error, MissingClaimError | InvalidClaimError):
        # Authlib's description names the claim (ours, fixed), never its value.
        return str(error.description)
    if isinstance(error, InvalidTokenError):
        return "token is not valid yet"
    if isinstance(error, UnsupportedAlgorithmError):
        return "token algorithm not allowed"
    if isinstance(error, BadSignatureError):
        return "token signature does not verify"
    return "malformed token"


def _caller_from(claims: dict[str, Any]) -> Caller:
    agency = _text_claim(claims, "agency")
    if agency not in _AGENCIES:
        raise InvalidToken("token has no valid agency claim")
    organisation = _text_claim(claims, "organisation")
    if organisation is None:
        raise InvalidToken("token has no organisation claim")
    client_id = _text_claim(claims, "client_id")
    if client_id is None:
        raise InvalidToken("token has no client_id claim")
    user = _text_claim(claims, "user")
    if user is None and claims.get("user") is not None:
        raise InvalidToken("token has an invalid user claim")
    return Caller(client_id=client_id, agency=Agency(agency), organisation=organisation, user=user)


#: The longest identity claim kept: the audit trail and the access-state tables
#: store who acted in columns of this length. A longer claim is refused here,
#: where it is the token's fault (401), not met later as a storage fault on
#: every governed request (503).
MAX_CLAIM_LENGTH = 200


def _text_claim(claims: dict[str, Any], name: str) -> str | None:
    value = claims.get(name)
    if isinstance(value, str) and len(value) > MAX_CLAIM_LENGTH:
        raise InvalidToken(f"token's {name} claim is longer than {MAX_CLAIM_LENGTH} characters")
    return value if isinstance(value, str) and value.strip() else None
