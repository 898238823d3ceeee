"""Social services' record of municipal responsibility: all but the residence the case
started from is ``protected_location``, read only by the case team (README, social
services). A housing provider the board decided the new home town for reads the housing
it runs (ACCESS.md, baseline matrix: provider ``protected_location`` is "decided (the
housing it runs)"), not where the person stays or where the case moves next."""

from __future__ import annotations

from datetime import timedelta

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_events, count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_commissioning import _commission, _provider_consent
from tests.test_social_municipality import social_case

PROVIDER_CLIENT = "provider-skyddat-boende"
_LOCATION_READS = "WHERE event_type = 'case.protected_location_read' AND key = '{}'"


async def _decided_for_the_provider(p: RunningPlatform) -> str:
    case_id = await social_case(p)  # received by Malmö (1280)
    await _provider_consent(p, case_id)  # case_ref, threat, protected_location
    commissioned = await _commission(p, case_id, ["case_ref", "protected_location"])
    assert commissioned.status_code == 201, commissioned.text

    async def provider_reads_the_case() -> bool:
        read = await p.get_as(PROVIDER_CLIENT, "social", f"/cases/{case_id}/investigation")
        return read.status_code == 200

    assert await wait_until(provider_reads_the_case)
    return case_id


async def test_a_housing_provider_does_not_read_where_the_person_stays_or_the_case_moves(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    social = p.clients["social"]
    case_id = await _decided_for_the_provider(p)
    today = today_in_sweden()
    # The person stays acutely in Lund (1281) and the case moves to Göteborg (1480).
    stay = await social.post(
        f"/cases/{case_id}/responsibility",
        json={"residence_municipality": "1280", "stay_municipality": "1281"},
    )
    assert stay.status_code == 201, stay.text
    moved = await social.post(
        f"/cases/{case_id}/responsibility/transfers",
        json={
            "to_municipality": "1480",
            "requested_on": today.isoformat(),
            "decided_on": today.isoformat(),
            "effective_on": (today + timedelta(days=30)).isoformat(),
        },
    )
    assert moved.status_code == 201, moved.text
    alerts_before = await count_events(p.runtime("social"), _LOCATION_READS.format(case_id))

    read = await p.get_as(PROVIDER_CLIENT, "social", f"/cases/{case_id}/responsibility")

    assert read.status_code == 200, read.text
    body = read.json()
    # The case reference stays readable as the board decided it ...
    assert (body["case_id"], body["residence_municipality"]) == (case_id, "1280")
    # ... but nothing of where the person stays or where the case is moving.
    for field in (
        "stay_municipality",
        "stay_since",
        "responsible_municipality",
        "acute_responsible_municipality",
        "transfers",
    ):
        assert field not in body, body
    assert {"category": "protected_location", "reason": "not on the case team"} in body["withheld"]
    # Nothing of the new home town was read, so the case owner is told of no read.
    alerts_after = await count_events(p.runtime("social"), _LOCATION_READS.format(case_id))
    assert alerts_after == alerts_before
    # The audit trail names what was held back from the provider.
    where = (
        f"WHERE case_id = '{case_id}' AND resource = 'ResponsibilityPublic' "
        f"AND agency = 'provider' AND CAST(withheld AS TEXT) LIKE '%protected_location%'"
    )
    assert await count_rows(p.runtime("social"), "audit_log", where) == 1
