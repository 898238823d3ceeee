"""Idempotent consumption: the inbox row and the effect commit together or not at all.

A redelivered event finds its inbox row and has no effect. A handler that
fails leaves no inbox row, so the bus delivers the event again (after its
backoff; Kafka rewinds the partition, the in-process bus fails the relay's
publish).

How often depends on the fault (:func:`refused_as_data`). A fault of the
infrastructure (a lost connection, a lock or statement timeout, a database
that is down) passes, so the event is delivered again for as long as it
takes. An event the database refuses as data (a value too long for its
column, a character it cannot store, a constraint it breaks) fails the same
way on every delivery and would hold back everything behind it on its
partition: after ``data_fault_attempts`` deliveries it is set aside in the
``inbox_dead_letter`` table, in a transaction of its own, with the error and
the whole envelope, logged at error level, and the consumer goes on. Nothing
of it took effect; :meth:`InboxConsumer.replay_dead_letters` applies it once
the cause is fixed. Any other failure (a defect in a handler) is delivered
again, as a fault of the infrastructure is: a fix of the code lets it through.

An event this consumer cannot read (a payload its model refuses, a copy
missing a field it does not say was withheld, a schema version newer than the
model's, or a type this release does not know at all, as during a rolling
upgrade) would be refused the same way on every
delivery: it is set aside at once, unread, and the consumer goes on. No
inbox row is written for it: replayed once the consumer reads it, or
published again by its sender where its data was not kept, it must then take
effect. A delivery that finds it set aside already (an unreplayed dead letter)
has no effect, nor does one of an event processed before.

An access event set aside either way (one that changes what the gate decides,
``state_hold.HOLDING_EVENT_TYPES``: a withdrawal, say) puts its case on hold in
the transaction that sets it aside: until it takes effect, the gate denies
every disclosure of that case, as its access state is not known here
(ACCESS.md, "Consent": a withdrawal takes effect at once for every later
event delivery). The partition goes on for every other case. The transaction
that finally applies the event (a replay, or its sender's publishing it again)
lifts the hold.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy import insert, update
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError
from sqlmodel import col, select

from avhopp_shared.access import audit, state_hold
from avhopp_shared.access.audit import AuditRecord
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.envelope import EventEnvelope, utcnow
from avhopp_shared.events.registry import (
    UnknownEventType,
    UnreadablePayload,
    known_event_type,
    parse_payload,
)
from avhopp_shared.messaging.tables import DeadLetter, InboxMessage
from avhopp_shared.trace import continued
from avhopp_shared.uow import UnitOfWork

log = logging.getLogger("avhopp.inbox")

_inbox = InboxMessage.__table__  # type: ignore[attr-defined]
_dead_letter = DeadLetter.__table__  # type: ignore[attr-defined]
# Built once: constructing a statement costs more than running it here.
_INSERT_INBOX = insert(_inbox)

#: Deliveries of an event the database refuses as data before it is set aside.
#: More than one: a constraint can also break in a race (a row another writer
#: was adding), which the next delivery, after the bus's backoff, gets past.
DATA_FAULT_ATTEMPTS = 5
#: Refused events counted at once, at most: a bound on memory should many fail.
_COUNTED_AT_MOST = 10_000
#: SQLSTATE classes of a statement refused for its data: 22 "data exception" (a
#: value too long, a character the encoding cannot hold, NUL in text; asyncpg
#: reports them as a plain DBAPIError) and 23 "integrity constraint violation".
_DATA_SQLSTATE_CLASSES = frozenset({"22", "23"})
#: The error kept with a dead letter is cut to this many characters.
_ERROR_CHARS = 2000

EventHandler = Callable[[UnitOfWork, EventPayload, EventEnvelope], Awaitable[None]]
#: Decides, inside the consumer's transaction, what of an event this service may
#: see; None when nothing may be seen (the handler is then not run at all).
EventGate = Callable[[UnitOfWork, EventPayload, EventEnvelope], Awaitable[EventPayload | None]]
#: Decides, unwritten, the audit entry of a delivery of another agency's event this
#: service does nothing with (``access.event_gate.delivery_record``).
DeliveryRecord = Callable[[UnitOfWork, EventPayload, EventEnvelope], Awaitable[AuditRecord]]


class InboxConsumer:
    def __init__(
        self,
        name: str,
        new_uow: Callable[[], UnitOfWork],
        handlers: Mapping[str, EventHandler],
        gate: EventGate | None = None,
        own_source: str | None = None,
        data_fault_attempts: int = DATA_FAULT_ATTEMPTS,
        own_agency: str | None = None,
        delivery_record: DeliveryRecord | None = None,
    ) -> None:
        if data_fault_attempts < 1:
            raise ValueError("data_fault_attempts must be at least 1")
        self.name = name
        self._new_uow = new_uow
        self._handlers = dict(handlers)
        self._gate = gate
        # A service's own events (its access-state changes, announced to the
        # others) took effect here in the transaction that emitted them.
        self._own_source = own_source
        # Whose events this service may keep whole in a dead letter (None: any).
        self._own_agency = own_agency
        # Audits deliveries of other agencies' events this service does nothing with.
        self._delivery_record = delivery_record
        # Called after an event's effect is committed (metrics, latency probes).
        self.processed_listeners: list[Callable[[EventEnvelope], None]] = []
        self._data_fault_attempts = data_fault_attempts
        # Event id → deliveries the database refused as data so far. In memory:
        # after a restart (or on the partition's next owner) the count starts
        # again, which delays setting the event aside but still bounds it.
        self._refusals: OrderedDict[str, int] = OrderedDict()

    @property
    def event_types(self) -> frozenset[str]:
        return frozenset(self._handlers)

    async def __call__(self, envelope: EventEnvelope) -> None:
        """One event: its effect, inbox row and audit entry commit together; a
        redelivered event has no effect."""
        with continued(envelope.traceparent, envelope.tracestate):
            try:
                await self._apply(*self._readable([envelope]), together=False)
            except Exception as exc:
                # Raising means "deliver again"; returning, that the bus goes on.
                if not refused_as_data(exc) or not await self._set_aside(envelope, exc):
                    raise
            else:
                if self._refusals:
                    self._refusals.pop(envelope.id, None)

    async def handle_batch(self, envelopes: Sequence[EventEnvelope]) -> None:
        """Several events of one partition, in order, in one transaction (``BatchHandler``).

        All of them take effect, or none does and this raises: also when one
        was processed before (a redelivery), which the bus then skips when it
        hands the events over one at a time. One transaction instead of one per
        event spares a commit and a begin per event. Those this consumer cannot
        read are set aside in it.
        """
        await self._apply(*self._readable(envelopes), together=True)

    def _readable(self, envelopes: Sequence[EventEnvelope]) -> tuple[list[_Work], list[_Unread]]:
        """The events this consumer handles, each with its handler and parsed payload;
        and those of them it cannot read, each with the reason."""
        work: list[_Work] = []
        unread: list[_Unread] = []
        for envelope in envelopes:
            handler = self._handlers.get(envelope.type)
            if envelope.source == self._own_source:
                continue
            if handler is None:
                if not known_event_type(envelope.type):
                    # A type a newer release publishes (its sender upgraded first):
                    # set aside, so that this service, once upgraded, applies it by
                    # replay; skipped, it would be gone for good.
                    unread.append(_Unread(envelope, _unknown_type(envelope.type)))
                    continue
                if self._delivery_record is None or self._keeps(envelope):
                    # A type this release knows and does not handle, of this
                    # agency's own: no business of this consumer.
                    continue
                # Another agency's event this service does nothing with was still
                # delivered here: the delivery is audited (ACCESS.md, "Audit": every
                # event delivered to another agency) and takes no effect.
                handler = _delivered_only
            try:
                payload = parse_payload(envelope)
            except UnknownEventType:
                # Only a handler registered under a type the registry lacks gets
                # here (a defect of this release): logged without content, dropped.
                log.error(
                    "event payload rejected",
                    extra={
                        "consumer": self.name,
                        "event_id": envelope.id,
                        "event_type": envelope.type,
                    },
                )
                continue
            except (UnreadablePayload, ValidationError) as refused:
                if handler is not _delivered_only:
                    unread.append(_Unread(envelope, _unreadable_reason(refused)))
                # One this service does nothing with is skipped unread, never set
                # aside (README, "Events"): there is nothing of it to apply later.
                continue
            work.append(_Work(handler, payload, envelope))
        return work, unread

    async def _apply(
        self, work: Sequence[_Work], unread: Sequence[_Unread] = (), *, together: bool
    ) -> None:
        if not work and not unread:
            return
        async with self._new_uow() as uow:
            if work:
                try:
                    await self._record(uow, [item.envelope for item in work])
                except IntegrityError:
                    if together:
                        raise  # the bus hands the events over one at a time
                    return  # processed before: no effect, nothing to commit
                # An access event set aside before takes effect now: its case's
                # hold goes in the same transaction (``state_hold``).
                await self._lift_holds(uow, work)
            set_aside = await self._set_aside_unread(uow, unread)
            with audit.written_last() as entries:
                await self._run(uow, work, together=together)
            # After every state change of the batch: the audit chain's lock is then
            # taken after the rows those changes lock, in the order a REST write
            # takes them (a change, then its audit entry), so the two never
            # deadlock on PostgreSQL. Each entry was decided at its event's place.
            await audit.append_each(uow.session, entries, utcnow())
            await uow.commit()
        for letter in set_aside:
            log.error(
                "event set aside unread as a dead letter: consumer=%s event_id=%s "
                "event_type=%s case_id=%s (%s)",
                self.name,
                _storable(letter.envelope.id),
                _storable(letter.envelope.type),
                _storable(letter.envelope.subject),
                letter.reason,
                extra={
                    "consumer": self.name,
                    "event_id": _storable(letter.envelope.id),
                    "event_type": _storable(letter.envelope.type),
                    "case_id": _storable(letter.envelope.subject),
                    "attempts": 1,
                    "error": letter.reason,
                },
            )
        for item in work:
            for listener in self.processed_listeners:
                listener(item.envelope)

    async def _set_aside_unread(self, uow: UnitOfWork, unread: Sequence[_Unread]) -> list[_Unread]:
        """Stage a dead letter of each event in ``unread`` not set aside or processed
        before; returns those.

        In the caller's transaction: with the effects of the events delivered
        with it, or none of them.
        """
        if not unread:
            return []
        ids = [item.envelope.id for item in unread]
        known = set(
            (
                await uow.session.exec(
                    select(DeadLetter.event_id)
                    .where(col(DeadLetter.consumer) == self.name)
                    .where(col(DeadLetter.event_id).in_(ids))
                    .where(col(DeadLetter.replayed_at).is_(None))
                )
            ).all()
        )
        known.update(
            (
                await uow.session.exec(
                    select(InboxMessage.event_id)
                    .where(col(InboxMessage.consumer) == self.name)
                    .where(col(InboxMessage.event_id).in_(ids))
                )
            ).all()
        )
        letters: list[_Unread] = []
        for item in unread:
            if item.envelope.id not in known:
                known.add(item.envelope.id)  # delivered twice in one batch
                letters.append(item)
        if letters:
            await uow.session.exec(
                insert(_dead_letter),
                params=[
                    _dead_letter_row(
                        self.name,
                        item.envelope,
                        item.reason,
                        1,
                        keep_data=self._keeps(item.envelope),
                    )
                    for item in letters
                ],
            )
            for item in letters:
                if state_hold.holds_for(item.envelope):
                    await state_hold.hold(uow.session, item.envelope, item.reason)
        return letters

    async def _lift_holds(self, uow: UnitOfWork, work: Sequence[_Work]) -> None:
        ids = [
            item.envelope.id
            for item in work
            if item.envelope.type in state_hold.HOLDING_EVENT_TYPES
        ]
        if ids:
            await state_hold.lift(uow.session, ids)

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

    async def _run(self, uow: UnitOfWork, work: Sequence[_Work], *, together: bool) -> None:
        """Each event's gate decision and handler, in order, in ``uow``'s transaction;
        inside ``audit.written_last``, so their audit entries are written after them."""
        for index, item in enumerate(work):
            # Together, each event's effects (its events emitted, its log
            # lines) carry its own trace; alone, the caller set it.
            trace: AbstractContextManager[None] = (
                continued(item.envelope.traceparent, item.envelope.tracestate)
                if together
                else nullcontext()
            )
            with trace:
                if index:
                    # What the events before this one staged, written: the
                    # gate and the handler read through the connection.
                    await uow.session.flush()
                if item.handler is _delivered_only and self._delivery_record is not None:
                    record = await self._delivery_record(uow, item.payload, item.envelope)
                    await audit.append(uow.session, record, utcnow())
                    continue
                # The gate's audit entry commits with the inbox row and the effect.
                visible = await self._visible(uow, item)
                if visible is not None:
                    await item.handler(uow, visible, item.envelope)

    async def _visible(self, uow: UnitOfWork, item: _Work) -> EventPayload | None:
        if self._gate is None:
            return item.payload
        return await self._gate(uow, item.payload, item.envelope)

    async def _set_aside(self, envelope: EventEnvelope, exc: Exception) -> bool:
        """Count a delivery the database refused as data; True once the event is a dead
        letter (the bus may go on), False while it is to be delivered again."""
        attempts = self._refusals.get(envelope.id, 0) + 1
        self._refusals[envelope.id] = attempts
        self._refusals.move_to_end(envelope.id)
        while len(self._refusals) > _COUNTED_AT_MOST:
            self._refusals.popitem(last=False)
        fields = _log_fields(self.name, envelope, exc, attempts)
        if attempts < self._data_fault_attempts:
            log.warning(
                "event %s (%s) refused as data by the database (%s); delivered again, "
                "attempt %d of %d",
                fields["event_id"],
                fields["event_type"],
                fields["error"],
                attempts,
                self._data_fault_attempts,
                extra=fields,
            )
            return False
        try:
            async with self._new_uow() as uow:
                await uow.session.exec(
                    insert(_dead_letter),
                    params=_dead_letter_row(
                        self.name,
                        envelope,
                        _describe(exc),
                        attempts,
                        keep_data=self._keeps(envelope),
                    ),
                )
                if state_hold.holds_for(envelope):
                    # It took no effect, as one unread did not: its case waits too.
                    await state_hold.hold(uow.session, envelope, _error_name(exc))
                await uow.commit()
        except Exception as write_error:
            # Not lost: it stays on its partition (or in the outbox) and the
            # next delivery tries to set it aside again.
            log.error(
                "event %s (%s) refused as data could not be set aside (%s); delivered again",
                fields["event_id"],
                fields["event_type"],
                type(write_error).__name__,
                extra=fields,
            )
            return False
        self._refusals.pop(envelope.id, None)
        log.error(
            "event set aside as a dead letter after %d attempts: consumer=%s event_id=%s "
            "event_type=%s case_id=%s (%s)",
            attempts,
            self.name,
            fields["event_id"],
            fields["event_type"],
            fields["case_id"],
            fields["error"],
            extra=fields,
        )
        return True

    def _keeps(self, envelope: EventEnvelope) -> bool:
        """Whether a dead letter may hold the event's payload: only one of this agency's own.

        The gate shows a handler only what this agency may see of another's
        event; the envelope as it came holds the rest too, and a dead letter is
        kept in this service's database (ACCESS.md: no agency holds more than it
        may see). Such a letter keeps the envelope without its data, so it
        cannot be replayed here: its sender publishes it again.
        """
        return self._own_agency is None or envelope.acting_agency == self._own_agency

    async def replay_dead_letters(self) -> ReplayReport:
        """Apply this consumer's dead letters again, oldest first, each once.

        For after the cause is fixed (a wider column, a corrected handler, a
        release that reads the event's schema version). One it still cannot
        read stays a dead letter, listed in the report. An
        event goes through the inbox as on delivery, so one that took effect
        meanwhile has none now; its row is then marked replayed. An event that
        fails again stays a dead letter, and the report lists it, as does one
        of another agency, whose data was not kept, until its sender published it
        again (``republish``) and it took effect: it is then marked replayed. A replayed event takes
        effect after the events behind it on its partition did.
        """
        async with self._new_uow() as uow:
            rows = (
                await uow.session.exec(
                    select(DeadLetter.event_id, DeadLetter.envelope)
                    .where(col(DeadLetter.consumer) == self.name)
                    .where(col(DeadLetter.replayed_at).is_(None))
                    .order_by(col(DeadLetter.id))
                )
            ).all()
        report = ReplayReport()
        for event_id, raw in rows:
            if event_id in report.replayed:
                continue  # set aside more than once; its rows are marked already
            if "data" not in json.loads(bytes(raw)):
                # Its sender publishes it again (``republish``); once that took
                # effect here, the letter is done with.
                if await self._processed(event_id):
                    await self._mark_replayed(event_id)
                    report.replayed.append(event_id)
                else:
                    log.warning(
                        "dead letter of another agency not replayed: its data was not kept; "
                        "its sender publishes it again",
                        extra={"consumer": self.name, "event_id": event_id},
                    )
                    report.failed.append(event_id)
                continue
            try:
                envelope = EventEnvelope.from_json_bytes(bytes(raw))
                work, unread = self._readable([envelope])
                if unread:
                    raise UnreadablePayload(unread[0].reason)
                with continued(envelope.traceparent, envelope.tracestate):
                    await self._apply(work, together=False)
                await self._mark_replayed(event_id)
            except Exception as exc:
                # What cannot be read says why: the reason names no value.
                why = str(exc) if isinstance(exc, UnreadablePayload) else type(exc).__name__
                log.warning(
                    "dead letter not replayed (%s)",
                    why,
                    extra={"consumer": self.name, "event_id": event_id},
                )
                report.failed.append(event_id)
                continue
            report.replayed.append(event_id)
        return report

    async def _processed(self, event_id: str) -> bool:
        async with self._new_uow() as uow:
            found = await uow.session.get(InboxMessage, (self.name, event_id))
        return found is not None

    async def _mark_replayed(self, event_id: str) -> None:
        async with self._new_uow() as uow:
            await uow.session.exec(
                update(_dead_letter)
                .where(_dead_letter.c.consumer == self.name)
                .where(_dead_letter.c.event_id == event_id)
                .where(_dead_letter.c.replayed_at.is_(None))
                .values(replayed_at=utcnow())
            )
            await uow.commit()


@dataclass
class ReplayReport:
    """The event ids :meth:`InboxConsumer.replay_dead_letters` applied and could not apply."""

    replayed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def refused_as_data(exc: BaseException) -> bool:
    """True when the database refused the event's data: every delivery fails the same way.

    ``DataError`` and ``IntegrityError`` (the inbox's own duplicate key never
    gets here: it means "processed before"), any DBAPI error whose SQLSTATE is
    of class 22 or 23, and a string the driver cannot encode for the database
    (a lone surrogate: a ``UnicodeError`` before the statement is sent).
    Everything else, a lost connection or a timeout above all, is not.
    """
    if isinstance(exc, DataError | IntegrityError):
        return True
    if isinstance(exc, DBAPIError):
        state = _sqlstate(exc.orig)
        return state is not None and state[:2] in _DATA_SQLSTATE_CLASSES
    if isinstance(exc, StatementError):
        return isinstance(exc.orig, UnicodeError)
    return isinstance(exc, UnicodeError)


def _sqlstate(error: BaseException | None) -> str | None:
    """The SQLSTATE of a driver error (asyncpg's, or SQLAlchemy's adaptation of it)."""
    while error is not None:
        state = getattr(error, "sqlstate", None)
        if isinstance(state, str) and len(state) == 5:
            return state
        error = error.__cause__
    return None


def _root_cause(exc: BaseException) -> BaseException:
    error = exc.orig if isinstance(exc, StatementError) and exc.orig is not None else exc
    while error.__cause__ is not None:
        error = error.__cause__
    return error


def _error_name(exc: BaseException) -> str:
    """The driver's error class and SQLSTATE: what is safe to log (its message can quote
    the refused value)."""
    state = _sqlstate(exc.orig if isinstance(exc, StatementError) else exc)
    return type(_root_cause(exc)).__name__ + (f" (SQLSTATE {state})" if state else "")


def _describe(exc: BaseException) -> str:
    """The driver's own error and message: not SQLAlchemy's text, which lists the
    statement's parameters."""
    return f"{_error_name(exc)}: {_root_cause(exc)}"


