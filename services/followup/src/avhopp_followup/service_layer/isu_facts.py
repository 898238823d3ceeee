"""Keeping the ISU facts up to date as the case goes on (domain/isu.py says what is
released of them)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import update
from sqlmodel import col, select

from avhopp_followup.adapters.isu_tables import IsuCaseRow, IsuInterventionRow, IsuNeedRow
from avhopp_followup.adapters.tables import CommissionRecord
from avhopp_followup.domain.exit import ExitStatus
from avhopp_followup.domain.phases import Phase
from avhopp_shared.access.event_gate import disclosed
from avhopp_shared.db.insert_new import insert_new
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.police_events import RelapseReported
from avhopp_shared.events.social_events import AidDecided, IndividualAssessmentMade, NeedsMapped
from avhopp_shared.messaging.inbox import EventHandler
from avhopp_shared.uow import UnitOfWork

#: The phases whose length ISU reports, and the column that keeps it.
_PHASE_DAYS = {
    Phase.INITIAL_CONTACT: "initial_contact_days",
    Phase.ACUTE: "acute_days",
    Phase.STABILISING: "stabilising_days",
}


async def start_isu_case(
    uow: UnitOfWork,
    case_id: str,
    municipality: str,
    applied_on: date,
    previous_case_id: str | None,
) -> None:
    """``previous_case_id``: the case a re-application follows. ISU counts persons
    (004 Del 2, individual-based), and every case of one chain is the same person's."""
    first = await _first_case(uow, previous_case_id)
    if not await insert_new(
        uow.session,
        IsuCaseRow,
        {
            "case_id": case_id,
            "first_case_id": first,
            "municipality": municipality,
            "applied_on": applied_on,
            "outcome": ExitStatus.ONGOING.value,
            "relapsed": False,
        },
    ):
        return
    if first is not None:
        # A re-application of this case that arrived before it (its own event came
        # later) was keyed by this case: it is the same person as the chain's first.
        await uow.session.exec(
            update(IsuCaseRow)
            .where(col(IsuCaseRow.first_case_id) == case_id)
            .values(first_case_id=first)
        )


async def _first_case(uow: UnitOfWork, previous_case_id: str | None) -> str | None:
    """The first case of the chain a re-application joins: the earlier case's own first,
    or the earlier case itself (also when this service never heard of it)."""
    if previous_case_id is None:
        return None
    earlier = await _case(uow, previous_case_id)
    if earlier is None or earlier.first_case_id is None:
        return previous_case_id
    return earlier.first_case_id


async def _case(uow: UnitOfWork, case_id: str) -> IsuCaseRow | None:
    return await uow.session.get(IsuCaseRow, case_id)


async def phase_left(uow: UnitOfWork, case_id: str, left: Phase, days: int) -> None:
    """The first stay in a phase is its length (a step back later does not count again)."""
    row = await _case(uow, case_id)
    column = _PHASE_DAYS.get(left)
    if row is None or column is None or getattr(row, column) is not None:
        return
    setattr(row, column, days)
    uow.session.add(row)


async def exit_ended(uow: UnitOfWork, case_id: str, status: ExitStatus) -> None:
    row = await _case(uow, case_id)
    if row is not None:
        row.outcome = status.value
        uow.session.add(row)


async def exit_resumed(uow: UnitOfWork, case_id: str) -> None:
    """Police opened their case again: the exit police ended is ongoing once more."""
    await exit_ended(uow, case_id, ExitStatus.ONGOING)


async def intervention(
    uow: UnitOfWork, case_id: str, name: str, *, decided: bool = False, carried_out: bool = False
) -> None:
    row = await uow.session.get(IsuInterventionRow, (case_id, name))
    if row is None:
        row = IsuInterventionRow(
            case_id=case_id, intervention=name, decided=False, carried_out=False
        )
    row.decided = row.decided or decided
    row.carried_out = row.carried_out or carried_out
    uow.session.add(row)


async def provider_reported(uow: UnitOfWork, case_id: str, provider: str) -> None:
    """What the provider is commissioned for in the case is being carried out."""
    found = await uow.session.exec(
        select(CommissionRecord.intervention).where(
            col(CommissionRecord.case_id) == case_id,
            col(CommissionRecord.provider_organisation) == provider,
        )
    )
    for name in set(found.all()):
        await intervention(uow, case_id, name, carried_out=True)


async def _on_aid_decided(uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope) -> None:
    assert isinstance(payload, AidDecided)
    row = await _case(uow, payload.case_id)
    if row is None:
        return
    if row.first_decision_on is None or payload.decided_on < row.first_decision_on:
        row.first_decision_on = payload.decided_on
        uow.session.add(row)
    if payload.outcome != "refused":
        await intervention(uow, payload.case_id, payload.aid_type, decided=True)


async def _on_needs_mapped(uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope) -> None:
    assert isinstance(payload, NeedsMapped)
    if payload.version != 1:
        return  # the needs *at intake*
    for need in set(payload.needs):
        await insert_new(uow.session, IsuNeedRow, {"case_id": payload.case_id, "need": need})


async def _relapsed(uow: UnitOfWork, case_id: str) -> None:
    row = await _case(uow, case_id)
    if row is not None and not row.relapsed:
        row.relapsed = True
        uow.session.add(row)


async def _on_relapse(uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope) -> None:
    assert isinstance(payload, RelapseReported)
    # The relapse itself is police's ``followup`` (policies/data/catalogue.json):
    # where the gate withheld it, this service does not know of one and must not
    # count it, as the timeline notes nothing then (timeline_notes._relapse).
    if not disclosed(payload, "check_id", "checked_on"):
        return
    await _relapsed(uow, envelope.subject)


async def _on_assessment(uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope) -> None:
    assert isinstance(payload, IndividualAssessmentMade)
    if payload.trigger == "assess_relapse":
        await _relapsed(uow, payload.case_id)


#: The events that keep the facts (the rest is kept where follow-up records it).
ISU_HANDLERS: Mapping[str, EventHandler] = {
    AidDecided.event_type: _on_aid_decided,
    NeedsMapped.event_type: _on_needs_mapped,
    RelapseReported.event_type: _on_relapse,
    IndividualAssessmentMade.event_type: _on_assessment,
}
