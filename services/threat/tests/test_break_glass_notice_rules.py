from __future__ import annotations

from datetime import UTC, datetime, timedelta

from avhopp_shared.access.categories import Category
from avhopp_shared.events.access_events import BreakGlassGranted
from avhopp_threat.domain.break_glass_notice import notice_of, rejected

#: What police's services hold (policies/access/held.rego over the matrix).
POLICE_HOLD = frozenset(
    {"threat", "placement", "protective_measures", "criminal_history", "protected_location"}
)
GRANTED_AT = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)


def _grant(*categories: Category) -> BreakGlassGranted:
    return BreakGlassGranted(
        case_id="case-1",
        grant_id="grant-1",
        agency="social",
        organisation="2480",
        user="socialsekreterare-7",
        categories=list(categories),
        valid_from=GRANTED_AT,
        expires_at=GRANTED_AT + timedelta(hours=1),
        review_required=True,
    )


def test_a_notice_names_only_the_categories_police_hold() -> None:
    granted = _grant(Category.CASE_REF, Category.IDENTITY, Category.THREAT, Category.PLACEMENT)
    notice = notice_of(granted, POLICE_HOLD)
    assert notice is not None
    assert notice.categories == ("threat", "placement")
    assert (notice.granted_at, notice.expires_at) == (granted.valid_from, granted.expires_at)
    assert (notice.organisation, notice.user, notice.ended_early) == (
        "2480",
        "socialsekreterare-7",
        False,
    )


def test_a_grant_over_nothing_police_hold_gives_no_notice() -> None:
    assert notice_of(_grant(Category.CASE_REF, Category.IDENTITY), POLICE_HOLD) is None


def test_a_rejection_ends_the_grant_early_and_once() -> None:
    notice = notice_of(_grant(Category.THREAT), POLICE_HOLD)
    assert notice is not None
    at = GRANTED_AT + timedelta(minutes=10)
    ended = rejected(notice, at)
    assert (ended.expires_at, ended.ended_early) == (at, True)
    assert rejected(ended, at) == ended


def test_a_rejection_after_the_grant_ran_out_ends_nothing() -> None:
    notice = notice_of(_grant(Category.THREAT), POLICE_HOLD)
    assert notice is not None
    assert rejected(notice, notice.expires_at + timedelta(minutes=5)) == notice
