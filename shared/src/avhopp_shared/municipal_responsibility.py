"""Which municipality answers for a case: residence, stay and transfers (2 a kap. SoL).

PROCESS.md, "Actors": the residence municipality (bosättningskommun) keeps
responsibility even when the person is moved; the municipality of stay
(vistelsekommun) has the ultimate responsibility in an acute situation (2 a
kap. 2-3 §§ SoL); once the person has settled, responsibility may be
transferred (2 a kap. 10 § SoL). Social services decide it (services/social);
every service social services run (intake too) keeps a copy, so that each
municipality works only in its own cases.

Days are Swedish days: a transfer takes effect at the start of its
``effective_on`` in Sweden, so "today" is :func:`today_in_sweden`, never the
UTC date (which lags behind by one or two hours every night).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from avhopp_shared.events.envelope import utcnow

#: Swedish local time: the municipalities' days, weekends and deadlines.
SWEDISH_TIME = ZoneInfo("Europe/Stockholm")


def today_in_sweden(now: datetime | None = None) -> date:
    """The date in Sweden at ``now`` (the current time when left out)."""
    return (now or utcnow()).astimezone(SWEDISH_TIME).date()


@dataclass(frozen=True, slots=True)
class Transfer:
    transfer_id: str
    to_municipality: str
    requested_on: date
    decided_on: date
    effective_on: date

    def order(self) -> tuple[date, date, date, str]:
        """Transfers in the order they take effect. New transfers take effect strictly
        one after another (``avhopp_social.domain.responsibility.transfer``); the rest
        of the key only makes the order total for records made before that rule, and
        is the same in SQL (``responsibility_queries``), so that every service agrees."""
        return (self.effective_on, self.decided_on, self.requested_on, self.transfer_id)


def stay_ended_on_recording(stay: str | None, stay_since: date | None, transfer: Transfer) -> bool:
    """Whether recording ``transfer`` ends the stay on record at once.

    ``Responsibility.stay_on`` tells apart by day what came first, which a day
    cannot always do: a transfer recorded after the stay but taking effect on
    or before the day the stay was recorded (the same day, or dated back) would
    look older than the stay and leave it acting in a case that has moved on.
    It has taken effect already (``stay_since`` is no later than today), so it
    ends the stay now, unless it moves the case to the stay itself. A stay
    with no recorded day is ended by it anyway."""
    return (
        stay is not None
        and stay_since is not None
        and transfer.to_municipality != stay
        and transfer.effective_on <= stay_since
    )


@dataclass(frozen=True, slots=True)
class Responsibility:
    case_id: str
    residence: str
    #: The municipality of stay as recorded; whether it still acts is ``stay_on``.
    stay: str | None
    transfers: tuple[Transfer, ...] = ()
    #: The Swedish day the stay was recorded on; None for a stay recorded before
    #: that day was kept (and for no stay).
    stay_since: date | None = None

    def latest_transfer(self) -> Transfer | None:
        """The transfer taking effect last, in effect yet or not."""
        return max(self.transfers, key=Transfer.order, default=None)

    def responsible_on(self, day: date) -> str:
        """The residence, or where the latest transfer in effect by ``day`` moved it."""
        moved = [t for t in self.transfers if t.effective_on <= day]
        latest = max(moved, key=Transfer.order, default=None)
        return self.residence if latest is None else latest.to_municipality

    def stay_on(self, day: date) -> str | None:
        """The municipality of stay on ``day``: until a transfer to another municipality
        that took effect after the stay was recorded has taken effect by then.

        A transfer ends the stay (the person has settled where responsibility
        moves, 2 a kap. 10 § SoL), but only on its effective day: before it,
        nothing has moved, and the person still stays where the stay answers in
        an acute situation (2 a kap. 2-3 §§ SoL). A transfer to the stay itself
        ends nothing; that municipality answers for the case from then on anyway.

        Nor does a transfer that had taken effect when the stay was recorded
        (``stay_since``): the stay was recorded by the municipality responsible
        after it, for a person who moved on after settling, in acute need where
        they are now. A stay with no recorded day cannot be told from one that
        such a transfer should end, and is ended by every transfer in effect.
        ``responsibility_queries.responsible_cases`` is the same rule in SQL."""
        if self.stay is None:
            return None
        ended = any(self._ends_the_stay(t) and t.effective_on <= day for t in self.transfers)
        return None if ended else self.stay

    def _ends_the_stay(self, transfer: Transfer) -> bool:
        """Whether ``transfer`` ends the stay once it takes effect (``stay_on``)."""
        if transfer.to_municipality == self.stay:
            return False
        return self.stay_since is None or transfer.effective_on > self.stay_since

    def acute_responsible_on(self, day: date) -> str:
        """In an acute situation, the municipality of stay (2 a kap. SoL)."""
        return self.stay_on(day) or self.responsible_on(day)

    def may_act(self, municipality: str | None, day: date, *, acute: bool = True) -> bool:
        """Whether this municipality's social services work in the case on ``day``: the
        responsible one, and (``acute``) the municipality of stay, which answers
        for acute support (2 a kap. 2-3 §§ SoL) but not for the responsibility
        itself. No other: each municipality is its own authority, and secrecy
        holds between them."""
        if municipality is None:
            return False
        if municipality == self.responsible_on(day):
            return True
        return acute and municipality == self.acute_responsible_on(day)
