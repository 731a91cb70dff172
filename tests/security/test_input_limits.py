"""Every string a client can send in a JSON body is bounded: each request-body field, as
msgspec validates it, has a maximum length, a fixed set of values, or a date/time format.
(The page forms cut their fields to length themselves.)"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar

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
