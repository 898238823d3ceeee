"""Police's notices of break-glass grants over their records (ACCESS.md, "Consent records":
break-glass is audited "and the data owner is notified")."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from avhopp_shared.access.categories import Category
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
from avhopp_threat.domain.break_glass_notice import BreakGlassNotice
from avhopp_threat.service_layer.break_glass_notices import break_glass_notices

router = APIRouter(tags=["break-glass notices"], responses=problem_responses(401, 403))


class BreakGlassNoticePublic(BaseModel):
    """Someone broke the glass on records police hold.

    Who it was (``organisation``, ``user``) is ``protected_location``, as in the case
    owner's access alerts: asked for by the municipality of stay or a provider, it tells
    where the person lives or who houses them, so only the case team sees it. The rest
    is police's notice itself, which every police reader sees.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "case_id": "9f1c2d3e-4b5a-4c6d-8e7f-1a2b3c4d5e6f",
                    "grant_id": "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
                    "agency": "social",
                    "organisation": "1280",
                    "user": "socialsekreterare-1",
                    "categories": ["threat"],
                    "granted_at": "2026-11-20T22:14:05Z",
                    "expires_at": "2026-11-20T23:14:05Z",
                    "ended_early": False,
                }
            ]
        }
    )

    case_id: str
    grant_id: str
    agency: str = Field(description="The agency of whoever broke the glass")
    organisation: str | None = None
    user: str | None = None
    categories: list[Category] = Field(description="What of police's records the grant opened")
    granted_at: datetime
    expires_at: datetime = Field(
        description="When the grant ends: earlier than granted when a second person "
        "of the requester's authority rejected it"
    )
    ended_early: bool = Field(description="Whether a rejection ended it before its time")

    @classmethod
    def of(cls, notice: BreakGlassNotice) -> BreakGlassNoticePublic:
        return cls(
            case_id=notice.case_id,
            grant_id=notice.grant_id,
            agency=notice.agency,
            organisation=notice.organisation,
            user=notice.user,
            categories=[Category(c) for c in notice.categories],
            granted_at=notice.granted_at,
            expires_at=notice.expires_at,
            ended_early=notice.ended_early,
        )


@router.get(
    "/cases/{case_id}/break-glass-notices",
    response_model=list[disclosed_model(BreakGlassNoticePublic)],  # type: ignore[misc]
    responses=NOT_FOUND,
    dependencies=[requires("break_glass_notice.read")],
    summary="Every break-glass grant over records police hold, newest first",
    description="For police, the owner of the records opened (ACCESS.md: the data owner "
    "is notified of break-glass). Who broke the glass is shown to the case team only: "
    "it can tell where the person lives. Whether a second person approved the grant "
    "stays with intake; a rejection shows as the grant ending early.",
    operation_id="listBreakGlassNotices",
)
async def get_break_glass_notices(
    case_id: CaseId,
    uow: UnitOfWorkDep,
    access: AccessDep,
    limit: Limit = 50,
    offset: Offset = 0,
) -> JSONResponse:
    async with uow:  # the read and its audit entries: one transaction
        disclosures = await disclosed_page(
            access,
            lambda size, skip: break_glass_notices(uow, case_id, limit=size, offset=skip),
            lambda notice: (notice.case_id, BreakGlassNoticePublic.of(notice)),
            limit=limit,
            offset=offset,
            # Sorted by when each grant began: the notice's own reference.
            filtered_on=[Category.CASE_REF],
        )
    # A notice whose requester is withheld still tells police that, when and by which
    # agency their records were opened: the notice ACCESS.md asks for.
    return disclosed_list_response(disclosures, notices=True)
