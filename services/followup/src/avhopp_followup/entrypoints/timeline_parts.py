"""A timeline is disclosed in parts, one per agency that reported its entries.

"Own" is decided per record (ACCESS.md): what police reported (a threat level,
a relapse) stays police's even as a timeline entry here, so social services
see it only as the matrix lets them see police's records (under a consent);
what is recorded here, or reported by social services or a provider, is
social services'. Each part is decided and audited on its own, and the parts
are merged back into one chronological view.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from avhopp_followup.domain.timeline import CaseTimeline
from avhopp_shared.access.gate import Disclosure
from avhopp_shared.access.policy_input import Owner
from avhopp_shared.municipal_responsibility import today_in_sweden

#: Agencies whose reported entries stay theirs here.
_OTHER_AGENCIES = ("police", "probation", "sis")


def by_holder(timeline: CaseTimeline) -> list[tuple[Owner | None, CaseTimeline]]:
    """The timeline split by who holds each entry (None: this service), never empty."""
    parts: dict[str | None, list[Any]] = {None: []}
    for entry in timeline.entries:
        holder = entry.reported_by if entry.reported_by in _OTHER_AGENCIES else None
        parts.setdefault(holder, []).append(entry)
    return [
        (Owner(holder) if holder else None, replace(timeline, entries=tuple(entries)))
        for holder, entries in parts.items()
    ]


def entry_categories(timeline: CaseTimeline) -> frozenset[str]:
    """The categories the timeline's entries carry, each entry its own."""
    return frozenset(entry.category.value for entry in timeline.entries)


def swedish_day(occurred_at: str) -> date:
    """The Swedish day of an entry (README: days are Swedish days). A day-only entry
    is stored as the day's first moment in UTC, which falls on the same Swedish day;
    a moment such as 23:30 UTC is already the next day in Sweden, so sorting by the
    UTC date would put it before the entries of the day it happened on."""
    return today_in_sweden(datetime.fromisoformat(occurred_at))


def merged(disclosures: list[Disclosure], unnamed: frozenset[str] = frozenset()) -> Disclosure:
    """One view: the entries of every part in order, each withheld category named once.

    ``unnamed``: categories the answer must not name as withheld, the entries'
    own (``entry_categories``). A reader sees the entries it may see "and nothing
    of the others, not even that they exist" (domain/timeline.py): naming the
    category of one it may not see would tell that there is one (``interventions``
    tells police a provider is commissioned, itself closed to them, ACCESS.md).
    The audit entry of each part still names them (``disclose_each``).
    """
    entries = sorted(
        (e for d in disclosures for e in d.data.get("entries", [])),
        key=lambda e: (swedish_day(e["occurred_at"]), e["recorded_at"]),
    )
    data: dict[str, Any] = {}
    for d in disclosures:
        data |= {k: v for k, v in d.data.items() if k != "entries"}
    if "entries" in disclosures[0].data or entries:
        data["entries"] = entries
    withheld: dict[str, str] = {}
    for d in disclosures:
        for category, reason in d.withheld.items():
            withheld.setdefault(category, reason)
    disclosed = frozenset().union(*(d.disclosed for d in disclosures))
    # A category withheld in one part but shown in another was shown.
    withheld = {c: r for c, r in withheld.items() if c not in disclosed and c not in unnamed}
    return Disclosure(
        data=data,
        disclosed=disclosed,
        withheld=dict(sorted(withheld.items())),
        decision_id=",".join(d.decision_id for d in disclosures),
    )