def _storable(text: str) -> str:
    """``text`` with NUL and lone surrogates escaped: a dead letter's columns must take
    what the database refused (the envelope column keeps the exact value)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def _log_fields(
    consumer: str, envelope: EventEnvelope, exc: Exception, attempts: int
) -> dict[str, object]:
    return {
        "consumer": consumer,
        "event_id": _storable(envelope.id),
        "event_type": _storable(envelope.type),
        "case_id": _storable(envelope.subject),
        "attempts": attempts,
        "error": _error_name(exc),
    }


def _unknown_type(event_type: str) -> str:
    # The type comes from the wire: kept short, as any text of a dead letter's reason.
    return f"{event_type[:100]}: an event type this release does not know"


def _unreadable_reason(refused: UnreadablePayload | ValidationError) -> str:
    """Why a payload cannot be read, naming fields and versions but no value: it is
    logged, and kept with a dead letter that may not keep the event's data."""
    if isinstance(refused, UnreadablePayload):
        return f"{type(refused).__name__}: {refused}"
    problems = "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'payload'}: {error['msg']}"
        for error in refused.errors(include_url=False, include_context=False, include_input=False)
    )
    return f"ValidationError: {refused.title}: {problems}"


def _dead_letter_row(
    consumer: str,
    envelope: EventEnvelope,
    error: str,
    attempts: int,
    *,
    keep_data: bool,
) -> dict[str, object]:
    # Escaped to ASCII: NUL and lone surrogates travel as \u escapes, which any
    # database stores; parsing the JSON gives the envelope back.
    document = envelope.model_dump(mode="json", by_alias=True, exclude_none=True)
    if not keep_data:
        del document["data"]
    return {
        "consumer": consumer,
        "event_id": _storable(envelope.id),
        "event_type": _storable(envelope.type),
        "case_id": _storable(envelope.subject),
        "envelope": json.dumps(document, ensure_ascii=True, separators=(",", ":")).encode(),
        "error": _storable(error)[:_ERROR_CHARS],
        "attempts": attempts,
        "failed_at": utcnow(),
    }


def _inbox_row(consumer: str, envelope: EventEnvelope) -> dict[str, object]:
    return {
        "consumer": consumer,
        "event_id": envelope.id,
        "event_type": envelope.type,
        "processed_at": utcnow(),
    }


async def _delivered_only(uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope) -> None:
    """Marks the work of another agency's event this service keeps nothing of: never run,
    its delivery is only audited (``InboxConsumer._apply``)."""
    raise AssertionError("a delivery kept nothing of is audited, never handled")


@dataclass(frozen=True, slots=True)
class _Work:
    handler: EventHandler
    payload: EventPayload
    envelope: EventEnvelope


@dataclass(frozen=True, slots=True)
class _Unread:
    envelope: EventEnvelope
    reason: str
