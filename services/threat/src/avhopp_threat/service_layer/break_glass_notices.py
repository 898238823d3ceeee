"""Police's notices of break-glass grants over their records: kept as the grant is kept,
read by police.

The grant's event reaches police's services only where it opens records police hold
(``avhopp_shared.access.copy_rules``), and passes the consuming gate whole, as the gate's
own state runs on it. The notice is kept in the same inbox transaction as that state,
whatever consent police hold: it is the data owner's notice about its own records
(ACCESS.md, "Consent records"), as the access alert is the case owner's
(``access.event_gate.OWNER_NOTICE_TYPES``), and carries nothing of the person that the
access state does not already keep. Every read of it goes through the gate.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select

from avhopp_shared.access.event_audiences import platform_audiences
from avhopp_shared.access.state_handlers import ACCESS_HANDLERS
from avhopp_shared.access.tables import BreakGlassRow
from avhopp_shared.auth.caller import Agency
from avhopp_shared.db.insert_new import insert_new
from avhopp_shared.events.access_events import BreakGlassGranted, BreakGlassRejected
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.messaging.inbox import EventHandler
from avhopp_shared.uow import UnitOfWork
from avhopp_threat.adapters.tables import BreakGlassNoticeRecord
from avhopp_threat.adapters.task_repository import TaskRepository
from avhopp_threat.domain.break_glass_notice import BreakGlassNotice, notice_of, rejected
from avhopp_threat.service_layer.assessments import require_known_case


async def note_grant(uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope) -> None:
    """A notice of a grant that opens a category police hold, on a case police know of.

    On a case police do not know (no consent let them, so no task) they hold none of its
    records for the grant to open, and a notice would tell every officer of a case the
    person has not let police know of (ACCESS.md: police's ``case_ref`` is "consent").
    A redelivery adds nothing: the grant's id is the notice's key."""
    assert isinstance(payload, BreakGlassGranted)
    notice = notice_of(payload, _police_hold())
    if notice is None or await TaskRepository(uow.session).get(payload.case_id) is None:
        return
    # A rejection that reached police before the grant (the grant set aside unread,
    # then replayed) already ended it in the access state, applied just before this.
    kept = await uow.session.get(BreakGlassRow, payload.grant_id)
    if kept is not None:
        notice = rejected(notice, kept.expires_at)
    await insert_new(uow.session, BreakGlassNoticeRecord, _row(notice))


async def note_rejection(uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope) -> None:
    """A rejected grant ends at the rejection: so does its notice."""
    assert isinstance(payload, BreakGlassRejected)
    record = await uow.session.get(BreakGlassNoticeRecord, payload.grant_id)
    if record is None:
        return
    ended = rejected(_notice(record), payload.rejected_at)
    record.expires_at, record.ended_early = ended.expires_at, ended.ended_early
    uow.session.add(record)


def _after_the_access_state(event_type: str, note: EventHandler) -> EventHandler:
    """The gate's state first, as every service keeps it (``ACCESS_HANDLERS``), then the
    notice, in the same transaction: both or neither."""
    keep = ACCESS_HANDLERS[event_type]

    async def keep_and_note(
        uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
    ) -> None:
        await keep(uow, payload, envelope)
        await note(uow, payload, envelope)

    return keep_and_note


#: The threat service's handlers of the grant events: they replace the access state's
#: own (``service_app.build_consumer`` lets a service's handlers win) and run them first.
NOTICE_HANDLERS: dict[str, EventHandler] = {
    BreakGlassGranted.event_type: _after_the_access_state(BreakGlassGranted.event_type, note_grant),
    BreakGlassRejected.event_type: _after_the_access_state(
        BreakGlassRejected.event_type, note_rejection
    ),
}


async def break_glass_notices(
    uow: UnitOfWork, case_id: str, *, limit: int, offset: int
) -> Sequence[BreakGlassNotice]:
    """Newest first; 404 for a case police do not know, as every list under a case."""
    await require_known_case(uow, case_id)
    rows = await uow.session.exec(
        select(BreakGlassNoticeRecord)
        .where(col(BreakGlassNoticeRecord.case_id) == case_id)
        .order_by(
            col(BreakGlassNoticeRecord.granted_at).desc(),
            col(BreakGlassNoticeRecord.grant_id).desc(),
        )
        .limit(limit)
        .offset(offset)
    )
    return [_notice(record) for record in rows.all()]


def _police_hold() -> frozenset[str]:
    # The categories police's own services hold (policies/access/held.rego), as the
    # publisher cut police's copy by them; asked of the platform's policies, as a
    # handler has no service engine at hand (cached per policy revision).
    return platform_audiences().held(Agency.POLICE.value)


def _row(notice: BreakGlassNotice) -> dict[str, object]:
    return {
        "grant_id": notice.grant_id,
        "case_id": notice.case_id,
        "agency": notice.agency,
        "organisation": notice.organisation,
        "user": notice.user,
        "categories": list(notice.categories),
        "granted_at": notice.granted_at,
        "expires_at": notice.expires_at,
        "ended_early": notice.ended_early,
    }


def _notice(record: BreakGlassNoticeRecord) -> BreakGlassNotice:
    return BreakGlassNotice(
        case_id=record.case_id,
        grant_id=record.grant_id,
        agency=record.agency,
        organisation=record.organisation,
        user=record.user,
        categories=tuple(record.categories),
        granted_at=record.granted_at,
        expires_at=record.expires_at,
        ended_early=record.ended_early,
    )
