"""A consent to one organisation of an agency brings the case to that agency's service, and
only that organisation reads the consented data (ACCESS.md, "Consent records": a
recipient agency or a named organisation).

The service's consumer decides what it may keep under the service's own
identity, which is no police region: a consent naming one region used to open
nothing to it, so police never got the case to assess.
"""

from __future__ import annotations

import random

from tests.fixtures.people import POLICE_CONSENT, application_body
from tests.fixtures.platform import RunningPlatform

SYD = {"agency": "police", "organisation": "polisen-region-syd"}


async def test_a_consent_to_one_police_region_reaches_police_and_only_that_region_reads_it(
    platform: RunningPlatform,
) -> None:
    consent = {**POLICE_CONSENT, "recipients": [SYD]}
    created = await platform.submit(application_body(random.Random(41), consents=[consent]))
    assert created.status_code == 201, created.text
    case_id = created.json()["case_id"]
    task = f"/cases/{case_id}/threat-assessment-task"
    nord = platform.issuer.mint(
        {
            "client_id": "police-nord",
            "agency": "police",
            "organisation": "polisen-region-nord",
            "user": "samordnare-9",
        }
    )

    queued = await platform.eventually("threat", task)
    syd = await platform.get_as("police-syd", "intake", f"/cases/{case_id}")
    other_region = await platform.clients["intake"].get(
        f"/cases/{case_id}", headers={"Authorization": f"Bearer {nord}"}
    )

    # The police service got the case to assess; of the case itself, the region
    # the person consented to reads the reference and identity, another nothing.
    assert queued.status_code == 200, queued.text
    assert syd.status_code == 200, syd.text
    assert syd.json()["case_id"] == case_id
    assert other_region.status_code == 404, other_region.text
