"""The gate on the consuming side of the bus: what another agency's event may show this service.

An event crossing an agency boundary is a disclosure like a REST read (ACCESS.md,
"Audit"): the consuming service decides with its own copy of the consent
state, drops the categories it may not see, and audits the delivery in the
same transaction as the inbox row. Events between services of one agency, and
the consent events the gate itself runs on (ids and codes only), pass as they are.
While a case is on hold (an access event of it set aside unread, ``state_hold``)
the gate withholds every category of another agency's event of the case, so
none is kept; the access events themselves still pass, as the state runs on them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from avhopp_shared.access import audit, threat_level_state
from avhopp_shared.access.categories import DEFAULT_PURPOSE, Category
from avhopp_shared.access.gate import Disclosure, DisclosureGate, location_read
from avhopp_shared.access.policy_input import Owner
from avhopp_shared.access.state_handlers import ACCESS_HANDLERS
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.events.access_events import ProtectedLocationRead
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.police_events import ThreatLevelChanged
from avhopp_shared.messaging.inbox import DeliveryRecord, EventGate, EventHandler
from avhopp_shared.policy.access_decision import POLICY_UNAVAILABLE
from avhopp_shared.policy.engine import PolicyError
from avhopp_shared.uow import UnitOfWork

ACCESS_EVENT_TYPES = frozenset(ACCESS_HANDLERS)
#: Notices to the case owner about its own case: that the new home town was read
#: (ACCESS.md, case team). The disclosing service's gate decided and audited that
#: read; the notice carries none of the sender's records and goes to the case
#: owner alone (access.copy_rules), which must get it whatever consent it holds.
OWNER_NOTICE_TYPES = frozenset({ProtectedLocationRead.event_type})
#: The reason audited for a category the publisher left out of this agency's copy
#: (access.event_audiences): no grant could ever open it to this agency's services.
LEFT_OUT_BY_PUBLISHER = "not receivable by this agency: left out by the publisher"


@dataclass(frozen=True)
class KeptFact:
    """A fact about the person that an access event carries and every service keeps
    whatever the consent, to enforce access."""

    model: type[EventPayload]
    category: Category
    #: Whether the access state keeps this delivery's fact at all.
    kept: Callable[[EventPayload], bool]
    #: Why a delivery whose fact nothing keeps is audited as withheld.
    not_kept: str


def _persons_level(payload: EventPayload) -> bool:
    return isinstance(payload, ThreatLevelChanged) and threat_level_state.kept(payload)


#: Access events that carry a fact about the person, not only ids and codes:
#: the threat level, which every service keeps whatever the consent, because
#: at "high" the new home town narrows to the case team
#: (policies/access/threat_level.rego). Kept without the gate, so each
#: delivery to another agency is audited as what it is (ACCESS.md, "Audit":
#: every event delivered to another agency).
KEPT_FOR_ENFORCEMENT = {
    ThreatLevelChanged.event_type: KeptFact(
        ThreatLevelChanged,
        Category.THREAT,
        _persons_level,
        "not kept: the access state keeps the person's own level only",
    )
}
#: The basis such an entry names, in the shape of a decision's bases.
ENFORCEMENT_BASIS = {"rule": "access_state", "basis": "policies/access/threat_level.rego"}


def disclosed(payload: EventPayload, *names: str) -> bool:
    """Whether the gate let each named field of ``payload`` through: a withheld field is
    absent from the payload a handler gets (reading it raises)."""
    return all(name in payload.model_fields_set for name in names)


def service_caller(service_name: str, agency: str) -> Caller:
    """The identity a service's consumer decides and audits under.

    The service keeps its agency's records for every organisation of it: a
    consent to one police region is for that region's reads, which its REST
    gate decides per caller, but the case must still reach the police service
    that region works in (policies/lib/match.rego).
    """
    return Caller(
        client_id=f"service:{service_name}",
        agency=Agency(agency),
        organisation=f"avhopp-{service_name}",
        service=True,
    )


def event_gate(gate: DisclosureGate, recipient: Caller) -> EventGate:
    purpose = DEFAULT_PURPOSE[recipient.agency.value].value

    async def decide(
        uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
    ) -> EventPayload | None:
        if (
            envelope.type in ACCESS_EVENT_TYPES
            or envelope.type in OWNER_NOTICE_TYPES
            or envelope.acting_agency == recipient.agency
        ):
            return payload
        return await _seen(gate, recipient, purpose, uow, payload, envelope)

    return decide


def audited_keep(
    gate: DisclosureGate,
    recipient: Caller,
    keep: EventHandler,
    observer: EventHandler | None = None,
) -> EventHandler:
    """``keep`` (an access-state handler of ``KEPT_FOR_ENFORCEMENT``), then the audit entry
    of what another agency's event left here, in the inbox's transaction: if it cannot
    be written, nothing of the event is kept (fail closed).

    ``observer``, for a service that also notes the event for itself (a timeline), is
    shown what the gate lets through, as ``gated_observer`` shows it; the delivery still
    gets one entry, saying both what was kept and what the gate withheld, never two
    that contradict each other (ACCESS.md, "Audit": every delivery is recorded).

    The entry comes after the state change, as a REST write's disclosure comes
    after its change: both take the case's state row before the audit chain's
    lock, never the other way round, so neither waits on the other in a deadlock.
    """
    purpose = DEFAULT_PURPOSE[recipient.agency.value].value

    async def keep_and_audit(
        uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
    ) -> None:
        await keep(uow, payload, envelope)
        if envelope.acting_agency == recipient.agency:
            if observer is not None:
                await observer(uow, payload, envelope)
            return
        shown: Disclosure | None = None
        decided: audit.AuditRecord | None = None
        if observer is not None:
            shown, decided = await _decided(gate, recipient, purpose, uow, payload, envelope)
            _answered(shown, envelope)
        fact = KEPT_FOR_ENFORCEMENT[envelope.type]
        record = _delivery(gate, recipient, purpose, envelope, fact, fact.kept(payload), decided)
        await audit.append(uow.session, record, gate.clock())
        if observer is not None and shown is not None and not shown.nothing:
            await observer(uow, _visible(payload, shown), envelope)

    return keep_and_audit


def _delivery(
    gate: DisclosureGate,
    recipient: Caller,
    purpose: str,
    envelope: EventEnvelope,
    fact: KeptFact,
    kept: bool,
    decided: audit.AuditRecord | None,
) -> audit.AuditRecord:
    """The one entry of a delivery of a kept fact: what the gate showed the service's own
    handling (``decided``, if it has any), and whether the fact was kept for the gate."""
    category = fact.category.value
    event = f"event {envelope.type} {envelope.id}"
    if decided is None:
        decided = audit.AuditRecord(
            channel="event",
            client_id=recipient.client_id,
            user=recipient.user,
            agency=recipient.agency.value,
            organisation=recipient.organisation,
            case_id=envelope.subject,
            resource=fact.model.__name__,
            purpose=purpose,
            disclosed=[],
            withheld={category: fact.not_kept},
            bases={},
            decision_id=f"access-state:{envelope.id}",
            policy_revision=gate.engine.revision,
        )
    if not kept:
        return replace(decided, note=f"{event}: not kept")
    if category in decided.disclosed:
        # The gate let the fact through on its own grounds: that basis covers the copy
        # kept for enforcement too.
        return replace(decided, note=f"{event}: also kept to enforce access")
    return replace(
        decided,
        disclosed=sorted({*decided.disclosed, category}),
        withheld={c: why for c, why in decided.withheld.items() if c != category},
        bases={**decided.bases, category: ENFORCEMENT_BASIS},
        decision_id=decided.decision_id if decided.disclosed else f"access-state:{envelope.id}",
        note=f"{event}: kept to enforce access only",
    )


async def _decided(
    gate: DisclosureGate,
    recipient: Caller,
    purpose: str,
    uow: UnitOfWork,
    payload: EventPayload,
    envelope: EventEnvelope,
) -> tuple[Disclosure, audit.AuditRecord]:
    """What the gate lets ``recipient`` see of the event, and the entry it would write,
    unwritten: the caller writes the delivery's one entry."""
    case_id = envelope.subject
    [(state, version)] = (await gate.states_of(uow.session, [case_id])).values()
    shown, record = gate.decide(
        recipient=recipient,
        purpose=purpose,
        case_id=case_id,
        item=payload,
        state=state,
        now=gate.clock(),
        owner=Owner(envelope.acting_agency),
        version=version,
    )
    # What the publisher cut from this agency's copy was withheld too.
    left_out = dict.fromkeys(envelope.withheld_categories, LEFT_OUT_BY_PUBLISHER)
    withheld = dict(sorted({**left_out, **record.withheld}.items()))
    return shown, replace(record, channel="event", withheld=withheld)


