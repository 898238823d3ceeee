"""Police are notified of break-glass over the records they hold.

ACCESS.md, "Consent records": break-glass is time-limited, justified, "audited, and
the data owner is notified". The case owner's notice is intake's access-alert list,
social services' alone; police, who own the threat picture and the placement, keep
their own notice in the threat service, with the grant's event.
"""

from __future__ import annotations

from typing import Any

import httpx

from avhopp_shared.access.categories import Category
from avhopp_shared.events.access_events import BreakGlassGranted
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_threat.service_layer.break_glass_notices import NOTICE_HANDLERS
from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_access_grants import _case_without_consent, break_glass
from tests.test_break_glass_rejection import COLLEAGUE, reject
from tests.test_placement import name_to_team
from tests.test_threat_assessments import assessment, known_case

NOTICES = "/cases/{case_id}/break-glass-notices"
#: The default intake client, who breaks the glass: a caseworker of Malmö.
MALMO = ("1280", "socialsekreterare-1")


async def _assessed_case(platform: RunningPlatform) -> str:
    """A case police know of and hold a threat assessment of."""
    case_id = await known_case(platform)
    written = await platform.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high")
    )
    assert written.status_code == 201, written.text
    return case_id


async def _notices(platform: RunningPlatform, case_id: str, client: str) -> httpx.Response:
    return await platform.get_as(client, "threat", NOTICES.format(case_id=case_id))


async def _noticed(platform: RunningPlatform, case_id: str, grant_id: str) -> dict[str, Any]:
    """Police's notice of ``grant_id``, once the threat service has the grant."""

    async def there() -> bool:
        answer = await _notices(platform, case_id, "police-syd")
        return answer.status_code == 200 and grant_id in {n["grant_id"] for n in answer.json()}

    assert await wait_until(there)
    answer = await _notices(platform, case_id, "police-syd")
    [notice] = [n for n in answer.json() if n["grant_id"] == grant_id]
    return dict(notice)


async def test_police_read_the_notice_of_social_services_break_glass_on_threat_data(
    platform: RunningPlatform,
) -> None:
    p = platform
    case_id = await _assessed_case(p)
    await name_to_team(p, case_id)  # police-syd's officer, who then sees who it was

    grant_id = await break_glass(p, case_id, ["threat"])
    notice = await _noticed(p, case_id, grant_id)

    assert notice["case_id"] == case_id
    assert notice["agency"] == "social"
    assert (notice["organisation"], notice["user"]) == MALMO
    assert notice["categories"] == ["threat"]
    assert notice["granted_at"] < notice["expires_at"]
    assert notice["ended_early"] is False
    assert notice["withheld"] == []
    # Every read of a notice is a disclosure, audited as the other lists are.
    audited = f"WHERE case_id = '{case_id}' AND resource = 'BreakGlassNoticePublic'"
    assert await count_rows(p.runtime("threat"), "audit_log", audited) >= 1


