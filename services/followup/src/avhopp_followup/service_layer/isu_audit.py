"""Every ISU answer is an export (ACCESS.md, "Audit": every disclosure, an export
included, is recorded), and is recorded before it leaves.

Statistics are about no case: the entry names none (the audit log has a case
column that is never empty, so it holds :data:`NO_CASE`). It says who asked,
for which period and municipality, in which format, and which categories the
released figures are drawn from; nothing of the figures themselves. It is
written in the transaction that reads the facts and committed before the
answer is rendered: when it cannot be written, nothing is answered (503).
"""

from __future__ import annotations

from collections.abc import Collection
from uuid import uuid4

from avhopp_followup.service_layer.isu_query import IsuQuery
from avhopp_shared.access import audit
from avhopp_shared.access.categories import Category, Purpose
from avhopp_shared.auth.caller import Caller
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.uow import UnitOfWork

#: The case an entry for a group-level answer names: none.
NO_CASE = "-"
CHANNEL = "statistics"

#: What the figures of each series are counted from (ACCESS.md, "Data categories"):
#: the application and its phases are the case reference, the exit's end and a
#: relapse follow-up, the needs at intake the investigation's needs mapping,
#: interventions decided social services' decisions, carried out the providers'.
SERIES_CATEGORIES: dict[str, frozenset[Category]] = {
    "outcomes": frozenset({Category.CASE_REF, Category.FOLLOWUP}),
    "relapse": frozenset({Category.FOLLOWUP}),
    "needs": frozenset({Category.INVESTIGATION}),
    "interventions": frozenset({Category.DECISIONS, Category.INTERVENTIONS}),
    "time_to_decision": frozenset({Category.CASE_REF, Category.DECISIONS}),
    "phase_durations": frozenset({Category.CASE_REF}),
}

#: The whole answer (JSON, CSV) draws on every series.
ALL_SERIES = tuple(SERIES_CATEGORIES)


async def record_isu_export(
    uow: UnitOfWork,
    caller: Caller,
    query: IsuQuery,
    *,
    resource: str,
    series: Collection[str],
    policy_revision: str,
) -> str:
    """Append the entry inside the open unit of work (the caller commits); returns
    the entry's decision id, for the answer to name."""
    categories = sorted({c.value for name in series for c in SERIES_CATEGORIES[name]})
    decision_id = uuid4().hex
    where = query.municipality or "all municipalities"
    await audit.append(
        uow.session,
        audit.AuditRecord(
            channel=CHANNEL,
            client_id=caller.client_id,
            user=caller.user,
            agency=caller.agency.value,
            organisation=caller.organisation,
            case_id=NO_CASE,
            resource=resource,
            purpose=Purpose.FOLLOWUP.value,
            disclosed=categories,
            withheld={},
            bases={c: "group level, cells under five persons suppressed" for c in categories},
            decision_id=decision_id,
            policy_revision=policy_revision,
            note=(
                f"ISU {query.first_day.isoformat()}..{query.last_day.isoformat()}, {where}; "
                f"series {', '.join(sorted(series))}"
            ),
        ),
        utcnow(),
    )
    return decision_id
