"""Set-based reads and writes: one statement per table per chunk, whatever the chunk's size.

The only backend-specific SQL of the project lives here. PostgreSQL gets each column as one array parameter
and a single `INSERT … SELECT FROM unnest(…)` (as fast as COPY for our chunk sizes and it can RETURNING);
SQLite gets one `executemany` of the same statement shape. Both variants run the whole ingest test suite.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson
from django.db import connection, models
from django.db.models import Q

Row = Sequence[Any]


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _cursor(*, reads_json: bool = False) -> Any:
    """A cursor for the bulk statements. On PostgreSQL, Django's psycopg cursors bind parameters client-side,
    quoting every array element in Python; a server-side binding cursor sends the arrays as typed parameters
    (several times faster for 1000-row chunks). It is wrapped like Django's own, so queries are logged.

    Its statements are not prepared: PostgreSQL's generic plan for `col = ANY($1)` with 1000-element arrays
    scans the table, and seeding slowed tenfold as the table grew."""
    if not _is_postgres():
        return connection.cursor()
    import psycopg
    from psycopg.types.json import set_json_loads

    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    raw.format = psycopg.pq.Format.BINARY  # results too: no text parsing of dates and numbers
    if reads_json:
        set_json_loads(orjson.loads, raw)
    return connection._prepare_cursor(raw)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class _Table:
    """A model's table and some of its columns, resolved once per process (statement text is built from
    these on every chunk, and a synchronous upsert is a chunk of one)."""

    name: str
    columns: tuple[str, ...]  # quoted
    fields: tuple[models.Field[Any, Any], ...]
    pg_types: tuple[tuple[str, str], ...]  # (array element type, cast in the SELECT)
    converters: tuple[Callable[[Any], Any] | None, ...]


@lru_cache(maxsize=512)
def _table(vendor: str, model: type[models.Model], names: tuple[str, ...]) -> _Table:
    fields: tuple[models.Field[Any, Any], ...] = tuple(
        model._meta.get_field(name)  # type: ignore[misc]
        for name in names
    )
    pg = vendor == "postgresql"
    return _Table(
        name=_q(model._meta.db_table),
        columns=tuple(_q(str(f.column)) for f in fields),
        fields=fields,
        pg_types=tuple(_pg_array_type(f) for f in fields) if pg else (),
        converters=tuple(_converter(f, pg) for f in fields),
    )


def _t(model: type[models.Model], names: Sequence[str]) -> _Table:
    return _table(connection.vendor, model, tuple(names))


@dataclass(frozen=True, slots=True)
class RowsInsert:
    """More rows for another table, written by the same statement as the rows they accompany (PostgreSQL:
    a data-modifying CTE; SQLite: a second executemany). Saves a round trip per chunk: the contact
    history rides on the contact writes."""

    model: type[models.Model]
    columns: tuple[str, ...]
    rows: Sequence[Row]


@dataclass(frozen=True, slots=True)
class ReturnedLog:
    """A row for another table per inserted row, written by the insert's own statement (PostgreSQL only):
    `columns[0]` takes the inserted row's primary key, the other columns the constant `values`."""

    model: type[models.Model]
    columns: tuple[str, ...]
    values: tuple[Any, ...]


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
    sql = _select_sql(model, tuple(columns), tuple(where), tuple(matching), combine, order_by, lock)
    with _cursor(reads_json=True) as cursor:
        cursor.execute(sql, [*where.values(), *(list(values) for values in matching.values())])
        return list(cursor.fetchall())


@lru_cache(maxsize=256)
def _select_sql(
    model: type[models.Model],
    columns: tuple[str, ...],
    where: tuple[str, ...],
    matching: tuple[str, ...],
    combine: str,
    order_by: str | None,
    lock: bool,
) -> str:
    selected = _t(model, columns)
    clauses = [f"{c} = %s" for c in _t(model, where).columns]
    any_table = _t(model, matching)
    any_clauses = [
        f"{c} = ANY(%b::{array_type}[])"
        for c, (array_type, _) in zip(any_table.columns, any_table.pg_types, strict=True)
    ]
    if any_clauses:
        clauses.append("(" + f" {combine.upper()} ".join(any_clauses) + ")")
    sql = f"SELECT {', '.join(selected.columns)} FROM {selected.name} WHERE {' AND '.join(clauses)}"  # noqa: S608
    if order_by:
        sql += f" ORDER BY {_t(model, [order_by]).columns[0]}"
    if lock:
        sql += " FOR UPDATE"
    return sql


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


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


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def _date_text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _converter(field: models.Field[Any, Any], pg: bool) -> Callable[[Any], Any] | None:
    """What a non-null value goes through before it is sent."""
    if isinstance(field, models.JSONField):
        return _json_text
    if pg:
        return None
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return _date_text
    return None


