"""Path parameters and documented answers every service's routes share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from avhopp_shared.web.problems import problem_responses

CaseId = Annotated[
    str, Path(min_length=1, max_length=36, description="The case id intake returned")
]
NOT_FOUND = problem_responses(404)
