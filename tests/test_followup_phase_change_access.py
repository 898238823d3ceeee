"""A provider changes the case's phase only while it may read the case's reference.

The phase, its day and how the exit ended are ``case_ref`` (ACCESS.md, "Data
categories"), which a provider reads only while the board's decision and the
person's consent cover it ("decided"); a withdrawal "takes effect at once for every
later read" (ACCESS.md, "Consent records"). A refused phase change names the
current phase and its day, so a provider the gate no longer shows the case is
refused before anything is checked, as a writer outside the case is (403).
"""

from __future__ import annotations

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_followup_phases_and_reports import (
    CONTACT,
    PROVIDER_CLIENT,
    commission,
    followed_case,
    provider_consent,
)


async def test_a_provider_whose_consent_was_withdrawn_may_not_change_the_phase_nor_learn_it_from_the_refusal(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await followed_case(platform)
    await commission(platform, case_id, CONTACT)
    consent_id = await provider_consent(platform, case_id, CONTACT)
    followup = platform.clients["followup"]
    path = f"/cases/{case_id}/phases"
    provider = platform.auth(PROVIDER_CLIENT[CONTACT])
    # While the consent holds, the commissioned provider moves the case.
    moved = await followup.post(
        path, json={"phase": "acute", "entered_on": today_in_sweden().isoformat()}, headers=provider
    )
    assert moved.status_code == 201, moved.text
    withdrawn = await platform.clients["intake"].post(
        f"/cases/{case_id}/consents/{consent_id}/withdrawal", json={"reason": "asked"}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    where = f"WHERE consent_id = '{consent_id}' AND status = 'withdrawn'"

    async def known_withdrawn() -> bool:
        return await count_rows(platform.runtime("followup"), "access_consent", where) == 1

    assert await wait_until(known_withdrawn)

    read = await platform.get_as(PROVIDER_CLIENT[CONTACT], "followup", path)
    # A change the rules refuse would answer "the case entered acute on <day>".
    probe = await followup.post(
        path, json={"phase": "stabilising", "entered_on": "2000-01-01"}, headers=provider
    )
    # A change the rules would take is not made either.
    change = await followup.post(
        path,
        json={"phase": "stabilising", "entered_on": today_in_sweden().isoformat()},
        headers=provider,
    )
    social = (await followup.get(path)).json()

    assert read.status_code == 404
    assert (probe.status_code, change.status_code) == (403, 403), (probe.text, change.text)
    for refused in (probe, change):
        assert "acute" not in refused.text and today_in_sweden().isoformat() not in refused.text, (
            refused.text
        )
    assert [h["phase"] for h in social["history"]] == ["initial_contact", "acute"]


async def test_a_commissioned_provider_without_the_persons_consent_may_not_change_the_phase(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await followed_case(platform)
    await commission(platform, case_id, CONTACT)
    path = f"/cases/{case_id}/phases"

    tried = await platform.clients["followup"].post(
        path,
        json={"phase": "acute", "entered_on": today_in_sweden().isoformat()},
        headers=platform.auth(PROVIDER_CLIENT[CONTACT]),
    )
    phases = (await platform.clients["followup"].get(path)).json()

    assert tried.status_code == 403, tried.text
    assert "initial_contact" not in tried.text, tried.text
    assert [h["phase"] for h in phases["history"]] == ["initial_contact"]
