from __future__ import annotations

from avhopp_followup.adapters.timeline_repository import TimelineRepository
from avhopp_followup.domain.timeline import CaseTimeline, start_timeline
from avhopp_followup.service_layer.exits import start_exit
from avhopp_followup.service_layer.isu_facts import start_isu_case
from avhopp_followup.service_layer.phases import start_case_phases
from avhopp_followup.service_layer.timeline_notes import note_consents_before_the_timeline
from avhopp_shared.access.responsibility_copy import record_receiving_municipality
from avhopp_shared.errors import NotFound
from avhopp_shared.events.case_events import ApplicationReceived, EventPayload
from avhopp_shared.events.envelope import EventEnvelope, utcnow
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.uow import UnitOfWork


async def on_application_received(
    uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
) -> None:
    assert isinstance(payload, ApplicationReceived)
    timeline = start_timeline(payload, envelope.id, envelope.acting_agency, utcnow())
    if not await TimelineRepository(uow.session).add_new(timeline):
        return
    # The Swedish day it arrived, whatever offset the sender wrote: phase lengths,
    # the acute deadline and the ISU period all count Swedish days.
    received_on = today_in_sweden(payload.received_at)
    await start_case_phases(uow, payload.case_id, received_on)
    await start_exit(uow, payload.case_id, payload.previous_case_id)
    await start_isu_case(
        uow, payload.case_id, payload.municipality, received_on, payload.previous_case_id
    )
    await record_receiving_municipality(uow, payload.case_id, payload.municipality)
    await note_consents_before_the_timeline(uow, payload.case_id)


async def get_timeline(uow: UnitOfWork, case_id: str) -> CaseTimeline:
    async with uow:
        timeline = await TimelineRepository(uow.session).get(case_id)
    if timeline is None:
        raise NotFound("timeline", case_id)
    return timeline
