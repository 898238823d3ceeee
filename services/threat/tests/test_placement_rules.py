from __future__ import annotations

from datetime import UTC, datetime

import pytest

from avhopp_shared.errors import InvalidInput
from avhopp_shared.municipalities import UnknownMunicipality, all_municipalities
from avhopp_threat.domain.placement import (
    BlankReason,
    NoTownsJudged,
    PlacementAssessment,
    TownJudgedTwice,
    TownJudgement,
    assess_placement,
)
from avhopp_threat.domain.rival_check import TooManyTownsProposed

CASE = "6f1d8a2e-0000-4000-8000-000000000001"
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
MALMO, LUND, KIRUNA = "1280", "1281", "2584"


def _assess(*towns: TownJudgement) -> PlacementAssessment:
    return assess_placement(CASE, towns, "polis-syd-handläggare-1", NOW)


def test_an_assessment_keeps_each_town_with_its_judgement_and_reason() -> None:
    assessment = assess_placement(
        CASE,
        [
            TownJudgement(KIRUNA, True, "Inga kända kopplingar till nätverket"),
            TownJudgement(MALMO, False, "Nätverkets kärnområde"),
        ],
        "polis-syd-handläggare-1",
        NOW,
    )
    assert assessment.case_id == CASE
    assert assessment.towns == (
        TownJudgement(KIRUNA, True, "Inga kända kopplingar till nätverket"),
        TownJudgement(MALMO, False, "Nätverkets kärnområde"),
    )
    assert assessment.suitable_codes == (KIRUNA,)
    assert assessment.unsuitable_codes == (MALMO,)
    assert (assessment.assessed_by, assessment.assessed_at) == ("polis-syd-handläggare-1", NOW)


def test_an_assessment_without_any_town_is_refused() -> None:
    with pytest.raises(NoTownsJudged) as refused:
        _assess()
    assert refused.value.field == "towns"


def test_a_town_that_is_no_swedish_municipality_is_refused_by_its_value() -> None:
    with pytest.raises(UnknownMunicipality) as refused:
        _assess(
            TownJudgement(MALMO, False, "Rivaler bor där"), TownJudgement("9999", True, "Lugnt")
        )
    assert refused.value.value == "9999"
    assert refused.value.field == "towns.1.municipality"
    # Kept for the code, never repeated in what the caller gets back.
    assert "9999" not in str(refused.value)


def test_a_town_given_by_name_instead_of_code_is_refused() -> None:
    with pytest.raises(UnknownMunicipality) as refused:
        _assess(TownJudgement("Malmö", True, "Lugnt"))
    assert refused.value.value == "Malmö"


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_a_judgement_without_a_reason_is_refused_naming_the_town(reason: str) -> None:
    with pytest.raises(BlankReason) as refused:
        _assess(TownJudgement(KIRUNA, True, "Inga kopplingar"), TownJudgement(LUND, True, reason))
    assert refused.value.municipality_code == LUND
    assert refused.value.field == "towns.1.reason"


def test_a_town_judged_twice_is_refused_even_when_both_judgements_agree() -> None:
    with pytest.raises(TownJudgedTwice) as refused:
        _assess(
            TownJudgement(LUND, True, "Inga kopplingar"),
            TownJudgement(KIRUNA, True, "Långt från nätverket"),
            TownJudgement(LUND, True, "Inga kopplingar"),
        )
    assert refused.value.municipality_code == LUND
    assert refused.value.field == "towns.2.municipality"


def test_a_town_judged_twice_in_different_spellings_of_its_code_is_refused() -> None:
    with pytest.raises(TownJudgedTwice):
        _assess(TownJudgement(LUND, True, "Ja"), TownJudgement(f" {LUND} ", False, "Nej"))


def test_reasons_and_codes_are_stored_trimmed() -> None:
    assessment = assess_placement(
        CASE, [TownJudgement(f" {KIRUNA}", True, "  Långt bort \n")], " polis-1 ", NOW
    )
    assert assessment.towns == (TownJudgement(KIRUNA, True, "Långt bort"),)
    assert assessment.assessed_by == "polis-1"


def test_an_assessment_names_who_made_it_and_when_in_utc_aware_time() -> None:
    town = TownJudgement(KIRUNA, True, "Långt bort")
    with pytest.raises(InvalidInput) as no_assessor:
        assess_placement(CASE, [town], "  ", NOW)
    assert no_assessor.value.field == "assessed_by"
    with pytest.raises(InvalidInput) as naive:
        assess_placement(CASE, [town], "polis-1", datetime(2026, 3, 2, 9, 30))
    assert naive.value.field == "assessed_at"


def test_every_placement_error_is_invalid_input_for_the_web_layer() -> None:
    for error in (NoTownsJudged, BlankReason, TownJudgedTwice, UnknownMunicipality):
        assert issubclass(error, InvalidInput)


def test_more_than_ten_suitable_towns_are_refused_at_the_first_beyond_them() -> None:
    # Each suitable town is rival-checked at once; unsuitable ones are not, and
    # a judgement may name as many of them as it needs.
    codes = [municipality.code for municipality in all_municipalities()]
    ten = [TownJudgement(code, True, "Inga kända kopplingar") for code in codes[:10]]
    unsuitable = [TownJudgement(code, False, "Nätverket är aktivt") for code in codes[10:40]]

    assert len(_assess(*unsuitable[:5], *ten, *unsuitable[5:]).suitable_codes) == 10
    with pytest.raises(TooManyTownsProposed) as refused:
        _assess(*ten[:3], unsuitable[0], *ten[3:], TownJudgement(codes[40], True, "Lugnt"))
    assert refused.value.field == "towns.11.suitable"
