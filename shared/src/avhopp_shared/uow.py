"""Unit of work: one transaction holding the state change and the events it causes.

Events are written to the outbox inside the same transaction ("never commit,
then publish"); the relay is only nudged after the commit succeeded.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from types import TracebackType
from typing import Self

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_shared.access.event_audiences import EventAudiences, platform_audiences
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.messaging.tables import OutboxMessage, outbox_row
from avhopp_shared.trace import current_traceparent, current_tracestate

_outbox = OutboxMessage.__table__  # type: ignore[attr-defined]


class UnitOfWork:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        source: str,
        acting_agency: str,
        on_commit: Callable[[], None] = lambda: None,
        audiences: EventAudiences | None = None,
    ) -> None:
        self._sessions = sessions
        self._source = source
        self.acting_agency = acting_agency
        self._audiences = audiences
        self._on_commit = on_commit
        self._session: AsyncSession | None = None
        self._outbox_rows: list[dict[str, object]] = []
        self._depth = 0

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside 'async with'")
        return self._session

    async def __aenter__(self) -> Self:
        # Re-entered while open (a route that reads through a service function
        # and then discloses what it read), it stays one session and one
        # transaction: only the outermost exit ends it.
        self._depth += 1
        if self._depth == 1:
            self._session = self._sessions()
            self._outbox_rows = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth:
            return
        session = self.session
        self._session = None
        try:
            # Anything not explicitly committed is rolled back: a failure in
            # the middle of a request leaves neither the row nor its event.
            await session.rollback()
        finally:
            await session.close()

    def emit(
        self, payload: EventPayload, *, case_id: str, to: Collection[str] | None = None
    ) -> EventEnvelope:
        """Write ``payload`` to the outbox, one copy per receiving agency; the whole event back.

        Each copy is what its agency may receive (access.event_audiences); a
        policy fault raises here, before anything is written. ``to`` keeps the
        copies of those agencies only (an event sent again to one agency).
        """
        audiences = self._audiences or platform_audiences()
        envelope = EventEnvelope(
            source=self._source,
            type=payload.event_type,
            subject=case_id,
            schema_version=payload.schema_version,
            acting_agency=self.acting_agency,
            traceparent=current_traceparent.get(),
            tracestate=current_tracestate.get(),
            data=payload.model_dump(mode="json"),
        )
        copies = audiences.copies(payload, envelope.data, self.acting_agency)
        self._outbox_rows.extend(
            outbox_row(copy.of(envelope), copy.topic)
            for copy in copies
            if to is None or copy.audience in to
        )
        return envelope

    async def commit(self) -> None:
        emitted, self._outbox_rows = self._outbox_rows, []
        if emitted:
            # One multi-row INSERT in the same transaction as the state change
            # (which the ORM flushes at commit); rows keep the emit order.
            await self.session.exec(insert(_outbox), params=emitted)
        await self.session.commit()
        if emitted:
            self._on_commit()
