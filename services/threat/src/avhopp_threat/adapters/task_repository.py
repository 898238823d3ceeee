from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_shared.db.insert_new import insert_new
from avhopp_threat.adapters.tables import AssessmentTaskRecord
from avhopp_threat.domain.assessment_task import (
    Priority,
    TaskStatus,
    ThreatAssessmentTask,
)


class TaskRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_new(self, task: ThreatAssessmentTask) -> bool:
        """Adds the task unless the case has one already (False then)."""
        return await insert_new(
            self._session,
            AssessmentTaskRecord,
            {
                "case_id": task.case_id,
                "status": task.status.value,
                "priority": task.priority.value,
                "requested_at": task.requested_at,
                "application_received_at": task.application_received_at,
                "out_of_hours": task.out_of_hours,
            },
        )

    async def delete_pending(self, case_id: str) -> int:
        record = await self._session.get(AssessmentTaskRecord, case_id)
        if record is None or record.status != TaskStatus.PENDING.value:
            return 0
        await self._session.delete(record)
        return 1

    async def mark_assessed(self, case_id: str) -> None:
        record = await self._session.get(AssessmentTaskRecord, case_id)
        if record is not None and record.status == TaskStatus.PENDING.value:
            record.status = TaskStatus.ASSESSED.value
            self._session.add(record)

    async def get(self, case_id: str, *, for_update: bool = False) -> ThreatAssessmentTask | None:
        """The case's task; ``for_update`` locks its row until the transaction ends
        (PostgreSQL; SQLite writers are one at a time anyway). Every case police know
        of has exactly one, so its row is what a write of the case's versioned records
        locks: two in flight together are then made one after the other, the second
        counting its version from the first's (``require_known_case``)."""
        record = await self._session.get(AssessmentTaskRecord, case_id, with_for_update=for_update)
        return _to_domain(record) if record else None

    async def queue(
        self, status: TaskStatus, limit: int, offset: int
    ) -> Sequence[ThreatAssessmentTask]:
        urgent_first = case(
            (col(AssessmentTaskRecord.priority) == Priority.URGENT.value, 0), else_=1
        )
        result = await self._session.exec(
            select(AssessmentTaskRecord)
            .where(AssessmentTaskRecord.status == status.value)
            .order_by(urgent_first, col(AssessmentTaskRecord.requested_at))
            .limit(limit)
            .offset(offset)
        )
        return [_to_domain(record) for record in result.all()]


def _to_domain(record: AssessmentTaskRecord) -> ThreatAssessmentTask:
    return ThreatAssessmentTask(
        case_id=record.case_id,
        status=TaskStatus(record.status),
        priority=Priority(record.priority),
        requested_at=record.requested_at,
        application_received_at=record.application_received_at,
        out_of_hours=record.out_of_hours,
    )
