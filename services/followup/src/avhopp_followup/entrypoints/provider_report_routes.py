"""Providers' weekly reports: only the commissioned provider reports, and reads back its own."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from avhopp_followup.domain.provider_report import (
    Absence,
    Contact,
    ContactType,
    Incident,
    ProviderReport,
    Severity,
    TreatmentKind,
    TreatmentSession,
)
from avhopp_followup.entrypoints.access_scope import READS, require_commissioned
from avhopp_followup.service_layer.provider_reports import reports_of, submit_report
from avhopp_shared.access.policy_input import Owner
from avhopp_shared.auth.caller import Agency
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.dated_examples import dated_examples, day, week_start
from avhopp_shared.web.dates import Day
from avhopp_shared.web.disclosure import (
    AccessDep,
    disclosed_list_response,
    disclosed_model,
    disclosed_response,
    requires,
)
from avhopp_shared.web.params import NOT_FOUND, CaseId
from avhopp_shared.web.problems import problem_responses

router = APIRouter(tags=["provider reports"], responses=problem_responses(401, 403) | NOT_FOUND)

Minutes = Field(gt=0, le=24 * 60, description="Length in minutes")


class ContactIn(BaseModel):
    kind: ContactType
    on: Day
    minutes: int = Minutes


class TreatmentSessionIn(BaseModel):
    kind: TreatmentKind
    on: Day
    minutes: int = Minutes


class IncidentIn(BaseModel):
    occurred_on: Day
    severity: Severity
    concerns_security: bool = Field(
        description="It touches the person's security: police are told as well"
    )
    description: str = Field(min_length=1, max_length=5000)


class AbsenceIn(BaseModel):
    first_day: Day
    last_day: Day
    reason: str = Field(min_length=1, max_length=2000)


def _example(today: date) -> dict[str, Any]:
    """A report of this week (it looks back: nothing in it after today)."""
    return {
        "week_starting": week_start(today),
        "schedule": "Mon-Fri 9-15 work training; Tue and Thu evenings group sessions",
        "contacts": [{"kind": "meeting", "on": day(today), "minutes": 60}],
        "activities": ["work training", "gym"],
        "treatment_sessions": [{"kind": "relapse_prevention", "on": day(today), "minutes": 90}],
        "incidents": [
            {
                "occurred_on": day(today),
                "severity": "serious",
                "concerns_security": True,
                "description": "An unknown car waited outside the housing for an hour",
            }
        ],
        "absences": [],
    }


#: The answer's example: a report of the week of 16 November 2026.
_EXAMPLE = _example(date(2026, 11, 19))


class ProviderReportIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=dated_examples(lambda today: [_example(today)])
    )

    week_starting: Day
    schedule: str = Field(max_length=5000, description="The weekly schedule agreed with the person")
    contacts: list[ContactIn] = Field(default_factory=list, max_length=100)
    activities: list[str] = Field(default_factory=list, max_length=50)
    treatment_sessions: list[TreatmentSessionIn] = Field(default_factory=list, max_length=100)
    incidents: list[IncidentIn] = Field(default_factory=list, max_length=50)
    absences: list[AbsenceIn] = Field(default_factory=list, max_length=50)


class ProviderReportPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "report_id": "3c2b1a0f-9e8d-4c7b-a6f5-e4d3c2b1a0f9",
                    "case_id": "9f1c2d3e-4b5a-4c6d-8e7f-1a2b3c4d5e6f",
                    "provider_organisation": "skyddat-boende-ab",
                    **_EXAMPLE,
                    "reported_by": "skyddat-boende-ab",
                    "reported_at": "2026-11-20T16:00:00Z",
                }
            ]
        }
    )

    report_id: str
    case_id: str
    provider_organisation: str
    week_starting: date
    schedule: str
    contacts: list[ContactIn]
    activities: list[str]
    treatment_sessions: list[TreatmentSessionIn]
    incidents: list[IncidentIn]
    absences: list[AbsenceIn]
    reported_by: str
    reported_at: datetime

    @classmethod
    def of(cls, report: ProviderReport) -> ProviderReportPublic:
        return cls(
            report_id=report.report_id,
            case_id=report.case_id,
            provider_organisation=report.provider_organisation,
            week_starting=report.week_starting,
            schedule=report.schedule,
            contacts=[ContactIn(kind=c.kind, on=c.on, minutes=c.minutes) for c in report.contacts],
            activities=list(report.activities),
            treatment_sessions=[
                TreatmentSessionIn(kind=s.kind, on=s.on, minutes=s.minutes)
                for s in report.treatment_sessions
            ],
            incidents=[
                IncidentIn(
                    occurred_on=i.occurred_on,
                    severity=i.severity,
                    concerns_security=i.concerns_security,
                    description=i.description,
                )
                for i in report.incidents
            ],
            absences=[
                AbsenceIn(first_day=a.first_day, last_day=a.last_day, reason=a.reason)
                for a in report.absences
            ],
            reported_by=report.reported_by,
            reported_at=report.reported_at,
        )


_RESENT: dict[int | str, dict[str, Any]] = {
    200: {
        "model": disclosed_model(ProviderReportPublic),
        "description": "The week's report sent again as it was: the report first stored",
    }
}


def _provider_owns(organisation: str) -> Owner:
    # ACCESS.md: interventions are "own" for both social services and the
    # provider. A report is the provider's own record, which it reads back as
    # its owner; social services hold it as the commissioning board.
    return Owner(Agency.PROVIDER.value, organisation)


@router.post(
    "/cases/{case_id}/provider-reports",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(ProviderReportPublic),
    responses=_RESENT | problem_responses(409, 422),
    dependencies=[requires("provider_report.write")],
    summary="Report a week's work on a case the provider is commissioned for (once a week)",
    operation_id="submitProviderReport",
)
async def post_report(
    case_id: CaseId, body: ProviderReportIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    caller = access.caller
    now = utcnow()
    report = ProviderReport(
        report_id=str(uuid.uuid4()),
        case_id=case_id,
        provider_organisation=caller.organisation,
        week_starting=body.week_starting,
        schedule=body.schedule,
        contacts=tuple(Contact(c.kind, c.on, c.minutes) for c in body.contacts),
        activities=tuple(body.activities),
        treatment_sessions=tuple(
            TreatmentSession(s.kind, s.on, s.minutes) for s in body.treatment_sessions
        ),
        incidents=tuple(
            Incident(i.occurred_on, i.severity, i.concerns_security, i.description)
            for i in body.incidents
        ),
        absences=tuple(Absence(a.first_day, a.last_day, a.reason) for a in body.absences),
        reported_by=caller.recorded_as,
        reported_at=now,
    )
    async with uow:  # the report, its incident events and the answer's audit entry: together
        await require_commissioned(uow, case_id, caller)
        submitted = await submit_report(uow, report, today_in_sweden(now))
        disclosure = await access.disclose(
            case_id,
            ProviderReportPublic.of(submitted.report),
            owner=_provider_owns(caller.organisation),
        )
    # A retry gets the answer the first request would have had, as a replayed write.
    answer = status.HTTP_201_CREATED if submitted.stored else status.HTTP_200_OK
    return disclosed_response(disclosure, answer, write=True)


@router.get(
    "/cases/{case_id}/provider-reports",
    response_model=list[disclosed_model(ProviderReportPublic)],  # type: ignore[misc]
    dependencies=[requires("provider_report.read"), READS],
    summary="The case's provider reports by week; a provider reads only its own",
    operation_id="listProviderReports",
)
async def get_reports(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    caller = access.caller
    async with uow:
        if caller.agency is Agency.PROVIDER:
            await require_commissioned(uow, case_id, caller)
            own = await reports_of(uow, case_id, caller.organisation)
            disclosures = await access.disclose_each(
                [(case_id, ProviderReportPublic.of(r)) for r in own],
                owner=_provider_owns(caller.organisation),
            )
        else:
            found = await reports_of(uow, case_id)
            disclosures = await access.disclose_each(
                [(case_id, ProviderReportPublic.of(r)) for r in found]
            )
    return disclosed_list_response(disclosures)
