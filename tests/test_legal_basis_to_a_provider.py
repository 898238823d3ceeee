"""A legal basis to a provider stands in for the person's consent, never for the board.

ACCESS.md, baseline matrix: a provider's `decided` cell is "readable only when the
deciding board has recorded a disclosure decision for this provider and category".
A legal basis (ACCESS.md, "Consent records") is an exchange without consent; it is
no disclosure decision, and it names one provider organisation (policies/README.md).
"""

from __future__ import annotations

from typing import Any

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_rows
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform, wait_until

PROVIDER = "skyddat-boende-ab"
DECIDED = ["case_ref", "identity", "contact"]


def _legal_basis(recipient: dict[str, Any]) -> dict[str, Any]:
    return {
        "reference": "10 kap. 2 § OSL",
        "recipient": recipient,
        "categories": DECIDED,
        "note": "Needed for the commissioning",
    }


async def _case_without_consent(platform: RunningPlatform) -> str:
    created = await platform.submit(application_body(consents=[]))
    assert created.status_code == 201, created.text
    return str(created.json()["case_id"])


def _withheld(response: Any) -> set[str]:
    return {w["category"] for w in response.json()["withheld"]}


async def test_a_legal_basis_naming_no_provider_opens_no_providers_decided_cells(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await _case_without_consent(platform)

    recorded = await platform.clients["intake"].post(
        f"/cases/{case_id}/legal-bases", json=_legal_basis({"agency": "provider"})
    )
    read = await platform.get_as("provider-kontakt", "intake", f"/cases/{case_id}")

    assert recorded.status_code == 403, recorded.text
    assert "must name the provider organisation" in recorded.json()["detail"]
    assert read.status_code == 404 or {"identity", "contact"} <= _withheld(read), read.text


async def test_a_legal_basis_to_a_provider_opens_only_what_the_board_decided_for_it(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await _case_without_consent(platform)
    path = f"/cases/{case_id}"

    recorded = await platform.clients["intake"].post(
        f"/cases/{case_id}/legal-bases",
        json=_legal_basis({"agency": "provider", "organisation": PROVIDER}),
    )
    assert recorded.status_code == 201, recorded.text
    undecided = await platform.get_as("provider-skyddat-boende", "intake", path)

    await platform.eventually("social", f"/cases/{case_id}/investigation")
    commissioned = await platform.clients["social"].post(
        f"/cases/{case_id}/commissions",
        json={
            "intervention": "protected_housing",
            "provider_organisation": PROVIDER,
            "disclosed_categories": ["case_ref", "identity"],
            "decided_on": today_in_sweden().isoformat(),
        },
    )
    assert commissioned.status_code == 201, commissioned.text

    async def decided() -> bool:
        where = f"WHERE case_id = '{case_id}'"
        return await count_rows(platform.runtime("intake"), "access_disclosure_decision", where) > 0

    assert await wait_until(decided)
    read = await platform.get_as("provider-skyddat-boende", "intake", path)
    other = await platform.get_as("provider-kontakt", "intake", path)

    # Before the board decided, the legal basis opened nothing.
    assert undecided.status_code == 404, undecided.text
    # Then it stands in for the consent of what the board decided, and of nothing else.
    assert read.status_code == 200, read.text
    assert read.json()["case_id"] == case_id
    assert "identity" not in _withheld(read)
    assert {"category": "contact", "reason": "no disclosure decision"} in read.json()["withheld"]
    # Another provider: neither named by the basis nor decided for.
    assert other.status_code == 404, other.text
