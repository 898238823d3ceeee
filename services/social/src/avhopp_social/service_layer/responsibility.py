"""Recording which municipality is responsible, and transfers of that responsibility."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement

from avhopp_shared.access.responsibility_queries import read_responsibility
from avhopp_shared.access.responsibility_queries import responsible_cases as responsible_cases_in
from avhopp_shared.auth.caller import Caller
from avhopp_shared.errors import NotFound
from avhopp_shared.events.responsibility_events import (
    ResponsibilityRecorded,
    ResponsibilityTransferred,
)
from avhopp_shared.uow import UnitOfWork
from avhopp_social.adapters.tables import ResponsibilityRecord, TransferRecord
from avhopp_social.domain.responsibility import Responsibility, transfer, with_stay
from avhopp_social.service_layer.known_case import received_on, require_investigation


async def responsibility_of(uow: UnitOfWork, case_id: str) -> Responsibility:
    held = await _held(uow, case_id)
    if held is None:
        raise NotFound("responsibility", case_id)
    return held


_record = ResponsibilityRecord.__table__  # type: ignore[attr-defined]
_transfers = TransferRecord.__table__  # type: ignore[attr-defined]


async def _locked(uow: UnitOfWork, case_id: str) -> ResponsibilityRecord:
    """The case's responsibility record, locked for the rest of the transaction
    (``FOR UPDATE`` on PostgreSQL; SQLite's transactions already run one at a time):
    the stay and the transfers are checked against what is on record, and a
    change made meanwhile by another request would pass unseen."""
    record = await uow.session.get(ResponsibilityRecord, case_id, with_for_update=True)
    if record is None:
        raise NotFound("responsibility", case_id)
    return record


async def _held(uow: UnitOfWork, case_id: str) -> Responsibility | None:
    connection = await uow.session.connection()
    return await read_responsibility(connection, _record, _transfers, case_id)


async def may_work_in(
    uow: UnitOfWork, case_id: str, caller: Caller, today: date, acute: bool = True
) -> bool:
    """Whether the caller's municipality works in the case (``Responsibility.may_act``).

    Unknown cases are :class:`NotFound`. A case without a recorded
    responsibility (opened before the receiving municipality was recorded) is
    closed to every municipality: this service does not know which municipality
    received it, so none may claim it by naming itself (2 a kap. SoL: the
    receiving municipality answers, not the first to ask).
    """
    await require_investigation(uow, case_id)
    held = await _held(uow, case_id)
    return held is not None and held.may_act(caller.municipality, today, acute=acute)


def responsible_cases(municipality: str, today: date, case_id: Any) -> ColumnElement[bool]:
    """``case_id`` is one of the cases this municipality may work in today (as ``may_act``)."""
    return responsible_cases_in(_record, _transfers, municipality, today, case_id)


async def record_stay(
    uow: UnitOfWork, case_id: str, *, residence: str, stay: str | None, today: date
) -> Responsibility:
    """Inside an open unit of work; the caller commits (with the answer's audit entry).

    The residence was recorded when the case opened and is only confirmed here
    (``with_stay``); the municipality of stay is set or cleared."""
    await require_investigation(uow, case_id)
    record = await _locked(uow, case_id)
    held = with_stay(
        await responsibility_of(uow, case_id), residence=residence, stay=stay, today=today
    )
    record.stay, record.stay_since = held.stay, held.stay_since
    uow.session.add(record)
    await uow.session.flush()
    uow.emit(
        ResponsibilityRecorded(
            case_id=case_id,
            residence=held.residence,
            stay=held.stay,
            stay_since=held.stay_since,
        ),
        case_id=case_id,
    )
    return held


async def transfer_responsibility(
    uow: UnitOfWork,
    case_id: str,
    *,
    to_municipality: str,
    requested_on: date,
    decided_on: date,
    effective_on: date,
    today: date,
    reads_transfers: bool,
) -> Responsibility:
    """Inside an open unit of work; the caller commits. ``reads_transfers``: whether
    the caller may read the case's transfers (``domain.responsibility.transfer``)."""
    # Locked before the transfers are read: each transfer takes effect on a day of
    # its own, checked against those on record, and two requests in flight
    # together would each pass that check without seeing the other's.
    record = await _locked(uow, case_id)
    moved = transfer(
        await responsibility_of(uow, case_id),
        transfer_id=str(uuid.uuid4()),
        to_municipality=to_municipality,
        requested_on=requested_on,
        decided_on=decided_on,
        effective_on=effective_on,
        today=today,
        received_on=await received_on(uow, case_id),
        reads_transfers=reads_transfers,
    )
    latest = moved.transfers[-1]
    # The stay is left as recorded: the transfer ends it only once it takes effect
    # (``Responsibility.stay_on``), here and in the copies other services keep;
    # unless it had taken effect by the stay's day, which the copies apply alike on
    # ``responsibility.transferred`` (``stay_ended_on_recording``).
    record.stay, record.stay_since = moved.stay, moved.stay_since
    uow.session.add(record)
    uow.emit(
        ResponsibilityTransferred(
            case_id=case_id,
            transfer_id=latest.transfer_id,
            to_municipality=latest.to_municipality,
            requested_on=latest.requested_on,
            decided_on=latest.decided_on,
            effective_on=latest.effective_on,
        ),
        case_id=case_id,
    )
    uow.session.add(
        TransferRecord(
            transfer_id=latest.transfer_id,
            case_id=case_id,
            to_municipality=latest.to_municipality,
            requested_on=latest.requested_on,
            decided_on=latest.decided_on,
            effective_on=latest.effective_on,
        )
    )
    return moved
