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
    TreatmentKind,
    TreatmentSession,
    check_report,
    resent,
)
from avhopp_shared.errors import Conflict

TODAY = date(2026, 11, 20)
TOMORROW = TODAY + timedelta(days=1)
#: The provider was commissioned midweek: the week it began in is its to report.
COMMISSIONED = date(2026, 11, 18)
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
    assert check_report(REPORT, TODAY, commissioned_on=COMMISSIONED) == REPORT


def test_every_future_date_and_a_backwards_absence_is_named() -> None:
    report = replace(
        REPORT,
        contacts=(Contact(ContactType.PHONE, TOMORROW, 5),),
        incidents=(Incident(TOMORROW, Severity.MINOR, False, "x"),),
        absences=(Absence(TODAY, TODAY - timedelta(days=2), "ill"),),
    )
    with pytest.raises(InvalidReport) as refused:
        check_report(report, TODAY, commissioned_on=COMMISSIONED)
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


def test_an_absence_ending_in_the_future_is_named_by_its_last_day() -> None:
    report = replace(REPORT, absences=(Absence(TODAY, date(9999, 12, 31), "ill"),))
    with pytest.raises(InvalidReport) as refused:
        check_report(report, TODAY, commissioned_on=COMMISSIONED)
    assert [field for field, _ in refused.value.problems] == ["absences.0.last_day"]


# Both Mondays: 1 January of year 1, and the Monday of the week before the commission.
@pytest.mark.parametrize("week_starting", [date(1, 1, 1), date(2026, 11, 9)])
def test_a_week_that_ended_before_the_provider_was_commissioned_is_refused(
    week_starting: date,
) -> None:
    with pytest.raises(InvalidReport) as refused:
        check_report(
            replace(REPORT, week_starting=week_starting), TODAY, commissioned_on=COMMISSIONED
        )
    assert refused.value.field == "week_starting"
    assert "commissioned" in refused.value.reason


@pytest.mark.parametrize("days", range(1, 7))
def test_a_week_named_by_another_day_than_its_monday_is_refused(days: int) -> None:
    # The week of 16 November told from its Tuesday (or any later day) would be
    # another week to the rule that a week is reported once.
    later = replace(REPORT, week_starting=REPORT.week_starting + timedelta(days=days))
    with pytest.raises(InvalidReport) as refused:
        check_report(later, TODAY + timedelta(days=7), commissioned_on=COMMISSIONED)
    assert (refused.value.field, refused.value.reason) == (
        "week_starting",
        "must be the Monday of the week",
    )


def test_a_contact_session_or_incident_of_another_week_is_refused_naming_each() -> None:
    # Commissioned a month back, reporting the week of 16 November.
    last_week = date(2026, 11, 12)
    report = replace(
        REPORT,
        contacts=(
            Contact(ContactType.MEETING, last_week, 30),
            Contact(ContactType.PHONE, TODAY, 5),
        ),
        treatment_sessions=(TreatmentSession(TreatmentKind.CBT, last_week, 60),),
        incidents=(Incident(last_week, Severity.MINOR, False, "late"),),
    )
    with pytest.raises(InvalidReport) as refused:
        check_report(report, TODAY, commissioned_on=date(2026, 10, 20))
    assert [field for field, _ in refused.value.problems] == [
        "contacts.0.on",
        "treatment_sessions.0.on",
        "incidents.0.occurred_on",
    ]
    assert "2026-11-16" in refused.value.reason


def test_an_absence_may_run_past_the_week_but_must_take_in_a_day_of_it() -> None:
    commissioned = date(2026, 10, 20)
    week = REPORT.week_starting
    spanning = replace(REPORT, absences=(Absence(week - timedelta(days=10), TODAY, "ill"),))
    before = replace(REPORT, absences=(Absence(date(2026, 11, 2), date(2026, 11, 15), "ill"),))

    assert check_report(spanning, TODAY, commissioned_on=commissioned) == spanning
    with pytest.raises(InvalidReport) as refused:
        check_report(before, TODAY, commissioned_on=commissioned)
    assert [field for field, _ in refused.value.problems] == ["absences.0.last_day"]


def test_an_absence_beginning_after_the_week_is_named_by_its_first_day() -> None:
    # Reporting last week's on Friday 27 November: an absence from Monday the 23rd is
    # this week's to tell.
    later = replace(REPORT, absences=(Absence(date(2026, 11, 23), date(2026, 11, 24), "ill"),))
    with pytest.raises(InvalidReport) as refused:
        check_report(later, date(2026, 11, 27), commissioned_on=COMMISSIONED)
    assert [field for field, _ in refused.value.problems] == ["absences.0.first_day"]


def test_the_same_report_sent_again_is_answered_with_the_one_stored_first() -> None:
    retried = replace(REPORT, report_id="r-2", reported_at=REPORT.reported_at + timedelta(hours=1))
    assert resent(REPORT, retried) is REPORT


def test_another_report_of_a_week_already_reported_is_a_conflict() -> None:
    other = replace(REPORT, report_id="r-2", schedule="Mon-Thu")
    with pytest.raises(Conflict):
        resent(REPORT, other)


def test_text_made_of_spaces_is_refused_naming_each_field() -> None:
    report = replace(
        REPORT,
        activities=("Football", "   "),
        incidents=(Incident(TODAY, Severity.SERIOUS, False, " \t "),),
        absences=(Absence(TODAY, TODAY, ""),),
    )
    with pytest.raises(InvalidReport) as refused:
        check_report(report, TODAY, commissioned_on=COMMISSIONED)
    assert [field for field, _ in refused.value.problems] == [
        "incidents.0.description",
        "absences.0.reason",
        "activities.1",
    ]


def test_what_a_report_lists_from_before_the_commission_is_refused_naming_each_field() -> None:
    before = COMMISSIONED - timedelta(days=1)
    report = replace(
        REPORT,
        contacts=(Contact(ContactType.MEETING, before, 60),),
        treatment_sessions=(TreatmentSession(TreatmentKind.CBT, date(1900, 1, 1), 60),),
        incidents=(Incident(before, Severity.MINOR, False, "late"),),
        absences=(Absence(date(1900, 1, 1), TODAY, "ill"),),
    )
    with pytest.raises(InvalidReport) as refused:
        check_report(report, TODAY, commissioned_on=COMMISSIONED)
    assert [field for field, _ in refused.value.problems] == [
        "contacts.0.on",
        "treatment_sessions.0.on",
        "incidents.0.occurred_on",
        "absences.0.first_day",
    ]
    assert str(COMMISSIONED) in refused.value.reason
