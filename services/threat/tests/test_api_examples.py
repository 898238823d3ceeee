"""The request examples in the threat service's OpenAPI document are valid requests."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from avhopp_threat.entrypoints.schemas import (
    PlacementAssessmentIn,
    PlacementIn,
    PoliceCaseIn,
    ProtectiveMeasureIn,
    RegisterCheckIn,
    ThreatAssessmentIn,
)

BODIES = [
    ThreatAssessmentIn,
    RegisterCheckIn,
    ProtectiveMeasureIn,
    PoliceCaseIn,
    PlacementAssessmentIn,
    PlacementIn,
]


@pytest.mark.parametrize("model", BODIES, ids=lambda model: model.__name__)
def test_every_example_of_a_request_body_is_accepted_by_its_model(model: type[BaseModel]) -> None:
    examples = model.model_json_schema().get("examples", [])

    assert examples, f"{model.__name__} has no example"
    for example in examples:
        model.model_validate(example)
