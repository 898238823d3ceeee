from __future__ import annotations

from datetime import date

import pytest

from avhopp_intake.domain.identity import (
    InvalidIdentityNumber,
    age_on,
    birth_date_of,
    normalise_identity_number,
)


@pytest.mark.parametrize("raw", ["198112189876", "19811218-9876", "811218-9876", "8112189876"])
def test_every_common_spelling_normalises_to_twelve_digits(raw: str) -> None:
    assert normalise_identity_number(raw) == "198112189876"


@pytest.mark.parametrize("raw", ["198112189877", "19811232-9876", "", "19811218-98x6"])
def test_wrong_dates_and_check_digits_are_refused(raw: str) -> None:
    with pytest.raises(InvalidIdentityNumber):
        normalise_identity_number(raw)


def test_the_birth_date_of_a_co_ordination_number_subtracts_sixty_days() -> None:
    assert birth_date_of("197010632391") == date(1970, 10, 3)


@pytest.mark.parametrize(
    ("day", "age"),
    [(date(2026, 12, 17), 17), (date(2026, 12, 18), 18), (date(2027, 1, 1), 18)],
)
def test_the_age_turns_on_the_birthday_itself(day: date, age: int) -> None:
    assert age_on("200812180007", day) == age
