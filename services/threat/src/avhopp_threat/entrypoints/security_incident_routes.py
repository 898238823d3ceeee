"""Police's list of security incidents that follow-up told them of."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from avhopp_shared.access.categories import Category
from avhopp_shared.access.policy_input import Owner
from avhopp_shared.auth.caller import Agency
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.disclosure import (
    AccessDep,
    disclosed_list_response,
    disclosed_model,
    requires,
)
from avhopp_shared.web.listing import disclosed_page
from avhopp_shared.web.params import NOT_FOUND, CaseId, Limit, Offset
from avhopp_shared.web.problems import problem_responses
from avhopp_threat.adapters.tables import SecurityIncidentRecord
from avhopp_threat.service_layer.security_incidents import security_incidents

router = APIRouter(tags=["security incidents"], responses=problem_responses(401, 403))


class SecurityIncidentPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "case_id": "9f1c2d3e-4b5a-4c6d-8e7f-1a2b3c4d5e6f",
                    "report_id": "3c2b1a0f-9e8d-4c7b-a6f5-e4d3c2b1a0f9",
                    "occurred_on": "2026-11-19",
                    "received_at": "2026-11-20T16:00:02Z",
                }
            ]
        }
    )

    case_id: str
    report_id: str
    occurred_on: date
    received_at: datetime

    @classmethod
    def of(cls, record: SecurityIncidentRecord) -> SecurityIncidentPublic:
        return cls(
            case_id=record.case_id,
            report_id=record.report_id,
            occurred_on=record.occurred_on,
            received_at=record.received_at,
        )


#: Who holds an incident kept here: social services' follow-up, which told police of
#: it under the person's consent (ACCESS.md matrix: police ``followup`` is ``consent``;
#: app.py forgets it with ``Purger("social", ...)``). It is a received copy, not
#: police's own record, so every read is decided as a read of social services' record:
#: only the police the consent names, and only while it is in force, may see it.
SENDER = Owner(Agency.SOCIAL.value)


async def _listed(
    uow: UnitOfWorkDep, access: AccessDep, case_id: str | None, limit: int, offset: int
) -> JSONResponse:
    async with uow:
        # That a case has a security incident is itself ``followup``: an incident is
        # listed only to a caller the gate shows that category for it, and the page is
        # cut from those (``web.listing``), so hidden ones neither shorten it nor are
        # audited as sent.
        disclosures = await disclosed_page(
            access,
            lambda size, skip: security_incidents(uow, case_id=case_id, limit=size, offset=skip),
            lambda found: (found.case_id, SecurityIncidentPublic.of(found)),
            limit=limit,
            offset=offset,
            filtered_on=[Category.FOLLOWUP],
            owner=SENDER,
        )
    return disclosed_list_response(disclosures)


@router.get(
    "/security-incidents",
    response_model=list[disclosed_model(SecurityIncidentPublic)],  # type: ignore[misc]
    dependencies=[requires("threat.write")],
    summary="Serious incidents concerning a person's security, newest first",
    operation_id="listSecurityIncidents",
)
async def get_all(
    uow: UnitOfWorkDep,
    access: AccessDep,
    limit: Limit = 50,
    offset: Offset = 0,
) -> JSONResponse:
    return await _listed(uow, access, None, limit, offset)


@router.get(
    "/cases/{case_id}/security-incidents",
    response_model=list[disclosed_model(SecurityIncidentPublic)],  # type: ignore[misc]
    responses=NOT_FOUND,
    dependencies=[requires("threat.write")],
    summary="A case's security incidents, newest first",
    operation_id="listCaseSecurityIncidents",
)
async def get_for_case(
    case_id: CaseId,
    uow: UnitOfWorkDep,
    access: AccessDep,
    limit: Limit = 50,
    offset: Offset = 0,
) -> JSONResponse:
    return await _listed(uow, access, case_id, limit, offset)
