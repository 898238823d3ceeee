"""The police case's state machine and its conditions (004 Del 2, PROCESS.md steps 8, 12
and 13): an aborted case may be opened again, as a new attempt is always possible, but
a completed exit is final; the conditions form counts as signed only on a day come."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from avhopp_shared.errors import Conflict, InvalidInput
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_threat.domain.police_case import (
    CaseStatus,
    OpeningFacts,
    abort_case,
    complete_case,
    open_case,
)
from avhopp_threat.domain.threat_assessment import ThreatLevel
from tests.fixtures.platform import RunningPlatform
from tests.test_police_case import _open_case, answers, consent_to_decision_summary, social_decides
from tests.test_threat_assessments import assessment, known_case

TODAY = date(2026, 11, 20)


def _facts(signed_on: date) -> OpeningFacts:
    return OpeningFacts(
        current_level=ThreatLevel.HIGH,
        motivated=True,
        consent_active=True,
        conditions_form_signed_on=signed_on,
        witness=False,
        interventions_decided=True,
    )


def test_a_completed_exit_cannot_be_opened_again() -> None:
    opened = open_case("c-1", _facts(TODAY), opened_by="a", today=TODAY, existing=None)
    completed = complete_case(
        opened, plan_carried_out=True, relapse_since_opening=False, by="a", today=TODAY
    )
    assert completed.status is CaseStatus.COMPLETED

    with pytest.raises(Conflict):
        open_case(
            "c-1", _facts(TODAY), opened_by="a", today=TODAY + timedelta(days=1), existing=completed
        )


def test_an_aborted_case_may_be_opened_again() -> None:
    opened = open_case("c-1", _facts(TODAY), opened_by="a", today=TODAY, existing=None)
    aborted = abort_case(opened, reason="Returned to the network", by="a", today=TODAY)
    later = TODAY + timedelta(days=30)

    reopened = open_case("c-1", _facts(later), opened_by="b", today=later, existing=aborted)

    assert (reopened.status, reopened.opened_on, reopened.opened_by) == (
        CaseStatus.OPEN,
        later,
        "b",
    )


def test_a_conditions_form_signed_in_the_future_is_not_signed() -> None:
    with pytest.raises(InvalidInput) as refused:
        open_case(
            "c-1",
            _facts(TODAY + timedelta(days=365)),
            opened_by="a",
            today=TODAY,
            existing=None,
        )

    assert refused.value.field == "conditions_form_signed_on"


def test_a_conditions_form_signed_today_is_signed() -> None:
    opened = open_case("c-1", _facts(TODAY), opened_by="a", today=TODAY, existing=None)

    assert opened.conditions_form_signed_on == TODAY


async def test_opening_a_completed_exit_again_is_refused_as_a_conflict(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _open_case(embedded_platform)
    threat = embedded_platform.clients["threat"]
    completed = await threat.post(
        f"/cases/{case_id}/police-case/completion", json={"plan_carried_out": True}
    )
    assert completed.status_code == 200, completed.text

    again = await threat.post(f"/cases/{case_id}/police-case", json=answers())

    assert again.status_code == 409, again.text
    read = await threat.get(f"/cases/{case_id}/police-case")
    assert read.json()["status"] == "completed"


async def test_opening_on_a_conditions_form_dated_tomorrow_is_refused_naming_the_date(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    threat = embedded_platform.clients["threat"]
    await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))
    await consent_to_decision_summary(embedded_platform, case_id)
    await social_decides(embedded_platform, case_id)
    tomorrow = (today_in_sweden() + timedelta(days=1)).isoformat()

    refused = await threat.post(
        f"/cases/{case_id}/police-case", json=answers() | {"conditions_form_signed_on": tomorrow}
    )

    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert [p["name"] for p in refused.json()["invalid-params"]] == ["conditions_form_signed_on"]
    assert (await threat.get(f"/cases/{case_id}/police-case")).status_code == 404
