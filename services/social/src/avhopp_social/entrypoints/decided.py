"""What opens a category of a case to the caller: decided as a read would be, nothing disclosed.

``Access.may_see`` says whether a category opens; some answers here also depend on what
opened it (the case team, a board's decision) or on whose record it is (police's relapse
report, held here as a task). Nothing is audited: the answer that follows is.
"""

from __future__ import annotations

from collections.abc import Iterable

from avhopp_shared.access.categories import Category
from avhopp_shared.access.policy_input import Owner
from avhopp_shared.policy.access_decision import Basis
from avhopp_shared.web.disclosure import Access


async def bases_of(
    access: Access, case_ids: Iterable[str], category: Category, *, owner: Owner | None = None
) -> dict[str, Basis | None]:
    """For each case, what opens ``category`` of it to the caller (None: nothing does).

    ``owner`` holds the record when not this service's agency as a whole (police's
    report). A policy fault opens nothing: every case maps to None (fail closed)."""
    gate = access.runtime.gate
    async with access.uow as uow:
        states = await gate.states_of(uow.session, list(case_ids))
        now = gate.clock()
        return {
            case_id: gate.decision(
                recipient=access.caller,
                purpose=access.purpose.value,
                case_id=case_id,
                categories=[category.value],
                state=state,
                now=now,
                owner=owner,
                version=version,
            ).allowed.get(category.value)
            for case_id, (state, version) in states.items()
        }