async def test_the_newest_notice_comes_first_and_the_list_is_paged(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _assessed_case(p)
    first = await break_glass(p, case_id, ["threat"])
    second = await break_glass(p, case_id, ["case_ref", "threat"])
    await _noticed(p, case_id, second)

    whole = await _notices(p, case_id, "police-syd")
    page = await p.get_as(
        "police-syd", "threat", NOTICES.format(case_id=case_id) + "?limit=1&offset=1"
    )

    assert [n["grant_id"] for n in whole.json()] == [second, first]
    assert [n["grant_id"] for n in page.json()] == [first]
    # The case reference is no record police hold: only what the grant opened of theirs.
    assert whole.json()[0]["categories"] == ["threat"]


async def test_a_notice_shows_a_rejected_grant_as_ended_early(
    platform: RunningPlatform,
) -> None:
    p = platform
    case_id = await _assessed_case(p)
    grant_id = await break_glass(p, case_id, ["threat"])
    granted = await _noticed(p, case_id, grant_id)

    rejected = await reject(p, case_id, grant_id, p.auth(COLLEAGUE))
    assert rejected.status_code == 200, rejected.text

    async def ended() -> bool:
        return (await _noticed(p, case_id, grant_id))["ended_early"] is True

    assert await wait_until(ended)
    notice = await _noticed(p, case_id, grant_id)
    assert notice["expires_at"] < granted["expires_at"]
    assert notice["granted_at"] <= notice["expires_at"]


async def test_social_services_get_403_for_police_break_glass_notices(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _assessed_case(p)
    grant_id = await break_glass(p, case_id, ["threat"])
    await _noticed(p, case_id, grant_id)

    for client in ("social-malmo", "social-malmo-2", "provider-skyddat-boende"):
        assert (await _notices(p, case_id, client)).status_code == 403, client


async def test_police_off_the_team_do_not_see_who_broke_the_glass(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _assessed_case(p)
    await name_to_team(p, case_id)  # samordnare-1, not his colleague samordnare-2
    grant_id = await break_glass(p, case_id, ["threat"])
    await _noticed(p, case_id, grant_id)

    [seen] = (await _notices(p, case_id, "police-syd-2")).json()

    # That, when and by which agency police's records were opened is the notice itself;
    # who it was can tell where the person lives (the municipality of stay, a provider).
    assert (seen["grant_id"], seen["agency"], seen["categories"]) == (
        grant_id,
        "social",
        ["threat"],
    )
    assert "organisation" not in seen and "user" not in seen
    assert {w["category"] for w in seen["withheld"]} == {"protected_location"}


async def test_a_grant_that_opens_nothing_police_hold_leaves_no_notice(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _assessed_case(p)
    social_only = await break_glass(p, case_id, ["case_ref", "identity"])
    # Police's own grant over social services' records: a copy reaches police whole.
    police_own = await break_glass(p, case_id, ["case_ref", "identity"], p.auth("police-syd"))
    # The case's events come in order: once this one is noted, the others were handled.
    opening = await break_glass(p, case_id, ["threat"])
    await _noticed(p, case_id, opening)

    listed = {n["grant_id"] for n in (await _notices(p, case_id, "police-syd")).json()}

    assert listed == {opening}
    assert not {social_only, police_own} & listed


async def test_a_grant_on_a_case_police_do_not_know_leaves_no_notice(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _case_without_consent(p)
    grant_id = await break_glass(p, case_id, ["threat"])
    runtime = p.runtime("threat")

    async def grant_kept() -> bool:
        where = f"WHERE grant_id = '{grant_id}'"
        return await count_rows(runtime, "access_break_glass", where) == 1

    assert await wait_until(grant_kept)
    assert await count_rows(runtime, "threat_break_glass_notice") == 0
    assert (await _notices(p, case_id, "police-syd")).status_code == 404


async def test_a_grant_delivered_again_adds_no_second_notice(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _assessed_case(p)
    grant_id = await break_glass(p, case_id, ["threat"])
    notice = await _noticed(p, case_id, grant_id)
    granted = BreakGlassGranted(
        case_id=case_id,
        grant_id=grant_id,
        agency="social",
        organisation=MALMO[0],
        user=MALMO[1],
        categories=[Category.THREAT],
        valid_from=notice["granted_at"],
        expires_at=notice["expires_at"],
        review_required=True,
    )
    envelope = EventEnvelope(
        source="/avhopp/intake",
        type=granted.event_type,
        subject=case_id,
        schema_version=granted.schema_version,
        acting_agency="social",
        data=granted.model_dump(mode="json"),
    )
    runtime = p.runtime("threat")

    # The inbox refuses an event it has handled before any handler runs; the handler
    # itself, run again on the same grant, adds nothing either.
    async with runtime.new_uow() as uow:
        await NOTICE_HANDLERS[granted.event_type](uow, granted, envelope)
        await uow.commit()

    where = f"WHERE grant_id = '{grant_id}'"
    assert await count_rows(runtime, "threat_break_glass_notice", where) == 1
    assert len((await _notices(p, case_id, "police-syd")).json()) == 1
