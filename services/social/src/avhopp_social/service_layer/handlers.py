from __future__ import annotations

from collections.abc import Sequence

from avhopp_shared.errors import NotFound
from avhopp_shared.events.case_events import ApplicationReceived, EventPayload
from avhopp_shared.events.envelope import EventEnvelope, utcnow
from avhopp_shared.messaging.inbox import EventHandler
from avhopp_shared.uow import UnitOfWork
from avhopp_social.adapters.investigation_repository import InvestigationRepository
from avhopp_social.domain.investigation import (
    DeadlineRule,
    Investigation,
    NeedArea,
    Scope,
    choose_scope,
    open_investigation,
)


def on_application_received(rule: DeadlineRule) -> EventHandler:
    async def handle(uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope) -> None:
        assert isinstance(payload, ApplicationReceived)
        investigation = open_investigation(payload, rule, utcnow())
        await InvestigationRepository(uow.session).add_new(investigation)

    return handle


async def get_investigation(uow: UnitOfWork, case_id: str) -> Investigation:
    async with uow:
        investigation = await InvestigationRepository(uow.session).get(case_id)
    if investigation is None:
        raise NotFound("investigation", case_id)
    return investigation


async def list_investigations(
    uow: UnitOfWork, limit: int, offset: int, *, overdue: bool = False
) -> Sequence[Investigation]:
    async with uow:
        return await InvestigationRepository(uow.session).list_by_deadline(
            limit, offset, overdue_at=utcnow() if overdue else None
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
    await investigations.start(started, scope)
    return started, scope
