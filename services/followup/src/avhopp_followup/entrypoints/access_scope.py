"""Who works in a case here: the responsible municipality's social services
(``avhopp_shared.web.municipality_scope``, from this service's copy of the
responsibility) and the providers commissioned for it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false

from avhopp_followup.service_layer.commissions import commissioned_cases, is_commissioned
from avhopp_shared.access.categories import Category
from avhopp_shared.access.responsibility_copy import may_work_in, responsible_cases
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.auth.dependencies import Forbidden
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.uow import UnitOfWork
from avhopp_shared.web.disclosure import Access
from avhopp_shared.web.municipality_scope import MunicipalityScope

SCOPE = MunicipalityScope(may_work_in)
#: The responsible municipality and the municipality of stay: the latter may have to
#: act in the case acutely (2 a kap. 2-3 §§ SoL), and reads it for that.
READS = SCOPE.dependency(reading=True)
#: The responsible municipality only, for every write here: following up an exit
#: (meetings, phases, how it ends; PROCESS.md steps 11-13) is the responsible
#: municipality's, not the acute help the municipality of stay gives (2 a kap.
#: 2-3 §§ SoL).
RESPONSIBLE_WRITES = SCOPE.dependency(acute=False)


async def require_commissioned(uow: UnitOfWork, case_id: str, caller: Caller) -> None:
    """A provider works only in the cases it is commissioned for (PROCESS.md step 10)."""
    if caller.agency is Agency.PROVIDER and not await is_commissioned(
        uow, case_id, caller.organisation
    ):
        raise Forbidden("the provider is not commissioned for this case")


async def require_case_ref(access: Access, case_id: str) -> None:
    """403 unless the caller may see the case's reference, as a read would (the gate).

    A write that checks the case's state answers with it when it refuses ("the case
    entered acute on ..."): its phase, dates and status, all ``case_ref`` (ACCESS.md,
    "Data categories"). A provider reads that only while the board's decision and
    the person's consent cover it (ACCESS.md, "decided"), and a withdrawal "takes
    effect at once for every later read" (ACCESS.md, "Consent records"): a caller
    the gate no longer shows the case is refused as any writer outside the case is
    (403, ``municipality_scope``), before anything about the case is checked.
    """
    if not await access.may_see(case_id, Category.CASE_REF):
        raise Forbidden("the case is not open to this caller")


def cases_of(caller: Caller, column: Any) -> ColumnElement[bool] | None:
    """A listing (by its case id ``column``) narrowed to the caller's cases: its
    municipality's or its commissions'."""
    if caller.agency is Agency.SOCIAL:
        municipality = caller.municipality
        if municipality is None:
            return false()
        return responsible_cases(municipality, today_in_sweden(), column)
    if caller.agency is Agency.PROVIDER:
        return commissioned_cases(caller.organisation, column)
    return None
