"""RFC 9457 problem details: the one error format of every service."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Send

from avhopp_shared.bus.base import BusUnavailable
from avhopp_shared.errors import Conflict, InvalidInput, NotFound
from avhopp_shared.policy.engine import PolicyError
from avhopp_shared.web.allowed_methods import allowed_methods

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://avhopp.example/problems/"

log = logging.getLogger("avhopp.web")

#: The title and detail of every ``NotFound``, whatever the resource. Even a
#: case's existence is ``case_ref`` data (ACCESS.md, "Data categories"), so a
#: reader who may see nothing of a case must get exactly the answer a case that
#: does not exist gets: the disclosure gate's refusal, a municipality's scope
#: check and a service that never heard of the case all raise ``NotFound``, and
#: naming the resource or the id there would tell them apart. The request's own
#: path stays in ``instance``: it is what the caller asked for, the same either way.
NOT_FOUND_TITLE = "Not found"
NOT_FOUND_DETAIL = "No such resource, or none this caller may see"


class InvalidParam(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    name: str = Field(
        description="Dotted path of the offending field, e.g. applicant.personal_identity_number"
    )
    in_: Literal["body", "query", "path", "header"] = Field(
        alias="in", description="Where the field was: the body, the query, the path or a header"
    )
    pointer: str = Field(
        description=(
            "JSON Pointer (RFC 6901, as a URI fragment) into the request body when the field "
            "is in the body ('#' for the body as a whole); empty elsewhere"
        )
    )
    reason: str


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    invalid_params: list[InvalidParam] | None = Field(default=None, alias="invalid-params")


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries documenting problem+json answers."""
    return {status: {"model": Problem, "content": {PROBLEM_JSON: {}}} for status in statuses}


