"""Legal bases, break-glass and the case team: the ways to see a case besides consent."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any, cast

import pytest
from fastapi import Request
from pydantic import BaseModel

from avhopp_intake.entrypoints.access_routes import _legal_basis_gaps
from avhopp_intake.entrypoints.access_schemas import LegalBasisIn
from avhopp_shared.access.catalogue import Catalogue
from avhopp_shared.access.gate import DisclosureGate
from avhopp_shared.access.policy_input import Owner
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.policy.engine import PolicyError
from avhopp_shared.web.problems import PROBLEM_JSON
from tests.fixtures.database import count_events, count_rows
from tests.fixtures.disclosure import disclose_to_police
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform, wait_until

POLICE_USER = {"agency": "police", "organisation": "polisen-region-syd", "user": "samordnare-1"}
#: The default intake client: a caseworker of Malmö, the receiving (responsible) municipality.
CASEWORKER = {"agency": "social", "organisation": "1280", "user": "socialsekreterare-1"}
JUSTIFICATION = "Credible threat reported tonight; the person must be reached at once"
OSL_18A = "10 kap. 18 a § OSL"


async def _case_without_consent(platform: RunningPlatform) -> str:
    response = await platform.submit(application_body(consents=[]))
    assert response.status_code == 201
    return str(response.json()["case_id"])


#: Umeå, where the person is staying: it may act in acute cases (2 a kap. SoL).
STAY = "2480"


async def _case_with_a_stay(platform: RunningPlatform) -> str:
    """A case of Malmö's whose municipality of stay, Umeå, intake knows of."""
    case_id = await _case_without_consent(platform)
    await platform.eventually("social", f"/cases/{case_id}/investigation")
    recorded = await platform.clients["social"].post(
        f"/cases/{case_id}/responsibility",
        json={"residence_municipality": "1280", "stay_municipality": STAY},
    )
    assert recorded.status_code == 201, recorded.text

    async def intake_knows_the_stay() -> bool:
        where = f"WHERE case_id = '{case_id}' AND stay = '{STAY}'"
        return await count_rows(platform.runtime("intake"), "access_responsibility", where) == 1

    assert await wait_until(intake_knows_the_stay)
    return case_id


async def break_glass(
    platform: RunningPlatform,
    case_id: str,
    categories: list[str],
    headers: dict[str, str] | None = None,
) -> str:
    """A grant of an hour under 24 kap. 8 § OSL, by the default intake client unless
    ``headers`` name another; its id."""
    granted = await platform.clients["intake"].post(
        f"/cases/{case_id}/break-glass",
        json={
            "categories": categories,
            "justification": JUSTIFICATION,
            "legal_basis": "24 kap. 8 § OSL",
            "minutes": 60,
        },
        headers=headers,
    )
    assert granted.status_code == 201, granted.text
    return str(granted.json()["grant_id"])


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


