"""Legal bases, break-glass and the case team: the ways to see a case besides consent."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from avhopp_shared.access.catalogue import Catalogue
from avhopp_shared.access.gate import DisclosureGate
from avhopp_shared.access.policy_input import Owner
from avhopp_shared.auth.caller import Agency, Caller
from tests.fixtures.database import count_rows
from tests.fixtures.disclosure import disclose_to_police
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform

POLICE_USER = {"agency": "police", "organisation": "polisen-region-syd", "user": "samordnare-1"}
JUSTIFICATION = "Credible threat reported tonight; the person must be reached at once"


async def _case_without_consent(platform: RunningPlatform) -> str:
    response = await platform.submit(application_body(consents=[]))
    assert response.status_code == 201
    return str(response.json()["case_id"])


async def test_a_recorded_legal_basis_opens_what_it_names_and_nothing_more(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    before = await embedded_platform.get_as("police-syd", "intake", f"/cases/{case_id}")

    recorded = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/legal-bases",
        json={
            "reference": "10 kap. 18 a § OSL",
            "recipient": {"agency": "police"},
            "categories": ["case_ref"],
            "note": "Needed to prevent a serious crime against the person",
        },
    )
    after = await embedded_platform.get_as("police-syd", "intake", f"/cases/{case_id}")

    assert before.status_code == 404
    assert recorded.status_code == 201, recorded.text
    assert after.status_code == 200
    assert after.json()["case_id"] == case_id
    assert "applicant" not in after.json()  # identity was not named
    assert {w["category"] for w in after.json()["withheld"]} == {
        "identity",
        "contact",
        "application",
    }


async def test_break_glass_opens_access_at_once_flags_it_for_review_and_is_audited(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    intake = embedded_platform.clients["intake"]
    police = embedded_platform.auth("police-syd")

    granted = await intake.post(
        f"/cases/{case_id}/break-glass",
        json={
            "categories": ["case_ref", "identity"],
            "justification": JUSTIFICATION,
            "legal_basis": "24 kap. 8 § OSL",
            "minutes": 120,
        },
        headers=police,
    )
    read = await embedded_platform.get_as("police-syd", "intake", f"/cases/{case_id}")

    assert granted.status_code == 201, granted.text
    assert granted.json()["review_required"] is True
    assert read.status_code == 200
    assert read.json()["applicant"]["family_name"]
    runtime = embedded_platform.runtime("intake")
    assert await count_rows(runtime, "audit_log", "WHERE channel = 'break_glass'") == 1
    assert (
        await count_rows(
            runtime, "audit_log", "WHERE channel = 'rest' AND bases LIKE '%break_glass%'"
        )
        == 1
    )


async def test_break_glass_is_short_justified_and_approved_by_a_second_person_only(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    intake = embedded_platform.clients["intake"]
    police = embedded_platform.auth("police-syd")
    body: dict[str, Any] = {
        "categories": ["case_ref"],
        "justification": JUSTIFICATION,
        "legal_basis": "24 kap. 8 § OSL",
        "minutes": 60,
    }

    too_long = await intake.post(
        f"/cases/{case_id}/break-glass", json={**body, "minutes": 600}, headers=police
    )
    unexplained = await intake.post(
        f"/cases/{case_id}/break-glass", json={**body, "justification": "urgent"}, headers=police
    )
    # Past any clock: refused as input, not a fault when the duration is computed.
    beyond_any_clock = await intake.post(
        f"/cases/{case_id}/break-glass", json={**body, "minutes": -(10**16)}, headers=police
    )
    granted = await intake.post(f"/cases/{case_id}/break-glass", json=body, headers=police)
    grant_id = granted.json()["grant_id"]
    waiting = await intake.get("/break-glass-reviews", headers=police)
    assert [g["grant_id"] for g in waiting.json()] == [grant_id]
    approval = f"/cases/{case_id}/break-glass/{grant_id}/approval"
    by_requester = await intake.post(approval, headers=police)
    by_other_agency = await intake.post(approval)  # social services
    second = embedded_platform.issuer.mint(
        {
            "client_id": "police-syd-2",
            "agency": "police",
            "organisation": "polisen-region-syd",
            "user": "samordnare-2",
        }
    )
    approved = await intake.post(approval, headers={"Authorization": f"Bearer {second}"})

    assert [r.status_code for r in (too_long, unexplained, beyond_any_clock)] == [422] * 3
    assert too_long.json()["invalid-params"][0]["name"] == "minutes"
    assert beyond_any_clock.json()["invalid-params"][0]["name"] == "minutes"
    assert unexplained.json()["invalid-params"][0]["name"] == "justification"
    assert by_requester.status_code == 409
    assert by_other_agency.status_code == 409
    assert approved.status_code == 200, approved.text
    assert approved.json()["review_required"] is False
    assert approved.json()["approved_by"] == "samordnare-2"
    assert (await intake.get("/break-glass-reviews", headers=police)).json() == []


async def test_a_client_without_a_named_user_cannot_break_the_glass(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    machine = embedded_platform.issuer.mint(
        {"client_id": "police-system", "agency": "police", "organisation": "polisen-region-syd"}
    )

    response = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/break-glass",
        json={
            "categories": ["case_ref"],
            "justification": JUSTIFICATION,
            "legal_basis": "x",
            "minutes": 5,
        },
        headers={"Authorization": f"Bearer {machine}"},
    )

    assert response.status_code == 403


class Placement(BaseModel):
    """A stand-in for the record that will hold the new home town."""

    case_id: str
    town: str


async def test_only_named_team_members_see_the_new_home_town_and_removal_ends_it(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    intake = embedded_platform.clients["intake"]
    runtime = embedded_platform.runtime("intake")
    gate = DisclosureGate(
        runtime.policy,
        Catalogue({"Placement": {"case_id": "case_ref", "town": "protected_location"}}),
        Owner("social"),
    )
    item = Placement(case_id=case_id, town="Exempelstad")
    member = Caller("police-syd", Agency.POLICE, "polisen-region-syd", "samordnare-1")
    colleague = Caller("police-syd", Agency.POLICE, "polisen-region-syd", "samordnare-9")

    async def town_seen_by(caller: Caller) -> bool:
        return "town" in (await disclose_to_police(gate, runtime, caller, item)).data

    assert not await town_seen_by(member)
    added = await intake.post(f"/cases/{case_id}/team-members", json=POLICE_USER)
    assert added.status_code == 201, added.text
    assert await town_seen_by(member)
    assert not await town_seen_by(colleague)  # the agency is not the team
    # Every look at the new home town raises an alert for the case owner.
    alerts = "WHERE event_type = 'case.protected_location_read'"
    assert await count_rows(runtime, "outbox", alerts) == 1
    removed = await intake.post(f"/cases/{case_id}/team-members/removal", json=POLICE_USER)
    assert removed.status_code == 200
    assert not await town_seen_by(member)
