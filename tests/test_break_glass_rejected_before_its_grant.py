"""A break-glass grant set aside unread, whose rejection arrives while it waits, ends at
the rejection once it is replayed: the requester reads nothing of police's threat data
under it, and police's notice shows it as ended early.

README, "Events": an access event set aside (a break-glass grant, its approval or
rejection) holds the case until it takes effect, then the replay applies it.
README, break-glass: "A rejection ends the grant at once: every service that kept it
moves its end to the moment of the rejection".
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from avhopp_shared.access.categories import Category
from avhopp_shared.events.access_events import BreakGlassGranted, BreakGlassRejected
from avhopp_shared.events.envelope import utcnow
from tests.fixtures.database import count_rows
from tests.fixtures.events import envelope_of
from tests.fixtures.platform import RunningPlatform
from tests.test_threat_assessments import assessment, known_case

THREAT = "/cases/{case_id}/threat-assessments/current"
NOTICES = "/cases/{case_id}/break-glass-notices"
MALMO = ("1280", "socialsekreterare-1")  # the social-malmo client


async def _grant_set_aside_then_rejected_then_replayed(
    p: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, str]:
    threat = p.runtime("threat")
    assert threat.consumer is not None
    case_id = await known_case(p)
    recorded = await p.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high")
    )
    assert recorded.status_code == 201, recorded.text
    path = THREAT.format(case_id=case_id)
    assert (await p.get_as("social-malmo", "threat", path)).status_code == 404

    now = utcnow()
    granted = BreakGlassGranted(
        case_id=case_id,
        grant_id="5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
        agency="social",
        organisation=MALMO[0],
        user=MALMO[1],
        categories=[Category.CASE_REF, Category.THREAT],
        valid_from=now - timedelta(minutes=1),
        expires_at=now + timedelta(minutes=60),
        review_required=True,
    )
    # Published by an intake already upgraded: the threat service sets it aside.
    newer = envelope_of(granted, case_id).model_copy(
        update={"schema_version": BreakGlassGranted.schema_version + 1}
    )
    await threat.consumer(newer)
    assert await count_rows(threat, "inbox_dead_letter", f"WHERE event_id = '{newer.id}'") == 1

    # The second person rejects it; the rejection (current version) is applied.
    rejected = BreakGlassRejected(
        case_id=case_id,
        grant_id=granted.grant_id,
        agency="social",
        categories=[Category.CASE_REF, Category.THREAT],
        rejected_at=now,
    )
    await threat.consumer(envelope_of(rejected, case_id))

    # Intake publishes the grant again to police (README: `republish <event id> --to
    # police`), in the version the threat service reads; the replay then marks it done.
    again = newer.model_copy(update={"schema_version": BreakGlassGranted.schema_version})
    await threat.consumer(again)
    report = await threat.consumer.replay_dead_letters()
    assert report.replayed == [newer.id]
    assert await count_rows(threat, "access_state_hold", f"WHERE case_id = '{case_id}'") == 0
    return case_id, granted.grant_id


async def test_a_grant_replayed_after_its_rejection_opens_no_threat_data(
    embedded_platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = embedded_platform
    case_id, _ = await _grant_set_aside_then_rejected_then_replayed(p, monkeypatch)

    read = await p.get_as("social-malmo", "threat", THREAT.format(case_id=case_id))

    # The grant was rejected: it must open nothing.
    assert read.status_code == 404, read.text


async def test_a_grant_replayed_after_its_rejection_is_noticed_as_ended_early(
    embedded_platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = embedded_platform
    case_id, grant_id = await _grant_set_aside_then_rejected_then_replayed(p, monkeypatch)

    listed = await p.get_as("police-syd", "threat", NOTICES.format(case_id=case_id))

    assert listed.status_code == 200, listed.text
    [notice] = [n for n in listed.json() if n["grant_id"] == grant_id]
    assert notice["ended_early"] is True
