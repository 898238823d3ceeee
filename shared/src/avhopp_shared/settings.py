"""Settings: one class per service, read from environment variables.

Each service subclasses :class:`ServiceSettings` with its own prefix
(``AVHOPP_INTAKE_`` …). Platform-wide values may also be given once with the
plain ``AVHOPP_`` prefix (``AVHOPP_BUS=kafka``); the service prefix wins.
The database URL and port are never taken from the plain prefix: two services
must not share tables by accident.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

PLATFORM_PREFIX = "AVHOPP_"
_PER_SERVICE_ONLY = frozenset({"database_url", "port"})


class _PlatformEnvSource(EnvSettingsSource):
    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        if field_name in _PER_SERVICE_ONLY:
            return None, field_name, False
        return super().get_field_value(field, field_name)


class LocalIssuerRefused(ValueError):
    """Tokens would be trusted from the local demo issuer where it must not be."""


class ServiceSettings(BaseSettings):
    # Read as AVHOPP_… also where no service prefix is set (the token command, which
    # must mint for the settings `make run` reads, never for a bare ENVIRONMENT).
    model_config = SettingsConfigDict(
        extra="ignore", env_ignore_empty=True, env_prefix=PLATFORM_PREFIX
    )

    service_name: ClassVar[str] = "service"
    default_port: ClassVar[int] = 8000

    environment: Literal["development", "test", "production"] = "development"
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy async URL; defaults to a SQLite file under var_dir in development.",
    )
    auto_migrate: bool | None = Field(
        default=None, description="Run Alembic migrations at start; default: only on SQLite."
    )
    var_dir: Path = Path("var")
    bus: Literal["inprocess", "kafka"] = "inprocess"
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_partitions: int = Field(default=6, ge=1)
    kafka_replication_factor: int = Field(default=1, ge=1)
    kafka_session_timeout_ms: int = Field(default=30_000, ge=1000)
    kafka_heartbeat_interval_ms: int = Field(default=3_000, ge=100)
    kafka_rebalance_timeout_ms: int = Field(default=30_000, ge=1000)
    kafka_metadata_max_age_ms: int = Field(default=60_000, ge=500)
    kafka_fetch_max_wait_ms: int = Field(
        default=500,
        ge=1,
        description=(
            "Longest a consumer's fetch waits for data. Kafka answers as soon as a record "
            "arrives; a broker that sleeps out the whole wait needs a small value."
        ),
    )
    host: str = "127.0.0.1"
    port: int | None = Field(default=None, ge=1, le=65535)
    public_base_url: str | None = None
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    relay_batch_size: int = Field(default=500, ge=1)
    relay_poll_seconds: float = Field(default=1.0, gt=0)
    access_expiry_sweep_seconds: float = Field(
        default=30.0,
        gt=0,
        description=(
            "How often a service purges what it holds under consents, legal bases and "
            "break-glass grants that have ended by time (access.expiry_sweep), and intake "
            "sends police the cases grants that started later opened to them."
        ),
    )
    audit_anchor_seconds: float = Field(
        default=60.0,
        gt=0,
        description=(
            "How often the audit chain's head is written to the log when it has moved: "
            "the anchor verify-audit --anchor checks (access.audit_anchor)."
        ),
    )
    relay_backoff_initial_seconds: float = Field(default=0.1, gt=0)
    relay_backoff_max_seconds: float = Field(default=15.0, gt=0)
    consumer_backoff_max_seconds: float = Field(default=15.0, gt=0)
    log_level: str = "INFO"
    gc_freeze_after_start: bool = Field(
        default=True,
        description=(
            "Keep the objects made at start-up out of the cycle collector's walks "
            "(gc.freeze); off in the test suite, which starts hundreds of services."
        ),
    )
    auth_issuer: str = Field(
        default="avhopp-local", description="Expected ``iss`` of bearer tokens."
    )
    auth_audience: str = Field(default="avhopp", description="Expected ``aud`` of bearer tokens.")
    auth_jwks_url: str | None = Field(
        default=None,
        description=(
            "The issuer's JWKS. Required everywhere but the embedded development setup "
            "(development, SQLite, in-process bus), where the platform's own local "
            "issuer signs and verifies."
        ),
    )
    auth_local_issuer_for_tests: bool = Field(
        default=False,
        description=(
            "Trust the local demo issuer without a JWKS URL outside embedded development: "
            "only for the test suite's distributed runs, never for a deployment. "
            "Refused in production."
        ),
    )
    auth_leeway_seconds: int = Field(default=60, ge=0, le=300)
    policy_engine: Literal["regorus", "opa"] = "regorus"
    opa_url: str | None = Field(default=None, description="OPA server, when policy_engine=opa.")
    policies_dir: Path | None = Field(
        default=None, description="Rego policies and data; defaults to the repository's policies/."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        platform_env = _PlatformEnvSource(settings_cls, env_prefix=PLATFORM_PREFIX)
        return init_settings, env_settings, platform_env, file_secret_settings

    @model_validator(mode="after")
    def _no_defaults_outside_development(self) -> ServiceSettings:
        # Outside development nothing may fall back to a local default: the
        # database (and the credentials in its URL) must be given explicitly.
        if self.environment != "development" and not self.database_url:
            prefix = self.model_config.get("env_prefix", PLATFORM_PREFIX)
            raise ValueError(
                f"{prefix}DATABASE_URL must be set when environment is not development"
            )
        if self.environment == "production" and self.auth_local_issuer_for_tests:
            raise ValueError(
                "AVHOPP_AUTH_LOCAL_ISSUER_FOR_TESTS is for the test suite only and is "
                "refused in production"
            )
        if self.environment == "production" and not self.auth_jwks_url:
            # The local issuer's key sits on the service's own disk: fine for a
            # demo, never for real cases.
            raise ValueError("AVHOPP_AUTH_JWKS_URL must be set in production")
        if self.environment != "development" or self.bus == "kafka":
            # Settings that can only describe a deployment are refused at once.
            # Development with PostgreSQL and the in-process bus is refused where
            # the issuer would be trusted (security_wiring), not here: the
            # migrate and verify-audit commands trust no token and need no issuer.
            self.check_local_issuer_allowed()
        if (
            self.environment != "development"
            and self.bus == "kafka"
            and "kafka_bootstrap_servers" not in self.model_fields_set
        ):
            raise ValueError(
                "AVHOPP_KAFKA_BOOTSTRAP_SERVERS must be set when environment is not development"
            )
        if self.policy_engine == "opa" and not self.opa_url:
            raise ValueError("AVHOPP_OPA_URL must be set when policy_engine is opa")
        return self

    @property
    def is_embedded_development(self) -> bool:
        """The one-process demo: development, SQLite files and the in-process bus."""
        return self.environment == "development" and self.is_sqlite and self.bus == "inprocess"

    @property
    def trusts_local_issuer(self) -> bool:
        """Tokens are verified with the local issuer's key (and its JWKS is served).

        Anyone who can read that key, or run the demo token command on the
        host, mints tokens for any agency: so only the embedded demo, or the
        test suite by its explicit opt-in, goes without an identity provider.
        """
        if self.auth_jwks_url:
            return False
        return self.is_embedded_development or self.auth_local_issuer_for_tests

    def check_local_issuer_allowed(self) -> None:
        """Raise unless tokens come from a JWKS URL or the local issuer may be trusted."""
        if self.auth_jwks_url or self.trusts_local_issuer:
            return
        raise LocalIssuerRefused(
            "AVHOPP_AUTH_JWKS_URL must be set: the local demo issuer is trusted only in "
            "embedded development (environment development, SQLite, the in-process bus), "
            f"not with environment={self.environment}, bus={self.bus} and "
            f"{'SQLite' if self.is_sqlite else 'a server database'}"
        )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.var_dir / (self.service_name + '.db')}"

    @property
    def resolved_port(self) -> int:
        return self.port if self.port is not None else self.default_port

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def should_auto_migrate(self) -> bool:
        return self.is_sqlite if self.auto_migrate is None else self.auto_migrate

    @property
    def source_uri(self) -> str:
        """The CloudEvents ``source`` of everything this service emits."""
        return f"/avhopp/{self.service_name}"

    @property
    def issuer_key_path(self) -> Path:
        """The local issuer's signing key (created on first start; never committed)."""
        return self.var_dir / "issuer" / "es256.pem"

    @property
    def consumer_group(self) -> str:
        return f"avhopp.{self.service_name}"
