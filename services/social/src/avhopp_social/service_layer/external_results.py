"""External instrument results, kept apart by category: health, or the risk picture."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date

from sqlmodel import col, select

from avhopp_shared.uow import UnitOfWork
from avhopp_social.adapters.tables import ExternalResultRecord
from avhopp_social.domain.external_assessment import (
    ExternalResult,
    HealthInstrument,
    RiskInstrument,
    external_result,
)
from avhopp_social.service_layer.known_case import require_investigation


async def record_result(
    uow: UnitOfWork,
    case_id: str,
    *,
    instrument: HealthInstrument | RiskInstrument,
    assessed_on: date,
    assessor: str,
    summary: str,
    today: date,
) -> ExternalResult:
    """Inside an open unit of work; the caller commits (with the answer's audit entry)."""
    await require_investigation(uow, case_id)
    result = external_result(
        result_id=str(uuid.uuid4()),
        case_id=case_id,
        instrument=instrument,
        assessed_on=assessed_on,
        assessor=assessor,
        summary=summary,
        today=today,
    )
    uow.session.add(
        ExternalResultRecord(
            result_id=result.result_id,
            case_id=case_id,
            instrument=result.instrument,
            assessed_on=result.assessed_on,
            assessor=result.assessor,
            summary=result.summary,
        )
    )
    return result


async def results_of(
    uow: UnitOfWork, case_id: str, instruments: Collection[str]
) -> Sequence[ExternalResult]:
    await require_investigation(uow, case_id)
    rows = await uow.session.exec(
        select(ExternalResultRecord)
        .where(
            col(ExternalResultRecord.case_id) == case_id,
            col(ExternalResultRecord.instrument).in_(list(instruments)),
        )
        .order_by(col(ExternalResultRecord.assessed_on))
    )
    return [
        ExternalResult(r.result_id, r.case_id, r.instrument, r.assessed_on, r.assessor, r.summary)
        for r in rows.all()
    ]
