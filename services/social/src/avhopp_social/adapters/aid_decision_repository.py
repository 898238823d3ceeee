from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_social.adapters.case_filter import CaseFilter
from avhopp_social.adapters.tables import AidDecisionRecord
from avhopp_social.domain.aid_decision import AidDecision, AidType, Outcome


class AidDecisionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, decision: AidDecision) -> None:
        self._session.add(
            AidDecisionRecord(
                decision_id=decision.decision_id,
                case_id=decision.case_id,
                aid_type=decision.aid_type.value,
                outcome=decision.outcome.value,
                reasons=decision.reasons,
                valid_from=decision.valid_from,
                valid_to=decision.valid_to,
                decided_by=decision.decided_by,
                decided_on=decision.decided_on,
                recorded_at=decision.recorded_at,
                legal_basis=decision.legal_basis,
            )
        )

    async def for_case(self, case_id: str) -> Sequence[AidDecision]:
        result = await self._session.exec(
            select(AidDecisionRecord)
            .where(col(AidDecisionRecord.case_id) == case_id)
            .order_by(col(AidDecisionRecord.decided_on), col(AidDecisionRecord.recorded_at))
        )
        return [_to_domain(record) for record in result.all()]

    async def expiring(
        self, today: date, until: date, limit: int, offset: int, within: CaseFilter | None = None
    ) -> Sequence[AidDecision]:
        """Granted aid whose period ends between ``today`` and ``until``, soonest first."""
        query = select(AidDecisionRecord)
        if within is not None:
            query = query.where(within(AidDecisionRecord.case_id))
        result = await self._session.exec(
            query.where(
                col(AidDecisionRecord.valid_to) >= today,
                col(AidDecisionRecord.valid_to) <= until,
                col(AidDecisionRecord.outcome) != Outcome.REFUSED.value,
            )
            .order_by(col(AidDecisionRecord.valid_to), col(AidDecisionRecord.case_id))
            .limit(limit)
            .offset(offset)
        )
        return [_to_domain(record) for record in result.all()]


def _to_domain(record: AidDecisionRecord) -> AidDecision:
    return AidDecision(
        decision_id=record.decision_id,
        case_id=record.case_id,
        aid_type=AidType(record.aid_type),
        outcome=Outcome(record.outcome),
        reasons=record.reasons,
        valid_from=record.valid_from,
        valid_to=record.valid_to,
        decided_by=record.decided_by,
        decided_on=record.decided_on,
        recorded_at=record.recorded_at,
        legal_basis=record.legal_basis,
    )
