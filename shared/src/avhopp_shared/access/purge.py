"""Withdrawal reaches shared data: a recipient purges what it may no longer hold.

ACCESS.md, "Consent records": withdrawal takes effect at once for every later
read and every later event delivery, and subscribers that already hold data
are told to purge it. When a consent is withdrawn, each service it named asks
the policy whether it may still receive each covered category about the case
(another consent or a legal basis may cover it). It asks as the agency the
copies came from: they are that agency's records, and asking as the service's
own agency would find them "own" and keep them. What it may no longer receive,
it purges through the service's purger for the category, and the purge goes
into the audit trail. If the policy cannot answer, everything covered is
purged: fail closed. A grant that ends by time is purged the same way
(``purge_what_is_lost``, run by ``expiry_sweep``).

The policy is asked about every category the service keeps copies of from that
agency, and each purger is told what is still allowed: a copy drawn from more
than one category (follow-up's ISU relapse fact, social services' open relapse
task: police's relapse is ``followup``, its case id ``case_ref``) stays while
another consent still covers one of them. Only what the service may no longer
receive is purged.

A purger removes only copies of another agency's records, about the one case,
never the service's own records (ACCESS.md's "own" cells): a service that
registers a purger for its own agency's records does not start. A covered
category the service was delivered about the case (its event audit entries
say so) without a purger for it is an error, logged loudly: the consent state
still denies every later read and delivery at once, but the copies stay.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from sqlmodel import col, select

from avhopp_shared.access import audit
from avhopp_shared.access.categories import DEFAULT_PURPOSE, Category
from avhopp_shared.access.gate import DisclosureGate
from avhopp_shared.access.policy_input import Owner
from avhopp_shared.access.state_handlers import apply_access_event
from avhopp_shared.access.state_read import access_state
from avhopp_shared.access.tables import AuditEntryRow, ConsentGrantRow
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.consent_events import ConsentWithdrawn
from avhopp_shared.events.envelope import EventEnvelope, utcnow
from avhopp_shared.messaging.inbox import EventHandler
from avhopp_shared.uow import UnitOfWork

log = logging.getLogger("avhopp.purge")

#: Removes what a service holds of one category about one case; returns rows affected.
#: The third argument is what the service may still receive from the same agency about
#: the case: a copy drawn from several categories stays while one of them still covers it
#: (purge only what the service may no longer receive: ACCESS.md, "Consent records").
PurgeCopies = Callable[[UnitOfWork, str, frozenset[str]], Awaitable[int]]


@dataclass(frozen=True)
class Purger:
    """How a service removes its copies of one category about a case.

    ``source`` is the agency whose records the copies are (the event's acting
    agency when they arrived): the policy decides for that owner whether the
    service may still hold them.
    """

    source: str
    purge: PurgeCopies

    def __post_init__(self) -> None:
        Agency(self.source)  # a name that is no agency fails at once


async def nothing_kept(uow: UnitOfWork, case_id: str, still_allowed: frozenset[str]) -> int:
    """For a category a service is delivered but keeps nothing of: nothing to remove,
    and the withdrawal is still on the record for it."""
    return 0


@dataclass(frozen=True)
class Ending:
    """A grant that has ended for this service (a consent withdrawn or past its
    ``valid_to``, a legal basis past its ``valid_to``, a break-glass grant past its
    ``expires_at``), and how its purge goes on the record."""

    case_id: str
    #: "consent", "legal_basis" or "break_glass", and the grant's id.
    kind: str
    grant_id: str
    categories: tuple[str, ...]
    #: The audit entry's resource and the reason each purged category is withheld.
    resource: str
    reason: str
    #: How it ended, in the audit note: "withdrawn", "ended".
    how: str

    @property
    def named(self) -> str:
        """The grant as the audit note names it, e.g. ``consent <id>``."""
        return f"{self.kind.replace('_', ' ')} {self.grant_id}"


class PurgerForOwnRecords(ValueError):
    """A purger that would remove the service's own agency's records on another's consent."""


def withdrawal_handler(
    gate: DisclosureGate, recipient: Caller, purgers: Mapping[str, Purger]
) -> EventHandler:
    """Built once at start: a purger for no category, or for the service's own agency's
    records, stops the service from starting."""
    _check(recipient, purgers)

    async def on_withdrawn(uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope) -> None:
        assert isinstance(payload, ConsentWithdrawn)
        await apply_access_event(uow.session, payload)
        consent = await uow.session.get(ConsentGrantRow, payload.consent_id)
        if consent is None or not any(names_service(r, recipient) for r in consent.recipients):
            return
        await purge_what_is_lost(
            uow,
            gate,
            recipient,
            purgers,
            Ending(
                case_id=payload.case_id,
                kind="consent",
                grant_id=payload.consent_id,
                categories=tuple(consent.categories),
                resource="consent withdrawal",
                reason="consent withdrawn",
                how="withdrawn",
            ),
        )

    return on_withdrawn


