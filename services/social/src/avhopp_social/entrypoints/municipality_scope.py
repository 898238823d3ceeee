"""Social services of one municipality work only in the cases it answers for here.

The rule is ``avhopp_shared.web.municipality_scope``; this service knows the
responsibility first hand (``service_layer/responsibility.py``).
"""

from __future__ import annotations

from sqlalchemy import false

from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.web.municipality_scope import MunicipalityScope
from avhopp_social.adapters.case_filter import CaseFilter
from avhopp_social.service_layer.responsibility import may_work_in, responsible_cases

SCOPE = MunicipalityScope(may_work_in)
require_municipality = SCOPE.require
#: The responsible municipality and the municipality of stay: only for the acute
#: help the stay answers for (2 a kap. 2-3 §§ SoL; each use says why).
WRITES = SCOPE.dependency()
READS = SCOPE.dependency(reading=True)
#: The responsible municipality only: where the responsibility itself moves, and
#: everything that is not acute help (the investigation, the plan, assessments).
RESPONSIBLE_WRITES = SCOPE.dependency(acute=False)


def municipality_cases(caller: Caller) -> CaseFilter | None:
    """For a social-services caller, a listing narrowed to its municipality's cases
    (None for other agencies: the gate decides item by item for them)."""
    if caller.agency is not Agency.SOCIAL:
        return None
    municipality, today = caller.municipality, today_in_sweden()
    if municipality is None:
        return lambda _: false()
    return lambda case_id: responsible_cases(municipality, today, case_id)
