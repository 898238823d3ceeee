"""Idempotent consumption: the inbox row and the effect commit together or not at all.

A redelivered event finds its inbox row and has no effect. A handler that
fails leaves no inbox row, so the bus delivers the event again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.envelope import EventEnvelope, utcnow
from avhopp_shared.events.registry import UnknownEventType, parse_payload
from avhopp_shared.messaging.tables import InboxMessage
from avhopp_shared.trace import child_of, current_traceparent
from avhopp_shared.uow import UnitOfWork

log = logging.getLogger("avhopp.inbox")

_inbox = InboxMessage.__table__  # type: ignore[attr-defined]
# Built once: constructing a statement costs more than running it here.
_INSERT_INBOX = insert(_inbox)

EventHandler = Callable[[UnitOfWork, EventPayload, EventEnvelope], Awaitable[None]]
#: Decides, inside the consumer's transaction, what of an event this service may
#: see; None when nothing may be seen (the handler is then not run at all).
EventGate = Callable[[UnitOfWork, EventPayload, EventEnvelope], Awaitable[EventPayload | None]]


class InboxConsumer:
    def __init__(
        self,
        name: str,
        new_uow: Callable[[], UnitOfWork],
        handlers: Mapping[str, EventHandler],
        gate: EventGate | None = None,
        own_source: str | None = None,
    ) -> None:
        self.name = name
        self._new_uow = new_uow
        self._handlers = dict(handlers)
        self._gate = gate
        # A service's own events (its access-state changes, announced to the
        # others) took effect here in the transaction that emitted them.
        self._own_source = own_source
        # Called after an event's effect is committed (metrics, latency probes).
        self.processed_listeners: list[Callable[[EventEnvelope], None]] = []

    @property
    def event_types(self) -> frozenset[str]:
        return frozenset(self._handlers)

    async def __call__(self, envelope: EventEnvelope) -> None:
        """One event: its effect, inbox row and audit entry commit together; a
        redelivered event has no effect."""
        token = current_traceparent.set(child_of(envelope.traceparent))
        try:
            await self._apply(self._readable([envelope]), together=False)
        finally:
            current_traceparent.reset(token)

    async def handle_batch(self, envelopes: Sequence[EventEnvelope]) -> None:
        """Several events of one partition, in order, in one transaction (``BatchHandler``).

        All of them take effect, or none does and this raises: also when one
        was processed before (a redelivery), which the bus then skips when it
        hands the events over one at a time. One transaction instead of one per
        event spares a commit and a begin per event.
        """
        await self._apply(self._readable(envelopes), together=True)

    def _readable(self, envelopes: Sequence[EventEnvelope]) -> list[_Work]:
        """The events this consumer handles, each with its handler and parsed payload."""
        work: list[_Work] = []
        for envelope in envelopes:
            handler = self._handlers.get(envelope.type)
            if handler is None or envelope.source == self._own_source:
                continue
            try:
                payload = parse_payload(envelope)
            except (UnknownEventType, ValidationError):
                # A payload this consumer cannot read would block its partition
                # forever if retried; it is logged (without content) and dropped.
                log.error(
                    "event payload rejected",
                    extra={
                        "consumer": self.name,
                        "event_id": envelope.id,
                        "event_type": envelope.type,
                    },
                )
                continue
            work.append(_Work(handler, payload, envelope))
        return work

    async def _apply(self, work: Sequence[_Work], *, together: bool) -> None:
        if not work:
            return
        async with self._new_uow() as uow:
            try:
                await self._record(uow, [item.envelope for item in work])
            except IntegrityError:
                if together:
                    raise  # the bus hands the events over one at a time
                return  # processed before: no effect, nothing to commit
            for index, item in enumerate(work):
                # Together, each event's effects (its events emitted, its log
                # lines) carry its own trace; alone, the caller set it.
                token = (
                    current_traceparent.set(child_of(item.envelope.traceparent))
                    if together
                    else None
                )
                try:
                    if index:
                        # What the events before this one staged, written: the
                        # gate and the handler read through the connection.
                        await uow.session.flush()
                    # The gate's audit entry commits with the inbox row and the effect.
                    visible = await self._visible(uow, item)
                    if visible is not None:
                        await item.handler(uow, visible, item.envelope)
                finally:
                    if token is not None:
                        current_traceparent.reset(token)
            await uow.commit()
        for item in work:
            for listener in self.processed_listeners:
                listener(item.envelope)

    async def _record(self, uow: UnitOfWork, envelopes: Sequence[EventEnvelope]) -> None:
        """The inbox rows, in one statement, before any effect; raises ``IntegrityError``
        if any event was processed before.

        Their primary key is the duplicate check: a concurrent delivery of the
        same event waits on it (or fails here) instead of applying the effect
        twice, and a batch holding a processed event fails at no cost.
        """
        await uow.session.exec(
            _INSERT_INBOX, params=[_inbox_row(self.name, envelope) for envelope in envelopes]
        )

    async def _visible(self, uow: UnitOfWork, item: _Work) -> EventPayload | None:
        if self._gate is None:
            return item.payload
        return await self._gate(uow, item.payload, item.envelope)


def _inbox_row(consumer: str, envelope: EventEnvelope) -> dict[str, object]:
    return {
        "consumer": consumer,
        "event_id": envelope.id,
        "event_type": envelope.type,
        "processed_at": utcnow(),
    }


@dataclass(frozen=True, slots=True)
class _Work:
    handler: EventHandler
    payload: EventPayload
    envelope: EventEnvelope
