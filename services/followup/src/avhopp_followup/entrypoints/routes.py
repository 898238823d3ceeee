from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from avhopp_followup.domain.timeline import CaseTimeline, Milestone, TimelineEntry
from avhopp_followup.entrypoints.access_scope import READS
from avhopp_followup.entrypoints.timeline_parts import by_holder, entry_categories, merged
from avhopp_followup.service_layer.handlers import get_timeline
from avhopp_shared.access.categories import Category
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.disclosure import AccessDep, disclosed_model, disclosed_response, requires
from avhopp_shared.web.params import NOT_FOUND, CaseId
from avhopp_shared.web.problems import problem_responses

router = APIRouter(
    tags=["follow-up"],
    responses=problem_responses(401, 403),
    dependencies=[requires("timeline.read")],
)


class TimelineEntryPublic(BaseModel):
    """One thing that happened; the whole entry is of its ``category`` (the catalogue
    classifies entries item by item), so a reader sees it whole or not at all."""

    milestone: Milestone
    category: Category
    occurred_at: datetime
    recorded_at: datetime
    reported_by: str = Field(description="The agency that reported it")
    summary: str

    @classmethod
    def of(cls, entry: TimelineEntry) -> TimelineEntryPublic:
        return cls(
            milestone=entry.milestone,
            category=entry.category,
            occurred_at=entry.occurred_at,
            recorded_at=entry.recorded_at,
            reported_by=entry.reported_by,
            summary=entry.summary,
        )


class TimelinePublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "case_id": "9f1c2d3e-4b5a-4c6d-8e7f-1a2b3c4d5e6f",
                    "started_at": "2026-11-02T08:00:00Z",
                    "entries": [
                        {
                            "milestone": "application_received",
                            "category": "case_ref",
                            "occurred_at": "2026-11-02T08:00:00Z",
                            "recorded_at": "2026-11-02T08:00:01Z",
                            "reported_by": "social",
                            "summary": "Application received",
                        },
                        {
                            "milestone": "threat_level_changed",
                            "category": "threat",
                            "occurred_at": "2026-11-04T10:00:00Z",
                            "recorded_at": "2026-11-04T10:00:01Z",
                            "reported_by": "police",
                            "summary": "Threat level high, regional handling",
                        },
                    ],
                }
            ]
        }
    )

    case_id: str
    started_at: datetime
    entries: list[TimelineEntryPublic]

    @classmethod
    def of(cls, timeline: CaseTimeline) -> TimelinePublic:
        return cls(
            case_id=timeline.case_id,
            started_at=timeline.started_at,
            entries=[TimelineEntryPublic.of(e) for e in timeline.entries],
        )


@router.get(
    "/cases/{case_id}/timeline",
    response_model=disclosed_model(TimelinePublic),
    responses=NOT_FOUND,
    dependencies=[READS],
    summary="The case timeline, oldest first",
    operation_id="readTimeline",
)
async def read_timeline(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    async with uow:  # the reads and their audit entries: one transaction
        timeline = await get_timeline(uow, case_id)
        own, held = by_holder(timeline)
        own_part, *held_parts = await access.disclose_each(
            [
                (case_id, TimelinePublic.of(own)),
                *((case_id, TimelineEntryPublic.of(entry)) for _, entry in held),
            ],
            owners=[None, *(holder for holder, _ in held)],
        )
    # The timeline's own fields (its case id, when it started) are ``case_ref``, as
    # any answer about the case is: only that category may be named as withheld.
    unnamed = entry_categories(timeline) - {Category.CASE_REF.value}
    return disclosed_response(merged(own_part, held_parts, unnamed))
