"""Rules that answer, for one agency, a set of categories (its cells of the matrix).

``data.avhopp.access.receivable``, ``held``, ``never_opened`` and ``decidable``
all take ``{"agency": "<agency>"}`` and give a list of categories. Whatever
else comes back, or a fault of the engine, is a ``PolicyError``: the write
that asked is refused (503), never decided on a guess (fail closed).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from avhopp_shared.policy.engine import FATAL_EXCEPTIONS, PolicyEngine, PolicyError

#: What an agency's services may receive in another agency's events.
RECEIVABLE_RULE = "data.avhopp.access.receivable"
#: What an agency's services hold themselves.
HELD_RULE = "data.avhopp.access.held"
#: What nothing ever opens to an agency (its "none" cells).
NEVER_OPENED_RULE = "data.avhopp.access.never_opened"
#: What a disclosure decision can open to an agency (its "decided" cells).
DECIDABLE_RULE = "data.avhopp.access.decidable"


def categories_for(engine: PolicyEngine, rule: str, agency: str) -> frozenset[str]:
    return frozenset(category_list(engine, rule, {"agency": agency}, f" for {agency!r}"))


def category_list(
    engine: PolicyEngine, rule: str, policy_input: Mapping[str, Any], asked: str = ""
) -> list[str]:
    """``rule``'s answer for ``policy_input``, a list of categories; anything else, or no
    answer, raises ``PolicyError`` (fail closed). ``asked`` says what was asked in the
    message (`` for 'police'``)."""
    try:
        answer = engine.evaluate(rule, policy_input)
    except FATAL_EXCEPTIONS:
        raise
    except PolicyError:
        raise
    except Exception as exc:
        raise PolicyError(f"{rule}{asked}: {type(exc).__name__}: {exc}") from exc
    if not isinstance(answer, list) or not all(isinstance(c, str) for c in answer):
        raise PolicyError(f"{rule}{asked} is not a list of categories")
    return answer


def never_given(categories: Collection[str], agency: str) -> str:
    """The reason a grant or consent naming ``categories`` of ``agency``'s
    ``NEVER_OPENED_RULE`` is refused: it would open nothing there."""
    return f"{', '.join(categories)}: never given to {agency} (ACCESS.md, baseline matrix)"
