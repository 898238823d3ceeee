"""Threat and risk assessments: recorded by police, read by whoever the gate lets see them.

"Today", which no date may pass and by which a review falls due, is the Swedish day
(``today_in_sweden``; README: days are Swedish days, Europe/Stockholm), never the UTC
date, which lags one or two hours behind every night.
"""

from __future__ import annotations

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from avhopp_shared.access.categories import Category
from avhopp_shared.access.gate import Disclosure
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.municipalities import resolve_municipality
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.disclosure import (
    AccessDep,
    disclosed_list_response,
    disclosed_model,
    disclosed_record,
    disclosed_response,
    requires,
)
from avhopp_shared.web.listing import disclosed_page
from avhopp_shared.web.params import NOT_FOUND, CaseId, Limit, Offset
from avhopp_shared.web.problems import problem_responses
from avhopp_threat.domain.threat_assessment import (
    HandlingLevel,
    Relative,
    ThreatActor,
    ThreatLevel,
)
from avhopp_threat.entrypoints.schemas import ThreatAssessmentIn, ThreatAssessmentPublic
from avhopp_threat.service_layer.assessments import (
    RecordAssessment,
    assessment_history,
    current_assessment,
    current_assessments,
    record_assessment,
)

router = APIRouter(tags=["threat assessments"], responses=problem_responses(401, 403))


def _code(municipality: str | None, field: str) -> str | None:
    return None if municipality is None else resolve_municipality(municipality, field).code


@router.post(
    "/cases/{case_id}/threat-assessments",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(ThreatAssessmentPublic),
    responses=NOT_FOUND | problem_responses(422),
    dependencies=[requires("threat.write")],
    summary="Record a threat and risk assessment of the person or a named relative",
    operation_id="recordThreatAssessment",
)
async def post_assessment(
    case_id: CaseId, body: ThreatAssessmentIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    today = today_in_sweden()
    command = RecordAssessment(
        relative=Relative(body.relative.relative_id, body.relative.relation)
        if body.relative
        else None,
        level=body.level,
        threat_picture=body.threat_picture,
        risk_analysis=body.risk_analysis,
        threat_actors=tuple(
            ThreatActor(a.name, a.network, _code(a.resides_in, f"threat_actors.{i}.resides_in"))
            for i, a in enumerate(body.threat_actors)
        ),
        networks=tuple(body.networks),
        affiliations=tuple(body.affiliations),
        assessed_on=body.assessed_on,
        next_review_on=body.next_review_on,
    )
    async with uow:  # the assessment, its events and the answer's audit entry commit together
        assessment = await record_assessment(
            uow, case_id, command, access.caller.recorded_as, today
        )
        disclosure = await access.disclose(case_id, ThreatAssessmentPublic.of(assessment, today))
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.get(
    "/cases/{case_id}/threat-assessments",
    response_model=list[disclosed_model(ThreatAssessmentPublic)],  # type: ignore[misc]
    responses=NOT_FOUND,
    dependencies=[requires("threat.read")],
    summary="Every version of every threat assessment of the case, newest first",
    description="A named relative's assessments are `family` data: they are listed only "
    "to a reader shown `family` for them, never as assessments of the person.",
    operation_id="listThreatAssessmentHistory",
)
async def get_history(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    today = today_in_sweden()
    async with uow:
        history = await assessment_history(uow, case_id)
        items = [(case_id, ThreatAssessmentPublic.of(a, today)) for a in history]
        # A relative's assessment is about the relative: ``family`` data
        # (ACCESS.md, "Data categories"), never a provider's. Shown with its
        # ``relative`` withheld, it would read as one more assessment of the
        # person, its threat picture the relative's. So it is listed only to a
        # caller shown ``family`` for it (police, whose record it is), decided
        # first and disclosed, so audited, only if listed (``Access.decide_each``).
        chosen = [
            item
            for item, decided in zip(items, await access.decide_each(items), strict=True)
            if _listed(item[1], decided)
        ]
        disclosures = await access.disclose_each(chosen)
    # Should the decision change in between, the later one holds.
    return disclosed_list_response(
        [d for (_, item), d in zip(chosen, disclosures, strict=True) if _listed(item, d)]
    )


def _listed(item: ThreatAssessmentPublic, disclosure: Disclosure) -> bool:
    """Whether an assessment goes into the history: the person's always (the gate
    filters it as any record), a relative's only with its ``family`` disclosed."""
    return item.relative is None or Category.FAMILY.value in disclosure.disclosed


@router.get(
    "/cases/{case_id}/threat-assessments/current",
    response_model=disclosed_model(ThreatAssessmentPublic),
    responses=NOT_FOUND,
    dependencies=[requires("threat.read")],
    summary="The person's current threat assessment",
    operation_id="readCurrentThreatAssessment",
)
async def get_current(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    today = today_in_sweden()
    async with uow:
        assessment = await current_assessment(uow, case_id)
        disclosure = await access.disclose(case_id, ThreatAssessmentPublic.of(assessment, today))
    # Shown its reference alone (no threat, no criminal_history), the reader gets
    # the same 404 as for a case police never assessed (``disclosed_record``).
    return disclosed_record(disclosure)


@router.get(
    "/threat-assessments",
    response_model=list[disclosed_model(ThreatAssessmentPublic)],  # type: ignore[misc]
    dependencies=[requires("threat.read")],
    summary="Cases by their current assessment; review_due lists those whose review date passed",
    operation_id="listThreatAssessments",
)
async def list_current(
    uow: UnitOfWorkDep,
    access: AccessDep,
    level: ThreatLevel | None = None,
    handling_level: HandlingLevel | None = None,
    review_due: bool = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> JSONResponse:
    today = today_in_sweden()
    async with uow:
        # level, handling_level and review_due filter on threat fields, and the
        # listing is sorted by the next review date, a threat field too (a
        # null date last: the "none" level). So an assessment is listed only to
        # a caller the gate shows its threat category (ACCESS.md, matrix): its
        # place in the answer would tell the rest (``web.listing``).
        disclosures = await disclosed_page(
            access,
            lambda size, skip: current_assessments(
                uow,
                level=level,
                handling_level=handling_level,
                review_due_by=today if review_due else None,
                limit=size,
                offset=skip,
            ),
            lambda found: (found.case_id, ThreatAssessmentPublic.of(found, today)),
            limit=limit,
            offset=offset,
            filtered_on=[Category.THREAT],
        )
    return disclosed_list_response(disclosures)
