"""Off the case team, the answer to a transfer does not depend on a pending one's day.

A transfer's days and destination are ``protected_location`` (catalogue,
``TransferPublic``), read only by the case team (README: "A refused transfer
names no day and no municipality of the transfers"). A caseworker off the team
who tries transfers one day after another must learn nothing of the day a
pending move takes effect.
"""

from __future__ import annotations

from datetime import timedelta

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform
from tests.test_responsibility_pending_transfers import _transfer
from tests.test_social_municipality import social_case
from tests.test_social_transfer_fixes import _bearer, _on_the_team

LUND, UMEA = "1281", "2480"


async def test_off_the_team_a_transfer_is_refused_alike_before_and_after_a_pending_ones_day(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    social = p.clients["social"]
    case_id = await social_case(p)
    await _on_the_team(p, case_id)
    path = f"/cases/{case_id}/responsibility/transfers"
    secret = today_in_sweden() + timedelta(days=45)
    pending = await social.post(path, json=_transfer(UMEA, secret))
    assert pending.status_code == 201, pending.text
    outsider = _bearer(p, "socialsekreterare-3")

    answers = [
        await social.post(path, json=_transfer(LUND, secret + timedelta(days=d)), headers=outsider)
        for d in (-35, -1, 0, 1, 10)
    ]

    # One answer whatever the day tried: a 422 on effective_on up to the pending
    # day and a 201 after it would tell the day (protected_location).
    assert {(a.status_code, a.json()["detail"]) for a in answers} == {
        (409, "a transfer is pending; a member of the case team records the next one")
    }
    for answer in answers:
        assert secret.isoformat() not in answer.text and UMEA not in answer.text
    where = f"WHERE case_id = '{case_id}'"
    assert await count_rows(p.runtime("social"), "social_responsibility_transfer", where) == 1


async def test_off_the_team_a_transfer_is_refused_alike_whatever_a_pending_ones_day(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    social = p.clients["social"]
    outsider = _bearer(p, "socialsekreterare-3")
    probe_day = today_in_sweden() + timedelta(days=10)
    cases = []
    for pending_in in (5, 45):
        case_id = await social_case(p)
        await _on_the_team(p, case_id)
        pending = await social.post(
            f"/cases/{case_id}/responsibility/transfers",
            json=_transfer(UMEA, today_in_sweden() + timedelta(days=pending_in)),
        )
        assert pending.status_code == 201, pending.text
        cases.append(case_id)

    answers = [
        await social.post(
            f"/cases/{case_id}/responsibility/transfers",
            json=_transfer(LUND, probe_day),
            headers=outsider,
        )
        for case_id in cases
    ]

    assert [a.status_code for a in answers] == [409, 409], [a.text for a in answers]
    assert answers[0].json()["detail"] == answers[1].json()["detail"]


async def test_the_case_team_still_records_the_next_transfer_after_a_pending_one(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    social = p.clients["social"]
    case_id = await social_case(p)
    await _on_the_team(p, case_id)
    path = f"/cases/{case_id}/responsibility/transfers"
    first = today_in_sweden() + timedelta(days=45)
    assert (await social.post(path, json=_transfer(UMEA, first))).status_code == 201

    too_early = await social.post(path, json=_transfer(LUND, first))
    next_one = await social.post(path, json=_transfer(LUND, first + timedelta(days=1)))

    assert too_early.status_code == 422, too_early.text
    assert [param["name"] for param in too_early.json()["invalid-params"]] == ["effective_on"]
    assert next_one.status_code == 201, next_one.text
