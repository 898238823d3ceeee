"""Wiring of the social-services service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from avhopp_shared.access.categories import Category
from avhopp_shared.access.purge import Purger
from avhopp_shared.bus.base import Bus
from avhopp_shared.events.case_events import ApplicationReceived
from avhopp_shared.events.followup_events import IncidentReported
from avhopp_shared.events.police_events import RelapseReported
from avhopp_shared.service_app import ServiceDefinition, create_service_app
from avhopp_social.entrypoints import (
    action_plan_routes,
    children_routes,
    commission_routes,
    decision_routes,
    external_result_routes,
    linked_investigation_routes,
    needs_routes,
    responsibility_routes,
    screening_routes,
    task_routes,
)
from avhopp_social.entrypoints.routes import router, scope_router
from avhopp_social.service_layer.handlers import (
    on_application_received,
    on_incident_reported,
    on_relapse_reported,
)
from avhopp_social.service_layer.purgers import (
    purge_police_check_quotes,
    purge_police_relapse_reports,
)
from avhopp_social.settings import SocialSettings


def definition(settings: SocialSettings | None = None) -> ServiceDefinition:
    settings = settings or SocialSettings()
    rule = settings.deadline_rule
    return ServiceDefinition(
        settings=settings,
        title="avhopp social services",
        description="Investigation, assessments, aid decisions, action plan and commissioning.",
        owner_agency="social",
        migrations=Path(__file__).parent / "migrations",
        routers=[
            router,
            scope_router,
            decision_routes.router,
            commission_routes.router,
            action_plan_routes.router,
            screening_routes.router,
            needs_routes.router,
            external_result_routes.router,
            children_routes.router,
            responsibility_routes.router,
            task_routes.router,
            linked_investigation_routes.router,
        ],
        consumes={
            ApplicationReceived.event_type: on_application_received(rule),
            RelapseReported.event_type: on_relapse_reported,
            IncidentReported.event_type: on_incident_reported,
        },
        # What social services receive from police under the person's consent (the
        # relapse report), and how it is forgotten when the consent is withdrawn
        # (ACCESS.md, "Consent records"). Social services' own records are never
        # purged; a test checks that every category received has a purger here.
        purgers={
            # An open relapse task, once followup no longer brings the report in either.
            Category.CASE_REF.value: Purger("police", purge_police_relapse_reports),
            # The relapse itself: an open relapse task, and the check a completed one quotes.
            Category.FOLLOWUP.value: Purger("police", purge_police_check_quotes),
        },
    )


def create_app(settings: SocialSettings | None = None, bus: Bus | None = None) -> FastAPI:
    return create_service_app(definition(settings), bus)
