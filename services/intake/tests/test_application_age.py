"""Under 18 or not is judged on the Swedish day the application arrived (004 Del 4)."""

from __future__ import annotations

from datetime import datetime

import pytest

from avhopp_intake.domain.application import (
    Applicant,
    Application,
    require_received_after_birth,
)
from avhopp_shared.errors import InvalidInput
from avhopp_shared.events.case_events import AppliedFor, Channel, ReferralSource

#: Born 21 November 2008: 18 from Swedish midnight on 21 November 2026.
NOVEMBER = "200811211234"
#: Born 21 June 2008: 18 from Swedish midnight on 21 June 2026, in summer time.
JUNE = "200806211231"


def _received(at: str, number: str = NOVEMBER) -> Application:
    return Application(
        case_id="case",
        received_at=datetime.fromisoformat(at),
        channel=Channel.PHONE,
        referral_source=ReferralSource.SELF,
        applied_for=(AppliedFor.PROTECTED_HOUSING,),
        out_of_hours=True,
        applicant=Applicant("Alex", "Test", number),
        municipality="1280",
    )


@pytest.mark.parametrize(
    "at",
    ["2026-11-21T00:30:00+02:00", "2026-11-21T05:30:00+08:00", "2026-11-20T22:59:59+00:00"],
    ids=["helsinki-past-midnight", "beijing-morning", "utc-before-swedish-midnight"],
)
def test_a_seventeen_year_old_is_under_18_until_swedish_midnight_whatever_the_offset(
    at: str,
) -> None:
    # Each is 20 November in Sweden, whichever day the offset's own clock shows.
    assert _received(at).applicant_under_18 is True


@pytest.mark.parametrize(
    "at",
    ["2026-11-20T23:30:00+00:00", "2026-11-20T18:30:00-05:00", "2026-11-20T23:00:00+00:00"],
    ids=["utc-late-evening", "new-york-afternoon", "utc-at-swedish-midnight"],
)
def test_an_adult_since_swedish_midnight_is_not_under_18(at: str) -> None:
    # Each is 21 November in Sweden, though the offset's own clock still shows the 20th.
    assert _received(at).applicant_under_18 is False


@pytest.mark.parametrize(
    ("at", "under_18"),
    [("2026-06-20T21:59:59+00:00", True), ("2026-06-20T22:00:00+00:00", False)],
    ids=["before-swedish-midnight", "at-swedish-midnight"],
)
def test_in_summer_the_swedish_day_begins_two_hours_before_utc_midnight(
    at: str, under_18: bool
) -> None:
    assert _received(at, JUNE).applicant_under_18 is under_18


def test_an_application_received_before_the_applicant_was_born_is_refused_naming_received_at() -> (
    None
):
    # A 51-year-old's application dated 1950 would be announced as from a child.
    with pytest.raises(InvalidInput) as refused:
        require_received_after_birth(datetime.fromisoformat("1950-01-01T00:00:00+00:00"), NOVEMBER)

    assert refused.value.field == "received_at"


@pytest.mark.parametrize(
    "at",
    ["2008-11-21T00:30:00+01:00", "2008-11-20T23:30:00+00:00"],
    ids=["swedish-birthday-morning", "utc-evening-before-is-the-swedish-birthday"],
)
def test_an_application_received_on_the_swedish_day_of_birth_is_accepted(at: str) -> None:
    require_received_after_birth(datetime.fromisoformat(at), NOVEMBER)


def test_an_application_received_the_swedish_day_before_the_birth_is_refused() -> None:
    with pytest.raises(InvalidInput):
        require_received_after_birth(datetime.fromisoformat("2008-11-20T22:59:59+00:00"), NOVEMBER)
