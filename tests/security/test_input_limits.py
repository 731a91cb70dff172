"""Every string a client can send in a JSON body is bounded: each request-body field, as
msgspec validates it, has a maximum length, a fixed set of values, or a date/time format.
(The page forms cut their fields to length themselves.)"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar

from luukku.database import MAX_ROW_ID

BOUNDED_FORMATS = {"date", "date-time", "time", "duration", "uuid", "email"}


def _unbounded(
    schema: dict[str, Any], definitions: dict[str, Any], where: str, seen: frozenset[str]
) -> list[str]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        return _unbounded(definitions[name], definitions, where, seen | {name})
    found: list[str] = []
    for key in ("oneOf", "anyOf", "allOf"):
        for option in schema.get(key, []):
            found += _unbounded(option, definitions, where, seen)
    bounded = (
        "maxLength" in schema
        or "enum" in schema
        or "const" in schema
        or schema.get("format") in BOUNDED_FORMATS
    )
    if schema.get("type") == "string" and not bounded:
        found.append(where)
    for name, prop in schema.get("properties", {}).items():
        found += _unbounded(prop, definitions, f"{where}.{name}", seen)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            found += _unbounded(schema[key], definitions, f"{where}[]", seen)
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
            unbounded += _unbounded(schema, schema.get("$defs", {}), where, frozenset())
    assert bodies > 15
    assert unbounded == [], "\n".join(unbounded)


# Answers on a 1-5 scale: the service checks them (422 naming the field) before any query.
CHECKED_BY_THE_SERVICE = {"needs_met", "communication"}


def _unbounded_integers(
    schema: dict[str, Any], definitions: dict[str, Any], where: str, seen: frozenset[str]
) -> list[str]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        return _unbounded_integers(definitions[name], definitions, where, seen | {name})
    found: list[str] = []
    bounds = {key: schema[key] for key in ("minimum", "maximum") if key in schema}
    for key in ("oneOf", "anyOf", "allOf"):
        for option in schema.get(key, []):
            # Litestar puts an optional parameter's bounds beside its `oneOf`.
            found += _unbounded_integers(bounds | option, definitions, where, seen)
    if (
        schema.get("type") == "integer"
        and not ("minimum" in schema and schema.get("maximum", MAX_ROW_ID + 1) <= MAX_ROW_ID)
        and where.rsplit(".", 1)[-1] not in CHECKED_BY_THE_SERVICE
    ):
        found.append(where)
    for name, prop in schema.get("properties", {}).items():
        found += _unbounded_integers(prop, definitions, f"{where}.{name}", seen)
    if isinstance(schema.get("items"), dict):
        found += _unbounded_integers(schema["items"], definitions, f"{where}[]", seen)
    return found


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
                unbounded += _unbounded_integers(
                    schema, schema.get("$defs", {}), where, frozenset()
                )
    for path, item in (app.openapi_schema.paths or {}).items():
        for method in ("get", "put", "post", "delete", "patch"):
            operation = getattr(item, method)
            for parameter in (operation.parameters if operation else None) or []:
                schema = msgspec.to_builtins(parameter.schema.to_schema())
                unbounded += _unbounded_integers(
                    schema, {}, f"{method.upper()} {path} {parameter.name}", frozenset()
                )
    assert unbounded == [], "\n".join(unbounded)
