"""Commissioning a provider: the commission, the disclosure decision, and their events."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, time

from sqlmodel import col, select

from avhopp_shared.access.categories import Category
from avhopp_shared.access.state_handlers import apply_access_event
from avhopp_shared.events.access_events import DisclosureDecided
from avhopp_shared.events.social_events import ProviderCommissioned
from avhopp_shared.uow import UnitOfWork
from avhopp_social.adapters.aid_decision_repository import AidDecisionRepository
from avhopp_social.adapters.tables import CommissionRecord
from avhopp_social.domain.aid_decision import AidType
from avhopp_social.domain.commission import Commission, commission
from avhopp_social.service_layer.known_case import received_on, require_investigation


async def commission_provider(
    uow: UnitOfWork,
    case_id: str,
    *,
    intervention: AidType,
    provider_organisation: str,
    disclosed_categories: Collection[Category],
    known_providers: Collection[str],
    decidable: Collection[Category],
    by: str,
    decided_on: date,
    today: date,
) -> Commission:
    """Inside an open unit of work; the caller commits (with the answer's audit entry).
    ``decidable``: what a disclosure decision can open to a provider (the matrix)."""
    received = await received_on(uow, case_id)
    made = commission(
        commission_id=str(uuid.uuid4()),
        case_id=case_id,
        intervention=intervention,
        provider_organisation=provider_organisation,
        disclosed_categories=disclosed_categories,
        known_providers=known_providers,
        decidable=decidable,
        # Checked against the board's decisions on this case's aid: never
        # carrying out aid it refused (domain.commission._refused).
        decisions=await AidDecisionRepository(uow.session).for_case(case_id),
        decided_by=by,
        decided_on=decided_on,
        today=today,
        received_on=received,
    )
    uow.session.add(
        CommissionRecord(
            commission_id=made.commission_id,
            case_id=case_id,
            intervention=made.intervention.value,
            provider_organisation=made.provider_organisation,
            disclosed_categories=[c.value for c in made.disclosed_categories],
            decided_by=made.decided_by,
            decided_on=made.decided_on,
        )
    )
    uow.emit(
        ProviderCommissioned(
            case_id=case_id,
            commission_id=made.commission_id,
            intervention=made.intervention.value,
            provider_organisation=made.provider_organisation,
            decided_on=made.decided_on,
        ),
        case_id=case_id,
    )
    if made.disclosed_categories:
        decided = DisclosureDecided(
            case_id=case_id,
            decision_id=made.commission_id,
            provider_organisation=made.provider_organisation,
            categories=list(made.disclosed_categories),
            decided_on=datetime.combine(made.decided_on, time(), tzinfo=UTC),
        )
        # This service's gate knows it in the same transaction; every other
        # service learns it from the event, as it learns consents.
        await apply_access_event(uow.session, decided)
        uow.emit(decided, case_id=case_id)
    return made


async def commissions_of(uow: UnitOfWork, case_id: str) -> Sequence[Commission]:
    await require_investigation(uow, case_id)
    result = await uow.session.exec(
        select(CommissionRecord)
        .where(col(CommissionRecord.case_id) == case_id)
        .order_by(col(CommissionRecord.decided_on))
    )
    return [
        Commission(
            commission_id=r.commission_id,
            case_id=r.case_id,
            intervention=AidType(r.intervention),
            provider_organisation=r.provider_organisation,
            disclosed_categories=tuple(Category(c) for c in r.disclosed_categories),
            decided_by=r.decided_by,
            decided_on=r.decided_on,
        )
        for r in result.all()
    ]
