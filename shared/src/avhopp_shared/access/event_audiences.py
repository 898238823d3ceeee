"""Each receiving agency's copy of an event: what the owner lets leave it.

ARCHITECTURE.md, "Every exchange is a disclosure": the owner filters before
data leaves it, and nothing downstream has to be trusted to discard what it
should never have received. Every event is written to the outbox once per
receiving agency (``events.topics.AUDIENCES``), each copy on that agency's own
topic. The publishing agency's own services get the whole event; another
agency's copy keeps only the fields whose category the policy says its
services could ever be granted (``data.avhopp.access.receivable``), and names
the categories it left out in the envelope's ``withheld`` attribute. Where
that leaves nothing but the case's reference, the agency gets no copy: that
the event happened (aid decided, a provider commissioned) is itself of the
categories left out. What is
left is then decided by consent, and audited, by the consuming service's gate
(``access.event_gate``), which keeps the consent state that changes by the
minute; the matrix, which a copy is cut by, changes only with the policy.
A grant of access itself (a consent, a legal basis, a break-glass grant, a
disclosure decision) goes to another agency only where that agency's own
records are at stake, and a few events only to some agencies
(``access.copy_rules``): who is named is itself telling.

Fail closed: when the policy gives no answer, no copy is written and the
whole change is refused (``PolicyError``, answered 503 and rolled back).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from avhopp_shared.access.catalogue import Catalogue, platform_catalogue
from avhopp_shared.access.categories import Category
from avhopp_shared.access.copy_rules import copy_for
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.topics import AUDIENCES, topic_for
from avhopp_shared.policy.agency_categories import (
    HELD_RULE,
    NEVER_OPENED_RULE,
    RECEIVABLE_RULE,
    categories_for,
)
from avhopp_shared.policy.bundle import load_bundle, policies_dir
from avhopp_shared.policy.engine import PolicyEngine
from avhopp_shared.policy.regorus_engine import RegorusEngine

_REFERENCE_ONLY = frozenset({Category.CASE_REF})


@dataclass(frozen=True, slots=True)
class EventCopy:
    """One receiving agency's copy: its topic, its data, the categories left out of it."""

    audience: str
    topic: str
    data: dict[str, Any]
    withheld: tuple[str, ...]

    def of(self, envelope: EventEnvelope) -> EventEnvelope:
        """``envelope`` (the whole event) as this copy: its data, naming what it left out."""
        return envelope.model_copy(
            update={"data": self.data, "withheld": " ".join(self.withheld) or None}
        )


class EventAudiences:
    def __init__(
        self,
        engine: PolicyEngine,
        catalogue: Catalogue,
        audiences: Sequence[str] = AUDIENCES,
    ) -> None:
        self._engine = engine
        self._catalogue = catalogue
        self._audiences = tuple(audiences)
        # {(rule, policy revision, agency): categories}: the matrix changes only
        # with the policy, so one question per rule, agency and revision.
        self._answers: dict[tuple[str, str, str], frozenset[str]] = {}
        self._lock = threading.Lock()

    @property
    def engine(self) -> PolicyEngine:
        return self._engine

    def copies(
        self, payload: EventPayload, data: Mapping[str, Any], publisher: str
    ) -> list[EventCopy]:
        """One copy of ``data`` (a JSON dump of ``payload``) per receiving agency that
        gets one (``access.copy_rules``)."""
        model = type(payload)
        copies = []
        for audience in self._audiences:
            topic = topic_for(payload.event_type, audience)
            if audience == publisher:
                copies.append(EventCopy(audience, topic, dict(data), ()))
                continue
            receivable = self.receivable(audience)
            kept = copy_for(model, data, audience, self.held(audience), self.never_opened)
            if kept is None:
                continue
            left_out = self._catalogue.categories_in(model, kept) - receivable
            kept = self._catalogue.keep(model, kept, set(receivable))
            if left_out and self._catalogue.categories_in(model, kept) <= _REFERENCE_ONLY:
                # All that would be left is the case reference: what the event is
                # about is left out, and that it happened is itself a fact of that
                # (that aid was decided is "decisions"); nothing this agency's
                # services do needs such a copy.
                continue
            copies.append(EventCopy(audience, topic, kept, tuple(sorted(left_out))))
        return copies

    def receivable(self, agency: str) -> frozenset[str]:
        """The categories ``agency``'s services may receive in another agency's events."""
        return self._categories(RECEIVABLE_RULE, agency)

    def held(self, agency: str) -> frozenset[str]:
        """The categories whose records ``agency``'s services hold themselves."""
        return self._categories(HELD_RULE, agency)

    def never_opened(self, agency: str) -> frozenset[str]:
        """The categories nothing ever opens to ``agency`` (its "none" cells)."""
        return self._categories(NEVER_OPENED_RULE, agency)

    def _categories(self, rule: str, agency: str) -> frozenset[str]:
        revision = str(self._engine.revision)
        key = (rule, revision, agency)
        found = self._answers.get(key)
        if found is not None:
            return found
        found = categories_for(self._engine, rule, agency)
        with self._lock:
            self._answers[key] = found
        return found


@cache
def platform_audiences(directory: Path | None = None) -> EventAudiences:
    """The policies in ``directory`` or, without one, in ``AVHOPP_POLICIES_DIR`` or
    the repository's ``policies/`` (``policy.bundle.policies_dir``, as the
    service's engine finds them), evaluated in process, for what has no service's
    engine at hand (a migration, the event contract, a unit of work built without
    one): it reads no service settings, which a migration runs before, and never
    depends on a running OPA server."""
    folder = policies_dir(directory)
    return EventAudiences(RegorusEngine(load_bundle(folder)), platform_catalogue(folder))
