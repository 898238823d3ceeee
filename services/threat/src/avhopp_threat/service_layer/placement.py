"""The placement assessment, its rival check, and the placement itself."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from avhopp_shared.errors import InvalidInput, NotFound
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.events.police_events import PlacementAssessed
from avhopp_shared.uow import UnitOfWork
from avhopp_threat.adapters.assessment_repository import AssessmentRepository
from avhopp_threat.adapters.police_records import PoliceRecords
from avhopp_threat.adapters.presence_repository import PresenceRepository
from avhopp_threat.domain.placement import (
    Placement,
    PlacementAssessment,
    TownJudgement,
    assess_placement,
    place,
)
from avhopp_threat.domain.rival_check import RivalFlag
from avhopp_threat.domain.threat_assessment import PERSON, ThreatAssessment
from avhopp_threat.service_layer.assessments import refresh_presences, require_known_case


@dataclass(frozen=True, slots=True)
class CheckedPlacement:
    version: int
    assessment: PlacementAssessment
    #: The suitable towns where a network threatening the person is present.
    rival_flags: tuple[RivalFlag, ...]


async def _current_threat(uow: UnitOfWork, case_id: str) -> ThreatAssessment:
    current = await AssessmentRepository(uow.session).current(case_id, PERSON)
    if current is None:
        # Which towns are safe depends on who threatens the person (004 Del 2).
        raise InvalidInput("case", "a placement assessment needs a threat assessment first")
    return current


async def rival_check(uow: UnitOfWork, case_id: str, towns: Iterable[str]) -> list[RivalFlag]:
    """The towns where a network threatening the person is placed or resides, through
    other open cases, which are never named."""
    await require_known_case(uow, case_id)
    threat = await _current_threat(uow, case_id)
    return await PresenceRepository(uow.session).rival_flags(case_id, towns, threat.all_networks())


async def record_placement_assessment(
    uow: UnitOfWork, case_id: str, towns: Sequence[TownJudgement], by: str
) -> CheckedPlacement:
    await require_known_case(uow, case_id)
    threat = await _current_threat(uow, case_id)
    assessment = assess_placement(case_id, towns, by, utcnow())
    version = await PoliceRecords(uow.session).add_placement_assessment(assessment)
    flags = await PresenceRepository(uow.session).rival_flags(
        case_id, assessment.suitable_codes, threat.all_networks()
    )
    uow.emit(
        PlacementAssessed(
            case_id=case_id,
            version=version,
            assessed_on=assessment.assessed_at.date(),
            rival_conflicts=len(flags),
        ),
        case_id=case_id,
    )
    return CheckedPlacement(version, assessment, tuple(flags))


async def placement_assessments(
    uow: UnitOfWork, case_id: str
) -> Sequence[tuple[int, PlacementAssessment]]:
    await require_known_case(uow, case_id)
    return await PoliceRecords(uow.session).placement_assessments(case_id)


async def record_placement(
    uow: UnitOfWork, case_id: str, municipality_code: str, placed_on: date, by: str, today: date
) -> Placement:
    await require_known_case(uow, case_id)
    placement = place(case_id, municipality_code, placed_on, by, today)
    await PoliceRecords(uow.session).save_placement(placement)
    await refresh_presences(uow, case_id)
    return placement


async def placement_of(uow: UnitOfWork, case_id: str) -> Placement:
    found = await PoliceRecords(uow.session).placement(case_id)
    if found is None:
        raise NotFound("placement", case_id)
    return found
