"""Properties of the disclosure decision for any input of the README's shape (hypothesis)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from avhopp_shared.policy import RegorusEngine, default_policies_dir, load_bundle

ENGINE = RegorusEngine(load_bundle())
MATRIX: dict[str, dict[str, str]] = json.loads(
    (default_policies_dir() / "data" / "matrix.json").read_text()
)["matrix"]
AGENCIES = ["police", "social", "provider", "probation", "sis", "customs"]
ORGANISATIONS = ["org-a", "org-b", None]
USERS = ["u-1", "u-2", None]
CATEGORIES = [*MATRIX, "shoe_size"]
NOW = 1_795_000_000
PRIMARY_RULE = {"own": "own", "consent": "consent", "decided": "decided", "team": "team"}

times = st.sampled_from([None, NOW - 10, NOW, NOW + 10])
categories = st.lists(st.sampled_from(CATEGORIES), max_size=6)
ids = st.sampled_from(["id-1", "id-2", "id-3"])
agency, organisation, user = (
    st.sampled_from(AGENCIES),
    st.sampled_from(ORGANISATIONS),
    st.sampled_from(USERS),
)
party = st.fixed_dictionaries({"agency": agency, "organisation": organisation})
person = st.fixed_dictionaries({"agency": agency, "organisation": organisation, "user": user})
consent = st.fixed_dictionaries({
    "id": ids, "status": st.sampled_from(["active", "withdrawn", "expired"]),
    "recipients": st.lists(party, max_size=2), "categories": categories,
    "purposes": st.lists(st.sampled_from(["protection", "followup"]), max_size=2),
    "valid_from": times, "valid_to": times,
})  # fmt: skip
decision_input = st.fixed_dictionaries({
    "caller": person, "purpose": st.sampled_from(["protection", "followup"]), "owner": party,
    "case_id": st.just("c-1"), "categories": categories, "now": st.just(NOW),
    "consents": st.lists(consent, max_size=3),
    "disclosure_decisions": st.lists(st.fixed_dictionaries({
        "id": ids, "provider_organisation": st.sampled_from(ORGANISATIONS), "categories": categories,
    }), max_size=2),
    "team": st.lists(person, max_size=2),
    "legal_bases": st.lists(st.fixed_dictionaries({
        "id": ids, "recipient": party, "categories": categories, "valid_from": times, "valid_to": times,
    }), max_size=2),
    "break_glass": st.lists(st.fixed_dictionaries({
        "id": ids, "agency": agency, "organisation": organisation, "user": user,
        "categories": categories, "valid_from": times, "expires_at": times,
    }), max_size=2),
})  # fmt: skip


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
