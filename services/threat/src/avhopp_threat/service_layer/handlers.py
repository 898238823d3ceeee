from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlmodel import col

from avhopp_shared.access.event_gate import disclosed
from avhopp_shared.errors import NotFound
from avhopp_shared.events.case_events import ApplicationReceived, EventPayload
from avhopp_shared.events.envelope import EventEnvelope, utcnow
from avhopp_shared.events.social_events import InterventionsDecided
from avhopp_shared.uow import UnitOfWork
from avhopp_threat.adapters.police_records import PoliceRecords
from avhopp_threat.adapters.tables import InterventionsDecisionRecord
from avhopp_threat.adapters.task_repository import TaskRepository
from avhopp_threat.domain.assessment_task import (
    TaskStatus,
    ThreatAssessmentTask,
    request_assessment,
)


async def on_application_received(
    uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
) -> None:
    """A pending assessment task, when the gate lets police know of the case and when it
    arrived (``case_ref``). A consent covering another category alone (``identity``,
    say) hands over no case reference: police then hold no task, as without any
    consent, and the event is done with rather than failing on every delivery."""
    assert isinstance(payload, ApplicationReceived)
    if disclosed(payload, "case_id", "received_at", "out_of_hours"):
        await TaskRepository(uow.session).add_new(request_assessment(payload, utcnow()))


async def on_interventions_decided(
    uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
) -> None:
    """Record *that* social services decided (a condition of the police case). Without a
    consent for ``decision_summary`` the gate hands over the case id alone: nothing is
    recorded, and the condition stays unmet, as it should."""
    assert isinstance(payload, InterventionsDecided)
    if disclosed(payload, "decided_on", "intervention_types"):
        # The case by the envelope's subject: a consent to ``decision_summary``
        # without ``case_ref`` withholds the payload's case id.
        await PoliceRecords(uow.session).record_interventions_decided(
            envelope.subject, payload.decided_on, payload.intervention_types
        )


async def purge_case_reference(uow: UnitOfWork, case_id: str, still_allowed: frozenset[str]) -> int:
    """Police hold a pending task only because a consent let them know of the case."""
    return await TaskRepository(uow.session).delete_pending(case_id)


async def purge_interventions_decision(
    uow: UnitOfWork, case_id: str, still_allowed: frozenset[str]
) -> int:
    """*That* social services decided came under the consent covering ``decision_summary``:
    withdrawn, police no longer hold it, and the police case's condition on it is unmet
    again (ACCESS.md, "Consent records"). A police case already opened on it stays:
    that is police's own record."""
    result = await uow.session.exec(
        delete(InterventionsDecisionRecord).where(
            col(InterventionsDecisionRecord.case_id) == case_id
        )
    )
    return int(result.rowcount or 0)


async def get_task(uow: UnitOfWork, case_id: str) -> ThreatAssessmentTask:
    async with uow:
        task = await TaskRepository(uow.session).get(case_id)
    if task is None:
        raise NotFound("threat assessment", case_id)
    return task


async def task_queue(
    uow: UnitOfWork, status: TaskStatus, limit: int, offset: int
) -> Sequence[ThreatAssessmentTask]:
    async with uow:
        return await TaskRepository(uow.session).queue(status, limit, offset)
