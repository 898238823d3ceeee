"""Opening and listing family members' own investigations."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlmodel import col, select

from avhopp_shared.events.envelope import utcnow
from avhopp_shared.uow import UnitOfWork
from avhopp_social.adapters.tables import LinkedInvestigationRecord
from avhopp_social.domain.investigation import DeadlineRule
from avhopp_social.domain.linked_investigation import LinkedInvestigation, Relation, open_linked
from avhopp_social.service_layer.known_case import require_investigation


async def open_linked_investigation(
    uow: UnitOfWork,
    case_id: str,
    *,
    relation: Relation,
    needs: str,
    rule: DeadlineRule,
    by: str,
) -> LinkedInvestigation:
    """Inside an open unit of work; the caller commits (with the answer's audit entry)."""
    await require_investigation(uow, case_id)
    linked = open_linked(
        investigation_id=str(uuid.uuid4()),
        case_id=case_id,
        relation=relation,
        needs=needs,
        rule=rule,
        opened_by=by,
        now=utcnow(),
    )
    uow.session.add(
        LinkedInvestigationRecord(
            investigation_id=linked.investigation_id,
            case_id=case_id,
            relation=linked.relation.value,
            needs=linked.needs,
            opened_at=linked.opened_at,
            start_deadline=linked.start_deadline,
            opened_by=linked.opened_by,
            legal_basis=linked.legal_basis,
        )
    )
    return linked


async def linked_investigations(uow: UnitOfWork, case_id: str) -> Sequence[LinkedInvestigation]:
    """Oldest first."""
    await require_investigation(uow, case_id)
    rows = await uow.session.exec(
        select(LinkedInvestigationRecord)
        .where(col(LinkedInvestigationRecord.case_id) == case_id)
        .order_by(
            col(LinkedInvestigationRecord.opened_at),
            col(LinkedInvestigationRecord.investigation_id),
        )
    )
    return [
        LinkedInvestigation(
            investigation_id=r.investigation_id,
            case_id=r.case_id,
            relation=Relation(r.relation),
            needs=r.needs,
            opened_at=r.opened_at,
            start_deadline=r.start_deadline,
            opened_by=r.opened_by,
            legal_basis=r.legal_basis,
        )
        for r in rows.all()
    ]
