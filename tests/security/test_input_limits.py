"""Everything a client can send is bounded: each request-body string, as msgspec validates it,
has a maximum length, a fixed set of values, or a date/time format (the page forms cut their
fields to length themselves); each integer in a body, path or query fits an `integer` column."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
from litestar import Litestar

from luukku.database import MAX_ROW_ID

BOUNDED_FORMATS = {"date", "date-time", "time", "duration", "uuid", "email"}


Unbounded = Callable[[dict[str, Any], str], bool]


def _unbounded_string(schema: dict[str, Any], where: str) -> bool:
    bounded = (
        "maxLength" in schema
        or "enum" in schema
        or "const" in schema
        or schema.get("format") in BOUNDED_FORMATS
    )
    return schema.get("type") == "string" and not bounded


# Answers on a 1-5 scale: the service checks them (422 naming the field) before any query.
CHECKED_BY_THE_SERVICE = {"needs_met", "communication"}


def _unbounded_integer(schema: dict[str, Any], where: str) -> bool:
    return (
        schema.get("type") == "integer"
        and not ("minimum" in schema and schema.get("maximum", MAX_ROW_ID + 1) <= MAX_ROW_ID)
        and where.rsplit(".", 1)[-1] not in CHECKED_BY_THE_SERVICE
    )


def _unbounded(
    schema: dict[str, Any],
    definitions: dict[str, Any],
    where: str,
    seen: frozenset[str],
    unbounded: Unbounded,
) -> list[str]:
    """Where in `schema` a value is `unbounded`, following references once each."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        return _unbounded(definitions[name], definitions, where, seen | {name}, unbounded)
    found: list[str] = []
    bounds = {key: schema[key] for key in ("minimum", "maximum") if key in schema}
    for key in ("oneOf", "anyOf", "allOf"):
        for option in schema.get(key, []):
            # Litestar puts an optional parameter's bounds beside its `oneOf`.
            found += _unbounded(bounds | option, definitions, where, seen, unbounded)
    if unbounded(schema, where):
        found.append(where)
    for name, prop in schema.get("properties", {}).items():
        found += _unbounded(prop, definitions, f"{where}.{name}", seen, unbounded)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            found += _unbounded(schema[key], definitions, f"{where}[]", seen, unbounded)
    return found


def test_every_request_body_string_has_a_maximum_length(app: Litestar):
    unbounded: list[str] = []
    bodies = 0
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            field = handler.parsed_fn_signature.parameters.get("data")
            if field is None:
                continue
            bodies += 1
            schema = msgspec.json.schema(field.annotation)
            where = f"{'/'.join(sorted(handler.http_methods))} {route.path}"
            unbounded += _unbounded(
                schema, schema.get("$defs", {}), where, frozenset(), _unbounded_string
            )
    assert bodies > 15
    assert unbounded == [], "\n".join(unbounded)


def test_every_integer_a_request_sends_fits_a_column(app: Litestar):
    """Ids, cursors and counts in bodies, paths and queries all have a minimum and a maximum
    no larger than an `integer` column holds, so none overflows the driver (a 500)."""
    unbounded: list[str] = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            where = f"{'/'.join(sorted(handler.http_methods))} {route.path}"
            field = handler.parsed_fn_signature.parameters.get("data")
            if field is not None:
                schema = msgspec.json.schema(field.annotation)
                unbounded += _unbounded(
                    schema, schema.get("$defs", {}), where, frozenset(), _unbounded_integer
                )
    for path, item in (app.openapi_schema.paths or {}).items():
        for method in ("get", "put", "post", "delete", "patch"):
            operation = getattr(item, method)
            for parameter in (operation.parameters if operation else None) or []:
                schema = msgspec.to_builtins(parameter.schema.to_schema())
                where = f"{method.upper()} {path} {parameter.name}"
                unbounded += _unbounded(schema, {}, where, frozenset(), _unbounded_integer)
    assert unbounded == [], "\n".join(unbounded)
