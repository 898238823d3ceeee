"""Keeping and reading a service's copy of the municipal responsibility.

The copy starts with the municipality that received the application (the
residence until social services say otherwise, 2 a kap. SoL) and follows
``responsibility.recorded`` and ``responsibility.transferred``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement

from avhopp_shared.access.responsibility_queries import read_responsibility
from avhopp_shared.access.responsibility_queries import responsible_cases as responsible_cases_in
from avhopp_shared.access.responsibility_tables import ResponsibilityCopyRow, TransferCopyRow
from avhopp_shared.auth.caller import Caller
from avhopp_shared.db.insert_new import insert_new
from avhopp_shared.errors import NotFound
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.registry import RENAMED_EVENT_TYPES
from avhopp_shared.events.responsibility_events import (
    ResponsibilityRecorded,
    ResponsibilityTransferred,
)
from avhopp_shared.messaging.inbox import EventHandler
from avhopp_shared.municipal_responsibility import (
    Responsibility,
    Transfer,
    stay_ended_on_recording,
)
from avhopp_shared.uow import UnitOfWork

_copy = ResponsibilityCopyRow.__table__  # type: ignore[attr-defined]
_transfer = TransferCopyRow.__table__  # type: ignore[attr-defined]


async def record_receiving_municipality(uow: UnitOfWork, case_id: str, municipality: str) -> None:
    """The copy's start: the receiving municipality is the residence (unless already known)."""
    await insert_new(
        uow.session, ResponsibilityCopyRow, {"case_id": case_id, "residence": municipality}
    )


async def responsibility_copy(uow: UnitOfWork, case_id: str) -> Responsibility:
    """:class:`NotFound` for a case this service holds no responsibility for: it does not
    know the case (or knew it before the receiving municipality was recorded)."""
    connection = await uow.session.connection()
    held = await read_responsibility(connection, _copy, _transfer, case_id)
    if held is None:
        raise NotFound("case", case_id)
    return held


async def may_work_in(
    uow: UnitOfWork, case_id: str, caller: Caller, today: date, acute: bool = True
) -> bool:
    """For ``MunicipalityScope``: whether the caller's municipality works in the case."""
    held = await responsibility_copy(uow, case_id)
    return held.may_act(caller.municipality, today, acute=acute)


async def _on_recorded(uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope) -> None:
    assert isinstance(payload, ResponsibilityRecorded)
    row = await uow.session.get(ResponsibilityCopyRow, payload.case_id)
    if row is None:
        row = ResponsibilityCopyRow(case_id=payload.case_id, residence=payload.residence)
    # An event published before the day was sent leaves it None: the stay is then
    # read by the rule of then, ended by every transfer in effect.
    row.residence, row.stay, row.stay_since = payload.residence, payload.stay, payload.stay_since
    uow.session.add(row)


async def _on_transferred(uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope) -> None:
    assert isinstance(payload, ResponsibilityTransferred)
    # The stay is kept as social services recorded it: a transfer ends it only once it
    # takes effect (2 a kap. 10 § SoL; ``Responsibility.stay_on``), which the copy
    # reads from the transfer's day, not from when the event arrives.
    added = await insert_new(
        uow.session,
        TransferCopyRow,
        {
            "transfer_id": payload.transfer_id,
            "case_id": payload.case_id,
            "to_municipality": payload.to_municipality,
            "requested_on": payload.requested_on,
            "decided_on": payload.decided_on,
            "effective_on": payload.effective_on,
        },
    )
    # Unless it had taken effect by the stay's day: social services ended the stay
    # on recording it, and so does the copy. The events of a case arrive in order
    # (one topic, keyed by the case); a transfer seen before was applied then, and
    # a stay recorded after it must survive its redelivery.
    row = await uow.session.get(ResponsibilityCopyRow, payload.case_id)
    moved = Transfer(
        payload.transfer_id,
        payload.to_municipality,
        payload.requested_on,
        payload.decided_on,
        payload.effective_on,
    )
    if added and row is not None and stay_ended_on_recording(row.stay, row.stay_since, moved):
        row.stay, row.stay_since = None, None
        uow.session.add(row)


_HANDLERS: dict[str, EventHandler] = {
    ResponsibilityRecorded.event_type: _on_recorded,
    ResponsibilityTransferred.event_type: _on_transferred,
}

#: The handlers a service adds to what it consumes to keep the copy. Under the old
#: names too, for one release: what social services published on ``avhopp.social``
#: before the upgrade and this service has not read yet still moves the copy
#: (subscribing to that topic is no exposure here: these are social services' own).
RESPONSIBILITY_HANDLERS: Mapping[str, EventHandler] = {
    **_HANDLERS,
    **{old: _HANDLERS[new] for old, new in RENAMED_EVENT_TYPES.items() if new in _HANDLERS},
}


def responsible_cases(municipality: str, today: date, case_id: Any) -> ColumnElement[bool]:
    """``case_id`` is one of the cases this municipality works in today, by the copy."""
    return responsible_cases_in(_copy, _transfer, municipality, today, case_id)
