"""Commissioning a provider, with the board's disclosure decision (004 Del 2)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from avhopp_shared.access.categories import Category
from avhopp_social.domain.aid_decision import AidDecision, AidType, Outcome
from avhopp_social.domain.commission import HOUSING, InvalidCommission, commission

TODAY = date(2026, 11, 20)
RECEIVED = date(2026, 11, 2)
PROVIDER = "skyddat-boende-ab"
#: ACCESS.md, baseline matrix, the provider column's "decided" cells, as
#: policies/access/decidable.rego answers them (its test holds it to the matrix).
DECIDABLE = frozenset(
    {
        Category.CASE_REF,
        Category.IDENTITY,
        Category.CONTACT,
        Category.PROTECTED_LOCATION,
        Category.THREAT,
        Category.PLACEMENT,
        Category.PROTECTIVE_MEASURES,
        Category.HEALTH,
        Category.ACTION_PLAN,
    }
)


def _commission(**overrides: Any) -> Any:
    values: dict[str, Any] = {
        "commission_id": "k-1",
        "case_id": "c-1",
        "intervention": AidType.PROTECTED_HOUSING,
        "provider_organisation": PROVIDER,
        "disclosed_categories": [Category.CASE_REF],
        "known_providers": [PROVIDER],
        "decidable": DECIDABLE,
        "decisions": [],
        "decided_by": "caseworker-1",
        "decided_on": TODAY,
        "today": TODAY,
        "received_on": RECEIVED,
    } | overrides
    return commission(**values)


def _decision(outcome: Outcome, aid_type: AidType = AidType.PROTECTED_HOUSING) -> AidDecision:
    granted = outcome is not Outcome.REFUSED
    return AidDecision(
        decision_id=f"d-{outcome.value}",
        case_id="c-1",
        aid_type=aid_type,
        outcome=outcome,
        reasons="A high threat",
        valid_from=RECEIVED if granted else None,
        valid_to=None,
        decided_by="caseworker-1",
        decided_on=RECEIVED,
        recorded_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
    )


def _refused_fields(**overrides: Any) -> list[str]:
    with pytest.raises(InvalidCommission) as refused:
        _commission(**overrides)
    return [field for field, _ in refused.value.problems]


def test_a_known_provider_is_commissioned() -> None:
    assert _commission().provider_organisation == PROVIDER


def test_an_unknown_provider_is_refused_without_echoing_the_name() -> None:
    # README, "Errors": validation errors never echo the rejected value.
    with pytest.raises(InvalidCommission) as refused:
        _commission(provider_organisation="Hemligt-boende-i-Umea")

    assert refused.value.field == "provider_organisation"
    assert "Hemligt" not in str(refused.value)


def test_a_commission_dated_before_the_application_was_received_names_the_date() -> None:
    assert _refused_fields(decided_on=RECEIVED - timedelta(days=1)) == ["decided_on"]


def test_a_commission_on_the_day_the_application_was_received_is_made() -> None:
    assert _commission(decided_on=RECEIVED).decided_on == RECEIVED


def test_aid_the_board_refused_is_never_commissioned() -> None:
    refusal = _decision(Outcome.REFUSED)

    assert _refused_fields(decisions=[refusal]) == ["intervention"]


def test_aid_granted_after_a_refusal_is_commissioned() -> None:
    decisions = [_decision(Outcome.REFUSED), _decision(Outcome.PARTLY_GRANTED)]

    assert _commission(decisions=decisions).intervention is AidType.PROTECTED_HOUSING


def test_a_refusal_of_other_aid_leaves_this_aid_commissionable() -> None:
    other = _decision(Outcome.REFUSED, AidType.FINANCIAL_AID)

    assert _commission(decisions=[other]).intervention is AidType.PROTECTED_HOUSING


def test_aid_not_yet_decided_on_is_still_commissioned_for_acute_protection() -> None:
    assert _commission(decisions=[]).intervention is AidType.PROTECTED_HOUSING


@pytest.mark.parametrize("intervention", sorted(HOUSING))
def test_the_housing_a_provider_runs_may_be_told_the_new_home_town(
    intervention: AidType,
) -> None:
    made = _commission(
        intervention=intervention,
        disclosed_categories=[Category.CASE_REF, Category.PROTECTED_LOCATION],
    )

    assert Category.PROTECTED_LOCATION in made.disclosed_categories


@pytest.mark.parametrize("intervention", sorted(set(AidType) - HOUSING))
def test_a_provider_running_no_housing_is_never_told_the_new_home_town(
    intervention: AidType,
) -> None:
    disclosed = [Category.CASE_REF, Category.PROTECTED_LOCATION]

    assert _refused_fields(intervention=intervention, disclosed_categories=disclosed) == [
        "disclosed_categories"
    ]


@pytest.mark.parametrize("category", sorted(set(Category) - DECIDABLE))
def test_a_category_no_provider_can_be_given_is_never_decided(category: Category) -> None:
    disclosed = [Category.CASE_REF, category]

    assert _refused_fields(disclosed_categories=disclosed) == ["disclosed_categories"]


def test_every_rule_a_commission_breaks_is_named_at_once() -> None:
    fields = _refused_fields(
        intervention=AidType.CONTACT_PERSON,
        provider_organisation="okand-utforare-ab",
        decided_on=RECEIVED - timedelta(days=1),
        decisions=[_decision(Outcome.REFUSED, AidType.CONTACT_PERSON)],
        disclosed_categories=[Category.PROTECTED_LOCATION, Category.CRIMINAL_HISTORY],
    )

    assert fields == [
        "provider_organisation",
        "decided_on",
        "intervention",
        "disclosed_categories",
        "disclosed_categories",
    ]
