"""Police's end of the exit reads as going on to a reader who may not see police's
records (README, follow-up: "reads as ongoing to anyone else, without naming anything
withheld"). The exit's write routes must not tell that reader otherwise, and without a
policy answer about police's end nothing is decided on a guess: the request fails
closed (503) and nothing is recorded."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import text

from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.policy.engine import PolicyEngine
from tests.fixtures.consents import consent_social_to_police_records
from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform
from tests.test_followup_police_completion_hidden import FOLLOWUP_PURPOSE, _police_complete
from tests.test_police_case import _open_case


async def _completed_days_ago(platform: RunningPlatform, case_id: str, days: int) -> str:
    await _police_complete(platform, case_id)
    day = today_in_sweden() - timedelta(days=days)
    async with platform.runtime("followup").engine.begin() as connection:
        await connection.execute(
            text("UPDATE followup_exit SET ended_on = :day WHERE case_id = :case"),
            {"day": day, "case": case_id},
        )
    return day.isoformat()


async def _completed_case(platform: RunningPlatform) -> str:
    case_id = await _open_case(platform)
    await consent_social_to_police_records(platform, case_id)
    await _police_complete(platform, case_id)
    return case_id


def _abort() -> dict[str, Any]:
    return {
        "aborted_on": today_in_sweden().isoformat(),
        "reason": "Wants to stop",
        "social_support_continues": True,
    }


async def test_an_abort_outside_the_consent_does_not_tell_that_police_completed_the_exit(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await _completed_case(platform)
    followup = platform.clients["followup"]

    read = await followup.get(f"/cases/{case_id}/exit", headers=FOLLOWUP_PURPOSE)
    abort = await followup.post(
        f"/cases/{case_id}/exit/abortion", json=_abort(), headers=FOLLOWUP_PURPOSE
    )
    kept = await followup.get(f"/cases/{case_id}/exit")

    assert read.status_code == 200 and read.json()["status"] == "ongoing", read.text
    # Refused, naming nothing of police: the exit holds one end, and police's stays.
    assert abort.status_code == 409, abort.text
    assert abort.json()["detail"] == "the exit cannot be aborted now"
    assert "completed" not in abort.text and "police" not in abort.text
    assert kept.json()["status"] == "completed", kept.text


async def test_an_abort_outside_the_consent_is_checked_as_on_an_exit_going_on(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await _completed_case(platform)
    ongoing_case = await _open_case(platform)
    await consent_social_to_police_records(platform, ongoing_case)
    followup = platform.clients["followup"]
    future = _abort() | {"aborted_on": (today_in_sweden() + timedelta(days=1)).isoformat()}

    on_completed = await followup.post(
        f"/cases/{case_id}/exit/abortion", json=future, headers=FOLLOWUP_PURPOSE
    )
    on_ongoing = await followup.post(
        f"/cases/{ongoing_case}/exit/abortion", json=future, headers=FOLLOWUP_PURPOSE
    )

    # An abort the rules refuse reads the same on either exit.
    assert on_ongoing.status_code == 422, on_ongoing.text
    assert on_completed.status_code == 422, on_completed.text
    assert on_completed.json()["detail"] == on_ongoing.json()["detail"]


async def test_a_closing_conversation_outside_the_consent_does_not_tell_police_completions_day(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await _open_case(platform)
    await consent_social_to_police_records(platform, case_id)
    ended_on = await _completed_days_ago(platform, case_id, 3)
    followup = platform.clients["followup"]

    read = await followup.get(f"/cases/{case_id}/exit", headers=FOLLOWUP_PURPOSE)
    closing = await followup.post(
        f"/cases/{case_id}/exit/closing",
        json={
            "conversation_on": (today_in_sweden() - timedelta(days=5)).isoformat(),
            "person_view": "It went well",
        },
        headers=FOLLOWUP_PURPOSE,
    )

    assert read.status_code == 200 and read.json()["status"] == "ongoing", read.text
    # To this reader the exit is going on: a closing conversation is refused as for an
    # ongoing exit, never with police's day of completion.
    assert ended_on not in closing.text, closing.text
    assert closing.status_code == 409, closing.text


async def test_a_closing_conversation_outside_the_consent_is_refused_as_for_an_ongoing_exit(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await _completed_case(platform)
    ongoing_case = await _open_case(platform)
    await consent_social_to_police_records(platform, ongoing_case)
    followup = platform.clients["followup"]
    body = {"conversation_on": today_in_sweden().isoformat(), "person_view": "It went well"}

    on_completed = await followup.post(
        f"/cases/{case_id}/exit/closing", json=body, headers=FOLLOWUP_PURPOSE
    )
    on_ongoing = await followup.post(
        f"/cases/{ongoing_case}/exit/closing", json=body, headers=FOLLOWUP_PURPOSE
    )

    # Both exits read as going on to this reader; the answers must not tell them apart.
    assert on_ongoing.status_code == 409, on_ongoing.text
    assert on_completed.status_code == on_ongoing.status_code, on_completed.text
    assert on_completed.json()["detail"] == on_ongoing.json()["detail"]


async def test_a_closing_conversation_under_the_consent_follows_police_completion(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await _completed_case(platform)
    body = {"conversation_on": today_in_sweden().isoformat(), "person_view": "It went well"}

    closing = await platform.clients["followup"].post(f"/cases/{case_id}/exit/closing", json=body)

    assert closing.status_code == 201, closing.text
    assert closing.json()["status"] == "completed"


class _NoAnswerOnPoliceRecords:
    """The working engine, giving no answer on decisions about police's records."""

    def __init__(self, inner: PolicyEngine) -> None:
        self.inner = inner

    @property
    def revision(self) -> object:
        return self.inner.revision

    def evaluate(self, rule: str, input: Any) -> object:
        owner = input.get("owner") if isinstance(input, dict) else None
        if (
            rule.endswith(".decision")
            and isinstance(owner, dict)
            and owner.get("agency") == "police"
        ):
            raise RuntimeError("policy engine down")
        return self.inner.evaluate(rule, input)


