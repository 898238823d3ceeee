from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from avhopp_followup.domain.phases import ACUTE_EXPECTED
from avhopp_shared.settings import ServiceSettings


class FollowupSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="AVHOPP_FOLLOWUP_")

    service_name: ClassVar[str] = "followup"
    default_port: ClassVar[int] = 8004

    acute_expected: timedelta = Field(
        default=ACUTE_EXPECTED,
        gt=timedelta(0),
        description=(
            "How long the acute phase is expected to last before a case is listed as "
            "stuck in it (seed 000: 1-4 weeks); ISO 8601 duration, e.g. P28D."
        ),
    )
