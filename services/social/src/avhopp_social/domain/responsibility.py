"""Which municipality is responsible: residence, stay, and transfers (2 a kap. SoL).

PROCESS.md, "Actors": the residence municipality (bosättningskommun) keeps
responsibility even when the person is moved; the municipality of stay
(vistelsekommun) has the ultimate responsibility in an acute situation (2 a
kap. 2-3 §§ SoL); once the person has settled, responsibility may be
transferred (2 a kap. 10 § SoL). The municipality of stay, and any that
responsibility moves to, is usually the new home town: the platform treats it
as ``protected_location``; only the residence the case started from is not.

The residence is the municipality that received the application, recorded
once when the case opens: responsibility moves only by a transfer, with its
dates, never by rewriting where the case started (that would move the case
at once, and expose the new town as the unprotected starting residence).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from avhopp_shared.errors import Conflict, InvalidInput
from avhopp_shared.municipal_responsibility import (
    Responsibility,
    Transfer,
    stay_ended_on_recording,
)

__all__ = [
    "InvalidResponsibility",
    "ResidenceRecorded",
    "Responsibility",
    "Transfer",
    "TransferPending",
    "transfer",
    "with_stay",
]


class InvalidResponsibility(InvalidInput):
    """A responsibility the rules refuse; ``field`` names it (422)."""


class ResidenceRecorded(Conflict):
    """The residence is already recorded and differs: a move is a transfer (409)."""


class TransferPending(Conflict):
    """Off the case team, a transfer while another is pending (409), whatever their days."""

    def __init__(self) -> None:
        super().__init__("a transfer is pending; a member of the case team records the next one")


def with_stay(
    current: Responsibility, *, residence: str, stay: str | None, today: date
) -> Responsibility:
    """The municipality of stay recorded (or cleared, ``None``) on the existing record,
    with ``today`` as the day it was recorded.

    ``residence`` must be the one on record. The stay is another municipality
    than the responsible one: it answers only in an acute situation (2 a kap.
    2-3 §§ SoL), and the responsible municipality needs no second title (one
    that would survive its own transfer of the case). Its day keeps it acting
    past the transfers that had taken effect when it was recorded
    (``Responsibility.stay_on``): recorded again, even unchanged, it is the
    responsible municipality's word of where the person stays now."""
    if residence != current.residence:
        raise ResidenceRecorded(
            "the residence municipality is recorded once; responsibility moves by a "
            "transfer (POST /cases/{case_id}/responsibility/transfers)"
        )
    if stay is not None and stay == current.responsible_on(today):
        raise InvalidResponsibility(
            "stay_municipality", "the responsible municipality is not also the municipality of stay"
        )
    return replace(current, stay=stay, stay_since=None if stay is None else today)


