"""The social-services investigation a new application opens (PROCESS.md step 3)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum

from avhopp_shared.errors import InvalidInput
from avhopp_shared.events.case_events import ApplicationReceived, AppliedFor
from avhopp_shared.municipal_responsibility import SWEDISH_TIME

# 11 kap. 1 § SoL: the board shall without delay open an investigation of what
# has come to its knowledge through an application (004 Del 2, "Inleder utredning").
LEGAL_BASIS = "11 kap. 1 § SoL"

# Working days are Swedish working days, so weekends are judged in Swedish time
# (``SWEDISH_TIME``, the time the municipalities' days are reckoned in).


class InvestigationStatus(StrEnum):
    AWAITING_START = "awaiting_start"
    #: Started: its scope has been chosen with the person.
    IN_PROGRESS = "in_progress"


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """The local reading of "without delay": a period, optionally counted in working days."""

    within: timedelta
    skip_weekends: bool = False

    def deadline_for(self, received_at: datetime) -> datetime:
        if not self.skip_weekends:
            return received_at + self.within
        return _add_working_time(received_at, self.within)


def _add_working_time(start: datetime, period: timedelta) -> datetime:
    """``start`` plus ``period`` of time falling on Swedish weekdays, to the second.

    Walks whole Swedish days: time on a Saturday or Sunday does not count, the
    rest counts as it elapses (a day with a clock change is 23 or 25 hours)."""
    remaining = period
    moment = start.astimezone(UTC)
    while True:
        day = moment.astimezone(SWEDISH_TIME).date()
        midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=SWEDISH_TIME)
        next_day = midnight.astimezone(UTC)
        if day.weekday() < 5:
            if remaining <= next_day - moment:
                return (moment + remaining).astimezone(start.tzinfo)
            remaining -= next_day - moment
        moment = next_day


@dataclass(frozen=True, slots=True)
class Investigation:
    case_id: str
    received_at: datetime
    opened_at: datetime
    start_deadline: datetime
    status: InvestigationStatus
    applied_for: tuple[AppliedFor, ...]
    out_of_hours: bool
    legal_basis: str = LEGAL_BASIS
    #: When its scope was first chosen with the person (None while awaiting its start).
    started_at: datetime | None = None

    def is_overdue(self, now: datetime) -> bool:
        return self.status is InvestigationStatus.AWAITING_START and now > self.start_deadline


def open_investigation(
    application: ApplicationReceived, rule: DeadlineRule, now: datetime
) -> Investigation:
    return Investigation(
        case_id=application.case_id,
        received_at=application.received_at,
        opened_at=now,
        start_deadline=rule.deadline_for(application.received_at),
        status=InvestigationStatus.AWAITING_START,
        applied_for=tuple(application.applied_for),
        out_of_hours=application.out_of_hours,
    )


class NeedArea(StrEnum):
    """What an investigation may look into (PROCESS.md, "Needs and interventions")."""

    HOUSING = "housing"
    INCOME = "income"
    SUBSTANCE_USE = "substance_use"
    DEBT = "debt"
    MENTAL_HEALTH = "mental_health"
    DAILY_ROUTINES = "daily_routines"
    LONELINESS = "loneliness"
    HEALTH_AND_DENTAL = "health_and_dental"
    EMPLOYMENT_AND_EDUCATION = "employment_and_education"
    FAMILY = "family"
    CRIMINALITY = "criminality"


class InvalidScope(InvalidInput):
    """A scope the rules refuse; ``field`` names it (422)."""


@dataclass(frozen=True, slots=True)
class Scope:
    """What the investigation covers, chosen with the person: 004 Del 2, "Inleder
    utredning" — the investigation must not be wider than the matter."""

    case_id: str
    areas_in: tuple[NeedArea, ...]
    areas_out: tuple[NeedArea, ...]
    recorded_by: str
    recorded_at: datetime

    def leaves_out(self, area: NeedArea) -> bool:
        """The person and the board agreed not to look into ``area``: nothing is
        screened or rated there (004 Del 2, "Inleder utredning"). An area named
        neither in nor out is not refused: the scope may grow as the
        investigation goes, and a new scope is chosen with the person then."""
        return area in self.areas_out


def choose_scope(
    investigation: Investigation,
    *,
    areas_in: tuple[NeedArea, ...],
    areas_out: tuple[NeedArea, ...],
    agreed_with_person: bool,
    recorded_by: str,
    now: datetime,
) -> tuple[Investigation, Scope]:
    """The investigation started with this scope.

    A new scope may replace the old: what the investigation covers may change
    as it goes (004 Del 2, "Inleder utredning"), but it started once, when the
    scope was first chosen; that start time is kept."""
    if not agreed_with_person:
        raise InvalidScope("agreed_with_person", "the scope is chosen together with the person")
    if not areas_in:
        raise InvalidScope("areas_in", "an investigation looks into at least one area")
    if set(areas_in) & set(areas_out):
        # A fixed reason: validation errors never echo a value (README, "Errors").
        raise InvalidScope("areas_out", "an area cannot be both in and out")
    scope = Scope(
        case_id=investigation.case_id,
        areas_in=tuple(dict.fromkeys(areas_in)),
        areas_out=tuple(dict.fromkeys(areas_out)),
        recorded_by=recorded_by,
        recorded_at=now,
    )
    started = replace(
        investigation,
        status=InvestigationStatus.IN_PROGRESS,
        started_at=investigation.started_at or now,
    )
    return started, scope
