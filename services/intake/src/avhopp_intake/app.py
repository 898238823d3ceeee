"""Wiring of the intake service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from avhopp_intake.entrypoints.access_alert_routes import router as alert_router
from avhopp_intake.entrypoints.access_routes import router as access_router
from avhopp_intake.entrypoints.consent_routes import router as consent_router
from avhopp_intake.entrypoints.routes import router
from avhopp_intake.service_layer.access_alerts import on_protected_location_read
from avhopp_intake.service_layer.started_grants import start_sweep
from avhopp_intake.settings import IntakeSettings
from avhopp_shared.access.responsibility_copy import RESPONSIBILITY_HANDLERS
from avhopp_shared.bus.base import Bus
from avhopp_shared.events.access_events import ProtectedLocationRead
from avhopp_shared.service_app import ServiceDefinition, create_service_app


def definition(settings: IntakeSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or IntakeSettings(),
        title="avhopp intake",
        description="Applications and referrals, consent records and the case registry.",
        # Social services receive the application (004 Del 2, "Ansökan").
        owner_agency="social",
        migrations=Path(__file__).parent / "migrations",
        routers=[router, consent_router, access_router, alert_router],
        consumes={
            # Social services' copy of who answers for each case (2 a kap. SoL).
            **RESPONSIBILITY_HANDLERS,
            # The case owner's notice of every read of the new home town (ACCESS.md).
            ProtectedLocationRead.event_type: on_protected_location_read,
        },
        # Grants recorded to start later reach police when they start (started_grants).
        periodic=[start_sweep],
    )


def create_app(settings: IntakeSettings | None = None, bus: Bus | None = None) -> FastAPI:
    return create_service_app(definition(settings), bus)
