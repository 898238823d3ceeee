from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from avhopp_shared.settings import ServiceSettings


class ThreatSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="AVHOPP_THREAT_")

    service_name: ClassVar[str] = "threat"
    default_port: ClassVar[int] = 8002