def transfer(
    current: Responsibility,
    *,
    transfer_id: str,
    to_municipality: str,
    requested_on: date,
    decided_on: date,
    effective_on: date,
    today: date,
    received_on: date,
    reads_transfers: bool,
) -> Responsibility:
    """The responsibility with one more transfer. It ends the stay on its effective day,
    not now (``Responsibility.stay_on``): until the transfer takes effect nothing
    has moved, and the municipality of stay still answers in an acute situation
    (2 a kap. 2-3 §§ SoL). One that had taken effect by the day the stay was
    recorded ends it now (``stay_ended_on_recording``).

    Transfers take effect one after another, each on a later day than the one
    before: responsibility moves at the start of a day, so two moves the same
    day would leave the first never in effect, and a move before one already
    decided would rewrite the order the municipalities agreed. A transfer to
    take effect the same day as the latest is refused; it takes effect the day
    after.

    ``received_on`` is the Swedish day the application was received: the case
    was not this municipality's to hand on before it (2 a kap. 10 § SoL moves a
    matter the board already has). ``reads_transfers`` says whether the caller
    may read the case's transfers (``protected_location``, the case team's):
    see ``_refuse_a_move_to_the_responsible`` and ``_refuse_while_pending``."""
    _refuse_dates(requested_on, decided_on, effective_on, today=today, received_on=received_on)
    if reads_transfers:
        _refuse_out_of_order(current, effective_on)
        _refuse_a_move_to_the_responsible(current, to_municipality, effective_on)
    else:
        # A caller off the case team knows only the municipality responsible today
        # (its own: only it may move the case, ``RESPONSIBLE_WRITES``); the one
        # responsible when the transfer takes effect may be a pending transfer's
        # destination, the new home town. And that refusal comes first: were the
        # order checked before it, a move to its own municipality would be refused
        # on ``effective_on`` up to the pending transfer's day and on
        # ``to_municipality`` after it, telling that day (``protected_location``)
        # to anyone who tries one day after another.
        _refuse_a_move_to_the_responsible(current, to_municipality, today)
        _refuse_while_pending(current, today)
        _refuse_out_of_order(current, effective_on)
    moved = Transfer(transfer_id, to_municipality, requested_on, decided_on, effective_on)
    if stay_ended_on_recording(current.stay, current.stay_since, moved):
        return replace(current, stay=None, stay_since=None, transfers=(*current.transfers, moved))
    return replace(current, transfers=(*current.transfers, moved))


def _refuse_dates(
    requested_on: date, decided_on: date, effective_on: date, *, today: date, received_on: date
) -> None:
    if decided_on > today:
        raise InvalidResponsibility("decided_on", "a transfer cannot be decided in the future")
    days = {"requested_on": requested_on, "decided_on": decided_on, "effective_on": effective_on}
    early = [field for field, day in days.items() if day < received_on]
    if early:
        reason = "a transfer cannot come before the application was received"
        raise InvalidResponsibility(early[0], reason, also=[(field, reason) for field in early[1:]])
    # Each day out of order is named, not the last one: a request dated after its
    # decision is the request's fault, whenever the transfer takes effect.
    order = "a transfer is requested, then decided, then takes effect"
    late = [
        field
        for field, wrong in (
            ("requested_on", requested_on > decided_on),
            ("effective_on", decided_on > effective_on),
        )
        if wrong
    ]
    if late:
        raise InvalidResponsibility(late[0], order, also=[(field, order) for field in late[1:]])


def _refuse_while_pending(current: Responsibility, today: date) -> None:
    """Off the case team, no transfer while one is pending.

    The order of transfers is checked against the latest one's day, which a
    pending transfer keeps from all but the case team (``protected_location``):
    refused up to that day and recorded after it, a caller trying one day after
    another would find it (README: "A refused transfer names no day and no
    municipality of the transfers"). One answer whatever the days, then; the
    case team, which reads the pending move, decides the one after it."""
    if any(moved.effective_on > today for moved in current.transfers):
        raise TransferPending()


def _refuse_out_of_order(current: Responsibility, effective_on: date) -> None:
    # The reason never names the latest transfer's day: its dates are
    # ``protected_location`` (catalogue, ``TransferPublic``), read only by the
    # case team, and a refusal must not tell them to anyone else.
    latest = current.latest_transfer()
    if latest is not None and effective_on <= latest.effective_on:
        raise InvalidResponsibility("effective_on", "a transfer takes effect after the latest one")


def _refuse_a_move_to_the_responsible(
    current: Responsibility, to_municipality: str, day: date
) -> None:
    """A transfer moves the case away from the municipality responsible on ``day``.

    The reason names no municipality, and ``day`` is one whose responsible
    municipality the caller may know: were a caller off the case team refused a
    move to the municipality responsible once a pending transfer takes effect,
    the refusal would confirm where the person moves (README: all but the
    residence the case started from is ``protected_location``). Such a caller's
    move to that municipality is recorded as a transfer to where the case is
    already bound; responsibility on every day stays as it would have been."""
    if to_municipality == current.responsible_on(day):
        raise InvalidResponsibility(
            "to_municipality", "a transfer moves the case to another municipality"
        )
