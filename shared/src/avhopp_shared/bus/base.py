"""The bus port: what the outbox relay publishes to and consumers subscribe on.

Two adapters implement it: :mod:`avhopp_shared.bus.inprocess` (embedded
default) and :mod:`avhopp_shared.bus.kafka` (distributed). Delivery is
at-least-once in both; consumers make it effectively-once with the inbox.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar, runtime_checkable

from pydantic import ValidationError

from avhopp_shared.events.envelope import EventEnvelope

Handler = Callable[[EventEnvelope], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class OutboundRecord:
    """One outbox row ready for the wire: the key is the case id, so a case's events stay ordered."""

    topic: str
    key: str
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = field(default_factory=tuple)


T = TypeVar("T")
BatchCall = Callable[[Sequence[EventEnvelope]], Awaitable[None]]

#: The most records a bus hands over in one batch. A batch is one transaction,
#: and while it runs the service's other writers (its audited reads too) wait
#: for the database: a backlog is worked off in many short transactions, not
#: in one long one.
MAX_BATCH = 50


def in_batches(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """``items`` in order, cut into runs of at most ``size``."""
    return [items[start : start + size] for start in range(0, len(items), size)]


def read_envelope(value: bytes | None, log: logging.Logger, where: str) -> EventEnvelope | None:
    """The record's envelope; None when it is not one, logged at error level with ``where``
    (the record's place: topic, partition, offset), which is where to find it again.

    Such a record would fail on every delivery and hold back everything behind
    it, so the bus skips it. The log names the attributes that failed, never
    their values: pydantic's messages quote the input.
    """
    try:
        if value is None:
            raise ValueError("record has no value")
        return EventEnvelope.from_json_bytes(value)
    except Exception as exc:
        log.error("skipping a record that is not an event envelope: %s (%s)", where, _why_not(exc))
        return None


def _why_not(exc: Exception) -> str:
    if not isinstance(exc, ValidationError):
        return type(exc).__name__
    faults = sorted({".".join(map(str, error["loc"])) or error["type"] for error in exc.errors()})
    return f"{type(exc).__name__}: {', '.join(faults)}"


@runtime_checkable
class BatchHandler(Protocol):
    """A handler that also takes several records of one partition at once.

    ``handle_batch`` gives every envelope its effect in order, in one
    transaction, or raises and gives none of them any. A bus that has a run of
    records for such a handler offers them together, and after a raise hands
    them over one at a time, so that a single record fails and is retried on
    its own (a redelivered record among them is one reason to raise).
    """

    async def __call__(self, envelope: EventEnvelope) -> None: ...

    async def handle_batch(self, envelopes: Sequence[EventEnvelope]) -> None: ...


@dataclass(frozen=True, slots=True)
class Subscription:
    group: str
    topics: tuple[str, ...]
    handler: Handler
    #: The handler's ``handle_batch`` when it is a :class:`BatchHandler`.
    batch: BatchCall | None = None

    @classmethod
    def of(cls, group: str, topics: Sequence[str], handler: Handler) -> Subscription:
        batch = handler.handle_batch if isinstance(handler, BatchHandler) else None
        return cls(group=group, topics=tuple(topics), handler=handler, batch=batch)


class BusUnavailable(Exception):
    """The bus could not take the records; nothing may be assumed delivered."""


class Bus(Protocol):
    def subscribe(self, group: str, topics: Sequence[str], handler: Handler) -> None:
        """Register a consumer group's handler; call before :meth:`start`.

        The handler returns only after its effect (and inbox row) is committed;
        raising means "not processed", and the record is delivered again. A
        :class:`BatchHandler` is offered runs of records together.
        """

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, records: Sequence[OutboundRecord]) -> None:
        """Publish in order; return only when every record is acknowledged.

        Raises :class:`BusUnavailable` if any record was not acknowledged.
        """

    async def ping(self) -> bool:
        """True when the bus can currently accept records (readiness)."""