async def test_the_municipality_of_stay_cannot_approve_the_responsible_municipalitys_break_glass(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_with_a_stay(embedded_platform)
    runtime = embedded_platform.runtime("intake")
    intake = embedded_platform.clients["intake"]
    grant_id = await break_glass(embedded_platform, case_id, ["threat"])  # by Malmö
    approval = f"/cases/{case_id}/break-glass/{grant_id}/approval"
    umea = {"agency": "social", "organisation": "2480", "user": "socialsekreterare-7"}
    malmo_colleague = {**CASEWORKER, "user": "socialsekreterare-2"}

    by_stay = await intake.post(approval, headers=_as(embedded_platform, umea))
    still_waiting = await intake.get(
        "/break-glass-reviews", headers=_as(embedded_platform, malmo_colleague)
    )
    by_colleague = await intake.post(approval, headers=_as(embedded_platform, malmo_colleague))

    assert by_stay.status_code == 409, by_stay.text
    assert [g["grant_id"] for g in still_waiting.json()] == [grant_id]
    assert by_colleague.status_code == 200, by_colleague.text
    assert by_colleague.json()["approved_by"] == "socialsekreterare-2"
    # The approval names the second person's authority, in the event and in the row.
    approver = f"WHERE grant_id = '{grant_id}' AND agency = 'social' AND organisation = '1280'"
    assert await count_rows(runtime, "intake_break_glass_approval", approver) == 1
    event = (
        "WHERE event_type = 'case.break_glass_approved' "
        'AND CAST(payload AS TEXT) LIKE \'%"approver_organisation":"1280"%\''
    )
    assert await count_events(runtime, event) == 1


async def test_another_police_region_neither_sees_nor_approves_a_break_glass_grant(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    intake = embedded_platform.clients["intake"]
    police = embedded_platform.auth("police-syd")
    grant_id = await break_glass(embedded_platform, case_id, ["case_ref"], police)
    approval = f"/cases/{case_id}/break-glass/{grant_id}/approval"
    other_region = {
        "agency": "police",
        "organisation": "polisen-region-nord",
        "user": "samordnare-5",
    }

    listed = await intake.get("/break-glass-reviews", headers=_as(embedded_platform, other_region))
    by_other_region = await intake.post(approval, headers=_as(embedded_platform, other_region))

    assert (listed.status_code, listed.json()) == (200, [])
    assert by_other_region.status_code == 409, by_other_region.text
    assert await count_rows(embedded_platform.runtime("intake"), "intake_break_glass_approval") == 0


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
    assert await count_events(runtime, alerts) == 1
    removed = await intake.post(f"/cases/{case_id}/team-members/removal", json=POLICE_USER)
    assert removed.status_code == 200
    assert not await town_seen_by(member)


def _as(platform: RunningPlatform, person: dict[str, str]) -> dict[str, str]:
    """Headers for a named user the demo clients do not hold (a colleague, another unit)."""
    token = platform.issuer.mint({**person, "client_id": f"{person['agency']}-test"})
    return {"Authorization": f"Bearer {token}"}


def _refused(response: Any) -> bool:
    return bool(
        response.status_code == 403 and response.headers["content-type"].startswith(PROBLEM_JSON)
    )


async def _team_rows(platform: RunningPlatform, case_id: str) -> int:
    where = f"WHERE case_id = '{case_id}'"
    return await count_rows(platform.runtime("intake"), "access_team_member", where)


async def test_police_name_no_one_to_the_case_team_themselves_included(
    embedded_platform: RunningPlatform,
) -> None:
    # A case police may not see at all: no consent, no legal basis.
    case_id = await _case_without_consent(embedded_platform)
    intake = embedded_platform.clients["intake"]
    police = embedded_platform.auth("police-syd")
    colleague = {**POLICE_USER, "user": "samordnare-2"}

    himself = await intake.post(f"/cases/{case_id}/team-members", json=POLICE_USER, headers=police)
    another = await intake.post(f"/cases/{case_id}/team-members", json=colleague, headers=police)

    assert _refused(himself), himself.text
    assert _refused(another), another.text
    assert await _team_rows(embedded_platform, case_id) == 0


async def test_police_take_no_social_services_caseworker_off_the_case_team(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    intake = embedded_platform.clients["intake"]
    colleague = _as(embedded_platform, {**CASEWORKER, "user": "socialsekreterare-2"})
    named = await intake.post(f"/cases/{case_id}/team-members", json=CASEWORKER, headers=colleague)
    assert named.status_code == 201, named.text

    removal = await intake.post(
        f"/cases/{case_id}/team-members/removal",
        json=CASEWORKER,
        headers=embedded_platform.auth("police-syd"),
    )

    assert _refused(removal), removal.text
    assert await _team_rows(embedded_platform, case_id) == 1


async def test_no_one_names_himself_to_the_case_team_a_colleague_in_the_municipality_does(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    intake = embedded_platform.clients["intake"]

    himself = await intake.post(f"/cases/{case_id}/team-members", json=CASEWORKER)
    by_colleague = await intake.post(
        f"/cases/{case_id}/team-members",
        json=CASEWORKER,
        headers=_as(embedded_platform, {**CASEWORKER, "user": "socialsekreterare-2"}),
    )

    assert _refused(himself), himself.text
    assert by_colleague.status_code == 201, by_colleague.text
    assert await _team_rows(embedded_platform, case_id) == 1


async def test_a_member_takes_himself_off_the_team_but_no_one_else_outside_social_services(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    intake = embedded_platform.clients["intake"]
    named = await intake.post(f"/cases/{case_id}/team-members", json=POLICE_USER)
    assert named.status_code == 201, named.text
    removal = f"/cases/{case_id}/team-members/removal"

    by_colleague = await intake.post(
        removal, json=POLICE_USER, headers=_as(embedded_platform, {**POLICE_USER, "user": "u-9"})
    )
    rows_after_colleague = await _team_rows(embedded_platform, case_id)
    by_himself = await intake.post(
        removal, json=POLICE_USER, headers=embedded_platform.auth("police-syd")
    )

    assert _refused(by_colleague), by_colleague.text
    assert rows_after_colleague == 1
    assert by_himself.status_code == 200, by_himself.text
    assert by_himself.json()["member"] is False
    assert await _team_rows(embedded_platform, case_id) == 0


async def _traces(platform: RunningPlatform, case_id: str) -> tuple[int, int]:
    """The case's audit entries and intake's events: what a change of the team writes."""
    runtime = platform.runtime("intake")
    audited = await count_rows(runtime, "audit_log", f"WHERE case_id = '{case_id}'")
    return audited, await count_events(runtime)


async def test_someone_never_on_the_team_taking_himself_off_learns_nothing_and_writes_nothing(
    embedded_platform: RunningPlatform,
) -> None:
    # ACCESS.md, "team": the named need-to-know team concerns its members only. A
    # stranger must not tell a case that exists from one that does not, nor put a
    # change of the team that never happened into the trail or on the bus.
    case_id = await _case_without_consent(embedded_platform)
    intake = embedded_platform.clients["intake"]
    stranger = {"agency": "provider", "organisation": "kontaktpersoner-ab", "user": "handledare-7"}
    headers = _as(embedded_platform, stranger)
    before = await _traces(embedded_platform, case_id)

    existing = await intake.post(
        f"/cases/{case_id}/team-members/removal", json=stranger, headers=headers
    )
    unknown = await intake.post(
        f"/cases/{uuid.uuid4()}/team-members/removal", json=stranger, headers=headers
    )

    assert (existing.status_code, unknown.status_code) == (404, 404), existing.text
    assert existing.json() | {"instance": None} == unknown.json() | {"instance": None}
    assert await _traces(embedded_platform, case_id) == before


async def test_a_member_from_outside_social_services_takes_himself_off_once_and_then_learns_nothing(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    intake = embedded_platform.clients["intake"]
    named = await intake.post(f"/cases/{case_id}/team-members", json=POLICE_USER)
    assert named.status_code == 201, named.text
    removal = f"/cases/{case_id}/team-members/removal"
    police = embedded_platform.auth("police-syd")
    before = await _traces(embedded_platform, case_id)

    first = await intake.post(removal, json=POLICE_USER, headers=police)
    after_first = await _traces(embedded_platform, case_id)
    again = await intake.post(removal, json=POLICE_USER, headers=police)

    assert first.status_code == 200, first.text
    assert after_first == (before[0] + 1, before[1] + 1)
    assert again.status_code == 404, again.text
    assert await _traces(embedded_platform, case_id) == after_first


async def test_social_services_taking_off_someone_not_on_the_team_write_nothing(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    before = await _traces(embedded_platform, case_id)

    removed = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/team-members/removal", json=POLICE_USER
    )

    assert removed.status_code == 200, removed.text
    assert removed.json()["member"] is False
    assert await _traces(embedded_platform, case_id) == before


async def test_the_municipality_of_stay_names_no_one_to_the_case_team(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_with_a_stay(embedded_platform)
    intake = embedded_platform.clients["intake"]
    umea = {"agency": "social", "organisation": "2480", "user": "socialsekreterare-7"}
    by_stay = await intake.post(
        f"/cases/{case_id}/team-members", json=POLICE_USER, headers=_as(embedded_platform, umea)
    )
    by_responsible = await intake.post(f"/cases/{case_id}/team-members", json=POLICE_USER)

    assert _refused(by_stay), by_stay.text
    assert by_responsible.status_code == 201, by_responsible.text


def _legal_basis(recipient: dict[str, Any], categories: list[str]) -> dict[str, Any]:
    return {
        "reference": OSL_18A,
        "recipient": recipient,
        "categories": categories,
        "note": "Needed to prevent a serious crime against the person",
    }


async def _legal_bases(platform: RunningPlatform, case_id: str) -> int:
    where = f"WHERE case_id = '{case_id}'"
    return await count_rows(platform.runtime("intake"), "access_legal_basis", where)


async def test_police_record_no_legal_basis_that_opens_a_case_to_themselves(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    police = embedded_platform.auth("police-syd")

    recorded = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/legal-bases",
        json=_legal_basis({"agency": "police"}, ["case_ref", "identity"]),
        headers=police,
    )
    read = await embedded_platform.get_as("police-syd", "intake", f"/cases/{case_id}")

    assert _refused(recorded), recorded.text
    assert "case_ref is not a record police owns" in recorded.json()["detail"]
    assert "cannot name the agency recording it" in recorded.json()["detail"]
    assert read.status_code == 404
    assert await _legal_bases(embedded_platform, case_id) == 0


async def test_social_services_record_no_legal_basis_for_police_records_or_for_themselves(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    path = f"/cases/{case_id}/legal-bases"
    intake = embedded_platform.clients["intake"]

    police_records = await intake.post(path, json=_legal_basis({"agency": "police"}, ["threat"]))
    to_themselves = await intake.post(path, json=_legal_basis({"agency": "social"}, ["threat"]))
    to_own_municipality = await intake.post(
        path, json=_legal_basis({"agency": "social", "organisation": "1280"}, ["case_ref"])
    )
    # No one owns the new home town: the named case team is the way to it.
    new_home_town = await intake.post(
        path, json=_legal_basis({"agency": "police"}, ["protected_location"])
    )

    assert [
        _refused(r) for r in (police_records, to_themselves, to_own_municipality, new_home_town)
    ] == [True] * 4
    assert await _legal_bases(embedded_platform, case_id) == 0


async def test_police_open_their_own_threat_picture_to_social_services_by_a_legal_basis(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)

    recorded = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/legal-bases",
        json=_legal_basis({"agency": "social"}, ["threat", "placement"]),
        headers=embedded_platform.auth("police-syd"),
    )

    assert recorded.status_code == 201, recorded.text
    assert await _legal_bases(embedded_platform, case_id) == 1


class _Answering:
    """A policy engine that gives one fixed answer, or fails."""

    revision = "fixed"

    def __init__(self, answer: Any) -> None:
        self.answer = answer

    def evaluate(self, rule: str, input: Mapping[str, Any]) -> Any:
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.mark.parametrize(
    "answer",
    [
        PolicyError("unavailable"),
        {"allowed": "yes", "gaps": []},
        {"gaps": []},
        [],
        True,
    ],
    ids=["fault", "not a literal true", "no verdict", "a list", "a bare true"],
)
def test_a_policy_answer_other_than_an_allowed_record_records_no_legal_basis(
    answer: Any,
) -> None:
    runtime = SimpleNamespace(policy=_Answering(answer))
    request = cast(
        Request, SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(runtime=runtime)))
    )
    body = LegalBasisIn.model_validate(_legal_basis({"agency": "police"}, ["case_ref"]))
    social = Caller("social-malmo", Agency.SOCIAL, "1280", "socialsekreterare-1")

    assert _legal_basis_gaps(request, social, body) != []
