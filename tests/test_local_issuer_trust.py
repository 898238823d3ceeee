"""A service trusts the local demo issuer only in embedded development, or by the
test suite's own opt-in; anywhere else it refuses to start without a JWKS URL."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from avhopp_intake.app import create_app
from avhopp_intake.settings import IntakeSettings
from avhopp_shared.auth.local_issuer import DEMO_CLIENTS
from avhopp_shared.security_wiring import local_issuer_for
from avhopp_shared.settings import LocalIssuerRefused

POSTGRES_URL = "postgresql+asyncpg://avhopp_intake:pw@postgres:5432/avhopp_intake"


@pytest.fixture(autouse=True)
def _no_platform_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("AVHOPP_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AVHOPP_VAR_DIR", str(tmp_path))


def _scaled_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVHOPP_BUS", "kafka")
    monkeypatch.setenv("AVHOPP_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    monkeypatch.setenv("AVHOPP_INTAKE_DATABASE_URL", POSTGRES_URL)
    monkeypatch.setenv("AVHOPP_AUTO_MIGRATE", "false")


@pytest.mark.parametrize("environment", ["test", None])
def test_a_service_on_postgresql_and_kafka_refuses_to_start_without_a_jwks_url(
    environment: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _scaled_out(monkeypatch)
    if environment is not None:
        monkeypatch.setenv("AVHOPP_ENVIRONMENT", environment)

    with pytest.raises(ValidationError, match="AVHOPP_AUTH_JWKS_URL must be set"):
        create_app()
    # Nothing was trusted: no signing key was created on the host.
    assert not (tmp_path / "issuer").exists()


def test_a_development_service_on_postgresql_refuses_to_start_without_a_jwks_url(
    tmp_path: Path,
) -> None:
    # Constructible (the migrate command needs no issuer), but never served.
    settings = IntakeSettings(database_url=POSTGRES_URL, auto_migrate=False)

    with pytest.raises(LocalIssuerRefused, match="trusted only in embedded development"):
        create_app(settings)
    assert not (tmp_path / "issuer").exists()


async def test_embedded_development_still_starts_with_the_local_issuer(tmp_path: Path) -> None:
    settings = IntakeSettings()
    app = create_app(settings)
    token = local_issuer_for(settings).mint(DEMO_CLIENTS["police-syd"])

    caller = await app.state.token_validator.validate(token)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake.test") as client:
        jwks = await client.get("/.well-known/jwks.json")

    assert settings.is_embedded_development
    assert caller.client_id == "police-syd"
    assert jwks.status_code == 200
    assert (tmp_path / "issuer" / "es256.pem").exists()
