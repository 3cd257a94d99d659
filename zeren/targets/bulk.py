"""Plain-SQL bulk writes for the demo city (tens of thousands of rows in well under a second).

The ORM's ``bulk_create`` spends ~1 ms of Python per row on model instances and value preparation;
the demo writes ~80,000 rows. Here rows are tuples, written by :func:`zeren.core.bulk.insert`. Ids
are allocated by the caller from :func:`next_id` so parents can be referenced before they are
written; :func:`sync_sequence` then moves PostgreSQL's sequence past them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, models

from zeren.core import bulk


def next_id(model: type[models.Model]) -> int:
    """The first id above every stored row of ``model``."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
        return int(cursor.fetchone()[0]) + 1


def sync_sequence(model: type[models.Model]) -> None:
    """After explicit ids: PostgreSQL's id sequence continues above them (SQLite needs nothing)."""
    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                       f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")


def _converter(field: models.Field) -> Any:
    """How a column's Python value becomes what the database driver takes (None for as-is)."""
    if isinstance(field, models.JSONField):  # empty lists and dicts, the usual case, without json.dumps
        return lambda v: ("[]" if isinstance(v, list) else "{}") if not v else json.dumps(v, ensure_ascii=False)
    if connection.vendor == "postgresql":
        return None
    # SQLite takes dates and datetimes as text; the few distinct values are converted once each
    memo: dict[Any, str | None] = {}
    if isinstance(field, models.DateTimeField):
        return lambda v: v if v is None else memo.get(v) or memo.setdefault(v, connection.ops.adapt_datetimefield_value(v))
    if isinstance(field, models.DateField):
        return lambda v: v if v is None else memo.get(v) or memo.setdefault(v, v.isoformat())
    return None


def insert(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Insert ``rows`` (tuples in the order of ``columns``, the database column names) into ``model``'s
    table. JSON fields take dicts or lists. Returns the number of rows."""
    if not rows:
        return 0
    table = model._meta.db_table
    fields = {f.column: f for f in model._meta.concrete_fields}
    converters = [(i, conv) for i, c in enumerate(columns) if (conv := _converter(fields[c])) is not None]
    if converters:
        converted: list[list[Any]] = []
        for row in rows:
            values = list(row)
            for i, conv in converters:
                values[i] = conv(values[i])
            converted.append(values)
        rows = converted
    bulk.insert(table, columns, rows)
    return len(rows)
