from __future__ import annotations

import dataclasses

import pytest

from avhopp_shared.errors import InvalidInput
from avhopp_shared.municipalities import UnknownMunicipality, all_municipalities
from avhopp_threat.domain.rival_check import (
    MAX_PROPOSED_TOWNS,
    Presence,
    RivalFlag,
    TooManyTownsProposed,
    normalise_network,
    proposed_towns,
    rival_flags,
)

MALMO, LUND, KIRUNA, UMEA, VISBY = "1280", "1281", "2584", "2480", "0980"


def test_a_town_where_a_rival_network_resides_is_flagged() -> None:
    flags = rival_flags(
        [MALMO, KIRUNA], ["Nätverk 017"], [Presence("Nätverk 017", KIRUNA, "resides")]
    )
    assert flags == [RivalFlag(KIRUNA, ("Nätverk 017",), ("resides",))]


def test_a_town_where_a_protected_person_of_a_rival_network_is_placed_is_flagged() -> None:
    flags = rival_flags([LUND], ["Nätverk 003"], [Presence("Nätverk 003", LUND, "placed")])
    assert flags == [RivalFlag(LUND, ("Nätverk 003",), ("placed",))]


def test_a_town_with_only_unrelated_networks_is_not_flagged() -> None:
    presences = [
        Presence("Nätverk 099", MALMO, "resides"),
        Presence("Nätverk 100", MALMO, "placed"),
    ]
    assert rival_flags([MALMO], ["Nätverk 017"], presences) == []


def test_a_rival_present_in_a_town_that_is_not_proposed_flags_nothing() -> None:
    assert rival_flags([MALMO], ["Nätverk 017"], [Presence("Nätverk 017", UMEA, "resides")]) == []


def test_network_names_match_whatever_their_case_and_surrounding_space() -> None:
    flags = rival_flags([UMEA], ["  nätverk 017 "], [Presence("NÄTVERK 017", UMEA, "resides")])
    # The flag speaks of the asking case's own network, as that case spelt it.
    assert flags == [RivalFlag(UMEA, ("nätverk 017",), ("resides",))]


def test_a_name_differing_in_more_than_case_and_space_is_another_network() -> None:
    presences = [Presence("Natverk 017", UMEA, "resides"), Presence("Nätverk 0 17", UMEA, "placed")]
    assert rival_flags([UMEA], ["Nätverk 017"], presences) == []


def test_one_flag_per_town_gathers_every_rival_network_and_kind_found_there() -> None:
    presences = [
        Presence("Nätverk 017", VISBY, "resides"),
        Presence("Nätverk 003", VISBY, "placed"),
        Presence("Nätverk 017", VISBY, "placed"),
        Presence("Nätverk 017", VISBY, "resides"),
        Presence("Nätverk 200", VISBY, "resides"),
    ]
    flags = rival_flags([VISBY], ["Nätverk 017", "Nätverk 003", "Nätverk 150"], presences)
    assert flags == [RivalFlag(VISBY, ("Nätverk 003", "Nätverk 017"), ("placed", "resides"))]


def test_flags_follow_the_order_the_towns_were_proposed_in_each_town_once() -> None:
    presences = [Presence("Nätverk 017", code, "resides") for code in (MALMO, KIRUNA, LUND)]
    flags = rival_flags([KIRUNA, UMEA, MALMO, KIRUNA], ["Nätverk 017"], presences)
    assert [flag.municipality_code for flag in flags] == [KIRUNA, MALMO]


def test_no_proposed_town_or_no_rival_network_flags_nothing() -> None:
    presences = [Presence("Nätverk 017", MALMO, "resides")]
    assert rival_flags([], ["Nätverk 017"], presences) == []
    assert rival_flags([MALMO], [], presences) == []


def test_a_flag_carries_only_the_town_the_networks_and_the_kinds() -> None:
    assert [field.name for field in dataclasses.fields(RivalFlag)] == [
        "municipality_code",
        "networks",
        "kinds",
    ]
    assert [field.name for field in dataclasses.fields(Presence)] == [
        "network",
        "municipality_code",
        "kind",
    ]


def test_a_presence_must_name_a_network_a_real_town_and_a_known_kind() -> None:
    with pytest.raises(InvalidInput):
        Presence("   ", MALMO, "resides")
    with pytest.raises(UnknownMunicipality):
        Presence("Nätverk 017", "9999", "resides")
    with pytest.raises(InvalidInput):
        Presence("Nätverk 017", MALMO, "visits")  # type: ignore[arg-type]


def test_a_blank_rival_network_is_refused_rather_than_ignored() -> None:
    with pytest.raises(InvalidInput):
        rival_flags([MALMO], ["Nätverk 017", " "], [])


def test_normalising_a_network_name_twice_changes_nothing() -> None:
    for name in ("  Nätverk 017 ", "ÅÄÖ-gänget", "Straße 5", "İstanbul-nätverket"):
        once = normalise_network(name)
        assert normalise_network(once) == once


def test_a_check_names_at_most_ten_towns_each_counted_once() -> None:
    # A placement assessment weighs a handful of towns; a check over the whole
    # country would find where other cases' protected persons are placed.
    codes = [municipality.code for municipality in all_municipalities()]
    ten = codes[:MAX_PROPOSED_TOWNS]

    assert MAX_PROPOSED_TOWNS == 10
    assert proposed_towns([*ten, *ten, f" {ten[0]} "]) == ten
    with pytest.raises(TooManyTownsProposed) as refused:
        proposed_towns(codes[: MAX_PROPOSED_TOWNS + 1])
    assert refused.value.field == "towns"
