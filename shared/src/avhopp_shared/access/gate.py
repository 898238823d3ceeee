"""The disclosure gate: classify → decide → filter → audit, for every exchange.

Every REST response that crosses an agency boundary, every event consumed by
another agency's service and every export passes through
:meth:`DisclosureGate.disclose`. It runs inside the caller's transaction: the
audit entry commits with whatever else that transaction does, or nothing is
disclosed at all (ACCESS.md, "Audit"; fail closed).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from typing import Any
from uuid import uuid4

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Executable, select
from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_shared.access import audit
from avhopp_shared.access.catalogue import Catalogue
from avhopp_shared.access.categories import Category
from avhopp_shared.access.policy_input import AccessState, Owner, access_input, decision_time
from avhopp_shared.access.state_hold import HeldAccessState
from avhopp_shared.access.state_read import access_state
from avhopp_shared.access.state_versions import StateCache, changed_here, version_of
from avhopp_shared.auth.caller import Caller
from avhopp_shared.events.access_events import ProtectedLocationRead
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.envelope import EventEnvelope, utcnow
from avhopp_shared.policy.access_decision import AccessDecision, decide_access
from avhopp_shared.policy.engine import PolicyEngine
from avhopp_shared.uow import UnitOfWork

#: Records a ``case.protected_location_read`` alert where it was raised (keep_location_reads_here).
LocationReadKeeper = Callable[[UnitOfWork, EventPayload, EventEnvelope], Awaitable[None]]

_LOCATION_READ_KEEPER = "avhopp.location_read_keeper"

#: How long a decision may take before it counts as a deny.
DECISION_TIMEOUT_SECONDS = 0.5

log = logging.getLogger("avhopp.access")


@dataclass(frozen=True)
class Disclosure:
    """What may leave: the filtered data, and which categories were held back and why."""

    data: dict[str, Any]
    disclosed: frozenset[str]
    withheld: Mapping[str, str] = field(default_factory=dict)
    decision_id: str = ""

    @property
    def nothing(self) -> bool:
        return not self.disclosed


@dataclass
class DisclosureGate:
    engine: PolicyEngine
    catalogue: Catalogue
    owner: Owner
    clock: Callable[[], datetime] = utcnow
    states: StateCache = field(default_factory=StateCache)
    #: Tells this gate's cached decisions from another gate's on a shared engine:
    #: case versions count per database.
    _scope: str = field(default_factory=lambda: uuid4().hex, init=False)

    async def disclose(
        self,
        uow: UnitOfWork,
        *,
        recipient: Caller,
        purpose: str,
        case_id: str,
        item: BaseModel,
        channel: str,
        note: str | None = None,
        owner: Owner | None = None,
        left_out: Mapping[str, str] | None = None,
    ) -> Disclosure:
        """``owner`` is whoever holds ``item``: this service unless said otherwise
        (an event consumed here is held by the agency that sent it). ``left_out``:
        categories the holder cut from ``item`` before it came here, with why; the
        audit entry names them as withheld too (ACCESS.md, "Audit")."""
        disclosures = await self.disclose_all(
            uow,
            recipient=recipient,
            purpose=purpose,
            items=[(case_id, item)],
            channel=channel,
            note=note,
            owner=owner,
            left_out=left_out,
        )
        return disclosures[0]

    async def disclose_all(
        self,
        uow: UnitOfWork,
        *,
        recipient: Caller,
        purpose: str,
        items: Sequence[tuple[str, BaseModel]],
        channel: str,
        note: str | None = None,
        owner: Owner | None = None,
        owners: Sequence[Owner | None] | None = None,
        left_out: Mapping[str, str] | None = None,
    ) -> list[Disclosure]:
        """One decision and one audit entry per (case id, item), in ``uow``'s transaction.

        At most one ``case.protected_location_read`` alert per case: the call is one
        read, however many of its items show the new home town.

        ``owners``, when given, names each item's holder (None: ``owner``, else
        this service), for items held by different agencies.

        One query reads the audit chain's head and every case's access-state
        version; a case's state is read only when its version is not the one
        cached. All entries go in with one more statement.
        """
        now = self.clock()
        connection = await uow.session.connection()
        await audit.lock_chain(connection)
        cases = list(dict.fromkeys(case_id for case_id, _ in items))
        parameters = {f"case_{index}": case_id for index, case_id in enumerate(cases)}
        head, *numbers = (
            await connection.execute(_head_and_versions(len(cases)), parameters)
        ).one()
        versions = dict(zip(cases, numbers, strict=True))
        disclosures: list[Disclosure] = []
        records: list[audit.AuditRecord] = []
        alerted: set[str] = set()
        holders = list(owners) if owners is not None else [None] * len(items)
        for (case_id, item), holder in zip(items, holders, strict=True):
            # A state this transaction changed is neither cached nor decided
            # under its version: the change may still roll back (_state).
            cacheable = not changed_here(uow.session, case_id)
            disclosure, record = self.decide(
                recipient=recipient,
                purpose=purpose,
                case_id=case_id,
                item=item,
                state=await self._state(uow.session, case_id, versions[case_id]),
                now=now,
                owner=holder or owner,
                version=versions[case_id] if cacheable else None,
            )
            disclosures.append(disclosure)
            if left_out:
                record = replace(
                    record, withheld=dict(sorted({**left_out, **record.withheld}.items()))
                )
            records.append(replace(record, channel=channel, note=note))
            if Category.PROTECTED_LOCATION.value in disclosure.disclosed and case_id not in alerted:
                # One read, one alert: a list of many items showing the town (the
                # owner's alert list names each reader) is still one read of it.
                alerted.add(case_id)
                await location_read(uow, case_id, recipient, now, disclosure.decision_id, channel)
        await audit.append_all(connection, records, now, previous=head)
        return disclosures

    async def states_of(
        self, session: AsyncSession, case_ids: Sequence[str]
    ) -> dict[str, tuple[AccessState, int | None]]:
        """Each case's access state, and the version to decide it under, as
        ``disclose_all`` reads them (no audit lock: nothing is disclosed). The
        version is None for a state this transaction changed: it is decided
        uncached, as the change may still roll back."""
        cases = list(dict.fromkeys(case_ids))
        if not cases:
            return {}
        connection = await session.connection()
        parameters = {f"case_{index}": case_id for index, case_id in enumerate(cases)}
        numbers = (await connection.execute(_versions(len(cases)), parameters)).one()
        versions = dict(zip(cases, numbers, strict=True))
        return {
            case_id: (
                await self._state(session, case_id, versions[case_id]),
                None if changed_here(session, case_id) else versions[case_id],
            )
            for case_id in cases
        }

    async def _state(self, session: AsyncSession, case_id: str, version: int) -> AccessState:
        if changed_here(session, case_id):
            # This transaction changed the state and has not committed: read,
            # never cache (a rollback would leave the version free for another).
            return await access_state(session, case_id)
        state = self.states.get(case_id, version)
        if state is None:
            state = await access_state(session, case_id)
            self.states.put(case_id, version, state)
        return state

    def decide(
        self,
        *,
        recipient: Caller,
        purpose: str,
        case_id: str,
        item: BaseModel,
        state: AccessState,
        now: datetime,
        owner: Owner | None = None,
        version: int | None = None,
    ) -> tuple[Disclosure, audit.AuditRecord]:
        """Classify, decide and filter (no I/O): the disclosure and what the audit must say."""
        model = type(item)
        data = item.model_dump(mode="json")
        present = {str(c) for c in self.catalogue.categories_in(model, data)}
        decision = self.decision(
            recipient=recipient,
            purpose=purpose,
            case_id=case_id,
            categories=present,
            state=state,
            now=now,
            owner=owner,
            version=version,
        )
        allowed = {c for c in decision.allowed if c in present}
        withheld = {c: decision.withheld.get(c, "undefined in policy") for c in present - allowed}
        record = audit.AuditRecord(
            channel="",
            client_id=recipient.client_id,
            user=recipient.user,
            agency=recipient.agency,
            organisation=recipient.organisation,
            case_id=case_id,
            resource=model.__name__,
            purpose=purpose,
            disclosed=sorted(allowed),
            withheld=withheld,
            bases={c: _basis(decision.allowed[c]) for c in sorted(allowed)},
            decision_id=decision.decision_id,
            policy_revision=decision.revision,
        )
        disclosure = Disclosure(
            data=self.catalogue.keep(model, data, allowed),
            disclosed=frozenset(allowed),
            withheld=dict(sorted(withheld.items())),
            decision_id=decision.decision_id,
        )
        return disclosure, record

    def decision(
        self,
        *,
        recipient: Caller,
        purpose: str,
        case_id: str,
        categories: Iterable[str],
        state: AccessState,
        now: datetime,
        owner: Owner | None = None,
        version: int | None = None,
    ) -> AccessDecision:
        """The policy's answer for these categories (fail closed, see ``decide_access``).

        ``version`` is the version ``state`` was read at, if known: the input
        is then fully named by a short key, which spares the cache building
        one from the whole input.
        """
        holder = owner or self.owner
        wanted = frozenset(categories)
        if isinstance(state, HeldAccessState):
            return self._held(case_id, sorted(wanted), state)

        def input() -> dict[str, Any]:
            return access_input(
                recipient=recipient,
                purpose=purpose,
                owner=holder,
                case_id=case_id,
                categories=wanted,
                state=state,
                now=now,
            )

        if version is None:
            return decide_access(self.engine, input(), DECISION_TIMEOUT_SECONDS)
        # Everything the input is made of, "now" as the input would carry it.
        moment = decision_time(now, state.policy_items.boundaries)
        key = (self._scope, case_id, version, recipient, purpose, holder, moment, wanted)
        return decide_access(self.engine, input, DECISION_TIMEOUT_SECONDS, key=key)

    def _held(self, case_id: str, wanted: list[str], state: HeldAccessState) -> AccessDecision:
        """Every category withheld, naming the hold (``state_hold``): an access event of
        the case awaits, and who may see it is not known here (fail closed). Not asked
        of the policy nor cached: lifting the hold bumps the case's version anyway."""
        decision_id = uuid4().hex
        log.warning(
            "disclosure denied: the access state of the case is on hold (%s)",
            state.hold_reason,
            extra={
                "case_id": case_id,
                "event_id": state.event_id,
                "event_type": state.event_type,
                "decision_id": decision_id,
            },
        )
        return AccessDecision(
            {}, dict.fromkeys(wanted, state.hold_reason), decision_id, str(self.engine.revision)
        )