def _columns_as_arrays(table: _Table, rows: Sequence[Row]) -> list[list[Any]]:
    arrays: list[list[Any]] = []
    for i, conv in enumerate(table.converters):
        column = [row[i] for row in rows]
        if conv is not None:
            column = [None if v is None else conv(v) for v in column]
        arrays.append(column)
    return arrays


def _converted_rows(table: _Table, rows: Sequence[Row]) -> list[tuple[Any, ...]]:
    converters = table.converters
    if not any(converters):
        return [tuple(r) for r in rows]
    return [
        tuple(c(v) if c is not None and v is not None else v for c, v in zip(converters, row, strict=True))
        for row in rows
    ]


def _unnest_select(table: _Table) -> tuple[str, str]:
    """(`SELECT t.a, t.b::jsonb …`, `unnest(%b::text[], …) AS t(a, b …)`) for an INSERT … SELECT."""
    select = ", ".join(f"t.{c}{cast}" for c, (_, cast) in zip(table.columns, table.pg_types, strict=True))
    unnest = ", ".join(f"%b::{t}[]" for t, _ in table.pg_types)
    return select, f"unnest({unnest}) AS t({', '.join(table.columns)})"


def _conflict_clause(
    model: type[models.Model], conflict: tuple[str, ...] | None, update: tuple[str, ...] | None
) -> str:
    if conflict is None:
        return ""
    target = f"({', '.join(_t(model, conflict).columns)})" if conflict else ""
    if not update:
        return f" ON CONFLICT {target} DO NOTHING"
    sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in _t(model, update).columns)
    return f" ON CONFLICT {target} DO UPDATE SET {sets}"


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Row],
    *,
    conflict: Sequence[str] | None = None,
    update: Sequence[str] | None = None,
    returning: Sequence[str] | None = None,
    log: ReturnedLog | None = None,
) -> list[tuple[Any, ...]]:
    """Insert `rows` (tuples in `columns` order) in one statement.

    `conflict` = the conflict target columns (empty = any constraint) for ON CONFLICT; with `update` the
    named columns take the new values, without it conflicting rows are skipped. `returning` and `log` are
    honoured on PostgreSQL only (SQLite callers read back what they need and write their logs themselves).
    """
    if not rows:
        return []
    table = _t(model, columns)
    with _cursor() as cursor:
        if _is_postgres():
            sql = _pg_insert_sql(
                model,
                tuple(columns),
                None if conflict is None else tuple(conflict),
                None if update is None else tuple(update),
                tuple(returning or ()),
                (log.model, log.columns) if log is not None else None,
            )
            params = _columns_as_arrays(table, rows)
            if log is not None:
                log_table = _t(log.model, log.columns)
                params += [
                    v if v is None or conv is None else conv(v)
                    for conv, v in zip(log_table.converters[1:], log.values, strict=True)
                ]
            cursor.execute(sql, params)
            return list(cursor.fetchall()) if returning else []
        placeholders = ", ".join(["%s"] * len(table.columns))
        tail = _conflict_clause(
            model, None if conflict is None else tuple(conflict), None if update is None else tuple(update)
        )
        sql = f"INSERT INTO {table.name} ({', '.join(table.columns)}) VALUES ({placeholders}){tail}"  # noqa: S608
        cursor.executemany(sql, _converted_rows(table, rows))
        return []


