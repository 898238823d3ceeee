"""Children of the person; a concern opens a task."""

from __future__ import annotations

import uuid

from avhopp_shared.events.envelope import utcnow
from avhopp_shared.uow import UnitOfWork
from avhopp_social.adapters.tables import ChildRecord
from avhopp_social.domain.children import Child, record_child
from avhopp_social.domain.tasks import Task
from avhopp_social.service_layer.known_case import require_investigation
from avhopp_social.service_layer.tasks import add_task


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
        add_task(uow, task)
    return child, task
