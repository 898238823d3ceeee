"""Recording and reading threat assessments; every use runs inside an open unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from avhopp_shared.access.state_handlers import apply_access_event
from avhopp_shared.errors import NotFound
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.events.police_events import ThreatAssessed, ThreatLevelChanged
from avhopp_shared.uow import UnitOfWork
from avhopp_threat.adapters.assessment_repository import AssessmentRepository
from avhopp_threat.adapters.police_records import PoliceRecords
from avhopp_threat.adapters.presence_repository import PresenceRepository
from avhopp_threat.adapters.task_repository import TaskRepository
from avhopp_threat.domain.police_case import CaseStatus
from avhopp_threat.domain.presences import presences_of
from avhopp_threat.domain.threat_assessment import (
    PERSON,
    HandlingLevel,
    Relative,
    ThreatActor,
    ThreatAssessment,
    ThreatLevel,
    assess,
)


@dataclass(frozen=True, slots=True)
class RecordAssessment:
    relative: Relative | None
    level: ThreatLevel
    threat_picture: str
    risk_analysis: str
    threat_actors: tuple[ThreatActor, ...]
    networks: tuple[str, ...]
    affiliations: tuple[str, ...]
    assessed_on: date
    next_review_on: date | None


async def require_known_case(uow: UnitOfWork, case_id: str, *, for_update: bool = False) -> None:
    """Police work only on cases they know of: through the application and a consent.

    ``for_update``: the write about to be made stores the case's next version of a
    record (an assessment, a placement assessment) or its one placement, counted from
    what it reads. Two such writes in flight together would both count the same
    version and the later would fail on its key (a 503 for a plain retry or double
    click); locking the case's task first makes them one after the other, each
    reading what the one before stored."""
    if await TaskRepository(uow.session).get(case_id, for_update=for_update) is None:
        raise NotFound("case", case_id)


async def record_assessment(
    uow: UnitOfWork, case_id: str, command: RecordAssessment, by: str, today: date
) -> ThreatAssessment:
    await require_known_case(uow, case_id, for_update=True)
    assessments = AssessmentRepository(uow.session)
    subject = PERSON if command.relative is None else f"relative:{command.relative.relative_id}"
    assessment, change = assess(
        await assessments.current(case_id, subject),
        case_id=case_id,
        relative=command.relative,
        level=command.level,
        threat_picture=command.threat_picture,
        risk_analysis=command.risk_analysis,
        threat_actors=command.threat_actors,
        networks=command.networks,
        affiliations=command.affiliations,
        assessed_by=by,
        assessed_on=command.assessed_on,
        next_review_on=command.next_review_on,
        today=today,
        recorded_at=utcnow(),
    )
    await assessments.add(assessment)
    if assessment.relative is None:
        await TaskRepository(uow.session).mark_assessed(case_id)
        await refresh_presences(uow, case_id)
    kind = "person" if assessment.relative is None else "relative"
    handling = assessment.handling_level.value if assessment.handling_level else None
    uow.emit(
        ThreatAssessed(
            case_id=case_id,
            version=assessment.version,
            subject=kind,
            level=assessment.level.value,
            handling_level=handling,
            in_target_group=assessment.in_target_group,
            assessed_on=assessment.assessed_on,
            next_review_on=assessment.next_review_on,
        ),
        case_id=case_id,
    )
    if change is not None:
        changed = ThreatLevelChanged(
            case_id=case_id,
            subject=kind,
            previous_level=change.previous.value if change.previous else None,
            level=change.current.value,
            handling_level=handling,
        )
        # This service's own gate knows the new level in the same transaction
        # (every other service learns it from the event): access follows it.
        await apply_access_event(uow.session, changed)
        uow.emit(changed, case_id=case_id)
    return assessment


async def refresh_presences(uow: UnitOfWork, case_id: str) -> None:
    """What the case now puts on the map for other cases' rival checks (``presences``);
    nothing once its police case is closed.

    The police case is locked first (``PoliceRecords.police_case``): a reassessment
    or placement written while an abort or completion is in flight then waits for
    it and decides on its outcome. Read unlocked, it would see the case still open
    and put it back on the map after the closing took it off, and every other
    case's rival check would count a closed case."""
    records = PoliceRecords(uow.session)
    police_case = await records.police_case(case_id, for_update=True)
    presences = PresenceRepository(uow.session)
    if police_case is not None and police_case.status is not CaseStatus.OPEN:
        await presences.forget_case(case_id)
        return
    current = await AssessmentRepository(uow.session).current(case_id, PERSON)
    placed = await records.placement(case_id)
    await presences.record(
        case_id, presences_of(current, placed.municipality_code if placed else None)
    )


async def assessment_history(uow: UnitOfWork, case_id: str) -> Sequence[ThreatAssessment]:
    await require_known_case(uow, case_id)
    return await AssessmentRepository(uow.session).history(case_id)


async def current_assessment(uow: UnitOfWork, case_id: str) -> ThreatAssessment:
    found = await AssessmentRepository(uow.session).current(case_id, PERSON)
    if found is None:
        raise NotFound("threat assessment", case_id)
    return found


async def current_assessments(
    uow: UnitOfWork,
    *,
    level: ThreatLevel | None,
    handling_level: HandlingLevel | None,
    review_due_by: date | None,
    limit: int,
    offset: int,
) -> Sequence[ThreatAssessment]:
    return await AssessmentRepository(uow.session).current_for_cases(
        level=level,
        handling_level=handling_level,
        review_due_by=review_due_by,
        limit=limit,
        offset=offset,
    )
