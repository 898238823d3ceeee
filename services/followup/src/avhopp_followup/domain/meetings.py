"""Follow-up meetings: regular reviews with the person and the provider, and the security
follow-up (PROCESS.md step 11: "regular conversations with the person and the provider;
needs change; security followed up regularly").

A review is scheduled (by hand, or from the action plan's review date) and
then held, with notes of what was found; a meeting that has not been held by
its date is overdue. A security follow-up records how the security stands.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from avhopp_shared.errors import Conflict, InvalidInput


class MeetingKind(StrEnum):
    REVIEW = "review"
    SECURITY_FOLLOW_UP = "security_follow_up"


class InvalidMeeting(InvalidInput):
    """A meeting the rules refuse; ``field`` names it (422)."""


@dataclass(frozen=True, slots=True)
class Meeting:
    meeting_id: str
    case_id: str
    kind: MeetingKind
    scheduled_on: date
    with_person: bool
    with_provider: str | None
    scheduled_by: str
    held_on: date | None = None
    notes: str | None = None
    #: Set by the action plan version whose review date it is.
    plan_version: int | None = None

    def overdue(self, today: date) -> bool:
        return self.held_on is None and self.scheduled_on < today


def schedule(
    *,
    meeting_id: str,
    case_id: str,
    kind: MeetingKind,
    scheduled_on: date,
    with_person: bool,
    with_provider: str | None,
    scheduled_by: str,
    today: date,
    commissioned: Collection[str] = frozenset(),
    plan_version: int | None = None,
) -> Meeting:
    """``commissioned``: the providers commissioned for the case, the only ones a
    meeting may be with."""
    if scheduled_on < today:
        raise InvalidMeeting("scheduled_on", "a meeting is scheduled for today or later")
    provider = _named(with_provider)
    if not with_person and provider is None:
        raise InvalidMeeting("with_person", "a follow-up meets the person, the provider or both")
    if provider is not None and provider not in commissioned:
        # The provider of PROCESS.md step 11's "conversations with the person and the
        # provider" is the one carrying out the interventions: commissioned for the
        # case (step 10). Any other name is a typo or a provider with no part in it.
        raise InvalidMeeting("with_provider", "not a provider commissioned for the case")
    return Meeting(
        meeting_id,
        case_id,
        kind,
        scheduled_on,
        with_person,
        provider,
        scheduled_by,
        plan_version=plan_version,
    )


def _named(provider: str | None) -> str | None:
    """A provider named by blanks is no provider: a meeting "with" it meets nobody."""
    text = provider.strip() if provider else ""
    return text or None


def hold(meeting: Meeting, *, held_on: date, notes: str, today: date, began_on: date) -> Meeting:
    """The meeting took place: when, and what it found (a security follow-up: how the
    security stands). ``began_on``: the day the case began (its application arrived)."""
    if meeting.held_on is not None:
        raise Conflict("the meeting is already recorded as held")
    if held_on > today:
        raise InvalidMeeting("held_on", "a meeting cannot be held in the future")
    if held_on < began_on:
        # Follow-up follows the case (PROCESS.md step 11): before it began there was
        # nothing to follow up, and the timeline would open with the meeting.
        raise InvalidMeeting("held_on", f"the case began on {began_on}")
    text = notes.strip()
    if not text:
        raise InvalidMeeting("notes", "say what the meeting found")
    return replace(meeting, held_on=held_on, notes=text)
