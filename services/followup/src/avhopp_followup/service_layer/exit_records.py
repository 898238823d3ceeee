"""Reading how a case's exit stands, for whatever depends on it (phases, worklists)."""

from __future__ import annotations

from sqlalchemy import and_, or_
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from avhopp_followup.adapters.tables import ExitRecord
from avhopp_followup.domain.exit import AbortedBy, Exit, ExitStatus
from avhopp_shared.errors import NotFound
from avhopp_shared.uow import UnitOfWork


def exit_from_record(r: ExitRecord) -> Exit:
    return Exit(
        case_id=r.case_id,
        status=ExitStatus(r.status),
        ended_on=r.ended_on,
        aborted_by=AbortedBy(r.aborted_by) if r.aborted_by else None,
        reason=r.reason,
        social_support_continues=r.social_support_continues,
        closing_conversation_on=r.closing_conversation_on,
        person_view=r.person_view,
        earlier_case_id=r.earlier_case_id,
    )


async def exit_of(uow: UnitOfWork, case_id: str, *, for_update: bool = False) -> Exit:
    """``for_update``: the row stays locked until the unit of work ends. Every change
    that depends on how the exit stands (a phase change, an abort, the closing) takes
    it first, so two of them in flight together are made one after the other, the
    second deciding on what the first committed (PostgreSQL; SQLite has one writer)."""
    record = await uow.session.get(ExitRecord, case_id, with_for_update=for_update)
    if record is None:
        raise NotFound("exit", case_id)
    return exit_from_record(record)


def followed_cases(*, completed_too: bool = False) -> SelectOfScalar[str]:
    """The cases still followed up, as ``Exit.still_followed`` says, for a worklist's
    ``case_id IN (...)``: an ended exit is nobody's work any more.

    ``completed_too``: also the exits police completed, which only police's end
    takes off a worklist; the route keeps them for a reader who may not see that
    end (``entrypoints.exit_parts.followed_as_shown``), to whom they go on."""
    completed = (ExitStatus.COMPLETED.value,) if completed_too else ()
    return select(col(ExitRecord.case_id)).where(
        or_(
            col(ExitRecord.status).in_((ExitStatus.ONGOING.value, *completed)),
            and_(
                col(ExitRecord.status) == ExitStatus.ABORTED.value,
                or_(
                    col(ExitRecord.social_support_continues).is_(None),
                    col(ExitRecord.social_support_continues).is_(True),
                ),
            ),
        )
    )