def delivery_record(gate: DisclosureGate, recipient: Caller) -> DeliveryRecord:
    """The audit entry of a delivery of another agency's event this service does nothing
    with, decided as the gate decides any delivery and left for the consumer to write.

    The copy was still delivered here, so it is recorded (ACCESS.md, "Audit": every
    event delivered to another agency) with what the gate would have let through.
    Without a policy answer the delivery comes again, as any other does.
    """
    purpose = DEFAULT_PURPOSE[recipient.agency.value].value

    async def record(
        uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
    ) -> audit.AuditRecord:
        shown, decided = await _decided(gate, recipient, purpose, uow, payload, envelope)
        _answered(shown, envelope)
        return replace(decided, note=f"event {envelope.type} {envelope.id}: delivered, not kept")

    return record


def gated_observer(gate: DisclosureGate, recipient: Caller, observer: EventHandler) -> EventHandler:
    """``observer`` of an access event, shown it as any other agency's event is shown.

    An access event passes the consumer's gate whole, as the gate's own state
    runs on it. A service that also keeps some of it for itself (a timeline
    noting a threat level) holds another agency's data like any other copy:
    only what the gate lets through, audited as an event delivery (ACCESS.md,
    "Audit"), and nothing at all where the caller may see none of it.
    """
    purpose = DEFAULT_PURPOSE[recipient.agency.value].value

    async def observe(uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope) -> None:
        if envelope.type in ACCESS_EVENT_TYPES and envelope.acting_agency != recipient.agency:
            seen = await _seen(gate, recipient, purpose, uow, payload, envelope)
            if seen is None:
                return
            payload = seen
        await observer(uow, payload, envelope)

    return observe


