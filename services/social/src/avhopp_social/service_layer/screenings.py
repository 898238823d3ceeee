"""AUDIT and DUDIT: scored here, kept with the answers as given."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from avhopp_shared.uow import UnitOfWork
from avhopp_social.adapters.investigation_repository import InvestigationRepository
from avhopp_social.adapters.tables import ScreeningRecord
from avhopp_social.domain.screening import Instrument, Score, Sex, check_screening, score
from avhopp_social.service_layer.known_case import received_on, require_investigation


@dataclass(frozen=True, slots=True)
class Screening:
    result_id: str
    case_id: str
    sex: Sex
    answers: tuple[int, ...]
    score: Score
    administered_on: date
    administered_by: str


async def record_screening(
    uow: UnitOfWork,
    case_id: str,
    *,
    instrument: Instrument,
    answers: Sequence[int],
    sex: Sex,
    administered_on: date,
    by: str,
    today: date,
) -> Screening:
    """Inside an open unit of work; the caller commits (with the answer's audit entry)."""
    check_screening(
        instrument,
        administered_on,
        today=today,
        received_on=await received_on(uow, case_id),
        # The scope as chosen with the person now (PROCESS.md step 3).
        scope=await InvestigationRepository(uow.session).scope(case_id),
    )
    result = Screening(
        result_id=str(uuid.uuid4()),
        case_id=case_id,
        sex=sex,
        answers=tuple(answers),
        score=score(instrument, answers, sex),
        administered_on=administered_on,
        administered_by=by,
    )
    uow.session.add(
        ScreeningRecord(
            result_id=result.result_id,
            case_id=case_id,
            instrument=instrument.value,
            sex=sex.value,
            answers=list(answers),
            total=result.score.total,
            administered_on=administered_on,
            administered_by=by,
        )
    )
    return result


async def screenings_of(uow: UnitOfWork, case_id: str) -> Sequence[Screening]:
    await require_investigation(uow, case_id)
    rows = await uow.session.exec(
        select(ScreeningRecord)
        .where(col(ScreeningRecord.case_id) == case_id)
        .order_by(col(ScreeningRecord.administered_on))
    )
    return [
        Screening(
            result_id=r.result_id,
            case_id=r.case_id,
            sex=Sex(r.sex),
            answers=tuple(r.answers),
            # Scored again from the answers kept: one scoring, wherever it is shown.
            score=score(Instrument(r.instrument), r.answers, Sex(r.sex)),
            administered_on=r.administered_on,
            administered_by=r.administered_by,
        )
        for r in rows.all()
    ]
