"""Path and query parameters and documented answers every service's routes share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from avhopp_shared.web.problems import problem_responses

CaseId = Annotated[
    str, Path(min_length=1, max_length=36, description="The case id intake returned")
]
NOT_FOUND = problem_responses(404)

#: The largest row offset either database takes (a signed 64-bit integer):
#: beyond it SQLite refuses the statement and PostgreSQL the parameter, which
#: would answer 500 or 503 where the request itself is at fault.
MAX_OFFSET = 2**63 - 1

#: Page size of a listing.
Limit = Annotated[int, Query(ge=1, le=200, description="At most this many items")]
#: Items of a listing to skip before the page starts.
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Skip this many items first")]
