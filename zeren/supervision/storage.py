"""Bulk SQL for ingestion: executemany-speed inserts and upserts that run the same on SQLite and
PostgreSQL (``INSERT … ON CONFLICT``), called only from :mod:`zeren.supervision.actions`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import orjson
from django.db import connection

from zeren.supervision.models import ApprovalCase, ApprovalEvent
from zeren.supervision.rules import EVENT_ALERTS, NO_DAY, CaseState, Event

CHUNK = 900  # ids per IN (...) query
CASE_TABLE = ApprovalCase._meta.db_table
EVENT_TABLE = ApprovalEvent._meta.db_table
# A case row's columns by what writes them: HEAD once, when the case is created; RECEIVED by a
# fold from its first event (so not when a case folds on from its stored state); FOLDED by every fold.
HEAD_COLUMNS = ("case_id", "source_id", "item_id", "unit_id")
RECEIVED_COLUMNS = ("received_at", "received_date")
FOLDED_COLUMNS = (
    "last_event_date", "is_open", "suspended_since", "suspension_count", "extension_days", "decided_date", "outcome",
    "withdrawn_date", "delivered_date", "fees_total", "completed_steps", "statutory_deadline", "promised_deadline",
    "provisional", *EVENT_ALERTS.values(), "event_count", "fold", "rescan", "updated_at",
)
REFOLDED_COLUMNS = RECEIVED_COLUMNS + FOLDED_COLUMNS  # what state_params gives, in this order
EVENT_COLUMNS = ("source_id", "event_id", "case_id", "type", "at", "recorded_at", "step", "amount", "outcome",
                 "reason", "batch_id")

def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _in(n: int) -> str:
    return ", ".join(["%s"] * n)


def where_in(column: str, values: Sequence[Any]) -> Iterator[tuple[str, list[Any]]]:
    """``(condition, params)`` per chunk for ``column IN values``. PostgreSQL: ``= ANY(%s)`` with
    one array parameter, 20,000 values a query (900 separate parameters cost ~27 ms a query to
    bind and plan there); SQLite: ``IN (%s, …)``, 900 a query (its parameter limit)."""
    if connection.vendor == "postgresql":
        for part in chunks(values, 20_000):
            yield f"{column} = ANY(%s)", [list(part)]
    else:
        for part in chunks(values):
            yield f"{column} IN ({_in(len(part))})", list(part)


def select_in(select: str, column: str, values: Sequence[Any], params: Sequence[Any] = ()) -> list[tuple]:
    """The rows of ``{select} WHERE [params' conditions AND] {column} IN values``, chunked as in
    :func:`where_in`. On SQLite straight through the DB-API cursor with ``?`` placeholders: for
    queries of 900 parameters, Django's per-query placeholder rewriting costs as much as the query."""
    rows: list[tuple] = []
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            for condition, chunk in where_in(column, values):
                cursor.execute(f"{select} {condition}", [*params, *chunk])
                rows += cursor.fetchall()
        return rows
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    try:
        for part in chunks(values):
            marks = ", ".join("?" * len(part))
            rows += cursor.execute(f"{select.replace('%s', '?')} {column} IN ({marks})", [*params, *part]).fetchall()
    finally:
        cursor.close()
    return rows


def lock_ingestion() -> None:
    """Serialise ingesting transactions on PostgreSQL (SQLite's IMMEDIATE mode already does),
    so two batches for one case never fold stale event lists."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x7A6572656E])
    large_cache()


def large_cache() -> None:
    """On SQLite, give this connection a page cache large enough for the event, case and alert
    indexes (256 MB at most, used only as needed; SQLite's default is 2 MB)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")


def instant_adapter():
    """A fast parameter adapter for aware datetimes on this connection (what Django's would store)."""
    if connection.vendor != "sqlite":
        return connection.ops.adapt_datetimefield_value

    def naive_utc_text(value: datetime | None) -> str | None:
        return None if value is None else value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return naive_utc_text


def known_event_ids(source_id: int, event_ids: Sequence[str]) -> set[str]:
    """Those of ``event_ids`` already stored for the source."""
    return {row[0] for row in select_in(f"SELECT event_id FROM {EVENT_TABLE} WHERE source_id = %s AND", "event_id",
                                        event_ids, [source_id])}


def _instant(value: Any) -> datetime | None:
    """An aware instant from a raw column (SQLite gives naive UTC datetimes or text, PostgreSQL aware ones)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def stored_events(case_pks: Sequence[int]) -> dict[int, list[Event]]:
    """The events already stored for these cases, by case pk."""
    by_case: dict[int, list[Event]] = {}
    rows = select_in(f"SELECT case_id, event_id, type, at, step, amount, outcome, reason, recorded_at "
                     f"FROM {EVENT_TABLE} WHERE", "case_id", case_pks)
    for case_pk, event_id, kind, at, step, amount, outcome, reason, recorded_at in rows:
        by_case.setdefault(case_pk, []).append(Event(
            event_id, kind, _instant(at), step, None if amount is None else Decimal(str(amount)),
            outcome, reason, _instant(recorded_at)))
    return by_case


LOADED_COLUMNS = ("id", "item_id", "unit_id", "received_date", "last_event_date", "suspended_since",
                  "suspension_count", "extension_days", "decided_date", "outcome", "withdrawn_date", "delivered_date",
                  "fees_total", "completed_steps", *EVENT_ALERTS.values(), "event_count", "fold")
_DATE_COLUMNS = frozenset({"received_date", "last_event_date", "suspended_since", "decided_date", "withdrawn_date",
                           "delivered_date", *EVENT_ALERTS.values()})


def day_number(column: str) -> str:
    """SQL for a date column as whole days since 1970-01-01, NULL as ``NO_DAY`` (computed by the
    database: cheaper than converting each date here)."""
    if connection.vendor == "sqlite":
        return f"COALESCE(CAST(julianday({column}) - 2440587.5 AS INTEGER), {NO_DAY})"
    return f"COALESCE({column} - DATE '1970-01-01', {NO_DAY})"


def load_case_columns(source_id: int, case_ids: Sequence[str]) -> tuple[dict[str, int], dict[str, list[Any]]]:
    """The source's stored cases among ``case_ids``: ``case_id -> row`` and :data:`LOADED_COLUMNS`
    as lists, dates as days since the epoch (``NO_DAY`` for none, as the batch fold takes them)."""
    cols = ", ".join(day_number(f"c.{c}") if c in _DATE_COLUMNS else f"c.{c}" for c in LOADED_COLUMNS)
    rows = select_in(f"SELECT c.case_id, {cols} FROM {CASE_TABLE} AS c WHERE c.source_id = %s AND", "c.case_id",
                     case_ids, [source_id])
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in range(len(LOADED_COLUMNS) + 1)]
    return ({case_id: n for n, case_id in enumerate(columns[0])},
            {name: list(values) for name, values in zip(LOADED_COLUMNS, columns[1:], strict=True)})


def state_params(s: CaseState, fold: str, stamp: Any, sqlite: bool, adapt) -> tuple:
    """Parameters for :data:`REFOLDED_COLUMNS`: each the state's attribute of that name, but for these."""
    special = {"received_at": adapt(s.received_at), "fees_total": str(s.fees_total),
               "completed_steps": orjson.dumps(s.completed_steps).decode(), "fold": fold, "rescan": True,
               "updated_at": stamp}

    def value(name: str) -> Any:
        if name in special:
            return special[name]
        found = getattr(s, name)
        return found.isoformat() if sqlite and isinstance(found, date) else found
    return tuple(map(value, REFOLDED_COLUMNS))


def write_cases(new: list[tuple], changed: list[tuple], continued: list[tuple]) -> None:
    """Insert new cases (:data:`HEAD_COLUMNS`, then :data:`REFOLDED_COLUMNS`), update refolded ones
    (:data:`REFOLDED_COLUMNS`, then the pk) and continued ones (:data:`FOLDED_COLUMNS`, then the pk:
    the received date, which folding on cannot change, and its indexes are left alone). No conflict handling
    is needed under the ingestion lock. SQLite: executemany. PostgreSQL: ``COPY`` (one stream per
    statement instead of a round trip per row) — new cases straight into the table, updates into
    a temporary staging table and then one ``UPDATE … FROM`` each."""
    columns = HEAD_COLUMNS + REFOLDED_COLUMNS
    if connection.vendor == "postgresql":
        _write_cases_copy(columns, new, changed, continued)
        return

    def sets(names):
        return ", ".join(f"{c} = %s" for c in names)
    with connection.cursor() as cursor:
        if new:
            cursor.executemany(f"INSERT INTO {CASE_TABLE} ({', '.join(columns)}) VALUES ({_in(len(columns))})", new)
        if changed:
            cursor.executemany(f"UPDATE {CASE_TABLE} SET {sets(REFOLDED_COLUMNS)} WHERE id = %s", changed)
        if continued:
            cursor.executemany(f"UPDATE {CASE_TABLE} SET {sets(FOLDED_COLUMNS)} WHERE id = %s", continued)


def copy_rows(cursor, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """``COPY table (columns) FROM STDIN`` of ``rows`` (psycopg 3)."""
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        write = copy.write_row
        for row in rows:
            write(row)


CASE_STAGE = "zeren_case_stage"


def stage_like(cursor, stage: str, table: str, columns: str) -> None:
    """An empty temporary table ``stage`` with ``columns`` of ``table`` (their own types, so no
    casts), dropped at the end of the transaction (PostgreSQL)."""
    cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ON COMMIT DROP AS "
                   f"SELECT {columns} FROM {table} WITH NO DATA")
    cursor.execute(f"TRUNCATE {stage}")


def _write_cases_copy(columns: tuple[str, ...], new: list[tuple], changed: list[tuple],
                      continued: list[tuple]) -> None:
    with connection.cursor() as cursor:
        if new:
            copy_rows(cursor, CASE_TABLE, columns, new)
        for rows, names in ((changed, REFOLDED_COLUMNS), (continued, FOLDED_COLUMNS)):
            if not rows:
                continue
            stage_like(cursor, CASE_STAGE, CASE_TABLE, f"id, {', '.join(REFOLDED_COLUMNS)}")
            copy_rows(cursor, CASE_STAGE, (*names, "id"), rows)
            cursor.execute(f"UPDATE {CASE_TABLE} AS c SET {', '.join(f'{n} = s.{n}' for n in names)} "
                           f"FROM {CASE_STAGE} AS s WHERE c.id = s.id")


def case_pks(source_id: int, case_ids: Sequence[str]) -> dict[str, int]:
    """``case_id -> pk`` of the source's cases among ``case_ids``."""
    return dict(select_in(f"SELECT case_id, id FROM {CASE_TABLE} WHERE source_id = %s AND", "case_id", case_ids,
                          [source_id]))


def insert_events(rows: list[tuple]) -> None:
    """Insert event rows (:data:`EVENT_COLUMNS`), none of them stored yet (checked under the
    ingestion lock, so a conflict would be a bug, and fails the batch rather than drop an event).
    SQLite: executemany; PostgreSQL: one ``COPY``."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            copy_rows(cursor, EVENT_TABLE, EVENT_COLUMNS, rows)
        else:
            cursor.executemany(f"INSERT INTO {EVENT_TABLE} ({', '.join(EVENT_COLUMNS)}) "
                               f"VALUES ({_in(len(EVENT_COLUMNS))})", rows)


def event_sources(case_pks: Sequence[int]) -> dict[int, set[int]]:
    """The source systems each of these cases has events from."""
    found: dict[int, set[int]] = {}
    for case_pk, source_pk in select_in(f"SELECT DISTINCT case_id, source_id FROM {EVENT_TABLE} WHERE", "case_id",
                                        case_pks):
        found.setdefault(case_pk, set()).add(source_pk)
    return found
