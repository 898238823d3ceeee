"""Security incidents from follow-up: what police learn when a provider's serious incident
concerns the person's security (PROCESS.md step 11), and forget when the consent goes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlmodel import col, select

from avhopp_shared.access.event_gate import disclosed
from avhopp_shared.db.insert_new import insert_new
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.envelope import EventEnvelope, utcnow
from avhopp_shared.events.followup_events import IncidentReported
from avhopp_shared.uow import UnitOfWork
from avhopp_threat.adapters.tables import SecurityIncidentRecord
from avhopp_threat.service_layer.assessments import require_known_case


async def on_incident_reported(
    uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
) -> None:
    """Kept only when the gate let through that it concerns security, and when: the
    person's consent covers ``followup`` for police."""
    assert isinstance(payload, IncidentReported)
    if not disclosed(payload, "concerns_security", "occurred_on", "report_id"):
        return
    if not payload.concerns_security:
        return
    await insert_new(
        uow.session,
        SecurityIncidentRecord,
        {
            "report_id": payload.report_id,
            "case_id": envelope.subject,
            "occurred_on": payload.occurred_on,
            "received_at": utcnow(),
        },
    )


async def security_incidents(
    uow: UnitOfWork, *, case_id: str | None, limit: int, offset: int
) -> Sequence[SecurityIncidentRecord]:
    """Newest first; for one case, only a case police know of (404 otherwise, as every
    list under a case answers for a case it does not know)."""
    query = select(SecurityIncidentRecord)
    if case_id is not None:
        await require_known_case(uow, case_id)
        query = query.where(col(SecurityIncidentRecord.case_id) == case_id)
    rows = await uow.session.exec(
        query.order_by(
            col(SecurityIncidentRecord.received_at).desc(), col(SecurityIncidentRecord.report_id)
        )
        .limit(limit)
        .offset(offset)
    )
    return rows.all()


async def purge_security_incidents(
    uow: UnitOfWork, case_id: str, still_allowed: frozenset[str]
) -> int:
    """The consent they came under was withdrawn: police no longer hold them."""
    result = await uow.session.exec(
        delete(SecurityIncidentRecord).where(col(SecurityIncidentRecord.case_id) == case_id)
    )
    return int(result.rowcount or 0)
