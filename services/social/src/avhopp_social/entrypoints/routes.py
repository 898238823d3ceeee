from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from avhopp_shared.events.case_events import AppliedFor
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.params import NOT_FOUND, CaseId
from avhopp_social.domain.investigation import Investigation, InvestigationStatus
from avhopp_social.service_layer.handlers import get_investigation, list_investigations

router = APIRouter(tags=["investigations"])


class InvestigationPublic(BaseModel):
    case_id: str
    status: InvestigationStatus
    legal_basis: str
    received_at: datetime
    opened_at: datetime
    start_deadline: datetime
    overdue: bool
    applied_for: list[AppliedFor]
    out_of_hours: bool

    @classmethod
    def of(cls, investigation: Investigation) -> InvestigationPublic:
        return cls(
            case_id=investigation.case_id,
            status=investigation.status,
            legal_basis=investigation.legal_basis,
            received_at=investigation.received_at,
            opened_at=investigation.opened_at,
            start_deadline=investigation.start_deadline,
            overdue=investigation.is_overdue(utcnow()),
            applied_for=list(investigation.applied_for),
            out_of_hours=investigation.out_of_hours,
        )


@router.get(
    "/cases/{case_id}/investigation",
    response_model=InvestigationPublic,
    responses=NOT_FOUND,
    summary="The investigation opened for a case, with its start deadline",
)
async def read_investigation(case_id: CaseId, uow: UnitOfWorkDep) -> InvestigationPublic:
    return InvestigationPublic.of(await get_investigation(uow, case_id))


@router.get(
    "/investigations",
    response_model=list[InvestigationPublic],
    summary="Investigations, earliest start deadline first",
)
async def read_investigations(
    uow: UnitOfWorkDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[InvestigationPublic]:
    return [InvestigationPublic.of(i) for i in await list_investigations(uow, limit, offset)]
