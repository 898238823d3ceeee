"""Wiring of the follow-up service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from avhopp_followup.entrypoints import (
    exit_routes,
    isu_routes,
    meeting_routes,
    phase_routes,
    provider_report_routes,
)
from avhopp_followup.entrypoints.routes import router
from avhopp_followup.service_layer.commissions import on_provider_commissioned
from avhopp_followup.service_layer.exits import (
    on_exit_completed,
    on_police_case_aborted,
    on_police_case_opened,
)
from avhopp_followup.service_layer.handlers import on_application_received
from avhopp_followup.service_layer.isu_facts import ISU_HANDLERS
from avhopp_followup.service_layer.meetings import on_action_plan_updated
from avhopp_followup.service_layer.purgers import (
    purge_police_case_reference,
    purge_police_followup,
    purge_police_threat,
)
from avhopp_followup.service_layer.timeline_notes import TIMELINE_OBSERVERS
from avhopp_followup.settings import FollowupSettings
from avhopp_shared.access.categories import Category
from avhopp_shared.access.purge import Purger
from avhopp_shared.access.responsibility_copy import RESPONSIBILITY_HANDLERS
from avhopp_shared.bus.base import Bus
from avhopp_shared.events.case_events import ApplicationReceived
from avhopp_shared.events.police_events import ExitCompleted, PoliceCaseAborted, PoliceCaseOpened
from avhopp_shared.events.social_events import ActionPlanUpdated, ProviderCommissioned
from avhopp_shared.service_app import ServiceDefinition, create_service_app


def definition(settings: FollowupSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or FollowupSettings(),
        title="avhopp follow-up",
        description="Follow-up, provider reports, relapse, abort/complete, statistics (ISU).",
        owner_agency="social",
        migrations=Path(__file__).parent / "migrations",
        routers=[
            router,
            phase_routes.router,
            provider_report_routes.router,
            exit_routes.router,
            meeting_routes.router,
            isu_routes.router,
        ],
        consumes={
            ApplicationReceived.event_type: on_application_received,
            ProviderCommissioned.event_type: on_provider_commissioned,
            PoliceCaseOpened.event_type: on_police_case_opened,
            PoliceCaseAborted.event_type: on_police_case_aborted,
            ExitCompleted.event_type: on_exit_completed,
            ActionPlanUpdated.event_type: on_action_plan_updated,
            **RESPONSIBILITY_HANDLERS,
            **ISU_HANDLERS,
        },
        observes=TIMELINE_OBSERVERS,
        # What follow-up receives from police under the person's consent, and how it
        # is forgotten when the consent is withdrawn (ACCESS.md, "Consent records").
        # Social services' own records are never purged; a test checks that every
        # category received has a purger here.
        purgers={
            # Police's milestones, the exit as police ended it, ISU facts from them.
            Category.CASE_REF.value: Purger("police", purge_police_case_reference),
            # Police's relapse reports and their reason for an abort.
            Category.FOLLOWUP.value: Purger("police", purge_police_followup),
            # Police's threat level changes on the timeline.
            Category.THREAT.value: Purger("police", purge_police_threat),
        },
    )


def create_app(settings: FollowupSettings | None = None, bus: Bus | None = None) -> FastAPI:
    return create_service_app(definition(settings), bus)
