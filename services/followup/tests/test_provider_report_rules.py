"""A provider's report looks back: nothing in it lies in the future."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from avhopp_followup.domain.provider_report import (
    Absence,
    Contact,
    ContactType,
    Incident,
    InvalidReport,
    ProviderReport,
    Severity,
    check_report,
)

TODAY = date(2026, 11, 20)
TOMORROW = TODAY + timedelta(days=1)
REPORT = ProviderReport(
    report_id="r-1",
    case_id="c-1",
    provider_organisation="skyddat-boende-ab",
    week_starting=date(2026, 11, 16),
    schedule="Mon-Fri",
    contacts=(Contact(ContactType.MEETING, TODAY, 30),),
    activities=(),
    treatment_sessions=(),
    incidents=(),
    absences=(),
    reported_by="u",
    reported_at=datetime(2026, 11, 20, 16, tzinfo=UTC),
)


def test_a_report_of_the_past_week_is_accepted_as_it_is() -> None:
    assert check_report(REPORT, TODAY) == REPORT


def test_every_future_date_and_a_backwards_absence_is_named() -> None:
    report = replace(
        REPORT,
        contacts=(Contact(ContactType.PHONE, TOMORROW, 5),),
        incidents=(Incident(TOMORROW, Severity.MINOR, False, "x"),),
        absences=(Absence(TODAY, TODAY - timedelta(days=2), "ill"),),
    )
    with pytest.raises(InvalidReport) as refused:
        check_report(report, TODAY)
    assert [field for field, _ in refused.value.problems] == [
        "contacts.0.on",
        "incidents.0.occurred_on",
        "absences.0.last_day",
    ]


def test_only_serious_incidents_are_serious() -> None:
    report = replace(
        REPORT,
        incidents=(
            Incident(TODAY, Severity.MINOR, False, "late"),
            Incident(TODAY, Severity.SERIOUS, True, "threat"),
        ),
    )
    assert [i.description for i in report.serious_incidents] == ["threat"]
