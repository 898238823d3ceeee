"""Social services of one municipality work only in its own cases here too
(``avhopp_shared.web.municipality_scope``, from this service's copy of the
responsibility)."""

from __future__ import annotations

from avhopp_shared.access.responsibility_copy import may_work_in
from avhopp_shared.web.municipality_scope import MunicipalityScope

SCOPE = MunicipalityScope(may_work_in)
WRITES = SCOPE.dependency()
READS = SCOPE.dependency(reading=True)
#: For what only the responsible municipality decides, never the municipality of
#: stay (2 a kap. SoL): consent is recorded and withdrawn by the municipality
#: responsible for the case (policies/actions/actions.rego, ``consent.write``),
#: and a legal basis opens its records, which only it may do under OSL.
RESPONSIBLE_WRITES = SCOPE.dependency(acute=False)
