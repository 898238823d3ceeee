"""Social services of one municipality work only in its own cases here too
(``avhopp_shared.web.municipality_scope``; the responsibility is intake's copy)."""

from __future__ import annotations

from avhopp_intake.service_layer.responsibility import may_work_in
from avhopp_shared.web.municipality_scope import MunicipalityScope

SCOPE = MunicipalityScope(may_work_in)
WRITES = SCOPE.dependency()
READS = SCOPE.dependency(reading=True)