async def _seen(
    gate: DisclosureGate,
    recipient: Caller,
    purpose: str,
    uow: UnitOfWork,
    payload: EventPayload,
    envelope: EventEnvelope,
) -> EventPayload | None:
    """The payload as the gate lets ``recipient`` see it, audited; None when nothing may be seen.

    Decided as the gate decides a read, and its entry appended as any other: in a
    consumer's batch that is after every handler of the batch (``audit.written_last``),
    so the chain's lock is never held while a handler waits for a row a request holds."""
    disclosure, record = await _decided(gate, recipient, purpose, uow, payload, envelope)
    _answered(disclosure, envelope)
    now = gate.clock()
    await audit.append(
        uow.session, replace(record, note=f"event {envelope.type} {envelope.id}"), now
    )
    if Category.PROTECTED_LOCATION.value in disclosure.disclosed:
        await location_read(uow, envelope.subject, recipient, now, disclosure.decision_id, "event")
    if disclosure.nothing:
        return None
    return _visible(payload, disclosure)


def _answered(disclosure: Disclosure, envelope: EventEnvelope) -> None:
    """Raise when the policy gave no answer (an engine fault, an answer after the deadline).

    A REST read fails closed and the caller may ask again; an event the gate withheld
    would be marked done by the inbox and never come again, lost for good. So the
    delivery is refused as a fault of the infrastructure: rolled back, audit entry
    included, and delivered again until the engine answers (README, "Events": a fault
    of the infrastructure is retried for as long as it lasts). Nothing is disclosed
    meanwhile.
    """
    if POLICY_UNAVAILABLE in disclosure.withheld.values():
        raise PolicyError(f"no policy answer for event {envelope.type} {envelope.id}")


def _visible(payload: EventPayload, disclosure: Disclosure) -> EventPayload:
    # The handler gets the payload with the withheld fields absent: reading
    # one raises instead of quietly seeing a default. Payloads crossing a
    # boundary are flat (a test checks), so top-level fields are the whole.
    visible = {name: getattr(payload, name) for name in disclosure.data}
    return type(payload).model_construct(**visible)
