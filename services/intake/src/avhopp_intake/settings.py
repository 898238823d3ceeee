from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from avhopp_shared.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="AVHOPP_INTAKE_")

    service_name: ClassVar[str] = "intake"
    default_port: ClassVar[int] = 8001
