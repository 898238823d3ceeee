"""Idempotent consumption: the inbox row and the effect commit together or not at all.

A redelivered event finds its inbox row and has no effect. A handler that
fails leaves no inbox row, so the bus delivers the event again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping

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
        handler = self._handlers.get(envelope.type)
        if handler is None or envelope.source == self._own_source:
            return
        try:
            payload = parse_payload(envelope)
        except (UnknownEventType, ValidationError):
            # A payload this consumer cannot read would block its partition
            # forever if retried; it is logged (without content) and dropped.
            log.error(
                "event payload rejected",
                extra={"consumer": self.name, "event_id": envelope.id, "event_type": envelope.type},
            )
            return
        token = current_traceparent.set(child_of(envelope.traceparent))
        try:
            if await self._process(handler, payload, envelope):
                for listener in self.processed_listeners:
                    listener(envelope)
        finally:
            current_traceparent.reset(token)

    async def _process(
        self, handler: EventHandler, payload: EventPayload, envelope: EventEnvelope
    ) -> bool:
        """Apply the effect once; False when the event had already been processed."""
        async with self._new_uow() as uow:
            try:
                # The inbox row goes first: its primary key is the duplicate
                # check, and a concurrent delivery of the same event waits on
                # it (or fails here) instead of applying the effect twice.
                await uow.session.exec(
                    _INSERT_INBOX,
                    params={
                        "consumer": self.name,
                        "event_id": envelope.id,
                        "event_type": envelope.type,
                        "processed_at": utcnow(),
                    },
                )
            except IntegrityError:
                return False
            # The gate's audit entry commits with the inbox row and the effect.
            visible = payload if self._gate is None else await self._gate(uow, payload, envelope)
            if visible is not None:
                await handler(uow, visible, envelope)
            await uow.commit()
        return True
