"""The disclosure gate: classify → decide → filter → audit, for every exchange.

Every REST response that crosses an agency boundary, every event consumed by
another agency's service and every export passes through
:meth:`DisclosureGate.disclose`. It runs inside the caller's transaction: the
audit entry commits with whatever else that transaction does, or nothing is
disclosed at all (ACCESS.md, "Audit"; fail closed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_shared.access import audit
from avhopp_shared.access.catalogue import Catalogue
from avhopp_shared.access.categories import Category
from avhopp_shared.access.consent_state import consents_for_case
from avhopp_shared.access.grants_state import (
    break_glass_for_case,
    legal_bases_for_case,
    team_for_case,
)
from avhopp_shared.access.policy_input import AccessState, Owner, access_input
from avhopp_shared.auth.caller import Caller
from avhopp_shared.events.access_events import ProtectedLocationRead
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.policy.access_decision import AccessDecision, decide_access
from avhopp_shared.policy.engine import PolicyEngine
from avhopp_shared.uow import UnitOfWork

#: How long a decision may take before it counts as a deny.
DECISION_TIMEOUT_SECONDS = 0.5


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
        state: AccessState | None = None,
    ) -> Disclosure:
        """``owner`` is whoever holds ``item``: this service unless said otherwise
        (an event consumed here is held by the agency that sent it). ``state``
        may be given when the caller has already read it in this transaction."""
        now = self.clock()
        disclosure, record = self.decide(
            recipient=recipient,
            purpose=purpose,
            case_id=case_id,
            item=item,
            state=state if state is not None else await access_state(uow.session, case_id),
            now=now,
            owner=owner,
        )
        await audit.append(uow.session, replace(record, channel=channel, note=note), now)
        if Category.PROTECTED_LOCATION.value in disclosure.disclosed:
            uow.emit(
                ProtectedLocationRead(
                    case_id=case_id,
                    reader_agency=recipient.agency.value,
                    reader_organisation=recipient.organisation,
                    reader_user=recipient.user,
                    read_at=now,
                    decision_id=disclosure.decision_id,
                    channel=channel,
                ),
                case_id=case_id,
            )
        return disclosure

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
    ) -> AccessDecision:
        """The policy's answer for these categories (fail closed, see ``decide_access``)."""
        return decide_access(
            self.engine,
            access_input(
                recipient=recipient,
                purpose=purpose,
                owner=owner or self.owner,
                case_id=case_id,
                categories=categories,
                state=state,
                now=now,
            ),
            DECISION_TIMEOUT_SECONDS,
        )


async def access_state(session: AsyncSession, case_id: str) -> AccessState:
    return AccessState(
        consents=await consents_for_case(session, case_id),
        team=await team_for_case(session, case_id),
        legal_bases=await legal_bases_for_case(session, case_id),
        break_glass=await break_glass_for_case(session, case_id),
    )


def _basis(basis: Any) -> dict[str, Any]:
    return {"rule": basis.rule, "basis": basis.basis}
