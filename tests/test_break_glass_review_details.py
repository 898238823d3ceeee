"""The second person reviewing break-glass sees why it was taken, and no one else does.

ACCESS.md, "Consent records": break-glass is justified, audited and reviewed. The
second person judges whether the danger was acute and the provision relied on applies,
so the review list carries both; the event announcing the grant to every service
carries neither (the danger described is the person's).
"""

from __future__ import annotations

from tests.fixtures.database import count_events, count_rows
from tests.fixtures.platform import RunningPlatform
from tests.test_access_grants import JUSTIFICATION, _as, _case_without_consent, break_glass

OTHER_REGION = {"agency": "police", "organisation": "polisen-region-nord", "user": "samordnare-5"}


async def test_the_second_person_reviewing_break_glass_sees_its_justification_and_provision(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _case_without_consent(p)
    grant_id = await break_glass(p, case_id, ["case_ref"], p.auth("police-syd"))

    waiting = await p.clients["intake"].get("/break-glass-reviews", headers=p.auth("police-syd-2"))

    assert waiting.status_code == 200, waiting.text
    [grant] = [g for g in waiting.json() if g["grant_id"] == grant_id]
    assert grant["justification"] == JUSTIFICATION
    assert grant["legal_basis"] == "24 kap. 8 § OSL"
    where = f"WHERE grant_id = '{grant_id}' AND case_id = '{case_id}'"
    assert await count_rows(p.runtime("intake"), "intake_break_glass_request", where) == 1


async def test_the_justification_of_break_glass_is_in_no_event_and_no_other_authoritys_list(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _case_without_consent(p)
    await break_glass(p, case_id, ["case_ref"], p.auth("police-syd"))

    other_region = await p.clients["intake"].get(
        "/break-glass-reviews", headers=_as(p, OTHER_REGION)
    )

    assert (other_region.status_code, other_region.json()) == (200, [])
    granted = f"WHERE event_type = 'case.break_glass_granted' AND key = '{case_id}'"
    assert await count_events(p.runtime("intake"), granted) >= 1
    told = f"{granted} AND CAST(payload AS TEXT) LIKE '%Credible threat%'"
    assert await count_events(p.runtime("intake"), told) == 0


async def test_a_break_glass_request_naming_a_category_twice_is_refused(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _case_without_consent(p)

    refused = await p.clients["intake"].post(
        f"/cases/{case_id}/break-glass",
        json={
            "categories": ["case_ref", "case_ref"],
            "justification": JUSTIFICATION,
            "legal_basis": "24 kap. 8 § OSL",
            "minutes": 60,
        },
        headers=p.auth("police-syd"),
    )

    assert refused.status_code == 422, refused.text
    assert [i["name"] for i in refused.json()["invalid-params"]] == ["categories"]
    assert await count_rows(p.runtime("intake"), "access_break_glass") == 0
