"""An external instrument's result names its date, its assessor and a summary."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from avhopp_social.domain.external_assessment import (
    HealthInstrument,
    InvalidResult,
    RiskInstrument,
    external_result,
)

TODAY = date(2026, 11, 20)


def _result(**overrides: Any) -> Any:
    values: dict[str, Any] = {
        "result_id": "r-1",
        "case_id": "c-1",
        "instrument": HealthInstrument.ASI,
        "assessed_on": TODAY,
        "assessor": "Psychologist A",
        "summary": "Moderate severity",
        "today": TODAY,
    } | overrides
    return external_result(**values)


def test_a_result_keeps_its_instrument_and_trimmed_text() -> None:
    result = _result(instrument=RiskInstrument.YLS_CMI, summary="  High risk  ")

    assert (result.instrument, result.summary) == ("yls_cmi", "High risk")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"assessed_on": date(2026, 11, 21)}, "assessed_on"),
        ({"assessor": " "}, "assessor"),
        ({"summary": ""}, "summary"),
    ],
)
def test_a_result_the_rules_refuse_names_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidResult) as refused:
        _result(**overrides)

    assert refused.value.field == field
