"""Wiring of the police threat-assessment service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from avhopp_shared.access.categories import Category
from avhopp_shared.access.purge import Purger, nothing_kept
from avhopp_shared.bus.base import Bus
from avhopp_shared.events.case_events import ApplicationReceived
from avhopp_shared.events.followup_events import IncidentReported
from avhopp_shared.events.social_events import InterventionsDecided
from avhopp_shared.service_app import ServiceDefinition, create_service_app
from avhopp_threat.entrypoints import (
    assessment_routes,
    break_glass_notice_routes,
    placement_routes,
    police_case_routes,
    security_incident_routes,
)
from avhopp_threat.entrypoints.routes import router
from avhopp_threat.service_layer.break_glass_notices import NOTICE_HANDLERS
from avhopp_threat.service_layer.handlers import (
    on_application_received,
    on_interventions_decided,
    purge_case_reference,
    purge_interventions_decision,
)
from avhopp_threat.service_layer.security_incidents import (
    on_incident_reported,
    purge_security_incidents,
)
from avhopp_threat.settings import ThreatSettings


def definition(settings: ThreatSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or ThreatSettings(),
        title="avhopp threat",
        description="Police: threat and risk assessment, placement, protection, the police case.",
        owner_agency="police",
        migrations=Path(__file__).parent / "migrations",
        routers=[
            router,
            assessment_routes.router,
            placement_routes.router,
            police_case_routes.router,
            security_incident_routes.router,
            break_glass_notice_routes.router,
        ],
        consumes={
            ApplicationReceived.event_type: on_application_received,
            InterventionsDecided.event_type: on_interventions_decided,
            IncidentReported.event_type: on_incident_reported,
            # Police's notice of a break-glass grant over their records, kept with the
            # grant itself (ACCESS.md, "Consent records": the data owner is notified).
            **NOTICE_HANDLERS,
        },
        # What police receive from social services under the person's consent, and
        # how each is forgotten when the consent is withdrawn (ACCESS.md, "Consent
        # records"). Police's own records (assessments, the police case) are never
        # purged; a test checks that every category received has a purger here.
        purgers={
            # The pending assessment task (the application's case reference).
            Category.CASE_REF.value: Purger("social", purge_case_reference),
            # The application says whether the applicant is under 18; police keep none of it.
            Category.IDENTITY.value: Purger("social", nothing_kept),
            # *That* social services decided on interventions (the police case's condition).
            Category.DECISION_SUMMARY.value: Purger("social", purge_interventions_decision),
            # Security incidents from follow-up.
            Category.FOLLOWUP.value: Purger("social", purge_security_incidents),
        },
    )


def create_app(settings: ThreatSettings | None = None, bus: Bus | None = None) -> FastAPI:
    return create_service_app(definition(settings), bus)
