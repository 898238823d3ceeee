"""Storing providers' reports and telling others of serious incidents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
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
    resent,
)
from avhopp_followup.domain.timeline import Milestone
from avhopp_followup.service_layer.commissions import first_commissioned
from avhopp_followup.service_layer.isu_facts import provider_reported
from avhopp_followup.service_layer.timeline_notes import note_here
from avhopp_shared.access.categories import Category
from avhopp_shared.db.insert_new import insert_new
from avhopp_shared.events.followup_events import IncidentReported
from avhopp_shared.uow import UnitOfWork


def _json(items: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(i).items()}
        for i in items
    ]


@dataclass(frozen=True, slots=True)
class Submitted:
    report: ProviderReport
    #: False when it repeats the week's report stored before: nothing new was kept.
    stored: bool


async def submit_report(uow: UnitOfWork, report: ProviderReport, today: date) -> Submitted:
    """Inside an open unit of work; the caller checked the provider is commissioned."""
    commissioned_on = await first_commissioned(uow, report.case_id, report.provider_organisation)
    assert commissioned_on is not None, "the caller checked that the provider is commissioned"
    checked = check_report(report, today, commissioned_on=commissioned_on)
    # Written only if the week has no report yet (one statement, so that two
    # retries at once cannot both find none): a retry is answered with the
    # report it repeats, and its incidents are not announced a second time.
    if not await insert_new(uow.session, ProviderReportRecord, _row(checked)):
        return Submitted(resent(await _week_reported(uow, checked), checked), stored=False)
    await _tell(uow, checked)
    return Submitted(checked, stored=True)


def _row(report: ProviderReport) -> dict[str, Any]:
    return {
        "report_id": report.report_id,
        "case_id": report.case_id,
        "provider_organisation": report.provider_organisation,
        "week_starting": report.week_starting,
        "schedule": report.schedule,
        "contacts": _json(report.contacts),
        "activities": list(report.activities),
        "treatment_sessions": _json(report.treatment_sessions),
        "incidents": _json(report.incidents),
        "absences": _json(report.absences),
        "reported_by": report.reported_by,
        "reported_at": report.reported_at,
    }


async def _tell(uow: UnitOfWork, report: ProviderReport) -> None:
    """What a new report adds: its timeline entry, the ISU fact, its serious incidents."""
    await note_here(
        uow,
        report.case_id,
        milestone=Milestone.PROVIDER_REPORTED,
        category=Category.INTERVENTIONS,
        summary=(
            f"{report.provider_organisation} reported the week of {report.week_starting}: "
            f"{len(report.contacts)} contacts, {len(report.treatment_sessions)} treatment "
            f"sessions, {len(report.incidents)} incidents"
        ),
        occurred=report.reported_at,
        reported_by="provider",
    )
    await provider_reported(uow, report.case_id, report.provider_organisation)
    for incident in report.serious_incidents:
        uow.emit(
            IncidentReported(
                case_id=report.case_id,
                report_id=report.report_id,
                occurred_on=incident.occurred_on,
                concerns_security=incident.concerns_security,
            ),
            case_id=report.case_id,
        )


async def _week_reported(uow: UnitOfWork, report: ProviderReport) -> ProviderReport:
    found = await uow.session.exec(
        select(ProviderReportRecord).where(
            col(ProviderReportRecord.case_id) == report.case_id,
            col(ProviderReportRecord.provider_organisation) == report.provider_organisation,
            col(ProviderReportRecord.week_starting) == report.week_starting,
        )
    )
    earlier = found.first()
    if earlier is None:
        # The only other key is the report's id, a random UUID.
        raise RuntimeError("a provider report was not written, and no report holds its week")
    return _report(earlier)


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
