"""A timeline is disclosed in parts: follow-up's own, and each entry another agency holds.

"Own" is decided per record (ACCESS.md): what police reported (a threat level,
a relapse) stays police's even as a timeline entry here, so social services
see it only as the matrix lets them see police's records (under a consent);
what is recorded here, or reported by social services or a provider, is
social services'. Follow-up's part is the timeline itself, its own fields
(the case id, the day it started: social services' ``case_ref``) and its own
entries; each entry another agency holds is a record of that agency's, decided
and audited on its own, and carries nothing of the timeline's own fields: a
reader who may see that agency's records, but no longer the case's reference
(police after the person withdrew their consent), sees those entries and not
when the case began. The parts are merged back into one chronological view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from avhopp_followup.domain.timeline import CaseTimeline, TimelineEntry
from avhopp_shared.access.gate import Disclosure
from avhopp_shared.access.policy_input import Owner
from avhopp_shared.municipal_responsibility import today_in_sweden

#: Agencies whose reported entries stay theirs here.
_OTHER_AGENCIES = ("police", "probation", "sis")


def by_holder(timeline: CaseTimeline) -> tuple[CaseTimeline, list[tuple[Owner, TimelineEntry]]]:
    """The timeline with follow-up's own entries, and each entry another agency holds
    with its holder."""
    own: list[TimelineEntry] = []
    held: list[tuple[Owner, TimelineEntry]] = []
    for entry in timeline.entries:
        if entry.reported_by in _OTHER_AGENCIES:
            held.append((Owner(entry.reported_by), entry))
        else:
            own.append(entry)
    return replace(timeline, entries=tuple(own)), held


def entry_categories(timeline: CaseTimeline) -> frozenset[str]:
    """The categories the timeline's entries carry, each entry its own."""
    return frozenset(entry.category.value for entry in timeline.entries)


def swedish_day(occurred_at: str) -> date:
    """The Swedish day of an entry (README: days are Swedish days). A day-only entry
    is stored as the day's first moment in UTC, which falls on the same Swedish day;
    a moment such as 23:30 UTC is already the next day in Sweden, so sorting by the
    UTC date would put it before the entries of the day it happened on."""
    return today_in_sweden(datetime.fromisoformat(occurred_at))


def merged(
    own: Disclosure, held: Sequence[Disclosure] = (), unnamed: frozenset[str] = frozenset()
) -> Disclosure:
    """One view: follow-up's part with the entries of every part in order, each withheld
    category named once, and follow-up's part's decision id alone.

    ``held``: the entries other agencies hold, one disclosure each (an entry the
    reader may not see is disclosed as nothing). ``unnamed``: categories the
    answer must not name as withheld, the entries' own (``entry_categories``). A
    reader sees the entries it may see "and nothing of the others, not even that
    they exist" (domain/timeline.py): naming the category of one it may not see
    would tell that there is one (``interventions`` tells police a provider is
    commissioned, itself closed to them, ACCESS.md), and so would a decision id
    for each part it could not see. The audit entry of each part still names its
    categories and its decision (``disclose_each``).
    """
    entries = sorted(
        [*own.data.get("entries", []), *(d.data for d in held if d.data)],
        key=lambda e: (swedish_day(e["occurred_at"]), e["recorded_at"]),
    )
    data: dict[str, Any] = {k: v for k, v in own.data.items() if k != "entries"}
    if "entries" in own.data or entries:
        data["entries"] = entries
    parts = [own, *held]
    withheld: dict[str, str] = {}
    for d in parts:
        for category, reason in d.withheld.items():
            withheld.setdefault(category, reason)
    disclosed = frozenset().union(*(d.disclosed for d in parts))
    # A category withheld in one part but shown in another was shown.
    withheld = {c: r for c, r in withheld.items() if c not in disclosed and c not in unnamed}
    return Disclosure(
        data=data,
        disclosed=disclosed,
        withheld=dict(sorted(withheld.items())),
        decision_id=own.decision_id,
    )
