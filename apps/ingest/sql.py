"""Set-based reads and writes: one statement per table per chunk, whatever the chunk's size.

The only backend-specific SQL of the project lives here. PostgreSQL gets each column as one array parameter
and a single `INSERT … SELECT FROM unnest(…)` (as fast as COPY for our chunk sizes and it can RETURNING);
SQLite gets one `executemany` of the same statement shape. Both variants run the whole ingest test suite.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from typing import Any

import orjson
from django.db import connection, models
from django.db.models import Q

Row = Sequence[Any]


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _cursor() -> Any:
    """A cursor for the bulk statements. On PostgreSQL, Django's psycopg cursors bind parameters client-side,
    quoting every array element in Python; a server-side binding cursor sends the arrays as typed parameters
    (several times faster for 1000-row chunks). It is wrapped like Django's own, so queries are logged."""
    if not _is_postgres():
        return connection.cursor()
    import psycopg
    from psycopg.types.json import set_json_loads

    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    raw.format = psycopg.pq.Format.BINARY  # results too: no text parsing of dates and numbers
    set_json_loads(orjson.loads, raw)
    return connection._prepare_cursor(raw)  # type: ignore[attr-defined]


def fetch_matching(
    model: type[models.Model],
    columns: Sequence[str],
    *,
    where: dict[str, Any],
    matching: dict[str, Collection[Any]],
    combine: str = "or",
    order_by: str | None = None,
    lock: bool = False,
) -> list[tuple[Any, ...]]:
    """Rows of `model` (as tuples of `columns`) whose `where` columns equal their values and whose `matching`
    columns hold one of the given values (any of them with combine="or", all with "and").

    PostgreSQL gets one array parameter per column (`col = ANY($n)`) on the fast cursor, instead of IN-lists
    of a thousand placeholders; `lock` adds FOR UPDATE after the ORDER BY, so rows lock in that order."""
    matching = {name: values for name, values in matching.items() if values}
    if not _is_postgres():
        condition = Q()
        for name, values in matching.items():
            condition = (
                (condition | Q(**{f"{name}__in": values}))
                if combine == "or"
                else (condition & Q(**{f"{name}__in": values}))
            )
        qs = model._default_manager.filter(condition, **where)
        if order_by:
            qs = qs.order_by(order_by)
        return list(qs.values_list(*columns))
    fields = {
        f.name: f for f in _fields(model, [*columns, *where, *matching, *([order_by] if order_by else [])])
    }
    fields.update({f.attname: f for f in fields.values()})
    select = ", ".join(_q(fields[c].column) for c in columns)
    clauses: list[str] = []
    params: list[Any] = []
    for name, value in where.items():
        clauses.append(f"{_q(fields[name].column)} = %s")
        params.append(value)
    any_clauses = []
    for name, values in matching.items():
        array_type, _ = _pg_array_type(fields[name])
        any_clauses.append(f"{_q(fields[name].column)} = ANY(%b::{array_type}[])")
        params.append(list(values))
    if any_clauses:
        clauses.append("(" + f" {combine.upper()} ".join(any_clauses) + ")")
    sql = f"SELECT {select} FROM {_q(model._meta.db_table)} WHERE {' AND '.join(clauses)}"  # noqa: S608
    if order_by:
        sql += f" ORDER BY {_q(fields[order_by].column)}"
    if lock:
        sql += " FOR UPDATE"
    with _cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _fields(model: type[models.Model], names: Sequence[str]) -> list[models.Field[Any, Any]]:
    meta = model._meta
    return [meta.get_field(name) for name in names]  # type: ignore[misc]


def _pg_array_type(field: models.Field[Any, Any]) -> tuple[str, str]:
    """(array element type for the parameter, cast applied in the SELECT)."""
    if isinstance(field, models.JSONField):
        return "text", "::jsonb"
    if isinstance(field, models.ForeignKey):
        return "bigint", ""
    db_type = field.db_type(connection) or "text"
    if db_type.startswith("varchar") or db_type == "text":
        return "text", ""
    return db_type, ""


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    if isinstance(field, models.JSONField):
        return lambda v: None if v is None else orjson.dumps(v).decode()
    if _is_postgres():
        return None
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return lambda v: v.isoformat() if isinstance(v, dt.date) else v
    return None


def _columns_as_arrays(fields: list[models.Field[Any, Any]], rows: Sequence[Row]) -> list[list[Any]]:
    arrays: list[list[Any]] = []
    for i, field in enumerate(fields):
        column = [row[i] for row in rows]
        conv = _converter(field)
        if conv is not None:
            column = [None if v is None else conv(v) for v in column]
        arrays.append(column)
    return arrays


