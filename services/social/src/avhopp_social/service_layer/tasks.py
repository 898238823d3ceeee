"""The caseworkers' task list: adding, listing and completing tasks."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update
from sqlmodel import col, select

from avhopp_shared.errors import Conflict, NotFound
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.events.social_events import IndividualAssessmentMade
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.uow import UnitOfWork
from avhopp_social.adapters.case_filter import CaseFilter
from avhopp_social.adapters.tables import TaskRecord
from avhopp_social.domain.tasks import AssessmentOutcome, Task, TaskKind, complete


def add_task(uow: UnitOfWork, task: Task) -> None:
    """Stages ``task`` in the open unit of work."""
    uow.session.add(
        TaskRecord(
            task_id=task.task_id,
            case_id=task.case_id,
            kind=task.kind.value,
            reason=task.reason,
            legal_basis=task.legal_basis,
            created_at=task.created_at,
        )
    )


def _task(record: TaskRecord) -> Task:
    return Task(
        task_id=record.task_id,
        case_id=record.case_id,
        kind=TaskKind(record.kind),
        reason=record.reason,
        legal_basis=record.legal_basis,
        created_at=record.created_at,
        done_at=record.done_at,
        outcome=AssessmentOutcome(record.outcome) if record.outcome else None,
    )


async def tasks(
    uow: UnitOfWork,
    *,
    open_only: bool,
    kind: TaskKind | None = None,
    case_id: str | None = None,
    within: CaseFilter | None = None,
    limit: int,
    offset: int,
) -> Sequence[Task]:
    """Oldest first; ``within`` narrows to a set of cases (e.g. a municipality's)."""
    query = select(TaskRecord)
    if open_only:
        query = query.where(col(TaskRecord.done_at).is_(None))
    if kind is not None:
        query = query.where(col(TaskRecord.kind) == kind.value)
    if case_id is not None:
        query = query.where(col(TaskRecord.case_id) == case_id)
    if within is not None:
        query = query.where(within(TaskRecord.case_id))
    result = await uow.session.exec(
        query.order_by(col(TaskRecord.created_at), col(TaskRecord.task_id))
        .limit(limit)
        .offset(offset)
    )
    return [_task(record) for record in result.all()]


async def task_of(uow: UnitOfWork, task_id: str) -> Task:
    record = await uow.session.get(TaskRecord, task_id)
    if record is None:
        raise NotFound("task", task_id)
    return _task(record)


async def complete_task(
    uow: UnitOfWork, task_id: str, outcome: AssessmentOutcome | None = None
) -> Task:
    """Inside an open unit of work; the caller commits. An assessment's outcome is announced
    (``social.individual_assessment_made``): follow-up counts relapses and their outcomes."""
    record = await uow.session.get(TaskRecord, task_id)
    if record is None:
        raise NotFound("task", task_id)
    if record.done_at is not None:
        raise Conflict("the task is already done")
    done = complete(_task(record), outcome, utcnow())
    # Done once, in one conditional update: two completions in flight together
    # (a double click, a retry on another replica) both read the task open, and
    # each would otherwise record and announce its own, contradicting,
    # assessment. The one that finds the task done already is refused (409).
    completed = await uow.session.exec(
        update(TaskRecord)
        .where(col(TaskRecord.task_id) == task_id, col(TaskRecord.done_at).is_(None))
        .values(done_at=done.done_at, outcome=outcome.value if outcome else None)
    )
    if not completed.rowcount:
        raise Conflict("the task is already done")
    if done.outcome is not None and done.done_at is not None:
        uow.emit(
            IndividualAssessmentMade(
                case_id=done.case_id,
                task_id=done.task_id,
                trigger=done.kind.value,
                outcome=done.outcome.value,
                # The Swedish day it was done (README: days are Swedish days).
                assessed_on=today_in_sweden(done.done_at),
            ),
            case_id=done.case_id,
        )
    return done
