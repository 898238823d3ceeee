"""The methods a path takes, over every route that matches it: the Allow header of a 405.

The router answers 405 with the methods of the first route whose path
matched, but a path often has several routes (GET and POST of
``/cases/{case_id}/consents`` are two), and RFC 9110 (15.5.6) wants all of
them listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

_STATE_KEY = "route_methods"


def remember_route_methods(app: FastAPI, routers: Iterable[APIRouter]) -> None:
    """Keeps each route's path pattern and methods; call with every router the app includes."""
    routes: list[tuple[re.Pattern[str], frozenset[str]]] = [
        (route.path_regex, frozenset(route.methods or ()))
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
    ]
    setattr(app.state, _STATE_KEY, routes)


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method some route of ``path`` takes, sorted; empty when none is known.

    HEAD wherever GET is: ``head_as_get`` answers it on every GET route."""
    routes: list[tuple[re.Pattern[str], frozenset[str]]] = getattr(app.state, _STATE_KEY, [])
    methods = {method for pattern, taken in routes if pattern.match(path) for method in taken}
    return sorted(methods | {"HEAD"} if "GET" in methods else methods)
