from __future__ import annotations

from typing import ClassVar

import pytest
from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict

from avhopp_shared.bus.factory import LoneBusError, build_bus
from avhopp_shared.bus.inprocess import InProcessBus
from avhopp_shared.settings import ServiceSettings


class ExampleSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="AVHOPP_EXAMPLE_")
    service_name: ClassVar[str] = "example"
    default_port: ClassVar[int] = 8099


def test_a_platform_wide_variable_applies_to_every_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVHOPP_BUS", "kafka")
    monkeypatch.setenv("AVHOPP_AUTH_JWKS_URL", "https://idp.test/certs")  # required with Kafka
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


SCALED_OUT = {
    "AVHOPP_BUS": "kafka",
    "AVHOPP_KAFKA_BOOTSTRAP_SERVERS": "kafka:9092",
    "AVHOPP_EXAMPLE_DATABASE_URL": "postgresql+asyncpg://u@db/example",
}


def _scaled_out(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SCALED_OUT.items():
        monkeypatch.setenv(name, value)


def test_the_test_environment_with_postgresql_and_kafka_refuses_to_start_without_a_jwks_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _scaled_out(monkeypatch)
    monkeypatch.setenv("AVHOPP_ENVIRONMENT", "test")
    with pytest.raises(ValidationError, match="AVHOPP_AUTH_JWKS_URL must be set"):
        ExampleSettings()


def test_an_unset_environment_with_postgresql_and_kafka_refuses_to_start_without_a_jwks_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _scaled_out(monkeypatch)
    with pytest.raises(ValidationError, match="trusted only in embedded development"):
        ExampleSettings()


def test_the_test_environment_refuses_the_local_issuer_even_on_sqlite_without_the_opt_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AVHOPP_ENVIRONMENT", "test")
    monkeypatch.setenv("AVHOPP_EXAMPLE_DATABASE_URL", "sqlite+aiosqlite:///var/example.db")
    with pytest.raises(ValidationError, match="AVHOPP_AUTH_JWKS_URL must be set"):
        ExampleSettings()


def test_the_local_issuer_opt_in_for_tests_is_refused_in_production(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _scaled_out(monkeypatch)
    monkeypatch.setenv("AVHOPP_ENVIRONMENT", "production")
    monkeypatch.setenv("AVHOPP_AUTH_LOCAL_ISSUER_FOR_TESTS", "true")
    with pytest.raises(ValidationError, match="AVHOPP_AUTH_LOCAL_ISSUER_FOR_TESTS"):
        ExampleSettings()
    # Not even beside a JWKS URL: the switch has no place in a deployment.
    monkeypatch.setenv("AVHOPP_AUTH_JWKS_URL", "https://idp.test/certs")
    with pytest.raises(ValidationError, match="refused in production"):
        ExampleSettings()


def test_the_test_suite_runs_distributed_on_the_local_issuer_only_by_its_opt_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _scaled_out(monkeypatch)
    monkeypatch.setenv("AVHOPP_ENVIRONMENT", "test")
    monkeypatch.setenv("AVHOPP_AUTH_LOCAL_ISSUER_FOR_TESTS", "true")
    assert ExampleSettings().trusts_local_issuer


def test_a_jwks_url_lets_a_scaled_out_service_start_and_the_local_issuer_is_not_trusted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _scaled_out(monkeypatch)
    monkeypatch.setenv("AVHOPP_ENVIRONMENT", "test")
    monkeypatch.setenv("AVHOPP_AUTH_JWKS_URL", "https://idp.test/certs")
    assert not ExampleSettings().trusts_local_issuer


def test_embedded_development_trusts_the_local_issuer_by_default() -> None:
    settings = ExampleSettings()
    assert settings.is_embedded_development
    assert settings.trusts_local_issuer


def test_a_scaled_out_service_outside_development_must_name_its_kafka_brokers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _scaled_out(monkeypatch)
    monkeypatch.delenv("AVHOPP_KAFKA_BOOTSTRAP_SERVERS")
    monkeypatch.setenv("AVHOPP_ENVIRONMENT", "production")
    monkeypatch.setenv("AVHOPP_AUTH_JWKS_URL", "https://idp.test/certs")
    with pytest.raises(ValidationError, match="AVHOPP_KAFKA_BOOTSTRAP_SERVERS must be set"):
        ExampleSettings()
    monkeypatch.setenv("AVHOPP_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    assert ExampleSettings().kafka_bootstrap_servers == "kafka:9092"


def test_a_service_started_alone_outside_development_refuses_the_in_process_bus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Alone on its own in-process bus, its relay would mark every event sent that
    # no other service can receive.
    monkeypatch.setenv("AVHOPP_ENVIRONMENT", "production")
    monkeypatch.setenv("AVHOPP_EXAMPLE_DATABASE_URL", "postgresql+asyncpg://u@db/example")
    monkeypatch.setenv("AVHOPP_AUTH_JWKS_URL", "https://idp.test/certs")
    with pytest.raises(LoneBusError, match="AVHOPP_BUS=kafka must be set"):
        build_bus(ExampleSettings(), ["avhopp.for-social.case"])
    monkeypatch.setenv("AVHOPP_ENVIRONMENT", "development")
    assert isinstance(build_bus(ExampleSettings(), ["avhopp.for-social.case"]), InProcessBus)
