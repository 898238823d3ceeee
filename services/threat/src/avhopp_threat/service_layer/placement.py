"""The placement assessment, its rival check, and the placement itself."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from uuid import uuid4

from avhopp_shared.access import audit
from avhopp_shared.access.categories import Category
from avhopp_shared.access.gate import alert_protected_location_read
from avhopp_shared.access.policy_input import AccessState
from avhopp_shared.auth.caller import Caller
from avhopp_shared.errors import InvalidInput, NotFound
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.events.police_events import PlacementAssessed
from avhopp_shared.municipal_responsibility import today_in_sweden
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
from avhopp_threat.domain.rival_check import RivalFlag, proposed_towns
from avhopp_threat.domain.threat_assessment import PERSON, ThreatAssessment
from avhopp_threat.service_layer.assessments import refresh_presences, require_known_case

#: How the audit trail and the access alert name a disclosure made by a rival check.
RIVAL_CHECK_CHANNEL = "rival_check"


@dataclass(frozen=True, slots=True)
class Reader:
    """Who runs a placement assessment or rival check, for what, and which answer
    carries the flags: what an audit entry of a disclosure names."""

    caller: Caller
    purpose: str
    resource: str


def on_case_team(state: AccessState, caller: Caller) -> bool:
    """Whether the caller is a named member of the case's team (ACCESS.md, ``team``):
    agency, organisation and user, as the policy's ``on_team`` matches them. A
    client without a named user is never a member: membership is personal."""
    if not caller.user:
        return False
    return any(
        member.agency == caller.agency.value
        and member.organisation == caller.organisation
        and member.user == caller.user
        for member in state.team
    )


@dataclass(frozen=True, slots=True)
class CheckedPlacement:
    version: int
    assessment: PlacementAssessment
    #: The suitable towns where a network threatening the person is present.
    rival_flags: tuple[RivalFlag, ...]


async def _current_threat(
    uow: UnitOfWork, case_id: str, *, ad_hoc: bool = False
) -> ThreatAssessment:
    """The person's current threat assessment. Refused without one (422): a placement
    assessment names the ``case`` it needs one of; an ad hoc check (``ad_hoc``, a GET
    without a body) names the path's ``case_id``, never a body field it never had."""
    current = await AssessmentRepository(uow.session).current(case_id, PERSON)
    if current is None:
        # Which towns are safe depends on who threatens the person (004 Del 2).
        if ad_hoc:
            raise InvalidInput(
                "case_id", "a rival check needs a threat assessment first", location="path"
            )
        raise InvalidInput("case", "a placement assessment needs a threat assessment first")
    return current


async def _checked(
    uow: UnitOfWork,
    case_id: str,
    towns: Sequence[str],
    networks: Sequence[str],
    reader: Reader,
) -> list[RivalFlag]:
    """The rival flags of these towns, and for each other case a ``placed`` flag points
    at, an audit entry and an access alert under that case.

    A ``placed`` flag says that a protected person tied to the network lives in
    the town: it discloses that other case's new home town, its
    ``protected_location``. ACCESS.md has every disclosure audited ("Audit")
    and every read of the new home town raise ``case.protected_location_read``
    for the case owner, whoever reads it and however; both are written in this
    transaction, so they commit with the answer or not at all. The answer
    itself still never names the other case.
    """
    presences = PresenceRepository(uow.session)
    flags = await presences.rival_flags(case_id, towns, networks)
    placed = [flag.municipality_code for flag in flags if "placed" in flag.kinds]
    if not placed:
        return flags
    caller = reader.caller
    now = utcnow()
    for other in await presences.placed_cases(case_id, placed, networks):
        decision_id = uuid4().hex
        await audit.append(
            uow.session,
            audit.AuditRecord(
                channel=RIVAL_CHECK_CHANNEL,
                client_id=caller.client_id,
                user=caller.user,
                agency=caller.agency.value,
                organisation=caller.organisation,
                case_id=other,
                resource=reader.resource,
                purpose=reader.purpose,
                disclosed=[Category.PROTECTED_LOCATION.value],
                withheld={},
                bases={
                    Category.PROTECTED_LOCATION.value: {
                        "rule": RIVAL_CHECK_CHANNEL,
                        "basis": "a placed flag in the rival check of another case",
                    }
                },
                decision_id=decision_id,
                policy_revision="-",
                note=(
                    f"rival check of case {case_id}: a proposed town was flagged as where "
                    "this case's person, tied to a network threatening that case's "
                    "person, is placed"
                ),
            ),
            now,
        )
        alert_protected_location_read(uow, other, caller, now, decision_id, RIVAL_CHECK_CHANNEL)
    return flags


async def rival_check(
    uow: UnitOfWork, case_id: str, towns: Iterable[str], reader: Reader
) -> list[RivalFlag]:
    """The towns where a network threatening the person is placed (through other open
    cases, which are never named) or resides (through any open case, this one too);
    at most ``MAX_PROPOSED_TOWNS`` towns."""
    codes = proposed_towns(towns)
    await require_known_case(uow, case_id)
    threat = await _current_threat(uow, case_id, ad_hoc=True)
    return await _checked(uow, case_id, codes, threat.all_networks(), reader)


async def record_placement_assessment(
    uow: UnitOfWork, case_id: str, towns: Sequence[TownJudgement], reader: Reader
) -> CheckedPlacement:
    # Locked: its version is counted from the ones stored (``require_known_case``).
    await require_known_case(uow, case_id, for_update=True)
    threat = await _current_threat(uow, case_id)
    assessment = assess_placement(case_id, towns, reader.caller.recorded_as, utcnow())
    version = await PoliceRecords(uow.session).add_placement_assessment(assessment)
    flags = await _checked(uow, case_id, assessment.suitable_codes, threat.all_networks(), reader)
    uow.emit(
        PlacementAssessed(
            case_id=case_id,
            version=version,
            # The Swedish day of the moment it was made, not its UTC date (README).
            assessed_on=today_in_sweden(assessment.assessed_at),
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
    # Locked: a first placement in flight with another would insert the same key
    # (``require_known_case``); made in turn, the later one replaces the earlier.
    await require_known_case(uow, case_id, for_update=True)
    placement = place(case_id, municipality_code, placed_on, by, today)
    await PoliceRecords(uow.session).save_placement(placement)
    await refresh_presences(uow, case_id)
    return placement


async def placement_of(uow: UnitOfWork, case_id: str) -> Placement:
    found = await PoliceRecords(uow.session).placement(case_id)
    if found is None:
        raise NotFound("placement", case_id)
    return found