@asynccontextmanager
async def _no_answer_on_police_records(platform: RunningPlatform) -> AsyncIterator[None]:
    gate = platform.runtime("followup").gate
    engine = gate.engine
    gate.engine = _NoAnswerOnPoliceRecords(getattr(engine, "inner", engine))  # type: ignore[assignment]
    try:
        yield
    finally:
        gate.engine = engine


async def test_a_phase_change_on_a_completed_exit_is_not_recorded_without_a_policy_answer(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await _completed_case(platform)
    followup = platform.runtime("followup")
    where = f"WHERE case_id = '{case_id}'"
    before = await count_rows(followup, "followup_phase_entry", where)

    async with _no_answer_on_police_records(platform):
        changed = await platform.clients["followup"].post(
            f"/cases/{case_id}/phases",
            json={"phase": "acute", "entered_on": today_in_sweden().isoformat()},
        )

    assert changed.status_code == 503, changed.text
    assert await count_rows(followup, "followup_phase_entry", where) == before


async def test_an_abort_of_a_completed_exit_is_not_recorded_without_a_policy_answer(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await _completed_case(platform)
    followup = platform.clients["followup"]

    async with _no_answer_on_police_records(platform):
        abort = await followup.post(f"/cases/{case_id}/exit/abortion", json=_abort())
    kept = await followup.get(f"/cases/{case_id}/exit")

    assert abort.status_code == 503, abort.text
    assert kept.json()["status"] == "completed", kept.text


async def test_how_a_completed_exit_stands_is_not_guessed_without_a_policy_answer(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await _open_case(platform)
    await consent_social_to_police_records(platform, case_id)
    followup = platform.clients["followup"]
    review = {"kind": "review", "scheduled_on": today_in_sweden().isoformat()}
    scheduled = await followup.post(f"/cases/{case_id}/meetings", json=review)
    assert scheduled.status_code == 201, scheduled.text
    await _police_complete(platform, case_id)

    async with _no_answer_on_police_records(platform):
        read = await followup.get(f"/cases/{case_id}/exit")
        phases = await followup.get(f"/cases/{case_id}/phases")
        meetings = await followup.get(f"/cases/{case_id}/meetings")

    # Read as going on, the exit would say the case is still followed up (the acute
    # phase, a review overdue): each read fails closed instead.
    assert read.status_code == 503, read.text
    assert phases.status_code == 503, phases.text
    assert meetings.status_code == 503, meetings.text
