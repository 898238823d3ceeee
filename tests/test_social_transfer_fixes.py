"""A transfer's days and destination are ``protected_location`` (catalogue,
``TransferPublic``), read only by the case team; a transfer comes after the
application the case started from (2 a kap. 10 § SoL moves a matter the board has).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_social_municipality import social_case

MALMO_CASEWORKER = {"agency": "social", "organisation": "1280", "user": "socialsekreterare-1"}


def _transfer(to: str, effective: date, decided: date | None = None) -> dict[str, Any]:
    day = (decided or today_in_sweden()).isoformat()
    return {
        "to_municipality": to,
        "requested_on": day,
        "decided_on": day,
        "effective_on": effective.isoformat(),
    }


def _bearer(platform: RunningPlatform, user: str) -> dict[str, str]:
    token = platform.issuer.mint({**MALMO_CASEWORKER, "client_id": "social-malmo", "user": user})
    return {"Authorization": f"Bearer {token}"}


async def _on_the_team(platform: RunningPlatform, case_id: str) -> None:
    """The default Malmö caseworker named to the case team by a colleague."""
    added = await platform.clients["intake"].post(
        f"/cases/{case_id}/team-members",
        json=MALMO_CASEWORKER,
        headers=_bearer(platform, "socialsekreterare-2"),
    )
    assert added.status_code == 201, added.text
    runtime = platform.runtime("social")

    async def named() -> bool:
        where = f"WHERE case_id = '{case_id}'"
        return await count_rows(runtime, "access_team_member", where) == 1

    assert await wait_until(named)


def _names(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    return [p["name"] for p in response.json()["invalid-params"]]


async def test_a_caseworker_off_the_team_learns_neither_a_pending_transfers_day_nor_its_destination(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await social_case(p)
    await _on_the_team(p, case_id)
    social, path = p.clients["social"], f"/cases/{case_id}/responsibility/transfers"
    effective = today_in_sweden() + timedelta(days=45)
    pending = await social.post(path, json=_transfer("2480", effective))
    assert pending.status_code == 201, pending.text
    outsider = _bearer(p, "socialsekreterare-3")

    too_early = await social.post(path, json=_transfer("1281", today_in_sweden()), headers=outsider)
    team_guess = await social.post(path, json=_transfer("Umeå", effective + timedelta(days=1)))
    right_guess = await social.post(
        path, json=_transfer("Umeå", effective + timedelta(days=1)), headers=outsider
    )
    wrong_guess = await social.post(
        path, json=_transfer("Lund", effective + timedelta(days=2)), headers=outsider
    )

    # The team reads the transfers, so it is told that the case is already bound
    # there; the reason names no municipality.
    assert _names(team_guess) == ["to_municipality"]
    assert "Umeå" not in team_guess.text and "2480" not in team_guess.text
    # Off the team, every day and every town get one answer while a transfer is
    # pending: neither its day nor its destination can be tried out.
    for answer in (too_early, right_guess, wrong_guess):
        assert answer.status_code == 409, answer.text
        assert answer.json()["detail"] == too_early.json()["detail"]
        assert effective.isoformat() not in answer.text
        assert "2480" not in answer.text and "Umeå" not in answer.text


async def test_a_transfer_dated_before_the_application_was_received_is_refused(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await social_case(p)

    moved = await p.clients["social"].post(
        f"/cases/{case_id}/responsibility/transfers",
        json=_transfer("2480", date(1900, 1, 2), decided=date(1900, 1, 1)),
    )

    assert _names(moved) == ["requested_on", "decided_on", "effective_on"]
    assert "1900" not in moved.text
    where = f"WHERE case_id = '{case_id}'"
    assert await count_rows(p.runtime("social"), "social_responsibility_transfer", where) == 0
