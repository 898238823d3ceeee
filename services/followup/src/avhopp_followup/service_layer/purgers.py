"""What follow-up forgets of police's records when the person withdraws the consent they
came under (ACCESS.md, "Consent records": subscribers that already hold data are told to
purge it).

Police's events reach follow-up only under the person's consent (``case_ref`` and
``followup`` are ``own_or_consent`` for social services, ``threat`` is ``consent``):
they become timeline entries reported by police, end the exit (police aborted or
completed it) and feed the ISU facts. Only these copies are purged, and only for the
one case; what social services recorded themselves (their entries, an abort by the
person, the closing conversation, their own assessments) stays.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import col, select

from avhopp_followup.adapters.isu_tables import IsuCaseRow
from avhopp_followup.adapters.tables import ExitRecord, TimelineEntryRecord
from avhopp_followup.domain.exit import AbortedBy, ExitStatus
from avhopp_followup.domain.timeline import Milestone
from avhopp_followup.service_layer.exits import POLICE_REASON_WITHHELD
from avhopp_shared.access.categories import Category
from avhopp_shared.uow import UnitOfWork

#: The agency whose records these copies are: the acting agency of the events they came in.
POLICE = "police"

#: How the timeline notes social services' own assessment of a relapse
#: (timeline_notes._assessment): the ISU relapse fact then stands on their own record.
_OWN_RELAPSE_ASSESSMENT = "Individual assessment after a relapse"


async def _forget_police_entries(uow: UnitOfWork, case_id: str, category: Category) -> int:
    result = await uow.session.exec(
        delete(TimelineEntryRecord).where(
            col(TimelineEntryRecord.case_id) == case_id,
            col(TimelineEntryRecord.category) == category.value,
            col(TimelineEntryRecord.reported_by) == POLICE,
        )
    )
    return int(result.rowcount or 0)


def _ended_by_police(record: ExitRecord) -> bool:
    # Only police complete an exit (threat.exit_completed).
    return record.status == ExitStatus.COMPLETED.value or (
        record.status == ExitStatus.ABORTED.value and record.aborted_by == AbortedBy.POLICE.value
    )


async def _own_relapse_assessment(uow: UnitOfWork, case_id: str) -> bool:
    found = await uow.session.exec(
        select(TimelineEntryRecord.id)
        .where(
            col(TimelineEntryRecord.case_id) == case_id,
            col(TimelineEntryRecord.milestone) == Milestone.ASSESSMENT_MADE.value,
            col(TimelineEntryRecord.reported_by) != POLICE,
            col(TimelineEntryRecord.summary).startswith(_OWN_RELAPSE_ASSESSMENT),
        )
        .limit(1)
    )
    return found.first() is not None


async def purge_police_case_reference(
    uow: UnitOfWork, case_id: str, still_allowed: frozenset[str]
) -> int:
    """``case_ref``: police's milestones on the timeline (their case opened, aborted, the
    exit completed); the exit's end as police set it, back to ongoing as it stands
    without the consent (social services' closing conversation, their own, stays); and
    the ISU facts drawn from police's records: the outcome police ended the exit with,
    and a relapse police reported unless social services assessed one themselves, or
    ``followup`` still brings police's relapse reports in (another consent covers it: the
    relapse is police's ``followup``, policies/data/catalogue.json, and its entry stays
    on the timeline, so the fact drawn from it stays too)."""
    rows = await _forget_police_entries(uow, case_id, Category.CASE_REF)
    isu = await uow.session.get(IsuCaseRow, case_id)
    exit_record = await uow.session.get(ExitRecord, case_id)
    if exit_record is not None and _ended_by_police(exit_record):
        exit_record.status = ExitStatus.ONGOING.value
        exit_record.ended_on = None
        exit_record.aborted_by = None
        exit_record.reason = None
        uow.session.add(exit_record)
        rows += 1
        if isu is not None:
            isu.outcome = ExitStatus.ONGOING.value
            uow.session.add(isu)
    if Category.FOLLOWUP.value in still_allowed:
        return rows
    return rows + await _forget_police_relapse(uow, case_id, isu)


async def _forget_police_relapse(uow: UnitOfWork, case_id: str, isu: IsuCaseRow | None) -> int:
    """The ISU relapse fact, unless social services assessed a relapse themselves: then
    it stands on their own record, which no withdrawal removes."""
    if isu is None or not isu.relapsed or await _own_relapse_assessment(uow, case_id):
        return 0
    isu.relapsed = False
    uow.session.add(isu)
    return 1


async def purge_police_followup(
    uow: UnitOfWork, case_id: str, still_allowed: frozenset[str]
) -> int:
    """``followup``: police's relapse reports on the timeline and the ISU relapse fact
    drawn from them (a relapse report is ``followup``, so a consent covering only it
    brought the relapse in), and police's reason for aborting, which then reads as it
    does when the reason is not disclosed."""
    rows = await _forget_police_entries(uow, case_id, Category.FOLLOWUP)
    rows += await _forget_police_relapse(uow, case_id, await uow.session.get(IsuCaseRow, case_id))
    exit_record = await uow.session.get(ExitRecord, case_id)
    if (
        exit_record is not None
        and exit_record.aborted_by == AbortedBy.POLICE.value
        and exit_record.reason != POLICE_REASON_WITHHELD
    ):
        exit_record.reason = POLICE_REASON_WITHHELD
        uow.session.add(exit_record)
        rows += 1
    return rows


async def purge_police_threat(uow: UnitOfWork, case_id: str, still_allowed: frozenset[str]) -> int:
    """``threat``: the threat level changes police reported, on the timeline."""
    return await _forget_police_entries(uow, case_id, Category.THREAT)
