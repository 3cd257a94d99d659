"""Bulk SQL for ingestion: executemany-speed inserts and upserts that run the same on SQLite and
PostgreSQL (``INSERT … ON CONFLICT``), called only from :mod:`zeren.supervision.actions`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import connection

from zeren.supervision.models import ApprovalCase, ApprovalEvent
from zeren.supervision.rules import CaseState, Event

CHUNK = 900  # ids per IN (...) query
CASE_TABLE = ApprovalCase._meta.db_table
EVENT_TABLE = ApprovalEvent._meta.db_table
CASE_COLUMNS = (
    "case_id", "item_id", "unit_id", "received_at", "received_date", "last_event_date", "is_open",
    "suspended_since", "suspension_count", "extension_days", "decided_date", "outcome", "withdrawn_date",
    "delivered_date", "fees_total", "completed_steps", "statutory_deadline", "promised_deadline", "provisional",
    "fee_exceeded_on", "missing_step_on", "order_violation_on", "suspension_abuse_on", "step_overtime_on",
    "denied_without_reason_on", "late_entry_on", "event_count", "rescan", "updated_at",
)
EVENT_COLUMNS = ("source_id", "event_id", "case_id", "type", "at", "recorded_at", "step", "amount", "outcome",
                 "reason", "batch_id")
STATE_DATES = ("received_date", "last_event_date", "suspended_since", "decided_date", "withdrawn_date",
               "delivered_date", "statutory_deadline", "promised_deadline", "fee_exceeded_on", "missing_step_on",
               "order_violation_on", "suspension_abuse_on", "step_overtime_on", "denied_without_reason_on",
               "late_entry_on")


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _in(n: int) -> str:
    return ", ".join(["%s"] * n)


def lock_ingestion() -> None:
    """Serialise ingesting transactions on PostgreSQL (SQLite's IMMEDIATE mode already does),
    so two batches for one case never fold stale event lists. On SQLite, give this connection a
    page cache large enough for the event and case indexes (256 MB at most, used only as needed)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x7A6572656E])
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -262144")


def instant_adapter():
    """A fast parameter adapter for aware datetimes on this connection (what Django's would store)."""
    if connection.vendor != "sqlite":
        return connection.ops.adapt_datetimefield_value

    def naive_utc_text(value: datetime | None) -> str | None:
        return None if value is None else value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return naive_utc_text


def known_event_ids(source_id: int, event_ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    with connection.cursor() as cursor:
        for part in chunks(event_ids):
            cursor.execute(f"SELECT event_id FROM {EVENT_TABLE} WHERE source_id = %s AND event_id IN ({_in(len(part))})",
                           [source_id, *part])
            found.update(row[0] for row in cursor.fetchall())
    return found


def known_cases(case_ids: Sequence[str]) -> dict[str, tuple[int, int, int]]:
    """``case_id -> (pk, item pk, unit pk)`` for the cases that exist."""
    found = {}
    with connection.cursor() as cursor:
        for part in chunks(case_ids):
            cursor.execute(f"SELECT case_id, id, item_id, unit_id FROM {CASE_TABLE} WHERE case_id IN ({_in(len(part))})",
                           list(part))
            found.update((row[0], (row[1], row[2], row[3])) for row in cursor.fetchall())
    return found


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
    with connection.cursor() as cursor:
        for part in chunks(case_pks):
            cursor.execute(
                f"SELECT case_id, event_id, type, at, step, amount, outcome, reason, recorded_at FROM {EVENT_TABLE} "
                f"WHERE case_id IN ({_in(len(part))})", list(part))
            for case_pk, event_id, kind, at, step, amount, outcome, reason, recorded_at in cursor.fetchall():
                by_case.setdefault(case_pk, []).append(Event(
                    event_id, kind, _instant(at), step, None if amount is None else Decimal(str(amount)),
                    outcome, reason, _instant(recorded_at)))
    return by_case


def upsert_cases(rows: Iterable[tuple[str, int, int, CaseState]], now: datetime) -> None:
    """Insert or replace the state columns of each case (``case_id, item pk, unit pk, state``)."""
    iso_dates = connection.vendor == "sqlite"
    json_slot = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    slots = ", ".join(json_slot if c == "completed_steps" else "%s" for c in CASE_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in CASE_COLUMNS[1:])
    sql = (f"INSERT INTO {CASE_TABLE} ({', '.join(CASE_COLUMNS)}) VALUES ({slots}) "
           f"ON CONFLICT (case_id) DO UPDATE SET {updates}")
    adapt = instant_adapter()
    stamp = adapt(now)
    params = []
    for case_id, item_pk, unit_pk, s in rows:
        d = {name: getattr(s, name) for name in STATE_DATES}
        if iso_dates:
            d = {name: None if v is None else v.isoformat() for name, v in d.items()}
        params.append((
            case_id, item_pk, unit_pk, adapt(s.received_at), d["received_date"],
            d["last_event_date"], s.is_open, d["suspended_since"], s.suspension_count, s.extension_days,
            d["decided_date"], s.outcome, d["withdrawn_date"], d["delivered_date"], str(s.fees_total),
            json.dumps(s.completed_steps, ensure_ascii=False), d["statutory_deadline"], d["promised_deadline"],
            s.provisional, d["fee_exceeded_on"], d["missing_step_on"], d["order_violation_on"],
            d["suspension_abuse_on"], d["step_overtime_on"], d["denied_without_reason_on"], d["late_entry_on"],
            s.event_count, True, stamp,
        ))
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def insert_events(rows: Iterable[tuple[int, Event]], source_id: int, batch_id: int) -> None:
    """Insert ``(case pk, event)`` rows; a (source, event_id) already there is skipped."""
    adapt = instant_adapter()
    sql = (f"INSERT INTO {EVENT_TABLE} ({', '.join(EVENT_COLUMNS)}) VALUES ({_in(len(EVENT_COLUMNS))}) "
           f"ON CONFLICT (source_id, event_id) DO NOTHING")
    params = [(source_id, e.event_id, case_pk, e.type, adapt(e.at), adapt(e.recorded_at), e.step,
               None if e.amount is None else str(e.amount),
               e.outcome, e.reason, batch_id) for case_pk, e in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
