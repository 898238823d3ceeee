"""The one interface every policy engine offers, and the one error it raises.

A rule is a full data path (``data.avhopp.access.decision``); its value is
returned as plain JSON (dicts, lists, strings, numbers, booleans, None).
Every failure, an undefined rule included, is a :class:`PolicyError`, so the
callers in ``access_decision`` can fail closed on one exception type.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, Protocol

# Never swallowed while turning engine faults into PolicyError: they stop the
# process or cancel the task, they say nothing about the policy.
FATAL_EXCEPTIONS: tuple[type[BaseException], ...] = (
    KeyboardInterrupt,
    SystemExit,
    asyncio.CancelledError,
)


class PolicyError(Exception):
    """The policy gave no usable answer: load, evaluation, transport or undefined result."""


class UndefinedRule(PolicyError):
    """The rule has no value for this input (the Data API answers ``{}``)."""


class PolicyEngine(Protocol):
    @property
    def revision(self) -> str:
        """Identifies the policies and data answering; changes whenever either does."""
        ...

    def evaluate(self, rule: str, input: Mapping[str, Any]) -> Any:
        """The JSON value of ``rule`` for ``input``; raises PolicyError when there is none."""
        ...


def rule_path(rule: str) -> list[str]:
    """``data.avhopp.access.decision`` as ``["avhopp", "access", "decision"]``."""
    parts = rule.split(".")
    if len(parts) < 2 or parts[0] != "data" or not all(parts[1:]):
        raise PolicyError(f"not a rule path: {rule!r}")
    return parts[1:]
