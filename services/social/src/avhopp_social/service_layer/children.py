"""Children of the person, and the caseworkers' task list."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlmodel import col, select

from avhopp_shared.errors import Conflict, NotFound
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.uow import UnitOfWork
from avhopp_social.adapters.tables import ChildRecord, TaskRecord
from avhopp_social.domain.children import Child, Task, TaskKind, record_child
from avhopp_social.service_layer.known_case import require_investigation


async def add_child(
    uow: UnitOfWork,
    case_id: str,
    *,
    birth_year: int,
    lives_with_person: bool,
    concern: str | None,
) -> tuple[Child, Task | None]:
    """Inside an open unit of work; the caller commits (with the answer's audit entry)."""
    await require_investigation(uow, case_id)
    child, task = record_child(
        child_id=str(uuid.uuid4()),
        task_id=str(uuid.uuid4()),
        case_id=case_id,
        birth_year=birth_year,
        lives_with_person=lives_with_person,
        concern=concern,
        now=utcnow(),
    )
    uow.session.add(
        ChildRecord(
            child_id=child.child_id,
            case_id=case_id,
            birth_year=child.birth_year,
            lives_with_person=child.lives_with_person,
            concern=child.concern,
        )
    )
    if task is not None:
        uow.session.add(
            TaskRecord(
                task_id=task.task_id,
                case_id=case_id,
                kind=task.kind.value,
                reason=task.reason,
                legal_basis=task.legal_basis,
                created_at=task.created_at,
            )
        )
    return child, task


def _task(record: TaskRecord) -> Task:
    return Task(
        task_id=record.task_id,
        case_id=record.case_id,
        kind=TaskKind(record.kind),
        reason=record.reason,
        legal_basis=record.legal_basis,
        created_at=record.created_at,
        done_at=record.done_at,
    )


async def tasks(uow: UnitOfWork, *, open_only: bool, limit: int, offset: int) -> Sequence[Task]:
    query = select(TaskRecord)
    if open_only:
        query = query.where(col(TaskRecord.done_at).is_(None))
    result = await uow.session.exec(
        query.order_by(col(TaskRecord.created_at), col(TaskRecord.task_id))
        .limit(limit)
        .offset(offset)
    )
    return [_task(record) for record in result.all()]


async def complete_task(uow: UnitOfWork, task_id: str) -> Task:
    """Inside an open unit of work; the caller commits."""
    record = await uow.session.get(TaskRecord, task_id)
    if record is None:
        raise NotFound("task", task_id)
    if record.done_at is not None:
        raise Conflict("the task is already done")
    record.done_at = utcnow()
    uow.session.add(record)
    return _task(record)
