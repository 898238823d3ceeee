from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from avhopp_shared.access.event_gate import disclosed
from avhopp_shared.errors import NotFound
from avhopp_shared.events.case_events import ApplicationReceived, EventPayload
from avhopp_shared.events.envelope import EventEnvelope, utcnow
from avhopp_shared.events.followup_events import IncidentReported
from avhopp_shared.events.police_events import RelapseReported
from avhopp_shared.events.social_events import InvestigationStarted
from avhopp_shared.messaging.inbox import EventHandler
from avhopp_shared.uow import UnitOfWork
from avhopp_social.adapters.case_filter import CaseFilter
from avhopp_social.adapters.investigation_repository import InvestigationRepository
from avhopp_social.adapters.tables import ResponsibilityRecord
from avhopp_social.domain.investigation import (
    DeadlineRule,
    Investigation,
    NeedArea,
    Scope,
    choose_scope,
    open_investigation,
)
from avhopp_social.domain.tasks import incident_task, relapse_task, youth_tasks
from avhopp_social.service_layer.tasks import add_task

log = logging.getLogger(__name__)


def on_application_received(rule: DeadlineRule) -> EventHandler:
    async def handle(uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope) -> None:
        assert isinstance(payload, ApplicationReceived)
        now = utcnow()
        investigation = open_investigation(payload, rule, now)
        if not await InvestigationRepository(uow.session).add_new(investigation):
            return
        # The receiving municipality is responsible until a transfer (2 a kap. SoL).
        uow.session.add(
            ResponsibilityRecord(case_id=payload.case_id, residence=payload.municipality)
        )
        if payload.applicant_under_18:
            ids = (str(uuid.uuid4()), str(uuid.uuid4()))
            for task in youth_tasks(task_ids=ids, case_id=payload.case_id, now=now):
                add_task(uow, task)

    return handle


async def on_relapse_reported(
    uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
) -> None:
    """Police found a relapse: a task to assess it individually (seed 002, PROCESS.md step 11).

    The gate lets the report through only under the person's consent (or a
    recorded legal basis); fields it withheld are absent from ``payload``.
    The relapse itself is police's ``followup`` (the check's id and date,
    policies/data/catalogue.json): a report let through with the case
    reference alone tells social services of no relapse, so it opens no task
    (README, social services: "under the person's consent covering followup").
    """
    assert isinstance(payload, RelapseReported)
    case_id = envelope.subject
    if not disclosed(payload, "check_id", "checked_on"):
        return
    if await InvestigationRepository(uow.session).get(case_id) is None:
        log.warning("relapse report for a case without an investigation here: %s", case_id)
        return
    add_task(
        uow,
        relapse_task(
            task_id=str(uuid.uuid4()),
            case_id=case_id,
            check_id=payload.check_id,
            checked_on=payload.checked_on,
            now=utcnow(),
        ),
    )


async def get_investigation(uow: UnitOfWork, case_id: str) -> Investigation:
    async with uow:
        investigation = await InvestigationRepository(uow.session).get(case_id)
    if investigation is None:
        raise NotFound("investigation", case_id)
    return investigation


async def list_investigations(
    uow: UnitOfWork,
    limit: int,
    offset: int,
    *,
    overdue: bool = False,
    within: CaseFilter | None = None,
) -> Sequence[Investigation]:
    """Inside an open unit of work; ``within`` narrows to some cases, given the case id column."""
    return await InvestigationRepository(uow.session).list_by_deadline(
        limit, offset, overdue_at=utcnow() if overdue else None, within=within
    )


async def start_investigation(
    uow: UnitOfWork,
    case_id: str,
    *,
    areas_in: tuple[NeedArea, ...],
    areas_out: tuple[NeedArea, ...],
    agreed_with_person: bool,
    by: str,
) -> tuple[Investigation, Scope]:
    """Inside an open unit of work; the caller commits (with the answer's audit entry)."""
    investigations = InvestigationRepository(uow.session)
    investigation = await investigations.get(case_id)
    if investigation is None:
        raise NotFound("investigation", case_id)
    started, scope = choose_scope(
        investigation,
        areas_in=areas_in,
        areas_out=areas_out,
        agreed_with_person=agreed_with_person,
        recorded_by=by,
        now=utcnow(),
    )
    # The start is announced once, when this scope takes the investigation out of
    # awaiting_start (its time is then the start); a later scope replaces the
    # scope only, and the first start time stays.
    if await investigations.start(started, scope):
        uow.emit(
            InvestigationStarted(case_id=case_id, started_at=scope.recorded_at), case_id=case_id
        )
    return started, scope


async def on_incident_reported(
    uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
) -> None:
    """A provider's serious incident: a task to assess it individually (PROCESS.md step 11)."""
    assert isinstance(payload, IncidentReported)
    if await InvestigationRepository(uow.session).get(payload.case_id) is None:
        log.warning("incident for a case without an investigation here: %s", payload.case_id)
        return
    add_task(
        uow,
        incident_task(
            task_id=str(uuid.uuid4()),
            case_id=payload.case_id,
            occurred_on=payload.occurred_on,
            security=payload.concerns_security,
            now=utcnow(),
        ),
    )
