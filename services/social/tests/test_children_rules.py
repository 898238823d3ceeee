"""A concern for the person's child always opens a task (11 kap. 1-2 §§, 14 kap. 1 § SoL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from avhopp_social.domain.children import InvalidChild, record_child
from avhopp_social.domain.tasks import TaskKind

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)


def test_a_concern_opens_a_task_to_consider_a_child_investigation() -> None:
    child, task = record_child(
        child_id="k-1",
        task_id="t-1",
        case_id="c-1",
        birth_year=2015,
        lives_with_person=True,
        concern="  Threats have reached the child's school  ",
        now=NOW,
    )

    assert child.concern == "Threats have reached the child's school"
    assert task is not None and task.open
    assert task.kind is TaskKind.CONSIDER_CHILD_INVESTIGATION
    assert task.legal_basis.startswith("11 kap.")


@pytest.mark.parametrize("concern", [None, "", "   "])
def test_no_concern_no_task(concern: str | None) -> None:
    _, task = record_child(
        child_id="k-1",
        task_id="t-1",
        case_id="c-1",
        birth_year=2015,
        lives_with_person=False,
        concern=concern,
        now=NOW,
    )

    assert task is None


@pytest.mark.parametrize("year", [2007, 2027])
def test_a_birth_year_outside_childhood_is_refused(year: int) -> None:
    with pytest.raises(InvalidChild) as refused:
        record_child(
            child_id="k-1",
            task_id="t-1",
            case_id="c-1",
            birth_year=year,
            lives_with_person=False,
            concern=None,
            now=NOW,
        )

    assert refused.value.field == "birth_year"


def test_a_child_born_eighteen_calendar_years_ago_is_accepted_as_still_under_18() -> None:
    # Born in December 2008, 17 years old on 20 November 2026 (14 kap. 1 § SoL).
    child, _ = record_child(
        child_id="k-1",
        task_id="t-1",
        case_id="c-1",
        birth_year=2008,
        lives_with_person=False,
        concern=None,
        now=NOW,
    )

    assert child.birth_year == 2008


def test_a_child_born_this_year_in_sweden_is_accepted_just_after_swedish_new_year() -> None:
    # 00:30 on 1 January in Stockholm is still New Year's Eve in UTC (README: days
    # are Swedish days).
    swedish_new_year = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)

    child, _ = record_child(
        child_id="k-1",
        task_id="t-1",
        case_id="c-1",
        birth_year=2027,
        lives_with_person=True,
        concern=None,
        now=swedish_new_year,
    )

    assert child.birth_year == 2027
