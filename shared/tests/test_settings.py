from __future__ import annotations

from typing import ClassVar

import pytest
from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict

from avhopp_shared.settings import ServiceSettings


class ExampleSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="AVHOPP_EXAMPLE_")
    service_name: ClassVar[str] = "example"
    default_port: ClassVar[int] = 8099


def test_a_platform_wide_variable_applies_to_every_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVHOPP_BUS", "kafka")
    assert ExampleSettings().bus == "kafka"


def test_the_service_prefix_wins_over_the_platform_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVHOPP_BUS", "kafka")
    monkeypatch.setenv("AVHOPP_EXAMPLE_BUS", "inprocess")
    assert ExampleSettings().bus == "inprocess"


def test_the_database_url_is_never_shared_through_the_platform_prefix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AVHOPP_DATABASE_URL", "postgresql+asyncpg://shared/db")
    settings = ExampleSettings()
    assert settings.resolved_database_url == "sqlite+aiosqlite:///var/example.db"
    assert settings.should_auto_migrate


def test_outside_development_the_database_must_be_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVHOPP_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="AVHOPP_EXAMPLE_DATABASE_URL must be set"):
        ExampleSettings()
    monkeypatch.setenv("AVHOPP_EXAMPLE_DATABASE_URL", "postgresql+asyncpg://u@db/example")
    monkeypatch.setenv("AVHOPP_AUTH_JWKS_URL", "https://idp.test/certs")
    settings = ExampleSettings()
    assert not settings.should_auto_migrate
    assert settings.resolved_port == 8099


def test_production_refuses_the_local_demo_issuer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVHOPP_ENVIRONMENT", "production")
    monkeypatch.setenv("AVHOPP_EXAMPLE_DATABASE_URL", "postgresql+asyncpg://u@db/example")
    with pytest.raises(ValidationError, match="AVHOPP_AUTH_JWKS_URL must be set"):
        ExampleSettings()
