"""Properties of the disclosure decision for any input of the README's shape (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from avhopp_shared.policy import RegorusEngine, load_bundle
from tests.fixtures.policy_cases import MATRIX, NOW, PARTS, provider_grant_inputs, readme_inputs

ENGINE = RegorusEngine(load_bundle())
PRIMARY_RULE = {"own": "own", "consent": "consent", "decided": "decided", "team": "team"}
decision_input = readme_inputs()


def cell(category: str, agency: str) -> str:
    return MATRIX.get(category, {}).get(agency, "none")


@settings(max_examples=150, deadline=None)
@given(decision_input)
def test_every_category_is_decided_once_and_only_as_its_cell_allows(
    policy_input: dict[str, Any],
) -> None:
    decision = ENGINE.evaluate("data.avhopp.access.decision", policy_input)
    allowed, withheld = decision["allowed"], decision["withheld"]
    agency = policy_input["caller"]["agency"]
    assert set(allowed) | set(withheld) == set(policy_input["categories"])
    assert not set(allowed) & set(withheld)
    owner = policy_input["owner"]
    is_owner = owner["agency"] == agency and owner.get("organisation") in (
        None,
        policy_input["caller"]["organisation"],
    )
    for category, grant in allowed.items():
        rule = cell(category, agency)
        if is_owner and rule != "team":
            # The owner reads its own records whatever the cell (ACCESS.md, "own").
            assert grant["rule"] == "own"
            continue
        assert rule != "none"
        opened_by = {PRIMARY_RULE[rule]} | (
            {"legal_basis", "break_glass"} if rule != "own" else set()
        )
        assert grant["rule"] in opened_by
    for category, reason in withheld.items():
        if cell(category, agency) == "none":
            assert not is_owner
            assert reason == f"not permitted for {agency}"


@settings(max_examples=150, deadline=None)
@given(decision_input)
def test_a_consent_basis_is_an_active_consent_naming_the_category_and_purpose(
    policy_input: dict[str, Any],
) -> None:
    decision = ENGINE.evaluate("data.avhopp.access.decision", policy_input)
    for category, grant in decision["allowed"].items():
        if grant["rule"] == "consent":
            assert any(
                c["id"] == grant["basis"]
                and c["status"] == "active"
                and category in c["categories"]
                and policy_input["purpose"] in c["purposes"]
                and c["valid_from"] is not None
                and c["valid_from"] <= NOW
                and (c["valid_to"] is None or c["valid_to"] > NOW)
                for c in policy_input["consents"]
            )


@settings(max_examples=300, deadline=None)
@given(st.one_of(decision_input, provider_grant_inputs()))
def test_a_decided_cell_opens_only_where_the_board_decided_for_the_callers_organisation(
    policy_input: dict[str, Any],
) -> None:
    """ACCESS.md, "decided": readable only when the deciding board has recorded a
    disclosure decision for this provider; a legal basis or break-glass stands in for
    the consent alone, so it opens no decided cell the board did not decide."""
    decision = ENGINE.evaluate("data.avhopp.access.decision", policy_input)
    caller = policy_input["caller"]
    for category, grant in decision["allowed"].items():
        if cell(category, caller["agency"]) != "decided" or grant["rule"] == "own":
            continue
        names = {category, PARTS.get(category, category)}
        assert caller["agency"] == "provider"
        assert any(
            recorded["provider_organisation"] == caller["organisation"]
            and names & set(recorded["categories"])
            for recorded in policy_input["disclosure_decisions"]
        ), (category, grant)
