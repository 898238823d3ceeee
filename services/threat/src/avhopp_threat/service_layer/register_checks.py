"""Register checks: recorded per case; a relapse found on follow-up is reported at once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from avhopp_shared.events.envelope import utcnow
from avhopp_shared.events.police_events import CriminalHistoryChecked, RelapseReported
from avhopp_shared.uow import UnitOfWork
from avhopp_threat.adapters.police_records import PoliceRecords
from avhopp_threat.domain.register_check import CheckPurpose, Register, RegisterCheck, record_check
from avhopp_threat.service_layer.assessments import require_known_case


async def add_register_check(
    uow: UnitOfWork,
    case_id: str,
    *,
    purpose: CheckPurpose,
    registers: tuple[Register, ...],
    checked_on: date,
    hit: bool,
    summary: str,
    by: str,
    today: date,
) -> RegisterCheck:
    await require_known_case(uow, case_id)
    check = record_check(
        check_id=str(uuid.uuid4()),
        case_id=case_id,
        purpose=purpose,
        registers=registers,
        checked_on=checked_on,
        checked_by=by,
        hit=hit,
        summary=summary,
        today=today,
        recorded_at=utcnow(),
    )
    PoliceRecords(uow.session).add_check(check)
    uow.emit(
        CriminalHistoryChecked(
            case_id=case_id,
            check_id=check.check_id,
            purpose=check.purpose.value,
            checked_on=check.checked_on,
            hit=check.hit,
        ),
        case_id=case_id,
    )
    if check.relapse:
        # PROCESS.md step 11: on relapse police inform social services.
        uow.emit(
            RelapseReported(case_id=case_id, check_id=check.check_id, checked_on=checked_on),
            case_id=case_id,
        )
    return check


async def register_checks(uow: UnitOfWork, case_id: str) -> Sequence[RegisterCheck]:
    await require_known_case(uow, case_id)
    return await PoliceRecords(uow.session).checks(case_id)
