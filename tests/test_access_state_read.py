"""The gate reads a case's whole access state in one query, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from avhopp_shared.access.state_read import access_state
from avhopp_shared.access.tables import BreakGlassRow, ConsentGrantRow, LegalBasisRow, TeamMemberRow
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform

POLICE_USER = {"agency": "police", "organisation": "polisen-region-syd", "user": "samordnare-1"}


async def _grant_everything(platform: RunningPlatform, case_id: str) -> None:
    intake = platform.clients["intake"]
    responses = [
        await intake.post(f"/cases/{case_id}/team-members", json=POLICE_USER),
        await intake.post(
            f"/cases/{case_id}/legal-bases",
            json={
                "reference": "10 kap. 18 a § OSL",
                "recipient": {"agency": "police"},
                "categories": ["case_ref"],
                "note": "Needed to prevent a serious crime against the person",
            },
        ),
        await intake.post(
            f"/cases/{case_id}/break-glass",
            json={
                "categories": ["case_ref", "identity"],
                "justification": "Credible threat reported tonight; the person must be reached",
                "legal_basis": "24 kap. 8 § OSL",
                "minutes": 120,
            },
            headers=platform.auth("police-syd"),
        ),
    ]
    assert [r.status_code for r in responses] == [201, 201, 201], [r.text for r in responses]


def _dumped(rows: Any) -> list[dict[str, Any]]:
    return sorted((row.model_dump() for row in rows), key=repr)


async def test_the_state_read_in_one_query_equals_the_four_tables_row_for_row(
    platform: RunningPlatform,
) -> None:
    case_id = (await platform.submit(application_body())).json()["case_id"]
    other_id = (await platform.submit(application_body())).json()["case_id"]
    await _grant_everything(platform, case_id)
    await _grant_everything(platform, other_id)
    runtime = platform.runtime("intake")

    async with runtime.new_uow() as uow:
        state = await access_state(uow.session, case_id)
        read_whole = [_dumped(state.consents), _dumped(state.team)]
        read_whole += [_dumped(state.legal_bases), _dumped(state.break_glass)]
        per_table = []
        for model in (ConsentGrantRow, TeamMemberRow, LegalBasisRow, BreakGlassRow):
            query = select(model).where(col(model.case_id) == case_id)
            per_table.append(_dumped((await uow.session.exec(query)).all()))

    assert [len(rows) for rows in per_table] == [1, 1, 1, 1]
    assert read_whole == per_table
    # Types survive the shared columns: JSON as lists and objects, aware times, booleans.
    assert state.consents[0].recipients == [{"agency": "police", "organisation": None}]
    assert state.legal_bases[0].recipient == {"agency": "police", "organisation": None}
    assert state.break_glass[0].review_required is True
    assert state.break_glass[0].expires_at.tzinfo is not None


async def test_a_case_with_nothing_recorded_has_an_empty_state(platform: RunningPlatform) -> None:
    case_id = (await platform.submit(application_body(consents=[]))).json()["case_id"]

    async with platform.runtime("intake").new_uow() as uow:
        state = await access_state(uow.session, case_id)

    assert (state.consents, state.team, state.legal_bases, state.break_glass) == ([], [], [], [])
