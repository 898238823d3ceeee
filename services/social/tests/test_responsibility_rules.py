"""Residence, stay and transfers of responsibility between municipalities (2 a kap. SoL)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from avhopp_social.domain.responsibility import InvalidResponsibility, Responsibility, transfer

MALMO, UMEA, LUND = "1280", "2480", "1281"
TODAY = date(2026, 11, 20)


def _move(current: Responsibility, **overrides: Any) -> Responsibility:
    values: dict[str, Any] = {
        "transfer_id": "t-1",
        "to_municipality": UMEA,
        "requested_on": date(2026, 11, 1),
        "decided_on": date(2026, 11, 10),
        "effective_on": date(2026, 12, 1),
        "today": TODAY,
    } | overrides
    return transfer(current, **values)


def test_the_residence_stays_responsible_until_a_transfer_takes_effect() -> None:
    moved = _move(Responsibility("c-1", MALMO, UMEA))

    assert moved.responsible_on(date(2026, 11, 30)) == MALMO
    assert moved.responsible_on(date(2026, 12, 1)) == UMEA


def test_in_an_acute_situation_the_municipality_of_stay_is_responsible() -> None:
    assert Responsibility("c-1", MALMO, UMEA).acute_responsible_on(TODAY) == UMEA
    assert Responsibility("c-1", MALMO, None).acute_responsible_on(TODAY) == MALMO


def test_the_latest_transfer_in_effect_decides() -> None:
    first = _move(Responsibility("c-1", MALMO, None))
    second = _move(first, transfer_id="t-2", to_municipality=LUND, effective_on=date(2027, 1, 1))

    assert second.responsible_on(date(2026, 12, 15)) == UMEA
    assert second.responsible_on(date(2027, 1, 1)) == LUND


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"decided_on": date(2026, 11, 21), "effective_on": date(2026, 12, 1)}, "decided_on"),
        ({"effective_on": date(2026, 11, 5)}, "effective_on"),
        ({"requested_on": date(2026, 11, 15)}, "effective_on"),
        ({"to_municipality": MALMO}, "to_municipality"),
    ],
)
def test_a_transfer_the_rules_refuse_names_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidResponsibility) as refused:
        _move(Responsibility("c-1", MALMO, None), **overrides)

    assert refused.value.field == field


def test_the_responsible_municipality_and_the_municipality_of_stay_act_and_no_other() -> None:
    held = Responsibility("c-1", MALMO, UMEA)

    assert held.may_act(MALMO, TODAY)
    assert held.may_act(UMEA, TODAY)  # acute support (2 a kap. 2-3 §§ SoL)
    assert not held.may_act(UMEA, TODAY, acute=False)  # not the responsibility itself
    assert not held.may_act(LUND, TODAY)
    assert not held.may_act(None, TODAY)


def test_after_a_transfer_takes_effect_only_the_new_municipality_is_responsible() -> None:
    moved = _move(Responsibility("c-1", MALMO, None))

    assert moved.may_act(MALMO, date(2026, 11, 30))
    assert not moved.may_act(UMEA, date(2026, 11, 30))
    assert moved.may_act(UMEA, date(2026, 12, 1))
    assert not moved.may_act(MALMO, date(2026, 12, 1))
