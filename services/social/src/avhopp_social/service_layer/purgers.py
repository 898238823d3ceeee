"""What social services forget of police's records when the person withdraws the consent
they came under (ACCESS.md, "Consent records": subscribers that already hold data are
told to purge it).

Police's relapse report reaches social services only under the person's consent (the
``own_or_consent`` cells of ``case_ref`` and ``followup``, owner police) and becomes a
task to assess the relapse, whose reason quotes police's register check. Only these
copies are purged, and only for the one case; social services' own records (the
investigation, an assessment already made and its outcome) stay.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import col, select

from avhopp_shared.access.categories import Category
from avhopp_shared.uow import UnitOfWork
from avhopp_social.adapters.tables import TaskRecord
from avhopp_social.domain.tasks import TaskKind, relapse_task


async def purge_police_relapse_reports(
    uow: UnitOfWork, case_id: str, still_allowed: frozenset[str]
) -> int:
    """``case_ref``: an open relapse task exists only because police's report on the case
    reached social services under a consent, so it goes once neither ``case_ref`` nor
    ``followup`` brings police's relapse reports in: while another consent still covers
    ``followup`` (the relapse itself, policies/data/catalogue.json), social services may
    still receive the report, and the task it opened stays. One already done holds social
    services' own individual assessment and stays (its quote of police's check goes with
    ``followup``)."""
    if Category.FOLLOWUP.value in still_allowed:
        return 0
    result = await uow.session.exec(
        delete(TaskRecord).where(
            col(TaskRecord.case_id) == case_id,
            col(TaskRecord.kind) == TaskKind.ASSESS_RELAPSE.value,
            col(TaskRecord.done_at).is_(None),
        )
    )
    return int(result.rowcount or 0)


async def purge_police_check_quotes(
    uow: UnitOfWork, case_id: str, still_allowed: frozenset[str]
) -> int:
    """``followup``: the id and date of police's register check leave every relapse task
    of the case, which then reads as it does when the check is not disclosed."""
    tasks = await uow.session.exec(
        select(TaskRecord).where(
            col(TaskRecord.case_id) == case_id,
            col(TaskRecord.kind) == TaskKind.ASSESS_RELAPSE.value,
        )
    )
    changed = 0
    for record in tasks.all():
        unquoted = relapse_task(
            task_id=record.task_id,
            case_id=record.case_id,
            check_id=None,
            checked_on=None,
            now=record.created_at,
        ).reason
        if record.reason != unquoted:
            record.reason = unquoted
            uow.session.add(record)
            changed += 1
    return changed
