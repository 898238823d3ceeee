"""What social services forget of police's records when the person withdraws the consent
they came under (ACCESS.md, "Consent records": subscribers that already hold data are
told to purge it).

Police's relapse report reaches social services only under the person's consent
covering ``followup`` (the relapse itself; with ``case_ref``, the ``own_or_consent``
cells, owner police) and becomes a task to assess the relapse, whose reason quotes
police's register check. An open task is that report and nothing else; a completed one
holds social services' own assessment. Only police's copies are purged, and only for the
one case; social services' own records (the investigation, an assessment already made
and its outcome) stay.
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
    """``case_ref``: the report's case reference. An open relapse task goes once
    ``followup`` no longer brings police's relapse reports in either: while another
    consent still covers ``followup`` (the relapse itself, policies/data/catalogue.json),
    social services may still receive the report, and the task it opened stays."""
    if Category.FOLLOWUP.value in still_allowed:
        return 0
    return await _remove_open_relapse_tasks(uow, case_id)


async def purge_police_check_quotes(
    uow: UnitOfWork, case_id: str, still_allowed: frozenset[str]
) -> int:
    """``followup``: the relapse itself. An open relapse task of the case is nothing but
    police's report, not yet acted on, and goes even while ``case_ref`` stays (README,
    social services: the relapse reaches them only under a consent covering
    ``followup``). A completed one is social services' own assessment and stays, without
    the id and date of police's register check, reading as a task made without them."""
    removed = await _remove_open_relapse_tasks(uow, case_id)
    return removed + await _unquote_police_check(uow, case_id)


async def _remove_open_relapse_tasks(uow: UnitOfWork, case_id: str) -> int:
    result = await uow.session.exec(
        delete(TaskRecord).where(
            col(TaskRecord.case_id) == case_id,
            col(TaskRecord.kind) == TaskKind.ASSESS_RELAPSE.value,
            col(TaskRecord.done_at).is_(None),
        )
    )
    return int(result.rowcount or 0)


async def _unquote_police_check(uow: UnitOfWork, case_id: str) -> int:
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
