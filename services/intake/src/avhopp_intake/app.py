"""Wiring of the intake service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from avhopp_intake.entrypoints.access_routes import router as access_router
from avhopp_intake.entrypoints.consent_routes import router as consent_router
from avhopp_intake.entrypoints.routes import router
from avhopp_intake.service_layer.responsibility import (
    on_responsibility_recorded,
    on_responsibility_transferred,
)
from avhopp_intake.settings import IntakeSettings
from avhopp_shared.bus.base import Bus
from avhopp_shared.events.social_events import ResponsibilityRecorded, ResponsibilityTransferred
from avhopp_shared.service_app import ServiceDefinition, create_service_app


def definition(settings: IntakeSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or IntakeSettings(),
        title="avhopp intake",
        description="Applications and referrals, consent records and the case registry.",
        # Social services receive the application (004 Del 2, "Ansökan").
        owner_agency="social",
        migrations=Path(__file__).parent / "migrations",
        routers=[router, consent_router, access_router],
        # Social services' copy of who answers for each case (2 a kap. SoL).
        consumes={
            ResponsibilityRecorded.event_type: on_responsibility_recorded,
            ResponsibilityTransferred.event_type: on_responsibility_transferred,
        },
    )


def create_app(settings: IntakeSettings | None = None, bus: Bus | None = None) -> FastAPI:
    return create_service_app(definition(settings), bus)
