"""Model fields of our own (字段).

:class:`RowidAutoField`: the primary key of a large append-only table. On SQLite Django declares
every automatic primary key ``INTEGER PRIMARY KEY AUTOINCREMENT``, which keeps the largest id ever
given in ``sqlite_sequence`` and updates that row for every row inserted (≈ 12 % of inserting an
approval event). A plain ``INTEGER PRIMARY KEY`` — SQLite's rowid — gives the largest id in the
table plus one instead: the same ids, except that after the row holding the largest id is deleted,
that id is given again. So only for tables whose rows are never deleted one by one (emptied whole
by ``flush``, ``zeren demo --reset`` or ``zeren restore --force``, where every reference to them goes
too). PostgreSQL: a ``BigAutoField`` unchanged (``bigint`` identity).
"""

from __future__ import annotations

from typing import Any

from django.db import models


class RowidAutoField(models.BigAutoField):
    """A ``BigAutoField`` that is SQLite's rowid without ``AUTOINCREMENT``: see the module docstring."""

    def db_type_suffix(self, connection: Any) -> str | None:
        if connection.vendor == "sqlite":
            return None
        return super().db_type_suffix(connection)
