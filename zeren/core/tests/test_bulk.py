"""The bulk SQL helper on the engine the suite runs on (SQLite, and PostgreSQL in CI): more values than
one query takes, inserts with and without a conflict clause, updates by key, integer reads."""

from datetime import date

import numpy as np
import pytest
from django.db import connection

from zeren.core import bulk
from zeren.org.models import Unit
from zeren.org.testing import make_small_tree

pytestmark = pytest.mark.django_db
TABLE = "zeren_bulk_test"
N = 2 * bulk.PARAMS + 17  # more than two queries' worth of separate parameters


@pytest.fixture
def table():
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {TABLE} (id integer PRIMARY KEY, name varchar(20) UNIQUE, day date)")
    yield TABLE
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {TABLE}")


def day(n: int) -> date | str | None:
    value = None if n % 7 == 0 else date(2026, 1, 1 + n % 28)
    return value if value is None or connection.vendor == "postgresql" else value.isoformat()


def test_insert_select_update_and_conflicts(table):
    bulk.insert(table, ("id", "name", "day"), [(n, f"n{n}", day(n)) for n in range(N)])
    found = bulk.select_in(f"SELECT id, name FROM {table} WHERE", "id", list(range(0, 2 * N, 2)))
    assert sorted(found) == [(n, f"n{n}") for n in range(0, N, 2)]
    bulk.update(table, ("name",), [(f"m{n}", n) for n in range(0, N, 3)])
    assert dict(bulk.select_in(f"SELECT id, name FROM {table} WHERE id < %s AND", "id", [0, 1, 3, 4], [4])) == {
        0: "m0", 1: "n1", 3: "m3"}
    # An existing name is skipped by the conflict clause, the new rows land.
    bulk.insert(table, ("id", "name", "day"), [(N + 1, "n1", None), (N + 2, "fresh", None)],
                conflict="ON CONFLICT (name) DO NOTHING")
    assert bulk.select_in(f"SELECT name FROM {table} WHERE", "id", [N + 1, N + 2]) == [("fresh",)]
    bulk.insert(table, ("id", "name", "day"), [])  # nothing: no query
    conditions = list(bulk.where_in("id", list(range(N))))
    assert len(conditions) == (1 if connection.vendor == "postgresql" else 3)
    with connection.cursor() as cursor:
        total = 0
        for condition, params in conditions:
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {condition}", params)
            total += cursor.fetchone()[0]
    assert total == N


def test_integer_rows_with_days_since_the_epoch(table):
    rows = [(n, f"n{n}", day(n)) for n in range(50)]
    if connection.vendor == "postgresql":  # COPY's own text, as the scan writes its alerts
        text = bulk.copy_text([np.arange(50), np.array([f"n{n}" for n in range(50)], dtype=object),
                               np.array([np.datetime64(d) if d else np.datetime64("NaT") for _, _, d in rows],
                                        dtype="datetime64[D]")], "")
        bulk.insert(table, ("id", "name", "day"), text)
    else:
        bulk.insert(table, ("id", "name", "day"), rows)
    with connection.cursor() as cursor:
        got = bulk.int_rows(cursor, f"SELECT {bulk.int_select(['id', bulk.day_number('day', -1)])} FROM {table} "
                                    f"ORDER BY id", [], 2)
    expected = [[n, -1 if n % 7 == 0 else (date(2026, 1, 1 + n % 28) - date(1970, 1, 1)).days] for n in range(50)]
    assert got.dtype == np.int64 and got.tolist() == expected
    with connection.cursor() as cursor:
        assert bulk.int_rows(cursor, f"SELECT {bulk.int_select(['id'])} FROM {table} WHERE id < 0", [], 1).shape == (0, 1)


def test_instants_written_as_text_read_back_as_exact_microseconds():
    """utc_texts writes what instant_number reads: whole seconds, every digit of the microseconds,
    NULL, the epoch itself and instants either side of it."""
    rng = np.random.default_rng(13)
    us = np.concatenate([rng.integers(1_072_915_200, 2_240_611_200, 300) * 1_000_000,  # 2004-2040, whole seconds
                         rng.integers(1_072_915_200_000_000, 2_240_611_200_000_000, 300),
                         [0, 1, 999_999, -1, -86_400_000_000 + 7, 1_767_323_045_123_456, -5]]).astype(np.int64)
    kind = "timestamp with time zone" if connection.vendor == "postgresql" else "datetime"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE zeren_bulk_instants (id integer PRIMARY KEY, at {kind} NULL)")
    try:
        bulk.insert("zeren_bulk_instants", ("id", "at"), list(enumerate(bulk.utc_texts(us, -5))))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {bulk.instant_number('at')} FROM zeren_bulk_instants ORDER BY id")
            got = [row[0] for row in cursor.fetchall()]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE zeren_bulk_instants")
    assert got == [None if n == -5 else n for n in us.tolist()]


def test_filter_in_reads_across_chunks():
    tree = make_small_tree()
    codes = [f"NOPE-{n}" for n in range(N)] + [tree["market"].code, tree["street"].code]
    assert sorted(u.code for u in bulk.filter_in(Unit.objects, "code", codes)) == ["SZ-FT-J01", "SZ-SCJG"]