@lru_cache(maxsize=256)
def _pg_insert_sql(
    model: type[models.Model],
    columns: tuple[str, ...],
    conflict: tuple[str, ...] | None,
    update: tuple[str, ...] | None,
    returning: tuple[str, ...],
    log: tuple[type[models.Model], tuple[str, ...]] | None,
) -> str:
    table = _t(model, columns)
    select, source = _unnest_select(table)
    sql = (
        f"INSERT INTO {table.name} ({', '.join(table.columns)}) SELECT {select} "  # noqa: S608 - identifiers from models
        f"FROM {source}{_conflict_clause(model, conflict, update)}"
    )
    if log is None:
        if returning:
            sql += " RETURNING " + ", ".join(_t(model, returning).columns)
        return sql
    # The log's INSERT reads the inserted rows' keys from the CTE; PostgreSQL runs a data-modifying CTE
    # exactly once whether or not the outer query reads it.
    pk = _q(model._meta.pk.column)
    log_table = _t(*log)
    returned = tuple(dict.fromkeys([pk, *_t(model, returning).columns]))
    constants = ", ".join(f"%b::{pg_type}{cast}" for (pg_type, cast) in log_table.pg_types[1:])
    return (
        f"WITH ins AS ({sql} RETURNING {', '.join(returned)}), "  # noqa: S608 - identifiers from models
        f"log AS (INSERT INTO {log_table.name} ({', '.join(log_table.columns)}) "
        f"SELECT ins.{pk}, {constants} FROM ins) "
        f"SELECT {', '.join(f'ins.{c}' for c in _t(model, returning).columns)} FROM ins"
    )


def update_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Row],
    *,
    also: RowsInsert | None = None,
) -> None:
    """Set `columns[1:]` on the rows whose primary key is `columns[0]`, in one statement; `also` inserts
    rows into another table in that same statement."""
    if not rows:
        if also is not None:
            insert_rows(also.model, also.columns, also.rows)
        return
    table = _t(model, columns)
    with _cursor() as cursor:
        if _is_postgres():
            extra = also if also is not None and also.rows else None
            sql = _pg_update_sql(model, tuple(columns), (extra.model, extra.columns) if extra else None)
            params = _columns_as_arrays(table, rows)
            if extra is not None:
                params += _columns_as_arrays(_t(extra.model, extra.columns), extra.rows)
            cursor.execute(sql, params)
            return
        key, rest = table.columns[0], table.columns[1:]
        sets = ", ".join(f"{c} = %s" for c in rest)
        sql = f"UPDATE {table.name} SET {sets} WHERE {key} = %s"  # noqa: S608
        converted = _converted_rows(table, rows)
        cursor.executemany(sql, [(*row[1:], row[0]) for row in converted])
    if also is not None:
        insert_rows(also.model, also.columns, also.rows)


@lru_cache(maxsize=256)
def _pg_update_sql(
    model: type[models.Model],
    columns: tuple[str, ...],
    also: tuple[type[models.Model], tuple[str, ...]] | None,
) -> str:
    table = _t(model, columns)
    key, rest = table.columns[0], table.columns[1:]
    unnest = ", ".join(f"%b::{t}[]" for t, _ in table.pg_types)
    sets = ", ".join(f"{c} = t.{c}{cast}" for c, (_, cast) in zip(rest, table.pg_types[1:], strict=True))
    sql = (
        f"UPDATE {table.name} AS m SET {sets} FROM unnest({unnest}) AS t({', '.join(table.columns)}) "  # noqa: S608
        f"WHERE m.{key} = t.{key}"
    )
    if also is None:
        return sql
    also_table = _t(*also)
    select, source = _unnest_select(also_table)
    return (
        f"WITH upd AS ({sql}) "  # noqa: S608 - identifiers from models
        f"INSERT INTO {also_table.name} ({', '.join(also_table.columns)}) SELECT {select} FROM {source}"
    )


def delete_pairs(
    model: type[models.Model], columns: tuple[str, str], pairs: Sequence[tuple[Any, Any]]
) -> None:
    """Delete the rows whose two columns match one of `pairs`, in one statement."""
    if not pairs:
        return
    table = _t(model, columns)
    a, b = table.columns
    with _cursor() as cursor:
        if _is_postgres():
            cursor.execute(
                f"DELETE FROM {table.name} AS m USING unnest(%b::bigint[], %b::bigint[]) AS t(a, b) "  # noqa: S608
                f"WHERE m.{a} = t.a AND m.{b} = t.b",
                [[p[0] for p in pairs], [p[1] for p in pairs]],
            )
            return
        cursor.executemany(f"DELETE FROM {table.name} WHERE {a} = %s AND {b} = %s", list(pairs))  # noqa: S608
