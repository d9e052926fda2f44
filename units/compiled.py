"""A query whose SQL is compiled once per process, then run with each request's values.

Building a queryset and compiling it costs Django more than PostgreSQL takes to run a small
query: a grid row's save made some thirty of them, most of its time (docs/PERFORMANCE.md,
"Saving a grid row"). `CompiledRows` builds and compiles a `values_list` queryset once per
database and shape of its arguments (the length of each list), with stand-in values, and then
runs that SQL with the real values and reads the rows through the converters the ORM would
apply: the same rows as `list(build(*args))`, as tuples. The scope of a request does the same
by hand (`units.scope._scope_fetch`).

The arguments are whole numbers (ids), dates and lists of whole numbers. `build` must be a
pure function of them that only compares columns with them (`=`, `IN`, `<=`...): the SQL is
compiled twice with two sets of stand-ins and refused (`ValueError`) unless the two differ
exactly in the stand-ins' places, so that an argument Django would transform (a `startswith`
pattern, a date shifted by a day) can never be kept as a constant.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet

Arg: TypeAlias = int | dt.date | list[int]
Slot: TypeAlias = tuple[int, int | None, bool]  # argument, element of a list, adapted date

# Longer lists are not kept: each length is compiled and kept apart.
LONGEST_LIST = 64
_STAND_IN_INT = (-7_100_000, -7_200_000)
_STAND_IN_DAY = (dt.date(1, 2, 1), dt.date(2, 3, 1))


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]  # the constants; None where `slots` names an argument
    slots: tuple[Slot | None, ...]
    compiler: Any
    converters: dict


_EMPTY = object()  # a shape whose query Django knows to be empty (an empty IN list)


class CompiledRows:
    """The rows of `build(*args)`, a `values_list` queryset, compiled once per shape."""

    def __init__(self, model: type[Model], build: Callable[..., QuerySet]) -> None:
        self.model = model  # the queryset's, which names the database it is read from
        self.build = build
        self._compiled: dict[tuple, _Compiled | object] = {}

    def rows(self, *args: Arg) -> list[tuple]:
        if any(isinstance(a, list) and len(a) > LONGEST_LIST for a in args):
            return list(self.build(*args))
        alias = router.db_for_read(self.model)
        key = (alias, *(len(a) if isinstance(a, list) else type(a).__name__ for a in args))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(alias, args)
        if compiled is _EMPTY:
            return []
        assert isinstance(compiled, _Compiled)
        connection = connections[compiled.compiler.using]
        params = []
        for constant, slot in zip(compiled.params, compiled.slots, strict=True):
            if slot is None:
                params.append(constant)
                continue
            index, element, adapted = slot
            arg = args[index]
            value: Any = arg[element] if isinstance(arg, list) and element is not None else arg
            params.append(connection.ops.adapt_datefield_value(value) if adapted else value)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: Any = cursor.fetchall()
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        return [tuple(row) for row in rows]

    def _compile(self, alias: str, args: tuple[Arg, ...]) -> _Compiled | object:
        connection = connections[alias]
        compilers, sqls, found = [], [], []
        for which in (0, 1):
            queryset = self.build(*_stand_ins(args, which))
            compiler = queryset.query.get_compiler(using=alias)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                return _EMPTY
            compilers.append(compiler)
            sqls.append(sql)
            found.append(params)
        if sqls[0] != sqls[1] or len(found[0]) != len(found[1]):
            raise ValueError("The query's SQL depends on its arguments' values.")
        places = [_places(args, which, connection) for which in (0, 1)]
        constants: list[Any] = []
        slots: list[Slot | None] = []
        for first, second in zip(found[0], found[1], strict=True):
            slot = _place_of(places[0], first)
            if slot is None and first == second:
                constants.append(first)
                slots.append(None)
            elif slot is not None and slot == _place_of(places[1], second):
                constants.append(None)
                slots.append(slot)
            else:
                raise ValueError("An argument of the query is transformed, not compared.")
        compiler = compilers[0]
        columns = [s[0] for s in compiler.select[: compiler.col_count]]
        return _Compiled(
            sql=sqls[0],
            params=tuple(constants),
            slots=tuple(slots),
            compiler=compiler,
            converters=compiler.get_converters(columns),
        )


def _stand_ins(args: tuple[Arg, ...], which: int) -> list[Arg]:
    """Stand-ins of the same shape as `args`, each one distinct (set `which` of two)."""
    number = itertools.count(_STAND_IN_INT[which], -1)
    day = itertools.count(0)
    found: list[Arg] = []
    for arg in args:
        if isinstance(arg, list):
            found.append([next(number) for _ in arg])
        elif isinstance(arg, dt.date):
            found.append(_STAND_IN_DAY[which] + dt.timedelta(days=next(day)))
        elif isinstance(arg, int) and not isinstance(arg, bool):
            found.append(next(number))
        else:
            raise TypeError(f"A compiled query takes ids, dates and lists of ids, not {arg!r}.")
    return found


def _places(args: tuple[Arg, ...], which: int, connection: BaseDatabaseWrapper) -> dict[Any, Slot]:
    """Where each stand-in of set `which` stands: its argument, its element, whether the
    database's adapted form of a date is what the SQL's parameters hold."""
    places: dict[Any, Slot] = {}
    for index, stand_in in enumerate(_stand_ins(args, which)):
        if isinstance(stand_in, list):
            for element, value in enumerate(stand_in):
                places[value] = (index, element, False)
        elif isinstance(stand_in, dt.date):
            places[(dt.date, stand_in)] = (index, None, False)
            adapted = connection.ops.adapt_datefield_value(stand_in)
            if adapted != stand_in:
                places[(str, adapted)] = (index, None, True)
        else:
            places[stand_in] = (index, None, False)
    return places


def _place_of(places: dict[Any, Slot], param: Any) -> Slot | None:
    if isinstance(param, dt.date) and not isinstance(param, dt.datetime):
        return places.get((dt.date, param))
    if isinstance(param, str):
        return places.get((str, param))
    if isinstance(param, int) and not isinstance(param, bool):
        return places.get(param)
    return None