def alert_protected_location_read(
    uow: UnitOfWork, case_id: str, reader: Caller, read_at: datetime, decision_id: str, channel: str
) -> EventEnvelope:
    """``case.protected_location_read`` for the case owner: every read of the new home town
    raises it (ACCESS.md, case team), in the transaction that discloses it."""
    return uow.emit(
        ProtectedLocationRead(
            case_id=case_id,
            reader_agency=reader.agency.value,
            reader_organisation=reader.organisation,
            reader_user=reader.user,
            read_at=read_at,
            decision_id=decision_id,
            channel=channel,
        ),
        case_id=case_id,
    )


def keep_location_reads_here(uow: UnitOfWork, keep: LocationReadKeeper) -> None:
    """Have ``keep`` record, in ``uow``'s open transaction, each alert that a read of
    the new home town in it raises.

    For the service that keeps the case owner's alert list: it hears no event of
    its own, so an alert raised by a read there would otherwise never reach the
    owner's list (ACCESS.md, case team: every read raises an alert for the case
    owner). Kept in the session's ``info``: it ends when the unit of work closes it.
    """
    uow.session.info[_LOCATION_READ_KEEPER] = keep


async def location_read(
    uow: UnitOfWork, case_id: str, reader: Caller, read_at: datetime, decision_id: str, channel: str
) -> None:
    """A read of the new home town, disclosed in ``uow``'s transaction: the owner's alert
    (``alert_protected_location_read``), kept at once where the service keeps them."""
    envelope = alert_protected_location_read(uow, case_id, reader, read_at, decision_id, channel)
    await _keep_here(uow, envelope)


async def _keep_here(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    keep: LocationReadKeeper | None = uow.session.info.get(_LOCATION_READ_KEEPER)
    if keep is not None:
        await keep(uow, ProtectedLocationRead.model_validate(envelope.data), envelope)


@lru_cache(maxsize=256)
def _head_and_versions(cases: int) -> Executable:
    """One query: the audit chain's head, then the access-state version of each case
    (bound as ``case_0`` ... ``case_<n-1>``); built once per number of cases."""
    return select(audit.chain_head(), *_version_columns(cases))


@lru_cache(maxsize=256)
def _versions(cases: int) -> Executable:
    """The access-state version of each case (bound as ``case_0`` ...), without the chain's head."""
    return select(*_version_columns(cases))


def _version_columns(cases: int) -> list[ColumnElement[int]]:
    return [version_of(f"case_{index}") for index in range(cases)]


def _basis(basis: Any) -> dict[str, Any]:
    return {"rule": basis.rule, "basis": basis.basis}
