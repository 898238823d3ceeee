"""Recording decisions on aid: every decision is announced (``social.aid_decided``);
one granting aid also to police, as a summary."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from avhopp_shared.events.envelope import utcnow
from avhopp_shared.events.social_events import AidDecided, InterventionsDecided
from avhopp_shared.uow import UnitOfWork
from avhopp_social.adapters.aid_decision_repository import AidDecisionRepository
from avhopp_social.adapters.case_filter import CaseFilter
from avhopp_social.domain.aid_decision import AidDecision, AidType, Outcome, decide
from avhopp_social.service_layer.known_case import received_on, require_investigation


@dataclass(frozen=True, slots=True)
class DecideAid:
    aid_type: AidType
    outcome: Outcome
    reasons: str
    valid_from: date | None
    valid_to: date | None
    decided_on: date


async def record_decision(
    uow: UnitOfWork, case_id: str, command: DecideAid, by: str, today: date
) -> AidDecision:
    """Inside an open unit of work; the caller commits (with the answer's audit entry)."""
    received = await received_on(uow, case_id)
    decision = decide(
        decision_id=str(uuid.uuid4()),
        case_id=case_id,
        aid_type=command.aid_type,
        outcome=command.outcome,
        reasons=command.reasons,
        valid_from=command.valid_from,
        valid_to=command.valid_to,
        decided_by=by,
        decided_on=command.decided_on,
        today=today,
        received_on=received,
        recorded_at=utcnow(),
    )
    AidDecisionRepository(uow.session).add(decision)
    uow.emit(
        AidDecided(
            case_id=case_id,
            decision_id=decision.decision_id,
            aid_type=decision.aid_type.value,
            outcome=decision.outcome.value,
            valid_from=decision.valid_from,
            valid_to=decision.valid_to,
            decided_on=decision.decided_on,
        ),
        case_id=case_id,
    )
    if decision.grants_aid:
        # Only *that* aid was decided, and of which type, crosses to police
        # (ACCESS.md: decision_summary); the decision itself stays here.
        uow.emit(
            InterventionsDecided(
                case_id=case_id,
                decided_on=decision.decided_on,
                intervention_types=[decision.aid_type.value],
            ),
            case_id=case_id,
        )
    return decision


async def decisions_of(uow: UnitOfWork, case_id: str) -> Sequence[AidDecision]:
    await require_investigation(uow, case_id)
    return await AidDecisionRepository(uow.session).for_case(case_id)


async def expiring_decisions(
    uow: UnitOfWork,
    today: date,
    within_days: int,
    limit: int,
    offset: int,
    within: CaseFilter | None = None,
) -> Sequence[AidDecision]:
    return await AidDecisionRepository(uow.session).expiring(
        today, today + timedelta(days=within_days), limit, offset, within
    )
