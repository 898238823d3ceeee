"""Just after Swedish midnight "today" is already the next day in every rule of the threat
service (README: days are Swedish days, Europe/Stockholm), while the UTC date lags an
hour or two behind: a date set for the Swedish day is not in the future, and a review
set for it is due."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import text

import avhopp_shared.municipal_responsibility as municipal_responsibility
import avhopp_threat.service_layer.placement as placement_service
from avhopp_shared.events.envelope import EventEnvelope, utcnow
from tests.fixtures.platform import RunningPlatform
from tests.test_placement import name_to_team, towns
from tests.test_police_case import answers, consent_to_decision_summary, social_decides
from tests.test_threat_assessments import assessment, known_case


def _clock_at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    monkeypatch.setattr(municipal_responsibility, "utcnow", lambda: moment)


def _after_swedish_midnight(monkeypatch: pytest.MonkeyPatch) -> date:
    """The platform's clock at 23:30 UTC today: 00:30 (winter) or 01:30 (summer)
    tomorrow in Stockholm. Returns the Swedish date it is then."""
    utc_today = utcnow().date()
    _clock_at(monkeypatch, datetime.combine(utc_today, time(23, 30), tzinfo=UTC))
    return utc_today + timedelta(days=1)


async def test_an_assessment_dated_the_swedish_day_is_accepted_just_after_swedish_midnight(
    embedded_platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = await known_case(embedded_platform)
    today = _after_swedish_midnight(monkeypatch)
    body = assessment(
        "high",
        assessed_on=today.isoformat(),
        next_review_on=(today + timedelta(days=30)).isoformat(),
    )

    made = await embedded_platform.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=body
    )

    assert made.status_code == 201, made.text


async def test_a_review_set_for_the_swedish_day_is_due_just_after_swedish_midnight(
    embedded_platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = await known_case(embedded_platform)
    threat = embedded_platform.clients["threat"]
    utc_today = utcnow().date()
    # Recorded at noon, the review set for tomorrow: not due on the day it was made.
    _clock_at(monkeypatch, datetime.combine(utc_today, time(12), tzinfo=UTC))
    tomorrow = utc_today + timedelta(days=1)
    made = await threat.post(
        f"/cases/{case_id}/threat-assessments",
        json=assessment(
            "high", assessed_on=utc_today.isoformat(), next_review_on=tomorrow.isoformat()
        ),
    )
    assert made.status_code == 201, made.text
    assert made.json()["review_due"] is False
    assert _after_swedish_midnight(monkeypatch) == tomorrow

    current = await threat.get(f"/cases/{case_id}/threat-assessments/current")
    due = await threat.get("/threat-assessments", params={"review_due": "true"})

    assert current.json()["review_due"] is True, current.text
    assert case_id in [a["case_id"] for a in due.json()], due.text


async def test_a_register_check_dated_the_swedish_day_is_accepted_just_after_swedish_midnight(
    embedded_platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = await known_case(embedded_platform)
    today = _after_swedish_midnight(monkeypatch)
    check = {
        "purpose": "initial",
        "registers": ["belastningsregistret"],
        "checked_on": today.isoformat(),
        "hit": False,
    }

    made = await embedded_platform.clients["threat"].post(
        f"/cases/{case_id}/register-checks", json=check
    )

    assert made.status_code == 201, made.text


async def test_a_protective_measure_started_and_granted_on_the_swedish_day_is_accepted(
    embedded_platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = await known_case(embedded_platform)
    threat = embedded_platform.clients["threat"]
    today = _after_swedish_midnight(monkeypatch)

    started = await threat.post(
        f"/cases/{case_id}/protective-measures",
        json={"kind": "skyddad_folkbokforing", "started_on": today.isoformat()},
    )
    assert started.status_code == 201, started.text
    granted = await threat.post(
        f"/cases/{case_id}/protective-measures/{started.json()['measure_id']}/status",
        json={"status": "granted", "on": today.isoformat()},
    )

    assert granted.status_code == 200, granted.text


async def test_a_police_case_is_opened_and_closed_on_the_swedish_day_just_after_swedish_midnight(
    embedded_platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = await known_case(embedded_platform)
    threat = embedded_platform.clients["threat"]
    await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))
    await consent_to_decision_summary(embedded_platform, case_id)
    await social_decides(embedded_platform, case_id)
    today = _after_swedish_midnight(monkeypatch)

    opened = await threat.post(
        f"/cases/{case_id}/police-case",
        json=answers() | {"conditions_form_signed_on": today.isoformat()},
    )
    aborted = await threat.post(
        f"/cases/{case_id}/police-case/abort", json={"reason": "Returned to the network"}
    )

    assert opened.status_code == 201, opened.text
    assert opened.json()["opened_on"] == today.isoformat()
    assert aborted.json()["closed_on"] == today.isoformat(), aborted.text


async def test_a_placement_on_the_swedish_day_is_accepted_just_after_swedish_midnight(
    embedded_platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = await known_case(embedded_platform)
    await name_to_team(embedded_platform, case_id)  # only the case team records it
    today = _after_swedish_midnight(monkeypatch)

    made = await embedded_platform.clients["threat"].post(
        f"/cases/{case_id}/placement",
        json={"municipality": "1280", "placed_on": today.isoformat()},
    )

    assert made.status_code == 201, made.text


async def test_a_placement_assessment_just_after_swedish_midnight_is_announced_on_the_swedish_day(
    embedded_platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = embedded_platform
    case_id = await known_case(p)
    await name_to_team(p, case_id)
    await p.clients["threat"].post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))
    utc_today = utcnow().date()
    made_at = datetime.combine(utc_today, time(23, 30), tzinfo=UTC)
    monkeypatch.setattr(placement_service, "utcnow", lambda: made_at)

    judged = await p.clients["threat"].post(
        f"/cases/{case_id}/placement-assessments", json=towns(("1280", True))
    )

    assert judged.status_code == 201, judged.text
    async with p.runtime("threat").engine.connect() as connection:
        payload = await connection.scalar(
            text(
                "SELECT payload FROM outbox WHERE key = :case "
                "AND event_type = 'threat.placement_assessed'"
            ),
            {"case": case_id},
        )
    assessed = EventEnvelope.from_json_bytes(bytes(payload)).data["assessed_on"]
    assert assessed == (utc_today + timedelta(days=1)).isoformat()
