"""Commissioning a provider, with the board's disclosure decision (004 Del 2)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from avhopp_shared.access.categories import Category
from avhopp_social.domain.aid_decision import AidType
from avhopp_social.domain.commission import InvalidCommission, commission

TODAY = date(2026, 11, 20)
PROVIDER = "skyddat-boende-ab"


def _commission(**overrides: Any) -> Any:
    values: dict[str, Any] = {
        "commission_id": "k-1",
        "case_id": "c-1",
        "intervention": AidType.PROTECTED_HOUSING,
        "provider_organisation": PROVIDER,
        "disclosed_categories": [Category.CASE_REF],
        "known_providers": [PROVIDER],
        "decided_by": "caseworker-1",
        "decided_on": TODAY,
        "today": TODAY,
    } | overrides
    return commission(**values)


def test_a_known_provider_is_commissioned() -> None:
    assert _commission().provider_organisation == PROVIDER


def test_an_unknown_provider_is_refused_without_echoing_the_name() -> None:
    # README, "Errors": validation errors never echo the rejected value.
    with pytest.raises(InvalidCommission) as refused:
        _commission(provider_organisation="Hemligt-boende-i-Umea")

    assert refused.value.field == "provider_organisation"
    assert "Hemligt" not in str(refused.value)
