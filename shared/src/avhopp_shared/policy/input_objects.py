"""Turning what a service holds (a caller, an owner) into the JSON objects of a policy input."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class HasPolicyInput(Protocol):
    """Renders itself as plain JSON values, as ``auth.caller.Caller`` does."""

    def as_policy_input(self) -> Mapping[str, Any]: ...


InputObject = Mapping[str, Any] | HasPolicyInput


def as_json_object(source: InputObject) -> dict[str, Any]:
    if isinstance(source, Mapping):
        return dict(source)
    return dict(source.as_policy_input())
