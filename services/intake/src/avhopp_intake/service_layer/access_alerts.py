"""The case owner's notices of access out of the ordinary: every read of the new home
town (ACCESS.md, case team: "every read of it raises an access alert event for the case
owner") and every break-glass grant ("the data owner is notified"), approved or
rejected by the second person.

Intake keeps the case for its owner, social services of the responsible
municipality, so it is where those notices are kept and read. A read alert is
raised by whichever service disclosed the town (police's placement, social
services' responsibility) and reaches intake as an event; a break-glass grant is
recorded here in the first place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from avhopp_intake.adapters.case_repository import CaseRepository
from avhopp_intake.adapters.tables import BreakGlassRejectionRow, LocationReadRecord
from avhopp_shared.access.tables import BreakGlassRow
from avhopp_shared.db.insert_new import insert_new
from avhopp_shared.errors import NotFound
from avhopp_shared.events.access_events import ProtectedLocationRead
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.uow import UnitOfWork

LOCATION_READ = "protected_location_read"
BREAK_GLASS = "break_glass"


@dataclass(frozen=True, slots=True)
class AccessAlert:
    """One notice: who, when, and for a break-glass grant what and until when."""

    case_id: str
    alert_id: str
    kind: str
    at: datetime
    agency: str
    organisation: str
    user: str | None
    channel: str | None = None
    categories: tuple[str, ...] = ()
    expires_at: datetime | None = None
    approved: bool | None = None
    rejected: bool | None = None
    rejected_at: datetime | None = None


async def on_protected_location_read(
    uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
) -> None:
    assert isinstance(payload, ProtectedLocationRead)
    await insert_new(
        uow.session,
        LocationReadRecord,
        {
            "alert_id": envelope.id,
            "case_id": payload.case_id,
            "reader_agency": payload.reader_agency,
            "reader_organisation": payload.reader_organisation,
            "reader_user": payload.reader_user,
            "read_at": payload.read_at,
            "channel": payload.channel,
        },
    )


async def access_alerts(uow: UnitOfWork, case_id: str) -> Sequence[AccessAlert]:
    """The case's notices, newest first; 404 for a case intake does not hold."""
    if await CaseRepository(uow.session).get(case_id) is None:
        raise NotFound("case", case_id)
    reads = await uow.session.exec(
        select(LocationReadRecord).where(col(LocationReadRecord.case_id) == case_id)
    )
    grants = await uow.session.exec(
        select(BreakGlassRow, BreakGlassRejectionRow)
        .outerjoin(
            BreakGlassRejectionRow,
            col(BreakGlassRejectionRow.grant_id) == col(BreakGlassRow.grant_id),
        )
        .where(col(BreakGlassRow.case_id) == case_id)
    )
    alerts = [
        AccessAlert(
            case_id=read.case_id,
            alert_id=read.alert_id,
            kind=LOCATION_READ,
            at=read.read_at,
            agency=read.reader_agency,
            organisation=read.reader_organisation,
            user=read.reader_user,
            channel=read.channel,
        )
        for read in reads.all()
    ] + [
        AccessAlert(
            case_id=grant.case_id,
            alert_id=grant.grant_id,
            kind=BREAK_GLASS,
            at=grant.valid_from,
            agency=grant.agency,
            organisation=grant.organisation,
            user=grant.user,
            categories=tuple(grant.categories),
            expires_at=grant.expires_at,
            approved=grant.approved_by is not None,
            # The reason is not shown here, as the justification is not: the
            # danger described is the person's (ACCESS.md, "Consent records").
            rejected=rejection is not None,
            rejected_at=rejection.rejected_at if rejection is not None else None,
        )
        for grant, rejection in grants.all()
    ]
    return sorted(alerts, key=lambda alert: (alert.at, alert.alert_id), reverse=True)
