"""Opening, aborting and completing the police defector case from what the service holds."""

from __future__ import annotations

from datetime import UTC, date, datetime

from avhopp_shared.access.state_read import access_state
from avhopp_shared.access.tables import ConsentGrantRow
from avhopp_shared.errors import NotFound
from avhopp_shared.events.police_events import ExitCompleted, PoliceCaseAborted, PoliceCaseOpened
from avhopp_shared.uow import UnitOfWork
from avhopp_threat.adapters.assessment_repository import AssessmentRepository
from avhopp_threat.adapters.police_records import PoliceRecords
from avhopp_threat.domain.police_case import (
    OpeningFacts,
    PoliceCase,
    abort_case,
    complete_case,
    open_case,
)
from avhopp_threat.domain.threat_assessment import PERSON
from avhopp_threat.service_layer.assessments import refresh_presences, require_known_case


def _lets_police_exchange(consent: ConsentGrantRow, now: datetime) -> bool:
    """An active consent, valid now, naming police among its recipients (PROCESS.md step 4)."""
    return (
        consent.status == "active"
        and consent.valid_from <= now
        and (consent.valid_to is None or now < consent.valid_to)
        and any(r.get("agency") == "police" for r in consent.recipients)
    )


async def open_police_case(
    uow: UnitOfWork,
    case_id: str,
    *,
    motivated: bool,
    conditions_form_signed_on: date | None,
    witness: bool,
    by: str,
    today: date,
) -> PoliceCase:
    await require_known_case(uow, case_id)
    records = PoliceRecords(uow.session)
    # Locked first: an opening again of an aborted case in flight with another, or
    # with a completion, must see the other's outcome (``police_case``).
    existing = await records.police_case(case_id, for_update=True)
    current = await AssessmentRepository(uow.session).current(case_id, PERSON)
    state = await access_state(uow.session, case_id)
    now = datetime.now(UTC)
    facts = OpeningFacts(
        current_level=current.level if current else None,
        motivated=motivated,
        consent_active=any(_lets_police_exchange(c, now) for c in state.consents),
        conditions_form_signed_on=conditions_form_signed_on,
        witness=witness,
        interventions_decided=await records.interventions_decided(case_id),
    )
    case = open_case(case_id, facts, opened_by=by, today=today, existing=existing)
    await records.save_police_case(case, first=existing is None)
    # An abort or completion took the case off the map (``refresh_presences``);
    # opening it again must put the placed person and the threat actors back,
    # or every other case's rival check would miss them and could place a
    # rival in the person's town.
    await refresh_presences(uow, case_id)
    uow.emit(PoliceCaseOpened(case_id=case_id, opened_on=case.opened_on), case_id=case_id)
    return case


async def _open_case_of(
    records: PoliceRecords, case_id: str, *, for_update: bool = False
) -> PoliceCase:
    case = await records.police_case(case_id, for_update=for_update)
    if case is None:
        raise NotFound("police case", case_id)
    return case


async def abort_police_case(
    uow: UnitOfWork, case_id: str, *, reason: str, by: str, today: date
) -> PoliceCase:
    records = PoliceRecords(uow.session)
    case = await _open_case_of(records, case_id, for_update=True)
    aborted = abort_case(case, reason=reason, by=by, today=today)
    await records.save_police_case(aborted)
    await refresh_presences(uow, case_id)  # a closed case counts in no rival check
    uow.emit(
        PoliceCaseAborted(case_id=case_id, aborted_on=today, reason=aborted.reason or reason),
        case_id=case_id,
    )
    return aborted


async def complete_exit(
    uow: UnitOfWork, case_id: str, *, plan_carried_out: bool, by: str, today: date
) -> PoliceCase:
    records = PoliceRecords(uow.session)
    case = await _open_case_of(records, case_id, for_update=True)
    relapse = any(
        check.relapse and check.checked_on >= case.opened_on
        for check in await records.checks(case_id)
    )
    completed = complete_case(
        case, plan_carried_out=plan_carried_out, relapse_since_opening=relapse, by=by, today=today
    )
    await records.save_police_case(completed)
    await refresh_presences(uow, case_id)
    uow.emit(ExitCompleted(case_id=case_id, completed_on=today), case_id=case_id)
    return completed


async def police_case_of(uow: UnitOfWork, case_id: str) -> PoliceCase:
    return await _open_case_of(PoliceRecords(uow.session), case_id)
