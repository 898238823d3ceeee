"""Swedish personal identity and co-ordination numbers, checked with the ``personnummer`` package."""

from __future__ import annotations

from datetime import date

from personnummer.personnummer import Personnummer, PersonnummerException


class InvalidIdentityNumber(ValueError):
    pass


def normalise_identity_number(raw: str) -> str:
    """Return the 12-digit form ``YYYYMMDDNNNN``; raise if the date or the Luhn check digit is wrong.

    Co-ordination numbers (samordningsnummer, day + 60) are accepted: people
    without a Swedish registration can apply too.
    """
    try:
        number = Personnummer(raw.strip())
    except PersonnummerException as exc:
        raise InvalidIdentityNumber(
            "not a valid personal identity or co-ordination number"
        ) from exc
    return str(number.format(True)).replace("-", "").replace("+", "")


def birth_date_of(normalised: str) -> date:
    day = int(normalised[6:8])
    if day > 60:  # co-ordination number: the day is stored plus 60
        day -= 60
    return date(int(normalised[0:4]), int(normalised[4:6]), day)


def age_on(normalised: str, day: date) -> int:
    """Whole years of age on ``day``."""
    born = birth_date_of(normalised)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
