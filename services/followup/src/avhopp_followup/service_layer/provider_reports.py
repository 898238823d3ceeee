"""Storing providers' reports and telling others of serious incidents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlmodel import col, select

from avhopp_followup.adapters.tables import ProviderReportRecord
from avhopp_followup.domain.provider_report import (
    Absence,
    Contact,
    ContactType,
    Incident,
    ProviderReport,
    Severity,
    TreatmentKind,
    TreatmentSession,
    check_report,
)
from avhopp_followup.domain.timeline import Milestone
from avhopp_followup.service_layer.isu_facts import provider_reported
from avhopp_followup.service_layer.timeline_notes import note_here
from avhopp_shared.access.categories import Category
from avhopp_shared.events.followup_events import IncidentReported
from avhopp_shared.uow import UnitOfWork


def _json(items: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(i).items()}
        for i in items
    ]


async def submit_report(uow: UnitOfWork, report: ProviderReport, today: date) -> ProviderReport:
    """Inside an open unit of work; the caller checked the provider is commissioned."""
    checked = check_report(report, today)
    uow.session.add(
        ProviderReportRecord(
            report_id=checked.report_id,
            case_id=checked.case_id,
            provider_organisation=checked.provider_organisation,
            week_starting=checked.week_starting,
            schedule=checked.schedule,
            contacts=_json(checked.contacts),
            activities=list(checked.activities),
            treatment_sessions=_json(checked.treatment_sessions),
            incidents=_json(checked.incidents),
            absences=_json(checked.absences),
            reported_by=checked.reported_by,
            reported_at=checked.reported_at,
        )
    )
    await note_here(
        uow,
        checked.case_id,
        milestone=Milestone.PROVIDER_REPORTED,
        category=Category.INTERVENTIONS,
        summary=(
            f"{checked.provider_organisation} reported the week of {checked.week_starting}: "
            f"{len(checked.contacts)} contacts, {len(checked.treatment_sessions)} treatment "
            f"sessions, {len(checked.incidents)} incidents"
        ),
        occurred=checked.reported_at,
        reported_by="provider",
    )
    await provider_reported(uow, checked.case_id, checked.provider_organisation)
    for incident in checked.serious_incidents:
        uow.emit(
            IncidentReported(
                case_id=checked.case_id,
                report_id=checked.report_id,
                occurred_on=incident.occurred_on,
                concerns_security=incident.concerns_security,
            ),
            case_id=checked.case_id,
        )
    return checked


def _report(r: ProviderReportRecord) -> ProviderReport:
    day = date.fromisoformat
    return ProviderReport(
        report_id=r.report_id,
        case_id=r.case_id,
        provider_organisation=r.provider_organisation,
        week_starting=r.week_starting,
        schedule=r.schedule,
        contacts=tuple(
            Contact(ContactType(c["kind"]), day(c["on"]), c["minutes"]) for c in r.contacts
        ),
        activities=tuple(r.activities),
        treatment_sessions=tuple(
            TreatmentSession(TreatmentKind(s["kind"]), day(s["on"]), s["minutes"])
            for s in r.treatment_sessions
        ),
        incidents=tuple(
            Incident(
                day(i["occurred_on"]),
                Severity(i["severity"]),
                i["concerns_security"],
                i["description"],
            )
            for i in r.incidents
        ),
        absences=tuple(
            Absence(day(a["first_day"]), day(a["last_day"]), a["reason"]) for a in r.absences
        ),
        reported_by=r.reported_by,
        reported_at=r.reported_at,
    )


async def reports_of(
    uow: UnitOfWork, case_id: str, provider_organisation: str | None = None
) -> Sequence[ProviderReport]:
    """The case's reports, by week; with ``provider_organisation``, only that provider's."""
    query = select(ProviderReportRecord).where(col(ProviderReportRecord.case_id) == case_id)
    if provider_organisation is not None:
        query = query.where(
            col(ProviderReportRecord.provider_organisation) == provider_organisation
        )
    rows = await uow.session.exec(
        query.order_by(col(ProviderReportRecord.week_starting), col(ProviderReportRecord.report_id))
    )
    return [_report(r) for r in rows.all()]
