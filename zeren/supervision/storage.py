"""What ingestion reads and writes of cases and events, through :mod:`zeren.core.bulk`; called
from :mod:`zeren.supervision.actions` and the case writer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import orjson
from django.db import connection

from zeren.core import bulk
from zeren.supervision.models import ApprovalCase, ApprovalEvent
from zeren.supervision.rules import EVENT_ALERTS, NO_DAY, CaseState, Event

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


def dates_as_text() -> bool:
    """Whether the database takes dates and instants as ISO text (SQLite: Django stores them so),
    rather than as objects (PostgreSQL's ``COPY``)."""
    return connection.vendor == "sqlite"


def instant_adapter():
    """A fast parameter adapter for aware datetimes on this connection (what Django's would store)."""
    if not dates_as_text():
        return connection.ops.adapt_datetimefield_value

    def naive_utc_text(value: datetime | None) -> str | None:
        return None if value is None else value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return naive_utc_text


def known_event_ids(source_id: int, event_ids: Sequence[str]) -> set[str]:
    """Those of ``event_ids`` already stored for the source."""
    return {row[0] for row in bulk.select_in(f"SELECT event_id FROM {EVENT_TABLE} WHERE source_id = %s AND", "event_id",
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
    rows = bulk.select_in(f"SELECT case_id, event_id, type, at, step, amount, outcome, reason, recorded_at "
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
    """SQL for a date column as whole days since 1970-01-01, NULL as ``NO_DAY``."""
    return bulk.day_number(column, NO_DAY)


def load_case_columns(source_id: int, case_ids: Sequence[str]) -> tuple[dict[str, int], dict[str, list[Any]]]:
    """The source's stored cases among ``case_ids``: ``case_id -> row`` and :data:`LOADED_COLUMNS`
    as lists, dates as days since the epoch (``NO_DAY`` for none, as the batch fold takes them)."""
    cols = ", ".join(day_number(f"c.{c}") if c in _DATE_COLUMNS else f"c.{c}" for c in LOADED_COLUMNS)
    rows = bulk.select_in(f"SELECT c.case_id, {cols} FROM {CASE_TABLE} AS c WHERE c.source_id = %s AND", "c.case_id",
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
    the received date, which folding on cannot change, and its indexes are left alone). No conflict
    handling is needed under the ingestion lock."""
    bulk.insert(CASE_TABLE, HEAD_COLUMNS + REFOLDED_COLUMNS, new)
    bulk.update(CASE_TABLE, REFOLDED_COLUMNS, changed)
    bulk.update(CASE_TABLE, FOLDED_COLUMNS, continued)


def case_pks(source_id: int, case_ids: Sequence[str]) -> dict[str, int]:
    """``case_id -> pk`` of the source's cases among ``case_ids``."""
    return dict(bulk.select_in(f"SELECT case_id, id FROM {CASE_TABLE} WHERE source_id = %s AND", "case_id", case_ids,
                          [source_id]))


def insert_events(rows: list[tuple]) -> None:
    """Insert event rows (:data:`EVENT_COLUMNS`), none of them stored yet (checked under the
    ingestion lock, so a conflict would be a bug, and fails the batch rather than drop an event)."""
    bulk.insert(EVENT_TABLE, EVENT_COLUMNS, rows)


def event_sources(case_pks: Sequence[int]) -> dict[int, set[int]]:
    """The source systems each of these cases has events from."""
    found: dict[int, set[int]] = {}
    for case_pk, source_pk in bulk.select_in(f"SELECT DISTINCT case_id, source_id FROM {EVENT_TABLE} WHERE", "case_id",
                                        case_pks):
        found.setdefault(case_pk, set()).add(source_pk)
    return found
