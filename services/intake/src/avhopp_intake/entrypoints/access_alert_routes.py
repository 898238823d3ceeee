"""The case owner's access alerts: reads of the new home town and break-glass grants."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from avhopp_intake.entrypoints.access_schemas import AccessAlertPublic
from avhopp_intake.entrypoints.municipality_scope import READS
from avhopp_intake.service_layer.access_alerts import access_alerts, on_protected_location_read
from avhopp_shared.access.gate import keep_location_reads_here
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.disclosure import (
    AccessDep,
    disclosed_list_response,
    disclosed_model,
    requires,
)
from avhopp_shared.web.params import NOT_FOUND, CaseId, Limit, Offset
from avhopp_shared.web.problems import problem_responses

router = APIRouter(tags=["access"], responses=problem_responses(401, 403))


@router.get(
    "/cases/{case_id}/access-alerts",
    response_model=list[disclosed_model(AccessAlertPublic)],  # type: ignore[misc]
    responses=NOT_FOUND,
    dependencies=[requires("access_alert.read"), READS],
    summary="Every read of the new home town and every break-glass grant, newest first",
    description="For social services of the municipalities working the case, the case "
    "owner (ACCESS.md: every read of the new home town raises an alert for the case "
    "owner; the data owner is notified of break-glass). Who read or broke the glass is "
    "shown to the case team only: it can tell where the person lives.",
    operation_id="listAccessAlerts",
)
async def get_access_alerts(
    case_id: CaseId,
    uow: UnitOfWorkDep,
    access: AccessDep,
    limit: Limit = 50,
    offset: Offset = 0,
) -> JSONResponse:
    async with uow:  # the read and its audit entries: one transaction
        # Reader names shown to the team are the new home town's news: the read
        # raises an alert here, which the owner's list must carry like any other.
        keep_location_reads_here(uow, on_protected_location_read)
        alerts = await access_alerts(uow, case_id)
        page = alerts[offset : offset + limit]
        disclosures = await access.disclose_each(
            [(case_id, AccessAlertPublic.of(alert)) for alert in page]
        )
    # An alert whose reader is withheld still tells the owner that, when and by which
    # agency its case's new home town was read: the notice ACCESS.md asks for.
    return disclosed_list_response(disclosures, notices=True)
