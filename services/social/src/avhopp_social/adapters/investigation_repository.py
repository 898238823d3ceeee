from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_shared.db.insert_new import insert_new
from avhopp_shared.events.case_events import AppliedFor
from avhopp_social.adapters.case_filter import CaseFilter
from avhopp_social.adapters.tables import InvestigationRecord, ScopeRecord
from avhopp_social.domain.investigation import (
    Investigation,
    InvestigationStatus,
    NeedArea,
    Scope,
)


class InvestigationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_new(self, investigation: Investigation) -> bool:
        """Adds the investigation unless the case has one already (False then)."""
        return await insert_new(
            self._session,
            InvestigationRecord,
            {
                "case_id": investigation.case_id,
                "received_at": investigation.received_at,
                "opened_at": investigation.opened_at,
                "start_deadline": investigation.start_deadline,
                "status": investigation.status.value,
                "applied_for": [item.value for item in investigation.applied_for],
                "out_of_hours": investigation.out_of_hours,
                "legal_basis": investigation.legal_basis,
            },
        )

    async def get(self, case_id: str, *, for_update: bool = False) -> Investigation | None:
        """With ``for_update``, the row stays locked until the transaction ends: writes
        of one case that each add the next version of a record take turns on it."""
        record = await self._session.get(InvestigationRecord, case_id, with_for_update=for_update)
        return _to_domain(record) if record else None

    async def scope(self, case_id: str) -> Scope | None:
        """The scope as last chosen with the person; None before it has been chosen."""
        kept = await self._session.get(ScopeRecord, case_id)
        if kept is None:
            return None
        return Scope(
            case_id=kept.case_id,
            areas_in=tuple(NeedArea(a) for a in kept.areas_in),
            areas_out=tuple(NeedArea(a) for a in kept.areas_out),
            recorded_by=kept.recorded_by,
            recorded_at=kept.recorded_at,
        )

    async def list_by_deadline(
        self,
        limit: int,
        offset: int,
        overdue_at: datetime | None = None,
        within: CaseFilter | None = None,
    ) -> Sequence[Investigation]:
        """Earliest start deadline first; with ``overdue_at``, only those not started by then
        whose deadline has passed; ``within`` narrows to some cases."""
        query = select(InvestigationRecord)
        if within is not None:
            query = query.where(within(InvestigationRecord.case_id))
        if overdue_at is not None:
            query = query.where(
                col(InvestigationRecord.status) == InvestigationStatus.AWAITING_START.value,
                col(InvestigationRecord.start_deadline) < overdue_at,
            )
        result = await self._session.exec(
            query.order_by(
                col(InvestigationRecord.start_deadline), col(InvestigationRecord.case_id)
            )
            .limit(limit)
            .offset(offset)
        )
        return [_to_domain(record) for record in result.all()]

    async def start(self, investigation: Investigation, scope: Scope) -> bool:
        """Records the scope, as last chosen; True when this started the investigation.

        Only an investigation still awaiting its start is started, in one
        conditional update: of two scopes chosen at once, one starts it and
        the other only replaces the scope, so the start is recorded once."""
        started = await self._session.exec(
            update(InvestigationRecord)
            .where(
                col(InvestigationRecord.case_id) == investigation.case_id,
                col(InvestigationRecord.status) == InvestigationStatus.AWAITING_START.value,
            )
            .values(status=investigation.status.value, started_at=investigation.started_at)
        )
        await self._keep_scope(scope)
        return bool(started.rowcount)

    async def _keep_scope(self, scope: Scope) -> None:
        kept = await self._session.get(ScopeRecord, scope.case_id)
        if kept is None:
            kept = ScopeRecord(
                case_id=scope.case_id,
                areas_in=[],
                areas_out=[],
                recorded_by=scope.recorded_by,
                recorded_at=scope.recorded_at,
            )
        kept.areas_in = [a.value for a in scope.areas_in]
        kept.areas_out = [a.value for a in scope.areas_out]
        kept.recorded_by = scope.recorded_by
        kept.recorded_at = scope.recorded_at
        self._session.add(kept)


def _to_domain(record: InvestigationRecord) -> Investigation:
    return Investigation(
        case_id=record.case_id,
        received_at=record.received_at,
        opened_at=record.opened_at,
        start_deadline=record.start_deadline,
        status=InvestigationStatus(record.status),
        applied_for=tuple(AppliedFor(item) for item in record.applied_for),
        out_of_hours=record.out_of_hours,
        legal_basis=record.legal_basis,
        started_at=record.started_at,
    )
