"""What a commissioned provider reports about a case (PROCESS.md steps 10-11; seed 000).

A weekly report: the schedule agreed with the person, contacts held, what
the person does (occupation, activities), treatment sessions, incidents and
absence. Reports look back: nothing in one may lie in the future. A serious
incident is told to social services, and to police when it concerns the
person's security.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from avhopp_shared.errors import Conflict, InvalidInput


class ContactType(StrEnum):
    MEETING = "meeting"
    HOME_VISIT = "home_visit"
    PHONE = "phone"
    VIDEO = "video"
    MESSAGE = "message"


class TreatmentKind(StrEnum):
    """The methods 004 Del 3 names for substance use and relapse prevention."""

    MET = "met"
    CBT = "cbt"
    RELAPSE_PREVENTION = "relapse_prevention"
    CRA = "cra"
    TWELVE_STEP = "twelve_step"
    TRAUMA = "trauma"
    OTHER = "other"


class Severity(StrEnum):
    MINOR = "minor"
    SERIOUS = "serious"


class InvalidReport(InvalidInput):
    """A report the rules refuse; ``field`` names it (422)."""


@dataclass(frozen=True, slots=True)
class Contact:
    kind: ContactType
    on: date
    minutes: int


@dataclass(frozen=True, slots=True)
class TreatmentSession:
    kind: TreatmentKind
    on: date
    minutes: int


@dataclass(frozen=True, slots=True)
class Incident:
    occurred_on: date
    severity: Severity
    concerns_security: bool
    description: str


@dataclass(frozen=True, slots=True)
class Absence:
    first_day: date
    last_day: date
    reason: str


@dataclass(frozen=True, slots=True)
class ProviderReport:
    report_id: str
    case_id: str
    provider_organisation: str
    week_starting: date
    schedule: str
    contacts: tuple[Contact, ...]
    activities: tuple[str, ...]
    treatment_sessions: tuple[TreatmentSession, ...]
    incidents: tuple[Incident, ...]
    absences: tuple[Absence, ...]
    reported_by: str
    reported_at: datetime

    @property
    def serious_incidents(self) -> tuple[Incident, ...]:
        return tuple(i for i in self.incidents if i.severity is Severity.SERIOUS)


def check_report(report: ProviderReport, today: date, *, commissioned_on: date) -> ProviderReport:
    """Every date in the report has happened, none before the provider's first
    commission (``commissioned_on``); absences end after they start; no text is blank;
    the week is one of the provider's own in the case, and what the report lists
    happened in that week. Each field is named once, by the first rule it breaks."""
    _check_week(report.week_starting, today, commissioned_on)
    days: list[tuple[str, date]] = [
        *((f"contacts.{i}.on", c.on) for i, c in enumerate(report.contacts)),
        *((f"treatment_sessions.{i}.on", s.on) for i, s in enumerate(report.treatment_sessions)),
        *((f"incidents.{i}.occurred_on", x.occurred_on) for i, x in enumerate(report.incidents)),
    ]
    dated: list[tuple[str, date]] = [
        *days,
        *((f"absences.{i}.first_day", a.first_day) for i, a in enumerate(report.absences)),
        *((f"absences.{i}.last_day", a.last_day) for i, a in enumerate(report.absences)),
    ]
    future = [(field, "must not be in the future") for field, day in dated if day > today]
    # What the provider reports is its own work in the case, which begins with its
    # commission (``_check_week``): nothing it lists can have happened before that.
    before = [
        (field, f"must not be before the provider was commissioned ({commissioned_on})")
        for field, day in dated
        if day < commissioned_on
    ]
    backwards = [
        (f"absences.{i}.last_day", "must not be before first_day")
        for i, a in enumerate(report.absences)
        if a.last_day < a.first_day
    ]
    # Text made of spaces says nothing: what happened, why the person was away,
    # what they did are what social services assess the week by.
    blank = [
        *((f"incidents.{i}.description", x.description) for i, x in enumerate(report.incidents)),
        *((f"absences.{i}.reason", a.reason) for i, a in enumerate(report.absences)),
        *((f"activities.{i}", activity) for i, activity in enumerate(report.activities)),
    ]
    empty = [(field, "must say something") for field, text in blank if not text.strip()]
    outside = _outside_the_week(report, days)
    problems = _once_per_field(future + before + backwards + outside + empty)
    if problems:
        (field, reason), *rest = problems
        raise InvalidReport(field, reason, also=rest)
    return report


def _once_per_field(problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each field with the first reason given for it, in the order first given."""
    named: dict[str, str] = {}
    for field, reason in problems:
        named.setdefault(field, reason)
    return list(named.items())


def _outside_the_week(
    report: ProviderReport, days: list[tuple[str, date]]
) -> list[tuple[str, str]]:
    """What a weekly report lists happened in its week: a contact, session or incident
    of another week is told in that week's report, or it is told twice (a provider
    reports each week once, README, follow-up). An absence is a stretch of days and
    may begin before the week or go on after it; it must take in a day of it."""
    first, last = report.week_starting, report.week_starting + timedelta(days=6)
    week = f"must lie in the week of {first} (to {last})"
    return [
        *((field, week) for field, day in days if not first <= day <= last),
        *(
            (f"absences.{i}.last_day", f"must not end before the week of {first}")
            for i, a in enumerate(report.absences)
            if a.last_day < first
        ),
        *(
            (f"absences.{i}.first_day", f"must not begin after the week of {first} (to {last})")
            for i, a in enumerate(report.absences)
            if a.first_day > last
        ),
    ]


def _check_week(week_starting: date, today: date, commissioned_on: date) -> None:
    """A provider reports its own work in the case, which begins with its commission:
    only a commissioned provider reports (PROCESS.md step 10; README, follow-up). The
    commission, not the application, is the start the domain knows for that work, so
    a week that ended before the provider was first commissioned is no week of it."""
    if week_starting.weekday() != 0:
        # A week is told once (``resent``), by its first day: a week named by any
        # other day would be another week to that rule, the same one told again.
        raise InvalidReport("week_starting", "must be the Monday of the week")
    if week_starting > today:
        raise InvalidReport("week_starting", "a report covers a week that has begun")
    # Not in the future (above), so the week's last day is a date that exists.
    if week_starting + timedelta(days=6) < commissioned_on:
        raise InvalidReport(
            "week_starting",
            f"the week ended before the provider was commissioned ({commissioned_on})",
        )


def resent(earlier: ProviderReport, report: ProviderReport) -> ProviderReport:
    """The answer to ``report``, for a week the provider reported before in ``earlier``.

    A provider reports a week once. The same report sent again is a retry (an
    answer lost on the way) and is answered with the report first stored;
    another report of the same week would replace what was told, and what was
    announced of it, without a word, so it is refused.
    """
    if _content(report) != _content(earlier):
        raise Conflict(
            f"the week of {earlier.week_starting} is reported already, and said otherwise"
        )
    return earlier


def _content(report: ProviderReport) -> tuple[object, ...]:
    """What the provider says in a report; not who sent it when, nor its id."""
    return (
        report.case_id,
        report.provider_organisation,
        report.week_starting,
        report.schedule,
        report.contacts,
        report.activities,
        report.treatment_sessions,
        report.incidents,
        report.absences,
    )
