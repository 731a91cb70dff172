"""Piccolo queries built once: the SQL of a hot query compiled at its first run, values bound
at each run.

Building a query is most of what a booking costs in Python: Piccolo assembles its SQL from
column objects on every call (about 0.2–0.4 ms a statement). A `CompiledQuery` is written as
an ordinary Piccolo query whose values are parameters:

    _SERVICE = CompiledQuery(
        Service, lambda slug: Service.select(Service.id).where(Service.slug == slug).limit(1)
    )
    rows = await _SERVICE(slug)

At the first run for an engine type (and, for list parameters, a list length) the query is
built with markers in place of the values and compiled once; each run then substitutes the
values into the compiled arguments and runs the SQL through the same engine call as Piccolo
(`run_querystring`: the current transaction, the pool, read replicas), and shapes the rows as
the query itself would. A marker that Piccolo writes into the SQL text instead of passing as
an argument is refused when the query is compiled, so a value can never be silently frozen.
A parameter may be used more than once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from piccolo.query.base import Query
from piccolo.querystring import QueryString
from piccolo.table import Table


@dataclass(frozen=True, slots=True)
class _Marker:
    """Where the value of parameter `position` (item `item` of a list parameter) goes."""

    position: int
    item: int | None = None


@dataclass(frozen=True, slots=True)
class _Compiled:
    query: Query[Any, Any]
    sql: str
    args: tuple[Any, ...]
    slots: tuple[tuple[int, _Marker], ...]
    """(argument index, marker) of each argument that takes a value."""


def _shape(values: Sequence[Any]) -> tuple[int | None, ...]:
    return tuple(len(value) if isinstance(value, list | tuple) else None for value in values)


class CompiledQuery:
    """`await query(*values)`: the rows of `build(*values)`, its SQL compiled once per engine
    type and per length of each list parameter. Values that are lists must be lists (or
    tuples); the others are passed to the database as they are."""

    def __init__(self, table: type[Table], build: Callable[..., Query[Any, Any]]) -> None:
        self._table = table
        """Whose engine runs the query (tests bind tables to an engine of their own)."""
        self._build = build
        self._compiled: dict[tuple[str, tuple[int | None, ...]], _Compiled] = {}

    def _compile(self, engine_type: str, shape: tuple[int | None, ...]) -> _Compiled:
        markers = [
            _Marker(position)
            if length is None
            else [_Marker(position, item) for item in range(length)]
            for position, length in enumerate(shape)
        ]
        query = self._build(*markers)
        querystrings = query.querystrings
        if len(querystrings) != 1:
            raise ValueError("a compiled query must be one statement")
        sql, args = querystrings[0].compile_string(engine_type=engine_type)
        slots = tuple((index, arg) for index, arg in enumerate(args) if isinstance(arg, _Marker))
        expected = {
            marker
            for value in markers
            for marker in (value if isinstance(value, list) else [value])
        }
        found = {marker for _, marker in slots}
        if found != expected:
            raise ValueError(
                "every parameter of a compiled query must reach the database as an argument "
                f"({len(expected - found)} of {len(expected)} did not): {sql}"
            )
        return _Compiled(query, sql, tuple(args), slots)

    async def __call__(self, *values: Any) -> list[dict[str, Any]]:
        shape = _shape(values)
        engine = self._table._meta.db
        key = (engine.engine_type, shape)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(engine.engine_type, shape)
        args = list(compiled.args)
        for index, marker in compiled.slots:
            value = values[marker.position]
            args[index] = value if marker.item is None else value[marker.item]
        bound = QueryString(compiled.sql)
        bound._frozen_compiled_strings = (compiled.sql, args)
        results = await engine.run_querystring(bound)
        return await compiled.query._process_results(results)  # type: ignore[no-any-return]
