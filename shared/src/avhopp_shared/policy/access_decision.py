"""The disclosure and action decisions as the services use them: typed, and failing closed.

No policy fault ever raises from here. An engine error, an answer later than
the timeout, or an answer that is not the contract of policies/README.md
withholds every requested category as "policy unavailable"; a category the
answer leaves out is withheld as "undefined in policy". The timeout is a
deadline, not a cancellation: regorus evaluates in the calling thread, typically
in under a millisecond, and cannot be interrupted; the OPA engine's own HTTP
timeout bounds how long it blocks; an answer arriving after ``timeout_s`` is
discarded.

Through a :class:`CachedEngine`, a decision is remembered once parsed: a
repeated input is answered from the cache with no engine and no JSON work, and
with a decision id of its own. Only well-formed answers given in time are
remembered; a fault is asked again next time.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from itertools import repeat
from types import MappingProxyType
from typing import Any

from avhopp_shared.policy.cache import CachedEngine, input_key
from avhopp_shared.policy.engine import FATAL_EXCEPTIONS, PolicyEngine
from avhopp_shared.policy.input_objects import InputObject, as_json_object

DECISION_RULE = "data.avhopp.access.decision"
ACTION_RULE = "data.avhopp.actions.allow"
POLICY_UNAVAILABLE = "policy unavailable"
UNDEFINED_IN_POLICY = "undefined in policy"

log = logging.getLogger("avhopp.policy")


@dataclass(frozen=True)
class Basis:
    """What opened a category: the rule (own, consent, decided, team, legal_basis,
    break_glass) and the id of the consent, decision, legal basis or grant used."""

    rule: str
    basis: str | None


@dataclass(frozen=True)
class AccessDecision:
    allowed: Mapping[str, Basis]
    withheld: Mapping[str, str]
    decision_id: str
    revision: str


def decide_access(
    engine: PolicyEngine,
    input: Mapping[str, Any] | Callable[[], Mapping[str, Any]],
    timeout_s: float,
    *,
    key: Hashable | None = None,
) -> AccessDecision:
    """``data.avhopp.access.decision`` for ``input``, every requested category in exactly one map.

    ``key`` (optional) stands for ``input`` in the cache of a CachedEngine and
    spares building one from it: two calls with one key must carry equal
    inputs. It is kept apart from the keys built from inputs, and the policy
    revision is part of every entry's key either way. ``input`` may be given
    as a function that builds it; with a key, a hit never calls it.
    """
    cache = engine if isinstance(engine, CachedEngine) else None
    entry_key: Hashable | None = None
    if cache is not None:
        hit: _Decided | None = None
        try:
            revision = str(cache.revision)
            if key is None:
                input = _built(input)
                entry_key = (DECISION_RULE, revision, input_key(input))
            else:
                entry_key = (DECISION_RULE, revision, ("given", key))
            # The lookup is where a key that cannot be hashed fails (hashing it
            # once more beforehand would cost as much as the lookup's own).
            hit = cache.lookup(entry_key)
        except FATAL_EXCEPTIONS:
            raise
        except Exception:
            # No revision, an input that is not JSON or a key that cannot be
            # one: decided uncached (the engine fails closed on what it cannot read).
            entry_key = None
        if hit is not None:
            return AccessDecision(hit.allowed, hit.withheld, _new_id(), revision)
        engine = cache.inner
    decision, answered = _decide(engine, _built(input), timeout_s)
    if answered and cache is not None and entry_key is not None:
        cache.store(entry_key, _Decided(decision.allowed, decision.withheld))
    return decision


def _built(input: Mapping[str, Any] | Callable[[], Mapping[str, Any]]) -> Mapping[str, Any]:
    return input() if callable(input) else input


@dataclass(frozen=True)
class _Decided:
    """A decision as the cache keeps it: read-only maps, no id."""

    allowed: Mapping[str, Basis]
    withheld: Mapping[str, str]


def _decide(
    engine: PolicyEngine, input: Mapping[str, Any], timeout_s: float
) -> tuple[AccessDecision, bool]:
    """The decision, and whether the engine answered it (False: a fault, everything withheld)."""
    requested = requested_categories(input)
    decision_id = _new_id()
    revision = _revision(engine)
    started = time.monotonic()
    try:
        answer = engine.evaluate(DECISION_RULE, input)
    except FATAL_EXCEPTIONS:
        raise
    except BaseException as exc:
        log.warning("policy unavailable: %s", exc, extra={"decision_id": decision_id})
        return _unavailable(requested, decision_id, revision), False
    if time.monotonic() - started > timeout_s:
        log.warning("policy answered after %.3f s", timeout_s, extra={"decision_id": decision_id})
        return _unavailable(requested, decision_id, revision), False
    parsed = _parse(answer)
    if parsed is None:
        log.warning("policy answer is malformed", extra={"decision_id": decision_id})
        return _unavailable(requested, decision_id, revision), False
    granted, reasons = parsed
    asked = dict.fromkeys(requested)
    allowed = {c: b for c, b in granted.items() if c in asked and c not in reasons}
    withheld: dict[str, str]
    if len(allowed) + len(reasons) == len(asked) and reasons.keys() <= asked.keys():
        # The usual answer: every requested category in exactly one of the two.
        withheld = reasons
    else:
        withheld = {c: reasons.get(c, UNDEFINED_IN_POLICY) for c in requested if c not in allowed}
    # Read-only: the same maps may be handed to every later caller from the cache.
    decision = AccessDecision(
        MappingProxyType(allowed), MappingProxyType(withheld), decision_id, revision
    )
    return decision, True


def _new_id() -> str:
    """128 random bits as 32 hex digits, like ``uuid4().hex`` at a fifth of its cost."""
    return os.urandom(16).hex()


def action_allowed(
    engine: PolicyEngine,
    caller: InputObject,
    action: str,
    owner: InputObject | None,
    *,
    timeout_s: float | None = None,
) -> bool:
    """``data.avhopp.actions.allow``; anything but a literal true, a fault included, is False."""
    policy_input: dict[str, Any] = {"caller": as_json_object(caller), "action": action}
    if owner is not None:
        policy_input["owner"] = as_json_object(owner)
    started = time.monotonic()
    try:
        answer = engine.evaluate(ACTION_RULE, policy_input)
    except FATAL_EXCEPTIONS:
        raise
    except BaseException as exc:
        log.warning("policy unavailable for action %s: %s", action, exc)
        return False
    if timeout_s is not None and time.monotonic() - started > timeout_s:
        return False
    return answer is True


def requested_categories(input: Mapping[str, Any]) -> list[str]:
    """The input's categories, in order, each once; anything but a list of strings is none."""
    categories = input.get("categories")
    if not isinstance(categories, list):
        return []
    if all(map(isinstance, categories, repeat(str))):
        return list(dict.fromkeys(categories))
    return list(dict.fromkeys(c for c in categories if isinstance(c, str)))


def _unavailable(requested: list[str], decision_id: str, revision: str) -> AccessDecision:
    return AccessDecision({}, dict.fromkeys(requested, POLICY_UNAVAILABLE), decision_id, revision)


def _revision(engine: PolicyEngine) -> str:
    try:
        return str(engine.revision)
    except Exception:
        return "unknown"


def _parse(answer: Any) -> tuple[dict[str, Basis], dict[str, str]] | None:
    """The README's output shape, or None for anything else."""
    if not isinstance(answer, dict):
        return None
    allowed, withheld = answer.get("allowed"), answer.get("withheld")
    if not isinstance(allowed, dict) or not isinstance(withheld, dict):
        return None
    granted: dict[str, Basis] = {}
    for category, grant in allowed.items():
        if not isinstance(grant, dict):
            return None
        rule, basis = grant.get("rule"), grant.get("basis")
        if not isinstance(rule, str) or not (basis is None or isinstance(basis, str)):
            return None
        granted[category] = Basis(rule, basis)
    if not all(map(isinstance, withheld.values(), repeat(str))):
        return None
    return granted, dict(withheld)