def _converted_rows(fields: list[models.Field[Any, Any]], rows: Sequence[Row]) -> list[tuple[Any, ...]]:
    converters = [_converter(f) for f in fields]
    if not any(converters):
        return [tuple(r) for r in rows]
    return [
        tuple(c(v) if c is not None and v is not None else v for c, v in zip(converters, row, strict=True))
        for row in rows
    ]


def _conflict_clause(
    conflict: Sequence[str] | None, update: Sequence[str] | None, merge_json: str | None
) -> str:
    if conflict is None:
        return ""
    target = f"({', '.join(conflict)})" if conflict else ""
    if not update:
        return f" ON CONFLICT {target} DO NOTHING"
    sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in update)
    return f" ON CONFLICT {target} DO UPDATE SET {sets}"


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Row],
    *,
    conflict: Sequence[str] | None = None,
    update: Sequence[str] | None = None,
    returning: Sequence[str] | None = None,
) -> list[tuple[Any, ...]]:
    """Insert `rows` (tuples in `columns` order) in one statement.

    `conflict` = the conflict target columns (empty = any constraint) for ON CONFLICT; with `update` the
    named columns take the new values, without it conflicting rows are skipped. `returning` is honoured on
    PostgreSQL only (SQLite callers read back what they need).
    """
    if not rows:
        return []
    fields = _fields(model, columns)
    cols = [_q(f.column) for f in fields]
    table = _q(model._meta.db_table)
    upd = [_q(f.column) for f in _fields(model, update)] if update else None
    tail = _conflict_clause(
        [_q(f.column) for f in _fields(model, conflict)] if conflict else conflict, upd, None
    )
    with _cursor() as cursor:
        if _is_postgres():
            types = [_pg_array_type(f) for f in fields]
            unnest = ", ".join(f"%b::{t}[]" for t, _ in types)
            select = ", ".join(f"t.{c}{cast}" for c, (_, cast) in zip(cols, types, strict=True))
            sql = (
                f"INSERT INTO {table} ({', '.join(cols)}) SELECT {select} "  # noqa: S608 - identifiers from models
                f"FROM unnest({unnest}) AS t({', '.join(cols)}){tail}"
            )
            if returning:
                sql += " RETURNING " + ", ".join(_fields_columns(model, returning))
            cursor.execute(sql, _columns_as_arrays(fields, rows))
            return list(cursor.fetchall()) if returning else []
        placeholders = ", ".join(["%s"] * len(cols))
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({placeholders}){tail}"  # noqa: S608
        cursor.executemany(sql, _converted_rows(fields, rows))
        return []


def update_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[Row]) -> None:
    """Set `columns[1:]` on the rows whose primary key is `columns[0]`, in one statement."""
    if not rows:
        return
    fields = _fields(model, columns)
    cols = [_q(f.column) for f in fields]
    table = _q(model._meta.db_table)
    key, rest = cols[0], cols[1:]
    with _cursor() as cursor:
        if _is_postgres():
            types = [_pg_array_type(f) for f in fields]
            unnest = ", ".join(f"%b::{t}[]" for t, _ in types)
            sets = ", ".join(f"{c} = t.{c}{cast}" for c, (_, cast) in zip(rest, types[1:], strict=True))
            sql = (
                f"UPDATE {table} AS m SET {sets} FROM unnest({unnest}) AS t({', '.join(cols)}) "  # noqa: S608
                f"WHERE m.{key} = t.{key}"
            )
            cursor.execute(sql, _columns_as_arrays(fields, rows))
            return
        sets = ", ".join(f"{c} = %s" for c in rest)
        sql = f"UPDATE {table} SET {sets} WHERE {key} = %s"  # noqa: S608
        converted = _converted_rows(fields, rows)
        cursor.executemany(sql, [(*row[1:], row[0]) for row in converted])


def delete_pairs(
    model: type[models.Model], columns: tuple[str, str], pairs: Sequence[tuple[Any, Any]]
) -> None:
    """Delete the rows whose two columns match one of `pairs`, in one statement."""
    if not pairs:
        return
    fields = _fields(model, columns)
    a, b = (_q(f.column) for f in fields)
    table = _q(model._meta.db_table)
    with _cursor() as cursor:
        if _is_postgres():
            cursor.execute(
                f"DELETE FROM {table} AS m USING unnest(%b::bigint[], %b::bigint[]) AS t(a, b) "  # noqa: S608
                f"WHERE m.{a} = t.a AND m.{b} = t.b",
                [[p[0] for p in pairs], [p[1] for p in pairs]],
            )
            return
        cursor.executemany(f"DELETE FROM {table} WHERE {a} = %s AND {b} = %s", list(pairs))  # noqa: S608


def _fields_columns(model: type[models.Model], names: Sequence[str]) -> list[str]:
    return [_q(f.column) for f in _fields(model, names)]