def problem_body(
    status: int,
    slug: str,
    title: str,
    instance: str | None,
    detail: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An RFC 9457 problem document; without ``instance`` when no request was read
    to name (RFC 9457, 3.1.5: the member is optional)."""
    body: dict[str, Any] = {"type": PROBLEM_BASE + slug, "title": title, "status": status}
    if instance is not None:
        body["instance"] = instance
    if detail:
        body["detail"] = detail
    body.update(extra)
    return body


def invalid_input_body(instance: str, params: list[dict[str, str]]) -> dict[str, Any]:
    """The 422 of every refused input, whoever refused it: each field named in
    ``invalid-params`` (name, in, pointer, reason) and together in the detail."""
    names = ", ".join(param["name"] for param in params)
    return problem_body(
        422,
        "validation-error",
        "Request is not valid",
        instance,
        f"invalid field(s): {names}",
        **{"invalid-params": params},
    )


def problem_response(
    request: Request,
    status: int,
    slug: str,
    title: str,
    detail: str | None = None,
    **extra: Any,
) -> JSONResponse:
    return _answer(problem_body(status, slug, title, request.url.path, detail, **extra))


def _answer(body: dict[str, Any]) -> JSONResponse:
    status = body["status"]
    headers = {"Retry-After": "5"} if status == 503 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


async def send_problem(
    send: Send, body: dict[str, Any], *, headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    """A problem+json answer sent from ASGI middleware, which has no Response to return."""
    encoded = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": body["status"],
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(encoded)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": encoded})


def _invalid_params(exc: RequestValidationError) -> list[dict[str, str]]:
    errors = exc.errors()
    located = [
        [str(part) for part in error.get("loc", ())]
        for error in errors
        if error.get("type") != "json_invalid"
    ]
    # A refused key of a map: named by the map, never by the key itself, which
    # is the caller's text (a place name, say) and is not echoed (README,
    # "Errors"). Nor is it through an error in the value it holds, which pydantic
    # reports under the key as well: every error under a refused key is the map's.
    refused_keys = {tuple(loc[: loc.index("[key]")]) for loc in located if "[key]" in loc}
    params: dict[tuple[str, str], dict[str, str]] = {}
    for error in errors:
        if error.get("type") == "json_invalid":
            # Its location is a character offset, not a field: the body as a whole is at fault.
            param = _invalid_json(error)
        else:
            location = [str(part) for part in error.get("loc", ())]
            for key in refused_keys:
                if tuple(location[: len(key)]) == key:
                    location = list(key[:-1])
                    break
            where, path = (location[0], location[1:]) if location else ("body", [])
            param = {
                "name": ".".join(path) or where,
                "in": where,
                "pointer": body_pointer(path) if where == "body" else "",
                "reason": str(error.get("msg", "invalid")),
            }
        # Once per field: a map with a refused key would otherwise be named once
        # for the key and again for each refused value under it.
        params.setdefault((param["name"], param["in"]), param)
    return list(params.values())


def body_pointer(path: Sequence[str]) -> str:
    """The JSON Pointer of a body field as a URI fragment (RFC 6901, section 6): ``#``
    for the body as a whole, each segment escaped (``~`` as ``~0``, ``/`` as ``~1``)."""
    return "#" + "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in path)


def _whole_body(reason: str) -> dict[str, str]:
    """The body named as a whole: its pointer is '#', as InvalidParam.pointer documents
    (RFC 6901, section 6: the empty pointer, the whole document, as a URI fragment)."""
    return {"name": "body", "in": "body", "pointer": body_pointer([]), "reason": reason}


def _invalid_json(error: Mapping[str, Any]) -> dict[str, str]:
    offsets = [part for part in error.get("loc", ())[1:] if isinstance(part, int)]
    where = f" at character {offsets[0]}" if offsets else ""
    cause = (error.get("ctx") or {}).get("error")
    return _whole_body(f"the body is not valid JSON{where}" + (f": {cause}" if cause else ""))


def unreadable_body(instance: str, why: str) -> dict[str, Any]:
    """The 400 every operation with a body documents, for a body the JSON parser gives
    up on or is not given: the body named in invalid-params as a 422 names a field
    (README, "Errors")."""
    return problem_body(
        400,
        "bad-request",
        "Bad request",
        instance,
        "the body could not be parsed",
        **{"invalid-params": [_whole_body(f"the body could not be read as JSON ({why})")]},
    )


_STATUS_SLUGS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
}


def _route_path(request: Request) -> str:
    """The path the routes match: without the prefix a proxy mounted the app under."""
    path: str = request.scope["path"]
    root: str = request.scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _answer(invalid_input_body(request.url.path, _invalid_params(exc)))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, (RecursionError, ValueError)):
            # A body the parser gives up on (nested too deep, a number too long,
            # bytes that are not UTF-8): the documented 400, naming the body in
            # invalid-params as a 422 names a field (RFC 9457).
            cause = type(exc.__cause__).__name__
            why = f"nested too deep, a number too long, or not UTF-8: {cause}"
            return _answer(unreadable_body(request.url.path, why))
        slug, title = _STATUS_SLUGS.get(exc.status_code, ("error", "Error"))
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else None
        response = problem_response(request, exc.status_code, slug, title, detail)
        # The exception's own headers stay. A 405 must list the allowed
        # methods in Allow (RFC 9110, 15.5.6): all of the path's routes'.
        response.headers.update(exc.headers or {})
        if exc.status_code == 405 and (
            methods := allowed_methods(request.app, _route_path(request))
        ):
            response.headers["Allow"] = ", ".join(methods)
        return response

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> JSONResponse:
        # One answer for whatever was not found, never naming it: see NOT_FOUND_DETAIL.
        return problem_response(request, 404, "not-found", NOT_FOUND_TITLE, NOT_FOUND_DETAIL)

    @app.exception_handler(InvalidInput)
    async def _invalid(request: Request, exc: InvalidInput) -> JSONResponse:
        params = [
            {
                "name": field,
                "in": exc.location,
                "pointer": body_pointer(field.split(".")) if exc.location == "body" else "",
                "reason": why,
            }
            for field, why in exc.problems
        ]
        return _answer(invalid_input_body(request.url.path, params))

    @app.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict) -> JSONResponse:
        return problem_response(request, 409, "conflict", "Conflict", str(exc))

    async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
        # The transaction was rolled back by the unit of work; tell the client
        # to retry rather than pretend anything was stored.
        log.error(
            "infrastructure fault", extra={"path": request.url.path, "error": type(exc).__name__}
        )
        return problem_response(
            request,
            503,
            "service-unavailable",
            "Service temporarily unavailable",
            "A storage, messaging or policy component failed; nothing was stored. Retry later.",
        )

    # SQLAlchemyError covers DBAPIError (lost connections, constraint faults).
    for infrastructure_error in (
        SQLAlchemyError,
        BusUnavailable,
        # The policy gave no answer where a write needs one (an event's copies).
        PolicyError,
        OSError,
        TimeoutError,
    ):
        app.add_exception_handler(infrastructure_error, _unavailable)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"path": request.url.path})
        return problem_response(request, 500, "internal-error", "Internal server error")
