"""Which providers are commissioned for a case: only they report on it (PROCESS.md step 10)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, func
from sqlmodel import col, select

from avhopp_followup.adapters.tables import CommissionRecord
from avhopp_shared.db.insert_new import insert_new
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.social_events import ProviderCommissioned
from avhopp_shared.uow import UnitOfWork


async def on_provider_commissioned(
    uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
) -> None:
    assert isinstance(payload, ProviderCommissioned)
    await insert_new(
        uow.session,
        CommissionRecord,
        {
            "commission_id": payload.commission_id,
            "case_id": payload.case_id,
            "provider_organisation": payload.provider_organisation,
            "intervention": payload.intervention,
            "decided_on": payload.decided_on,
        },
    )


async def is_commissioned(uow: UnitOfWork, case_id: str, organisation: str) -> bool:
    found = await uow.session.exec(
        select(CommissionRecord.commission_id).where(
            col(CommissionRecord.case_id) == case_id,
            col(CommissionRecord.provider_organisation) == organisation,
        )
    )
    return found.first() is not None


async def commissioned_providers(uow: UnitOfWork, case_id: str) -> frozenset[str]:
    """The provider organisations commissioned for the case, as far as this service knows."""
    found = await uow.session.exec(
        select(CommissionRecord.provider_organisation).where(
            col(CommissionRecord.case_id) == case_id
        )
    )
    return frozenset(found.all())


async def first_commissioned(uow: UnitOfWork, case_id: str, organisation: str) -> date | None:
    """The day the provider was first commissioned for the case; None if it never was."""
    found = await uow.session.exec(
        select(func.min(CommissionRecord.decided_on)).where(
            col(CommissionRecord.case_id) == case_id,
            col(CommissionRecord.provider_organisation) == organisation,
        )
    )
    return found.one()


def commissioned_cases(organisation: str, case_id: object) -> ColumnElement[bool]:
    """``case_id`` is a case this provider is commissioned for."""
    cases = select(CommissionRecord.case_id).where(
        col(CommissionRecord.provider_organisation) == organisation
    )
    return col(case_id).in_(cases)