async def purge_what_is_lost(
    uow: UnitOfWork,
    gate: DisclosureGate,
    recipient: Caller,
    purgers: Mapping[str, Purger],
    ending: Ending,
) -> None:
    """Purges each category the ended grant covered that the service may no longer
    receive about the case, deciding on the access state as it is now: another consent,
    a legal basis or a break-glass grant still in force keeps what it covers (ACCESS.md,
    "Consent records"). Each purge is audited."""
    covered = list(dict.fromkeys(ending.categories))
    await _report_unpurgeable(uow, recipient, ending, [c for c in covered if c not in purgers])
    by_source: dict[str, list[str]] = {}
    for category in covered:
        if category in purgers:
            by_source.setdefault(purgers[category].source, []).append(category)
    if not by_source:
        return
    now = utcnow()
    state = await access_state(uow.session, ending.case_id)
    for source, categories in by_source.items():
        # Asked for every category the service keeps copies of from the source, not only
        # the ended grant's: a purger keeps a copy another category still brings in.
        asked = [c for c, p in purgers.items() if p.source == source]
        decision = gate.decision(
            recipient=recipient,
            purpose=DEFAULT_PURPOSE[recipient.agency.value].value,
            case_id=ending.case_id,
            categories=asked,
            state=state,
            now=now,
            owner=Owner(source),
        )
        still_allowed = frozenset(decision.allowed)
        lost = [c for c in categories if c not in still_allowed]
        if not lost:
            continue
        purged = {c: await purgers[c].purge(uow, ending.case_id, still_allowed) for c in lost}
        await audit.append(
            uow.session,
            audit.AuditRecord(
                channel="purge",
                client_id=recipient.client_id,
                user=None,
                agency=recipient.agency.value,
                organisation=recipient.organisation,
                case_id=ending.case_id,
                resource=ending.resource,
                purpose="-",
                disclosed=[],
                withheld={c: ending.reason for c in lost},
                bases={},
                decision_id=decision.decision_id,
                policy_revision=decision.revision,
                note=f"{ending.named} {ending.how}; purged rows {purged} received from {source}",
            ),
            now,
        )


def _check(recipient: Caller, purgers: Mapping[str, Purger]) -> None:
    for category, purger in purgers.items():
        Category(category)  # a purger for no category fails at once
        if purger.source == recipient.agency.value:
            # ACCESS.md, "own": an agency's own records are never another's consent to
            # withdraw; only copies received from other agencies are purged.
            raise PurgerForOwnRecords(
                f"the purger for {category} would remove {recipient.agency.value}'s own records"
            )


def names_service(recipient: dict[str, object], caller: Caller) -> bool:
    """Whether a consent's recipient is this service, as policies/lib/match.rego's
    ``recipient_matches`` decides: its agency, and no organisation or the caller's own;
    for a service of the platform, any one organisation of its agency.

    A service receives for every organisation of its agency (match.rego, the
    ``caller.service`` rule): a consent to one police region brings the case to the
    police service, so withdrawing it must reach the copies it brought there too
    (ACCESS.md, "Consent records": subscribers that already hold data purge it)."""
    if recipient.get("agency") != caller.agency.value:
        return False
    organisation = recipient.get("organisation")
    if organisation is None or organisation == caller.organisation:
        return True
    return caller.service and isinstance(organisation, str)


async def _report_unpurgeable(
    uow: UnitOfWork, recipient: Caller, ending: Ending, categories: list[str]
) -> None:
    """Logs, as an error, each covered category without a purger that the service was
    delivered about the case: it may hold copies that the withdrawal does not reach."""
    if not categories:
        return
    received = await _received(uow, recipient, ending.case_id)
    missing = sorted(c for c in categories if c in received)
    if missing:
        log.error(
            "%s %s, but no purger for categories this service received",
            ending.kind.replace("_", " "),
            ending.how,
            extra={
                "consumer": recipient.client_id,
                "case_id": ending.case_id,
                f"{ending.kind}_id": ending.grant_id,
                "categories": missing,
            },
        )


async def _received(uow: UnitOfWork, recipient: Caller, case_id: str) -> set[str]:
    """The categories other agencies' events disclosed to this service about the case: the
    event gate audits every such delivery (ACCESS.md, "Audit")."""
    rows = await uow.session.exec(
        select(AuditEntryRow.disclosed).where(
            col(AuditEntryRow.case_id) == case_id,
            col(AuditEntryRow.channel) == "event",
            col(AuditEntryRow.client_id) == recipient.client_id,
        )
    )
    return {category for disclosed in rows.all() for category in disclosed}
