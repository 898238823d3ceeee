"""A second person who judges a break-glass grant unjustified rejects it, and it ends at once.

ACCESS.md, "Consent records": break-glass is time-limited, justified, audited and
"approved by a second person of the owning agency or flagged for mandatory review".
A review that can only approve is no review: the second person of the requester's
own authority may instead reject the grant, giving the reason, and every service
stops disclosing under it from that moment (its ``expires_at`` becomes the moment of
the rejection, so the validity window of every gate closes, policies/lib/window.rego).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import update

from avhopp_shared.access.tables import BreakGlassRow
from tests.fixtures.database import count_events, count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_access_grants import _as, _case_without_consent, break_glass
from tests.test_threat_assessments import assessment, known_case

REASON = "No acute danger: the person was reachable through the ordinary contact route"
#: The demo's second caseworker of Malmö, who asked for nothing himself (social-malmo-2).
COLLEAGUE = "social-malmo-2"
THREAT = "/cases/{case_id}/threat-assessments/current"
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
_GRANTS = BreakGlassRow.__table__  # type: ignore[attr-defined]


async def reject(
    platform: RunningPlatform,
    case_id: str,
    grant_id: str,
    headers: dict[str, str],
    reason: Any = REASON,
) -> httpx.Response:
    return await platform.clients["intake"].post(
        f"/cases/{case_id}/break-glass/{grant_id}/rejection",
        json={"reason": reason},
        headers=headers,
    )


async def test_after_a_rejection_the_requesters_next_read_of_police_threat_data_is_withheld(
    platform: RunningPlatform,
) -> None:
    p = platform
    case_id = await known_case(p)
    recorded = await p.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high")
    )
    assert recorded.status_code == 201, recorded.text
    path = THREAT.format(case_id=case_id)
    # By the default intake client: Malmö's caseworker, who then reads at police's service.
    grant_id = await break_glass(p, case_id, ["case_ref", "threat"])

    async def read_under_the_grant() -> bool:
        return (await p.get_as("social-malmo", "threat", path)).status_code == 200

    assert await wait_until(read_under_the_grant)

    rejected = await reject(p, case_id, grant_id, p.auth(COLLEAGUE))

    async def withheld_again() -> bool:
        return (await p.get_as("social-malmo", "threat", path)).status_code == 404

    assert rejected.status_code == 200, rejected.text
    assert await wait_until(withheld_again)


async def test_a_rejected_grant_leaves_the_review_list_and_shows_as_rejected_to_the_case_owner(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    intake = p.clients["intake"]
    case_id = await _case_without_consent(p)
    police = p.auth("police-syd")
    grant_id = await break_glass(p, case_id, ["case_ref", "identity"], police)

    rejected = await reject(p, case_id, grant_id, p.auth("police-syd-2"))
    waiting = await intake.get("/break-glass-reviews", headers=police)
    alerts = (await intake.get(f"/cases/{case_id}/access-alerts")).json()
    read = await p.get_as("police-syd", "intake", f"/cases/{case_id}")

    assert rejected.status_code == 200, rejected.text
    body = rejected.json()
    assert (body["rejected_by"], body["reason"]) == ("samordnare-2", REASON)
    assert body["expires_at"] == body["rejected_at"]
    assert body["review_required"] is False
    assert waiting.json() == []
    [alert] = [a for a in alerts if a["alert_id"] == grant_id]
    assert (alert["approved"], alert["rejected"]) == (False, True)
    assert alert["rejected_at"] == body["rejected_at"]
    assert "reason" not in alert  # the justification is not shown there either
    assert read.status_code == 404  # nothing else opens the case to police
    # Who rejected it and why are in the audit trail, like the grant and its approval.
    audited = f"WHERE channel = 'break_glass_rejected' AND note LIKE '%{REASON}%'"
    assert await count_rows(p.runtime("intake"), "audit_log", audited) == 1
    where = f"WHERE grant_id = '{grant_id}' AND organisation = 'polisen-region-syd'"
    assert await count_rows(p.runtime("intake"), "intake_break_glass_rejection", where) == 1


async def test_break_glass_is_rejected_only_by_a_second_person_of_its_authority_giving_a_reason(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _case_without_consent(p)
    police = p.auth("police-syd")
    grant_id = await break_glass(p, case_id, ["case_ref"], police)
    other_region = {"agency": "police", "organisation": "polisen-region-nord", "user": "x-5"}

    by_requester = await reject(p, case_id, grant_id, police)
    by_other_agency = await reject(p, case_id, grant_id, p.auth("social-malmo"))
    by_other_region = await reject(p, case_id, grant_id, _as(p, other_region))
    blank = await reject(p, case_id, grant_id, p.auth("police-syd-2"), reason="   ")
    too_long = await reject(p, case_id, grant_id, p.auth("police-syd-2"), reason="x" * 4001)
    unknown_grant = await reject(p, case_id, "no-such-grant", p.auth("police-syd-2"))
    other_case = await _case_without_consent(p)
    wrong_case = await reject(p, other_case, grant_id, p.auth("police-syd-2"))
    nothing_yet = await count_rows(p.runtime("intake"), "intake_break_glass_rejection")
    rejected = await reject(p, case_id, grant_id, p.auth("police-syd-2"))
    again = await reject(p, case_id, grant_id, p.auth("police-syd-2"))
    approval = await p.clients["intake"].post(
        f"/cases/{case_id}/break-glass/{grant_id}/approval", headers=p.auth("police-syd-2")
    )

    statuses = [r.status_code for r in (by_requester, by_other_agency, by_other_region)]
    assert statuses == [409, 409, 409]
    assert [blank.status_code, too_long.status_code] == [422, 422]
    assert blank.json()["invalid-params"][0]["name"] == "reason"
    assert [unknown_grant.status_code, wrong_case.status_code] == [404, 404]
    assert nothing_yet == 0
    assert rejected.status_code == 200, rejected.text
    assert [again.status_code, approval.status_code] == [409, 409]
    ended = f"WHERE event_type = 'case.break_glass_rejected' AND key = '{case_id}'"
    assert await count_events(p.runtime("intake"), ended) >= 1


async def test_an_approved_break_glass_grant_cannot_be_rejected(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _case_without_consent(p)
    grant_id = await break_glass(p, case_id, ["case_ref"], p.auth("police-syd"))
    approved = await p.clients["intake"].post(
        f"/cases/{case_id}/break-glass/{grant_id}/approval", headers=p.auth("police-syd-2")
    )

    rejected = await reject(p, case_id, grant_id, p.auth("police-syd-2"))

    assert approved.status_code == 200, approved.text
    assert rejected.status_code == 409, rejected.text


async def test_a_rejection_after_the_grant_expired_is_recorded_but_ends_nothing(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    runtime = p.runtime("intake")
    case_id = await _case_without_consent(p)
    grant_id = await break_glass(p, case_id, ["case_ref"], p.auth("police-syd"))
    # Ended by time already, as if the review came after the grant's last minute.
    async with runtime.engine.begin() as connection:
        await connection.execute(
            update(_GRANTS).where(_GRANTS.c.grant_id == grant_id).values(expires_at=LONG_AGO)
        )
    before = (await p.clients["intake"].get(f"/cases/{case_id}/access-alerts")).json()

    rejected = await reject(p, case_id, grant_id, p.auth("police-syd-2"))
    after = (await p.clients["intake"].get(f"/cases/{case_id}/access-alerts")).json()

    assert rejected.status_code == 200, rejected.text
    assert after[0]["rejected"] is True
    assert after[0]["expires_at"] == before[0]["expires_at"]
    assert rejected.json()["expires_at"] < rejected.json()["rejected_at"]


async def test_the_expiry_sweep_purges_under_a_grant_rejected_before_its_time(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await known_case(p)
    grant_id = await break_glass(p, case_id, ["case_ref", "threat"])
    rejected = await reject(p, case_id, grant_id, p.auth(COLLEAGUE))
    assert rejected.status_code == 200, rejected.text
    social = p.runtime("social")
    sweeper = social.expiry_sweeper
    assert sweeper is not None

    async def ended_at_social() -> bool:
        where = f"WHERE grant_id = '{grant_id}' AND review_required = false"
        return await count_rows(social, "access_break_glass", where) == 1

    assert await wait_until(ended_at_social)
    await sweeper.sweep()

    swept = f"WHERE kind = 'break_glass' AND grant_id = '{grant_id}'"
    assert await count_rows(social, "access_expiry_swept", swept) == 1
