from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from avhopp_shared.settings import ServiceSettings


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
    investigation_deadline_skips_weekends: bool = Field(
        default=False,
        description="Count the period in working days (Monday to Friday) rather than calendar time.",
    )
