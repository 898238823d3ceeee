"""Swedish personal identity and co-ordination numbers, checked with the ``personnummer`` package."""

from __future__ import annotations

import re
from datetime import date

from personnummer.personnummer import Personnummer, PersonnummerException

from avhopp_shared.municipal_responsibility import today_in_sweden

#: ASCII digits and the separators only. The package's ``\d`` takes any Unicode
#: digit (Arabic-Indic, Devanagari, full-width...) and keeps the number as sent, so
#: one person written two ways would count as two people and never be linked.
_WRITTEN = re.compile(r"[0-9]{10}|[0-9]{12}|[0-9]{6}[-+][0-9]{4}|[0-9]{8}[-+][0-9]{4}")


#: No one applying was born earlier: personnummer were introduced in 1947, for
#: people then living, and every date the API takes lies in 1900..3000
#: (avhopp_shared.web.dates). A birth in year 1 or 1850 is a number written in error,
#: which would be stored and announced as someone's age.
EARLIEST_BIRTH = date(1900, 1, 1)


class InvalidIdentityNumber(ValueError):
    pass


def normalise_identity_number(raw: str, today: date | None = None) -> str:
    """Return the 12-digit form ``YYYYMMDDNNNN``; raise if the date or the Luhn check digit is
    wrong, or the person would be born after ``today`` (the Swedish day when left out)
    or before 1900.

    Co-ordination numbers (samordningsnummer, day + 60) are accepted: people
    without a Swedish registration can apply too.
    """
    written = raw.strip()
    if not _WRITTEN.fullmatch(written):
        raise InvalidIdentityNumber("must be 10 or 12 digits 0-9, with or without - or +")
    try:
        number = Personnummer(written)
    except PersonnummerException as exc:
        raise InvalidIdentityNumber(
            "not a valid personal identity or co-ordination number"
        ) from exc
    today = today or today_in_sweden()
    month, day = int(number.month), _day_of_birth(number.day)
    if len(written) in (10, 11):
        year = _short_form_year(int(number.year), (month, day), today, number.sep == "+")
    else:
        year = int(number.full_year)
    try:
        born = date(year, month, day)
    except ValueError as exc:  # 29 February, in a century the package did not read
        raise InvalidIdentityNumber(
            "not a valid personal identity or co-ordination number"
        ) from exc
    if born > today:
        raise InvalidIdentityNumber("the birth date must not be in the future")
    if born < EARLIEST_BIRTH:
        raise InvalidIdentityNumber("the birth date must not be before 1900")
    return f"{year:04d}{number.month}{number.day}{number.num}{number.check}"


def _day_of_birth(day: str) -> int:
    return int(day) - 60 if int(day) > 60 else int(day)


def _short_form_year(
    two_digits: int, month_day: tuple[int, int], today: date, hundred_or_more: bool
) -> int:
    """The year a 10-digit number means: Skatteverket writes ``-`` until the 100th birthday
    and ``+`` from it, so the birth is the latest one with these digits on which the
    person is under 100 today (with ``+``: 100 or older).

    Not the package's reading: it counts the whole current year as past, so a day
    later this year reads as a birth in the future (it is a 99-year-old's); and it
    counts from the machine's date, not the Swedish one, which differ at New Year.
    """
    latest_year = today.year - 100 if hundred_or_more else today.year
    year = latest_year - (latest_year - two_digits) % 100
    if year == latest_year and month_day > (today.month, today.day):
        year -= 100
    return year


def birth_date_of(normalised: str) -> date:
    day = int(normalised[6:8])
    if day > 60:  # co-ordination number: the day is stored plus 60
        day -= 60
    return date(int(normalised[0:4]), int(normalised[4:6]), day)


def age_on(normalised: str, day: date) -> int:
    """Whole years of age on ``day``."""
    born = birth_date_of(normalised)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
