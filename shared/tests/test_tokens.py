"""Token validation with real keys and real signatures: what passes, and everything that must not."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from avhopp_shared.auth.authlib_jose import ECKey, JsonWebToken, RSAKey
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.auth.jwks import RemoteKeySource, StaticKeySource
from avhopp_shared.auth.tokens import InvalidToken, TokenValidator

ISSUER = "https://issuer.avhopp.example"
AUDIENCE = "avhopp"
SIGNER = JsonWebToken(["RS256", "ES256"])


class SigningKey:
    """A private key and the ``kid`` under which its public half is published."""

    def __init__(self, kid: str, alg: str, private: Any) -> None:
        self.kid = kid
        self.alg = alg
        self.key = ECKey.import_key(private) if alg == "ES256" else RSAKey.import_key(private)

    @classmethod
    def ec(cls, kid: str) -> SigningKey:
        return cls(kid, "ES256", ec.generate_private_key(ec.SECP256R1()))

    def public_jwk(self) -> dict[str, Any]:
        return {**self.key.as_dict(is_private=False), "kid": self.kid}

    def public_pem(self) -> bytes:
        pem: bytes = self.key.get_public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return pem

    def sign(self, claims: dict[str, Any], **header: Any) -> str:
        token: bytes = SIGNER.encode({"alg": self.alg, "kid": self.kid, **header}, claims, self.key)
        return token.decode()


def jwks(*keys: SigningKey) -> dict[str, Any]:
    return {"keys": [key.public_jwk() for key in keys]}


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "client_id": "social-malmo",
        "agency": "social",
        "organisation": "malmo",
        "user": "socialsekreterare-1",
    }
    return {k: v for k, v in {**base, **overrides}.items() if v is not None}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64json(value: dict[str, Any]) -> str:
    return b64(json.dumps(value).encode())


@pytest.fixture(scope="module")
def ec_key() -> SigningKey:
    return SigningKey.ec("ec-1")


@pytest.fixture(scope="module")
def rsa_key() -> SigningKey:
    return SigningKey("rsa-1", "RS256", rsa.generate_private_key(65537, 2048))


@pytest.fixture
def validator(ec_key: SigningKey, rsa_key: SigningKey) -> TokenValidator:
    return TokenValidator(ISSUER, AUDIENCE, StaticKeySource(jwks(ec_key, rsa_key)))


async def test_a_good_token_identifies_its_caller(
    validator: TokenValidator, ec_key: SigningKey
) -> None:
    caller = await validator.validate(ec_key.sign(claims()))
    assert caller == Caller("social-malmo", Agency.SOCIAL, "malmo", "socialsekreterare-1")


async def test_a_token_without_a_user_identifies_the_client_alone(
    validator: TokenValidator, ec_key: SigningKey
) -> None:
    caller = await validator.validate(ec_key.sign(claims(user=None)))
    assert caller.user is None
    assert caller.as_policy_input() == {
        "agency": "social",
        "organisation": "malmo",
        "user": None,
        "client_id": "social-malmo",
    }


async def test_an_rs256_token_from_an_rsa_key_in_the_set_is_accepted(
    validator: TokenValidator, rsa_key: SigningKey
) -> None:
    caller = await validator.validate(rsa_key.sign(claims(agency="police")))
    assert caller.agency is Agency.POLICE


async def test_a_token_expired_within_the_leeway_is_accepted(
    validator: TokenValidator, ec_key: SigningKey
) -> None:
    now = int(time.time())
    await validator.validate(ec_key.sign(claims(iat=now - 600, nbf=now - 600, exp=now - 30)))


def unsigned(ec_key: SigningKey) -> str:
    return f"{b64json({'alg': 'none', 'kid': ec_key.kid})}.{b64json(claims())}."


def hmac_signed_with_the_public_key(ec_key: SigningKey) -> str:
    signing_input = f"{b64json({'alg': 'HS256', 'kid': ec_key.kid})}.{b64json(claims())}"
    mac = hmac.new(ec_key.public_pem(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(mac)}"


def tampered(ec_key: SigningKey) -> str:
    header, _, signature = ec_key.sign(claims()).split(".")
    return f"{header}.{b64json(claims(agency='police'))}.{signature}"


def signed_by_another_key(ec_key: SigningKey) -> str:
    return SigningKey.ec(ec_key.kid).sign(claims())


def without_kid(ec_key: SigningKey) -> str:
    assert ec_key.key.kid is None, "the signing key itself names no kid"
    token: bytes = SIGNER.encode({"alg": "ES256"}, claims(), ec_key.key)
    return token.decode()


def rejected(make_token: Callable[[SigningKey], str], reason: str, name: str) -> Any:
    return pytest.param(make_token, reason, id=name)


REJECTED = [
    rejected(unsigned, "algorithm not allowed", "unsigned (alg none)"),
    rejected(
        hmac_signed_with_the_public_key, "algorithm not allowed", "HS256 keyed with the public key"
    ),
    rejected(tampered, "signature does not verify", "tampered payload"),
    rejected(signed_by_another_key, "signature does not verify", "signed by another key"),
    rejected(lambda k: k.sign(claims(iss="https://evil.example")), "'iss'", "wrong issuer"),
    rejected(lambda k: k.sign(claims(aud="another-api")), "'aud'", "wrong audience"),
    rejected(lambda k: k.sign(claims(exp=None)), "'exp'", "no expiry"),
    rejected(
        lambda k: k.sign(claims(exp=int(time.time()) - 61)), "expired", "expired beyond the leeway"
    ),
    rejected(
        lambda k: k.sign(claims(nbf=int(time.time()) + 600)), "not valid yet", "nbf in the future"
    ),
    rejected(lambda k: k.sign(claims(), kid="no-such-key"), "unknown key", "unknown kid"),
    rejected(without_kid, "no key id", "no kid"),
    rejected(lambda k: k.sign(claims(agency="tax-agency")), "agency", "unknown agency"),
    rejected(lambda k: k.sign(claims(organisation=None)), "organisation", "no organisation"),
    rejected(lambda k: k.sign(claims(client_id="")), "client_id", "empty client_id"),
    rejected(
        lambda k: k.sign(claims(organisation="o" * 201)), "organisation claim is longer", "long org"
    ),
    rejected(lambda k: k.sign(claims(user="u" * 201)), "user claim is longer", "long user"),
    rejected(lambda k: k.sign(claims(), kid="rsa-1"), "algorithm", "ES256 on an RSA key's kid"),
    rejected(lambda k: k.sign(claims()) + ".x.y", "malformed", "five parts (JWE shape)"),
    rejected(lambda k: "not-a-token", "malformed", "not a JWT at all"),
]


@pytest.mark.parametrize(("make_token", "reason"), REJECTED)
async def test_a_token_is_rejected_with_a_safe_reason_when_it_has(
    validator: TokenValidator,
    ec_key: SigningKey,
    make_token: Callable[[SigningKey], str],
    reason: str,
) -> None:
    token = make_token(ec_key)
    with pytest.raises(InvalidToken, match=reason) as rejection:
        await validator.validate(token)
    assert token not in rejection.value.reason


@pytest.mark.parametrize("leeway", [-1, 301])
def test_a_leeway_outside_zero_to_five_minutes_is_refused(leeway: int) -> None:
    with pytest.raises(ValueError, match="leeway"):
        TokenValidator(ISSUER, AUDIENCE, StaticKeySource({"keys": []}), leeway_seconds=leeway)


def test_an_empty_issuer_or_audience_is_refused() -> None:
    with pytest.raises(ValueError, match="issuer and audience"):
        TokenValidator("", AUDIENCE, StaticKeySource({"keys": []}))


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class JwksServer:
    """A real HTTP server on a free local port publishing a JWKS that tests can change."""

    def __init__(self) -> None:
        self.jwks: dict[str, Any] = {"keys": []}
        self.hits = 0
        self.failing = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits += 1
                body = json.dumps(server.jwks).encode()
                self.send_response(500 if server.failing else 200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/jwks.json"


@pytest.fixture
def jwks_server() -> Iterator[JwksServer]:
    server = JwksServer()
    thread = threading.Thread(target=server.http.serve_forever, daemon=True)
    thread.start()
    yield server
    server.http.shutdown()
    server.http.server_close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def remote(jwks_server: JwksServer, clock: FakeClock) -> Iterator[RemoteKeySource]:
    source = RemoteKeySource(
        jwks_server.url, ttl_seconds=300, min_refresh_interval_seconds=30, clock=clock
    )
    yield source
    source.close()


async def test_a_rotated_key_is_fetched_on_first_use(
    jwks_server: JwksServer, remote: RemoteKeySource, clock: FakeClock, ec_key: SigningKey
) -> None:
    validator = TokenValidator(ISSUER, AUDIENCE, remote)
    jwks_server.jwks = jwks(ec_key)
    await validator.validate(ec_key.sign(claims()))
    assert jwks_server.hits == 1

    rotated = SigningKey.ec("ec-2")
    jwks_server.jwks = jwks(ec_key, rotated)
    clock.now += 30
    assert (await validator.validate(rotated.sign(claims()))).organisation == "malmo"
    assert jwks_server.hits == 2

    await validator.validate(ec_key.sign(claims()))
    assert jwks_server.hits == 2, "a known key is answered from memory"


async def test_a_flood_of_unknown_kids_fetches_at_most_once_per_interval(
    jwks_server: JwksServer, remote: RemoteKeySource, clock: FakeClock, ec_key: SigningKey
) -> None:
    validator = TokenValidator(ISSUER, AUDIENCE, remote)
    jwks_server.jwks = jwks(ec_key)

    async def flood() -> None:
        forged = [ec_key.sign(claims(), kid=uuid.uuid4().hex) for _ in range(25)]
        results = await asyncio.gather(
            *(validator.validate(token) for token in forged), return_exceptions=True
        )
        assert all(isinstance(result, InvalidToken) for result in results)

    await flood()
    assert jwks_server.hits == 1
    clock.now += 29
    await flood()
    assert jwks_server.hits == 1
    clock.now += 1
    await flood()
    assert jwks_server.hits == 2


async def test_the_key_set_is_fetched_again_once_its_ttl_has_passed(
    jwks_server: JwksServer, remote: RemoteKeySource, clock: FakeClock, ec_key: SigningKey
) -> None:
    validator = TokenValidator(ISSUER, AUDIENCE, remote)
    jwks_server.jwks = jwks(ec_key)
    await validator.validate(ec_key.sign(claims()))
    clock.now += 300
    jwks_server.jwks = jwks(SigningKey.ec("ec-2"))
    with pytest.raises(InvalidToken, match="unknown key"):
        await validator.validate(ec_key.sign(claims()))
    assert jwks_server.hits == 2


async def test_an_unreachable_issuer_leaves_the_last_good_keys_in_use(
    jwks_server: JwksServer, remote: RemoteKeySource, clock: FakeClock, ec_key: SigningKey
) -> None:
    validator = TokenValidator(ISSUER, AUDIENCE, remote)
    jwks_server.jwks = jwks(ec_key)
    await validator.validate(ec_key.sign(claims()))
    jwks_server.failing = True
    clock.now += 300
    await validator.validate(ec_key.sign(claims()))
    assert jwks_server.hits == 2


class _Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


async def test_a_remembered_token_is_refused_once_it_expires(ec_key: SigningKey) -> None:
    clock = _Clock()
    validator = TokenValidator(
        ISSUER, AUDIENCE, StaticKeySource(jwks(ec_key)), leeway_seconds=0, clock=clock
    )
    token = ec_key.sign(claims(exp=int(clock.now) + 60))

    first = await validator.validate(token)
    again = await validator.validate(token)
    clock.now += 61

    assert again == first
    with pytest.raises(InvalidToken, match="expired"):
        await validator.validate(token)


async def test_remembering_a_token_does_not_let_a_tampered_copy_through(
    validator: TokenValidator, ec_key: SigningKey
) -> None:
    token = ec_key.sign(claims())
    await validator.validate(token)
    header, _, signature = token.split(".")
    forged = f"{header}.{b64json(claims(agency='police'))}.{signature}"

    with pytest.raises(InvalidToken):
        await validator.validate(forged)
