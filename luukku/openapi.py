"""What the OpenAPI document says beyond what Litestar derives from the handlers, so it tells
the truth: every problem status an operation can answer, which token (if any) it needs, and
that request bodies refusing unknown fields say `additionalProperties: false`.

Statuses come from the shape of an operation and from its guards, never from a hand-kept list:
input (parameters or a body) can be invalid (400, 422); a body can be too big or of another
type (413, 415) and can name something unknown (404), as can a path; a staff operation can
refuse the caller (401, 403); a guard with `problem_statuses` adds its own (429 for a rate
limit). A handler names what its use case adds beyond that in `opt={"problems": (409,)}`.
A handler reading a customer's token (`Authorization: Bearer <manage token>`) says
`opt={"customer_token": True}`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Litestar
from litestar.handlers.http_handlers import HTTPRouteHandler
from litestar.openapi.spec import (
    Components,
    OpenAPI,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Reference,
    Schema,
    SecurityScheme,
)
from litestar.routes import HTTPRoute

from luukku.problems import PROBLEM_JSON, PROBLEM_SCHEMA, document_problem_responses

CUSTOMER_TOKEN = "CustomerToken"  # noqa: S105 - the name of a security scheme
_CUSTOMER_SCHEME = SecurityScheme(
    type="http",
    scheme="bearer",
    description=(
        "A customer's own token: a booking's manage token, a data link's token or a waitlist"
        " entry's token."
    ),
)


def _operations(
    app: Litestar, schema: OpenAPI
) -> Iterator[tuple[str, HTTPRouteHandler, Operation]]:
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path_format not in (schema.paths or {}):
            continue
        item = (schema.paths or {})[route.path_format]
        for handler in route.route_handlers:
            for method in handler.http_methods:
                operation = getattr(item, method.lower(), None)
                if isinstance(operation, Operation):
                    yield route.path_format, handler, operation


def _is_public(handler: HTTPRouteHandler, path: str, public_paths: Sequence[str]) -> bool:
    return bool(handler.opt.get("public")) or any(re.search(p, path) for p in public_paths)


def problem_statuses(handler: HTTPRouteHandler, operation: Operation, staff: bool) -> set[int]:
    """Every problem status `operation` can answer (see the module's docstring)."""
    parameters = [p for p in operation.parameters or [] if not hasattr(p, "ref")]
    in_path = any(getattr(p, "param_in", None) == "path" for p in parameters)
    body = operation.request_body is not None
    statuses: set[int] = set()
    if parameters or body:
        statuses |= {400, 422}
    if in_path or body:
        statuses.add(404)
    if body:
        statuses |= {413, 415}
    if staff:
        statuses |= {401, 403}
    if handler.opt.get("customer_token"):
        statuses |= {401, 404}
    for guard in handler.resolve_guards():
        statuses.update(getattr(guard, "problem_statuses", ()))
    statuses.update(handler.opt.get("problems", ()))
    return statuses


def _problem_response(status: int) -> OpenAPIResponse:
    headers: dict[str, OpenAPIHeader | Reference] | None = (
        {"Retry-After": OpenAPIHeader(schema=Schema(type=OpenAPIType.INTEGER), required=True)}
        if status in {429, 503}
        else None
    )
    return OpenAPIResponse(
        description=HTTPStatus(status).phrase,
        content={PROBLEM_JSON: OpenAPIMediaType(schema=PROBLEM_SCHEMA)},
        headers=headers,
    )


def _closed_structs(annotation: Any) -> set[str]:
    """Names of the Structs within `annotation` that refuse unknown fields."""
    names: set[str] = set()
    seen: set[type] = set()

    def walk(info: Any) -> None:
        if isinstance(info, msgspec.inspect.StructType):
            if info.cls in seen:
                return
            seen.add(info.cls)
            if info.forbid_unknown_fields:
                names.add(info.cls.__name__)
            for field in info.fields:
                walk(field.type)
        elif isinstance(info, msgspec.inspect.UnionType):
            for member in info.types:
                walk(member)
        elif isinstance(info, msgspec.inspect.Metadata):
            walk(info.type)
        elif isinstance(
            info, msgspec.inspect.ListType | msgspec.inspect.SetType | msgspec.inspect.VarTupleType
        ):
            walk(info.item_type)
        elif isinstance(info, msgspec.inspect.DictType):
            walk(info.value_type)

    try:
        walk(msgspec.inspect.type_info(annotation))
    except (TypeError, ValueError):  # not a msgspec type (a plain dict, a Litestar body)
        return set()
    return names


def _close_bodies(schema: OpenAPI, names: set[str]) -> None:
    for key, component in (
        (schema.components.schemas if schema.components else None) or {}
    ).items():
        if isinstance(component, Schema) and (key in names or component.title in names):
            component.additional_properties = False


def document_api(app: Litestar, public_paths: Sequence[str]) -> OpenAPI:
    """Complete the app's OpenAPI document in place (at start-up; it is built once)."""
    schema = app.openapi_schema
    closed: set[str] = set()
    for path, handler, operation in _operations(app, schema):
        staff = not _is_public(handler, path, public_paths)
        if handler.opt.get("customer_token"):
            operation.security = [{CUSTOMER_TOKEN: []}]
        elif not staff:
            operation.security = []
        responses = operation.responses if operation.responses is not None else {}
        no_content = responses.get("204")
        if isinstance(no_content, OpenAPIResponse):  # Litestar documents a JSON `null` body
            no_content.content = None
        for status in sorted(problem_statuses(handler, operation, staff)):
            responses.setdefault(str(status), _problem_response(status))
        operation.responses = responses
        if handler.parsed_data_field is not None:
            closed |= _closed_structs(handler.parsed_data_field.annotation)
    _close_bodies(schema, closed)
    schema.components = schema.components or Components()
    schemes = dict(schema.components.security_schemes or {})
    schemes[CUSTOMER_TOKEN] = _CUSTOMER_SCHEME
    schema.components.security_schemes = schemes
    return document_problem_responses(schema)
