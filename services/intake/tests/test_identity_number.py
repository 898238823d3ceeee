from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from avhopp_intake.domain.identity import (
    InvalidIdentityNumber,
    age_on,
    birth_date_of,
    normalise_identity_number,
)
from avhopp_intake.entrypoints.schemas import ApplicationCreate
from avhopp_shared.municipal_responsibility import today_in_sweden


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


def _check_digit(nine_digits: str) -> str:
    total = 0
    for index, digit in enumerate(nine_digits):
        doubled = int(digit) * (2 - index % 2)
        total += doubled - 9 if doubled > 9 else doubled
    return str(-total % 10)


def _written(born: date, separator: str = "", century: bool = True) -> str:
    """``born``'s number with serial 123, in the long or the 10-digit form."""
    short = born.strftime("%y%m%d") + "123"
    tail = "123" + _check_digit(short)
    head = born.strftime("%Y%m%d") if century else born.strftime("%y%m%d")
    return f"{head}{separator}{tail}"


TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    "born", [date(2099, 12, 31), date(2026, 11, 27)], ids=["in-2099", "tomorrow"]
)
def test_a_long_form_born_after_the_swedish_today_is_refused(born: date) -> None:
    with pytest.raises(InvalidIdentityNumber, match="future"):
        normalise_identity_number(_written(born), today=TODAY)


def test_a_long_form_born_today_is_accepted() -> None:
    assert normalise_identity_number(_written(TODAY), today=TODAY) == _written(TODAY)


def test_without_a_day_given_the_swedish_today_is_the_limit() -> None:
    tomorrow = today_in_sweden() + timedelta(days=1)
    with pytest.raises(InvalidIdentityNumber, match="future"):
        normalise_identity_number(_written(tomorrow))


@pytest.mark.parametrize("separator", ["-", ""])
def test_a_short_form_dated_later_this_year_is_a_birth_a_century_ago(separator: str) -> None:
    # Skatteverket writes "-" until the 100th birthday: 261129 is a 99-year-old's.
    later = date(2026, 11, 29)
    written = _written(later, separator, century=False)
    assert normalise_identity_number(written, today=TODAY) == _written(date(1926, 11, 29))


def test_a_short_form_dated_earlier_this_year_is_this_years_birth() -> None:
    earlier = date(2026, 3, 1)
    written = _written(earlier, "-", century=False)
    assert normalise_identity_number(written, today=TODAY) == _written(earlier)


@pytest.mark.parametrize(
    ("today", "born", "read_as"),
    [
        (TODAY, date(1926, 11, 26), date(1926, 11, 26)),
        (date(2101, 5, 1), date(2001, 5, 2), date(1901, 5, 2)),
    ],
    ids=["a-hundredth-birthday-today", "turning-a-hundred-tomorrow"],
)
def test_a_short_form_with_a_plus_is_a_person_of_a_hundred_or_more(
    today: date, born: date, read_as: date
) -> None:
    written = _written(born, "+", century=False)
    assert normalise_identity_number(written, today=today) == _written(read_as)


@pytest.mark.parametrize(
    "born", [date(1, 1, 1), date(1850, 1, 1), date(1899, 12, 31)], ids=["year-1", "1850", "1899"]
)
def test_an_identity_number_of_someone_born_before_1900_is_refused(born: date) -> None:
    # Personnummer came in 1947, and every date the API takes lies in 1900..3000.
    written = (
        f"{born.year:04d}{born.strftime('%m%d')}123{_check_digit(born.strftime('%y%m%d') + '123')}"
    )

    with pytest.raises(InvalidIdentityNumber, match="1900"):
        normalise_identity_number(written, today=TODAY)


def test_a_short_form_with_a_plus_read_as_a_birth_before_1900_is_refused() -> None:
    # On 26 November 2026, "261127+" is someone turning 200 tomorrow: born 1826.
    written = _written(date(1926, 11, 27), "+", century=False)

    with pytest.raises(InvalidIdentityNumber, match="1900"):
        normalise_identity_number(written, today=TODAY)


def test_an_identity_number_born_on_the_first_day_of_1900_is_accepted() -> None:
    assert normalise_identity_number(_written(date(1900, 1, 1)), today=TODAY) == _written(
        date(1900, 1, 1)
    )


def test_an_application_for_someone_born_in_year_one_is_refused_naming_the_number() -> None:
    born = date(1, 1, 1)
    written = f"00010101123{_check_digit(born.strftime('%y%m%d') + '123')}"
    body = {
        "channel": "phone",
        "referral_source": "self",
        "applied_for": ["protected_housing"],
        "out_of_hours": False,
        "applicant": {"given_name": "A", "family_name": "B", "personal_identity_number": written},
    }

    with pytest.raises(ValidationError) as refused:
        ApplicationCreate.model_validate(body)

    assert [e["loc"] for e in refused.value.errors()] == [("applicant", "personal_identity_number")]


def test_a_short_form_of_29_february_in_a_century_without_it_is_refused() -> None:
    # "+" from 2026 reads 00 as 1900, which had no 29 February.
    written = _written(date(2000, 2, 29), "+", century=False)
    with pytest.raises(InvalidIdentityNumber):
        normalise_identity_number(written, today=TODAY)


#: Where each script's zero is: its digits 0-9 follow it in Unicode.
_ZEROS = {"arabic-indic": 0x0660, "persian": 0x06F0, "devanagari": 0x0966, "full-width": 0xFF10}


@pytest.mark.parametrize("zero", _ZEROS.values(), ids=_ZEROS.keys())
def test_an_identity_number_in_other_digits_than_0_to_9_is_refused(zero: int) -> None:
    other = "".join(chr(zero + n) for n in range(10))
    for written in ("19811218-9876", "8112189876"):
        with pytest.raises(InvalidIdentityNumber, match="0-9"):
            normalise_identity_number(written.translate(str.maketrans("0123456789", other)))
    # One such digit among ASCII ones is refused as well.
    with pytest.raises(InvalidIdentityNumber, match="0-9"):
        normalise_identity_number("1981121" + chr(zero + 8) + "-9876")
