"""AUDIT and DUDIT scoring against hand-checked answers, boundaries included."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from avhopp_social.domain.investigation import NeedArea, Scope
from avhopp_social.domain.screening import (
    Instrument,
    InvalidAnswers,
    InvalidScreening,
    Sex,
    check_screening,
    score,
)

A = Instrument.AUDIT
D = Instrument.DUDIT


@pytest.mark.parametrize(
    ("answers", "sex", "total", "zone", "above"),
    [
        ([0] * 10, Sex.MALE, 0, 1, False),
        ([4] * 8 + [4, 4], Sex.MALE, 40, 4, True),
        ([1, 1, 1, 1, 1, 1, 1, 0, 0, 0], Sex.MALE, 7, 1, False),  # the top of zone I
        ([1, 1, 1, 1, 1, 1, 1, 1, 0, 0], Sex.MALE, 8, 2, True),  # men's cut-off
        ([1, 1, 1, 1, 1, 0, 0, 0, 0, 0], Sex.FEMALE, 5, 1, False),
        ([1, 1, 1, 1, 1, 1, 0, 0, 0, 0], Sex.FEMALE, 6, 1, True),  # women's cut-off
        ([2, 2, 2, 2, 2, 2, 2, 1, 0, 0], Sex.FEMALE, 15, 2, True),
        ([2, 2, 2, 2, 2, 2, 2, 2, 0, 0], Sex.MALE, 16, 3, True),
        ([2, 2, 2, 2, 2, 2, 2, 1, 2, 2], Sex.MALE, 19, 3, True),
        ([2, 2, 2, 2, 2, 2, 2, 2, 2, 2], Sex.MALE, 20, 4, True),
    ],
)
def test_audit_totals_zones_and_cutoffs(
    answers: list[int], sex: Sex, total: int, zone: int, above: bool
) -> None:
    result = score(A, answers, sex)

    assert (result.total, result.zone, result.above_cutoff) == (total, zone, above)
    assert result.maximum == 40
    assert result.probable_dependence is (zone == 4)


@pytest.mark.parametrize(
    ("answers", "sex", "total", "above", "dependence"),
    [
        ([0] * 11, Sex.MALE, 0, False, False),
        ([1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0], Sex.MALE, 5, False, False),
        ([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], Sex.MALE, 6, True, False),  # men's cut-off
        ([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], Sex.FEMALE, 1, False, False),
        ([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], Sex.FEMALE, 2, True, False),  # women's cut-off
        ([3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0], Sex.MALE, 21, True, False),
        ([3, 3, 3, 3, 3, 3, 3, 0, 0, 2, 2], Sex.MALE, 25, True, True),  # dependence from 25
        ([4] * 9 + [4, 4], Sex.FEMALE, 44, True, True),
    ],
)
def test_dudit_totals_and_cutoffs(
    answers: list[int], sex: Sex, total: int, above: bool, dependence: bool
) -> None:
    result = score(D, answers, sex)

    assert (result.total, result.above_cutoff, result.probable_dependence) == (
        total,
        above,
        dependence,
    )
    assert (result.maximum, result.zone) == (44, None)


@pytest.mark.parametrize(
    ("instrument", "answers", "field"),
    [
        (A, [0] * 9, "answers"),
        (A, [0] * 8 + [1, 0], "answers.8"),  # items 9-10 score 0, 2 or 4
        (A, [5] + [0] * 9, "answers.0"),
        (D, [0] * 12, "answers"),
        (D, [0] * 10 + [3], "answers.10"),
        (D, [-1] + [0] * 10, "answers.0"),
    ],
)
def test_an_answer_the_instrument_does_not_have_is_refused_naming_the_item(
    instrument: Instrument, answers: list[int], field: str
) -> None:
    with pytest.raises(InvalidAnswers) as refused:
        score(instrument, answers, Sex.MALE)

    assert refused.value.field == field


def test_a_screening_of_an_area_left_out_before_the_application_names_both_fields() -> None:
    scope = Scope("c", (NeedArea.HOUSING,), (NeedArea.SUBSTANCE_USE,), "s", datetime.now(UTC))
    with pytest.raises(InvalidScreening) as refused:
        check_screening(
            Instrument.DUDIT,
            date(2026, 1, 1),
            today=date(2026, 11, 20),
            received_on=date(2026, 3, 1),
            scope=scope,
        )

    assert [field for field, _ in refused.value.problems] == ["administered_on", "instrument"]
