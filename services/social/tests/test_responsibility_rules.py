"""Residence, stay and transfers of responsibility between municipalities (2 a kap. SoL)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from avhopp_shared.municipal_responsibility import Transfer, today_in_sweden
from avhopp_social.domain.responsibility import (
    InvalidResponsibility,
    ResidenceRecorded,
    Responsibility,
    TransferPending,
    transfer,
    with_stay,
)

MALMO, UMEA, LUND, GBG = "1280", "2480", "1281", "1480"
TODAY = date(2026, 11, 20)
RECEIVED = date(2026, 10, 1)


def _move(current: Responsibility, **overrides: Any) -> Responsibility:
    values: dict[str, Any] = {
        "transfer_id": "t-1",
        "to_municipality": UMEA,
        "requested_on": date(2026, 11, 1),
        "decided_on": date(2026, 11, 10),
        "effective_on": date(2026, 12, 1),
        "today": TODAY,
        "received_on": RECEIVED,
        "reads_transfers": True,
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
        ({"requested_on": date(2026, 11, 15)}, "requested_on"),
        ({"to_municipality": MALMO}, "to_municipality"),
    ],
)
def test_a_transfer_the_rules_refuse_names_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidResponsibility) as refused:
        _move(Responsibility("c-1", MALMO, None), **overrides)

    assert refused.value.field == field


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"requested_on": date(2026, 9, 30)}, ["requested_on"]),
        (
            {
                "requested_on": date(1900, 1, 1),
                "decided_on": date(1900, 1, 1),
                "effective_on": date(1900, 1, 2),
            },
            ["requested_on", "decided_on", "effective_on"],
        ),
    ],
)
def test_a_transfer_dated_before_the_application_was_received_is_refused(
    overrides: dict[str, Any], fields: list[str]
) -> None:
    with pytest.raises(InvalidResponsibility) as refused:
        _move(Responsibility("c-1", MALMO, None), **overrides)

    assert [field for field, _ in refused.value.problems] == fields


def test_a_transfer_on_the_day_the_application_was_received_is_accepted() -> None:
    moved = _move(
        Responsibility("c-1", MALMO, None),
        requested_on=RECEIVED,
        decided_on=RECEIVED,
        effective_on=RECEIVED,
    )

    assert moved.responsible_on(RECEIVED) == UMEA


def test_a_refused_transfer_names_neither_the_latest_transfers_day_nor_a_municipality() -> None:
    pending = _move(Responsibility("c-1", MALMO, None))  # to Umeå from 2026-12-01

    with pytest.raises(InvalidResponsibility) as too_early:
        _move(pending, transfer_id="t-2", to_municipality=LUND, effective_on=date(2026, 11, 25))
    with pytest.raises(InvalidResponsibility) as already_there:
        _move(pending, transfer_id="t-2", effective_on=date(2027, 1, 1))

    assert "2026-12-01" not in str(too_early.value)
    assert already_there.value.field == "to_municipality"
    for held_back in ("already", UMEA, "Umeå", MALMO):
        assert held_back not in str(already_there.value)


@pytest.mark.parametrize(
    ("to_municipality", "effective_on"),
    [
        (LUND, date(2026, 11, 30)),
        (LUND, date(2026, 12, 1)),
        (LUND, date(2026, 12, 2)),
        (UMEA, date(2027, 1, 1)),
    ],
    ids=["the-day-before", "the-pending-day", "the-day-after", "to-the-pending-destination"],
)
def test_off_the_case_team_a_transfer_while_one_is_pending_is_refused_alike_whatever_its_day(
    to_municipality: str, effective_on: date
) -> None:
    # A pending transfer's day and destination are protected_location: refused up
    # to that day and recorded after it, a move would tell the day to whoever
    # tries each day; the case team, which reads the pending move, records the next.
    pending = _move(Responsibility("c-1", MALMO, None))  # to Umeå from 2026-12-01
    outside = {"transfer_id": "t-2", "reads_transfers": False}

    with pytest.raises(TransferPending) as refused:
        _move(
            pending, **outside | {"to_municipality": to_municipality, "effective_on": effective_on}
        )

    assert str(refused.value) == (
        "a transfer is pending; a member of the case team records the next one"
    )


def test_off_the_case_team_a_move_is_checked_only_against_the_municipality_responsible_today() -> (
    None
):
    # Once every transfer has taken effect the caller's own municipality answers
    # for the case (RESPONSIBLE_WRITES): it may hand the case on.
    moved = _move(Responsibility("c-1", MALMO, None), effective_on=TODAY)  # Umeå's today
    outside = {"transfer_id": "t-2", "reads_transfers": False, "effective_on": date(2027, 1, 1)}

    again = _move(moved, **outside | {"to_municipality": LUND})
    with pytest.raises(InvalidResponsibility) as to_itself:
        _move(moved, **outside | {"to_municipality": UMEA})

    assert again.responsible_on(date(2027, 1, 1)) == LUND
    assert to_itself.value.field == "to_municipality"


@pytest.mark.parametrize(
    "effective_on",
    [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)],
    ids=["the-day-before", "the-pending-day", "the-day-after"],
)
def test_off_the_case_team_a_move_to_the_own_municipality_is_refused_alike_whatever_the_day(
    effective_on: date,
) -> None:
    # Were the order checked first, the field named would change at the pending
    # transfer's day (protected_location) and tell it to whoever tries each day.
    pending = _move(Responsibility("c-1", MALMO, None))  # to Umeå from 2026-12-01
    outside = {"transfer_id": "t-2", "reads_transfers": False, "to_municipality": MALMO}

    with pytest.raises(InvalidResponsibility) as refused:
        _move(pending, **outside | {"effective_on": effective_on})

    assert [field for field, _ in refused.value.problems] == ["to_municipality"]


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


def test_a_transfer_taking_effect_the_same_day_as_the_latest_one_is_refused() -> None:
    # Two moves on one day would leave the first never in effect (2 a kap. 10 § SoL:
    # each transfer is a decision of its own, taking effect on its own day).
    first = _move(Responsibility("c-1", MALMO, None), effective_on=TODAY)

    with pytest.raises(InvalidResponsibility) as refused:
        _move(first, transfer_id="t-2", to_municipality=LUND, effective_on=TODAY)

    assert refused.value.field == "effective_on"
    assert first.responsible_on(TODAY) == UMEA


def test_a_transfer_taking_effect_before_the_latest_one_is_refused() -> None:
    first = _move(Responsibility("c-1", MALMO, None))  # in effect from 2026-12-01

    with pytest.raises(InvalidResponsibility) as refused:
        _move(first, transfer_id="t-2", to_municipality=LUND, effective_on=date(2026, 11, 25))

    assert refused.value.field == "effective_on"


def test_transfers_on_the_same_day_recorded_before_that_rule_have_one_order() -> None:
    # The same order as the SQL listing (responsibility_queries), whatever the record order.
    lund = Transfer("t-1", LUND, date(2026, 11, 19), date(2026, 11, 19), TODAY)
    gbg = Transfer("t-2", GBG, TODAY, TODAY, TODAY)

    for transfers in ((lund, gbg), (gbg, lund)):
        held = Responsibility("c-1", MALMO, None, transfers)
        assert held.responsible_on(TODAY) == GBG
        assert held.may_act(GBG, TODAY)
        assert not held.may_act(LUND, TODAY)


def test_a_transfer_ends_the_municipality_of_stay() -> None:
    moved = _move(Responsibility("c-1", MALMO, LUND), effective_on=TODAY)

    assert moved.stay_on(TODAY) is None
    assert not moved.may_act(LUND, TODAY)
    assert moved.acute_responsible_on(TODAY) == UMEA


def test_a_pending_transfer_leaves_the_municipality_of_stay_acting_until_its_effective_day() -> (
    None
):
    # Decided today, in effect from 2026-12-01: nothing moves before that day.
    moved = _move(Responsibility("c-1", MALMO, LUND))
    eve, day = date(2026, 11, 30), date(2026, 12, 1)

    assert [moved.stay_on(d) for d in (TODAY, eve, day)] == [LUND, LUND, None]
    assert moved.may_act(LUND, eve)
    assert moved.acute_responsible_on(eve) == LUND
    assert not moved.may_act(LUND, day)
    assert moved.acute_responsible_on(day) == UMEA


def test_a_transfer_to_the_municipality_of_stay_keeps_it_acting_until_the_transfer_takes_effect() -> (
    None
):
    moved = _move(Responsibility("c-1", MALMO, UMEA))  # in effect from 2026-12-01

    assert moved.stay_on(date(2026, 11, 30)) == UMEA
    assert moved.may_act(UMEA, date(2026, 11, 30))
    assert not moved.may_act(UMEA, date(2026, 11, 30), acute=False)
    # Once the case is Umeå's, Umeå handing it on ends its stay as well, on that day.
    onward = _move(moved, transfer_id="t-2", to_municipality=LUND, effective_on=date(2027, 1, 1))
    assert onward.may_act(UMEA, date(2026, 12, 31), acute=False)
    assert onward.stay_on(date(2027, 1, 1)) is None
    assert not onward.may_act(UMEA, date(2027, 1, 1))


def test_the_responsible_municipality_cannot_also_be_the_municipality_of_stay() -> None:
    held = Responsibility("c-1", MALMO, None)

    with pytest.raises(InvalidResponsibility) as refused:
        with_stay(held, residence=MALMO, stay=MALMO, today=TODAY)

    assert refused.value.field == "stay_municipality"
    assert with_stay(held, residence=MALMO, stay=LUND, today=TODAY).stay == LUND
    assert with_stay(Responsibility("c-1", MALMO, LUND), residence=MALMO, stay=None, today=TODAY)


def test_after_a_transfer_the_residence_may_be_the_municipality_of_stay() -> None:
    # The person staying in the old home town again: it answers only acutely now.
    moved = _move(Responsibility("c-1", MALMO, None), effective_on=TODAY)

    staying = with_stay(moved, residence=MALMO, stay=MALMO, today=TODAY)

    assert staying.stay == MALMO
    assert staying.stay_on(TODAY) == MALMO
    assert staying.acute_responsible_on(TODAY) == MALMO
    assert staying.may_act(MALMO, TODAY)
    assert not staying.may_act(MALMO, TODAY, acute=False)
    assert staying.responsible_on(TODAY) == UMEA


def test_a_stay_recorded_after_a_transfer_took_effect_acts_acutely() -> None:
    # Malmö handed the case to Lund from 1 December; on 10 December Lund records
    # that the person stays in Umeå, in an acute situation.
    moved = _move(Responsibility("c-1", MALMO, None), to_municipality=LUND)
    day = date(2026, 12, 10)

    staying = with_stay(moved, residence=MALMO, stay=UMEA, today=day)

    assert staying.stay_since == day
    assert staying.stay_on(day) == UMEA
    assert staying.acute_responsible_on(day) == UMEA
    assert staying.may_act(UMEA, day)
    assert not staying.may_act(UMEA, day, acute=False)
    assert staying.may_act(LUND, day, acute=False)


def test_a_stay_recorded_after_one_transfer_ends_when_the_next_takes_effect() -> None:
    moved = _move(Responsibility("c-1", MALMO, None), to_municipality=LUND)
    staying = with_stay(moved, residence=MALMO, stay=UMEA, today=date(2026, 12, 10))
    onward = _move(
        staying,
        transfer_id="t-2",
        to_municipality=GBG,
        today=date(2026, 12, 10),
        decided_on=date(2026, 12, 10),
        effective_on=date(2027, 1, 1),
    )

    assert onward.stay_on(date(2026, 12, 31)) == UMEA
    assert onward.may_act(UMEA, date(2026, 12, 31))
    assert onward.stay_on(date(2027, 1, 1)) is None
    assert not onward.may_act(UMEA, date(2027, 1, 1))


def test_a_stay_with_no_recorded_day_is_ended_by_any_transfer_in_effect() -> None:
    # Recorded before the day was kept: it cannot be told from a stay the move ended.
    lund = Transfer("t-1", LUND, date(2026, 11, 1), date(2026, 11, 1), date(2026, 11, 5))
    held = Responsibility("c-1", MALMO, UMEA, (lund,))

    assert held.stay_on(date(2026, 11, 4)) == UMEA
    assert held.stay_on(TODAY) is None
    assert not held.may_act(UMEA, TODAY)


def test_a_transfer_recorded_after_the_stay_and_in_effect_by_its_day_ends_it_at_once() -> None:
    # The same day: by days alone the transfer would look older than the stay.
    staying = with_stay(Responsibility("c-1", MALMO, None), residence=MALMO, stay=LUND, today=TODAY)

    moved = _move(staying, effective_on=TODAY)
    to_the_stay = _move(staying, to_municipality=LUND, effective_on=TODAY)
    later = _move(staying)  # from 2026-12-01

    assert (moved.stay, moved.stay_since) == (None, None)
    assert not moved.may_act(LUND, TODAY)
    assert (to_the_stay.stay, to_the_stay.stay_since) == (LUND, TODAY)
    assert (later.stay, later.stay_since) == (LUND, TODAY)
    assert later.may_act(LUND, date(2026, 11, 30))
    assert not later.may_act(LUND, date(2026, 12, 1))


def test_a_cleared_stay_keeps_no_day() -> None:
    staying = with_stay(Responsibility("c-1", MALMO, None), residence=MALMO, stay=LUND, today=TODAY)

    cleared = with_stay(staying, residence=MALMO, stay=None, today=TODAY)

    assert (cleared.stay, cleared.stay_since) == (None, None)


def test_the_residence_on_record_is_not_rewritten_a_move_is_a_transfer() -> None:
    with pytest.raises(ResidenceRecorded):
        with_stay(Responsibility("c-1", MALMO, None), residence=LUND, stay=None, today=TODAY)


def test_today_is_the_swedish_date_which_begins_before_the_utc_date() -> None:
    # 00:30 in Stockholm (CET, UTC+1) on 21 November is still 20 November in UTC;
    # 00:30 in summer (CEST, UTC+2) likewise.
    assert today_in_sweden(datetime(2026, 11, 20, 23, 30, tzinfo=UTC)) == date(2026, 11, 21)
    assert today_in_sweden(datetime(2026, 6, 30, 22, 30, tzinfo=UTC)) == date(2026, 7, 1)
    assert today_in_sweden(datetime(2026, 11, 20, 22, 59, tzinfo=UTC)) == date(2026, 11, 20)
