from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated, Any, ClassVar

from pydantic import Field, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from avhopp_shared.auth.caller import Agency
from avhopp_shared.auth.demo_clients import DEMO_CLIENTS
from avhopp_shared.settings import ServiceSettings
from avhopp_social.domain.investigation import DeadlineRule


class SocialSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="AVHOPP_SOCIAL_")

    service_name: ClassVar[str] = "social"
    default_port: ClassVar[int] = 8003

    investigation_start_within: timedelta = Field(
        default=timedelta(days=1),
        gt=timedelta(0),
        description=(
            "How soon after the application the investigation must be started "
            "(11 kap. 1 § SoL: 'utan dröjsmål'); ISO 8601 duration, e.g. P1D or PT8H."
        ),
    )
    known_providers: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description=(
            "The provider organisations the municipality may commission (as their tokens "
            "name them, the ``organisation`` claim): comma-separated, or a JSON array. "
            "Required in production; outside production, empty means the demo providers."
        ),
    )
    investigation_deadline_skips_weekends: bool = Field(
        default=False,
        description="Count the period in working days (Monday to Friday) rather than calendar time.",
    )

    @field_validator("known_providers", mode="before")
    @classmethod
    def _providers_from_text(cls, value: Any) -> Any:
        # From the environment: "a,b" or, for a name that holds a comma, '["a","b"]'.
        if not isinstance(value, str):
            return value
        if value.lstrip().startswith("["):
            return json.loads(value)
        return tuple(name.strip() for name in value.split(",") if name.strip())

    @model_validator(mode="after")
    def _providers_known_in_production(self) -> SocialSettings:
        # Without the list every commission is refused (PROCESS.md, actors: social
        # services commission providers), and in production the demo providers are
        # never stood in: a deployment error, told at start rather than per request.
        if self.environment == "production" and not self.known_providers:
            raise ValueError(
                "AVHOPP_SOCIAL_KNOWN_PROVIDERS must be set in production: the provider "
                "organisations the municipality may commission, comma-separated"
            )
        return self

    @property
    def deadline_rule(self) -> DeadlineRule:
        """The local reading of "without delay", for every investigation opened here."""
        return DeadlineRule(
            within=self.investigation_start_within,
            skip_weekends=self.investigation_deadline_skips_weekends,
        )

    @property
    def providers(self) -> frozenset[str]:
        """Who may be commissioned: the configured list, or outside production the demo
        providers of the local issuer."""
        if self.known_providers or self.environment == "production":
            return frozenset(self.known_providers)
        return frozenset(
            client.organisation
            for client in DEMO_CLIENTS.values()
            if client.agency is Agency.PROVIDER
        )
