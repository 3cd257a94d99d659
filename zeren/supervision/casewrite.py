"""From validated events to stored cases and events (办件写入), through :mod:`zeren.core.bulk`; called
from :mod:`zeren.supervision.actions` under the ingestion lock.

Every case a batch touches is folded from all of its events, stored and new, by the batch fold
(:mod:`zeren.supervision.batchfold`, held to :func:`zeren.supervision.rules.fold` by property tests),
and stored with its fold tag (:func:`zeren.supervision.rules.fold_tag`). Deadlines come from
:func:`zeren.supervision.rules.deadlines`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from decimal import ROUND_FLOOR, Decimal
from functools import partial
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
from django.db import connection

from zeren.core import bulk
from zeren.supervision.batchfold import RuleColumns, fold_cases, sort_events
from zeren.supervision.columns import NO_TIME, EventColumns
from zeren.supervision.models import ApprovalCase, ApprovalEvent
from zeren.supervision.rules import (
    EPOCH,
    EPOCH_ORDINAL,
    EVENT_ALERTS,
    NO_DAY,
    CaseRules,
    deadlines,
    local_date,
)
from zeren.workdays import WorkCalendar

CASE_TABLE = ApprovalCase._meta.db_table
EVENT_TABLE = ApprovalEvent._meta.db_table
STATE_DAYS = ("received_date", "last_event_date", "suspended_since", "decided_date", "withdrawn_date", "delivered_date")
# What a case row holds: HEAD written once, when the case is created; FOLDED by every fold.
HEAD = ("case_id", "source_id", "item_id", "unit_id")
FOLDED = ("received_at", *STATE_DAYS, "is_open", "suspension_count", "extension_days", "outcome", "fees_total",
          "completed_steps", "statutory_deadline", "promised_deadline", "provisional", *EVENT_ALERTS.values(),
          "event_count", "fold", "rescan", "updated_at")
EVENT_COLUMNS = ("source_id", "event_id", "case_id", "type", "at", "recorded_at", "step", "amount", "outcome",
                 "reason", "batch_id")
days, instants = partial(bulk.day_texts, none=NO_DAY), partial(bulk.utc_texts, none=NO_TIME)
RulesOf = Callable[[tuple[int, int]], "tuple[CaseRules, str]"]  # (item pk, unit pk) -> its rules, their fold tag


def lock_ingestion() -> None:
    """Serialise ingesting transactions on PostgreSQL (SQLite's IMMEDIATE mode already does), so
    two batches for one case never fold stale event lists; on SQLite, give the connection a page
    cache for the event, case and alert indexes (256 MB at most, used only as needed)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x7A6572656E])
        else:
            cursor.execute("PRAGMA cache_size = -262144")


def known_event_ids(source_pk: int, event_ids: Sequence[str]) -> set[str]:
    """Those of ``event_ids`` already stored for the source."""
    return {row[0] for row in bulk.select_in(f"SELECT event_id FROM {EVENT_TABLE} WHERE source_id = %s AND",
                                             "event_id", event_ids, [source_pk])}


def load_cases(column: str, values: Sequence[Any], source_pk: int | None = None) -> dict[str, tuple[int, int, int]]:
    """Stored cases whose ``column`` is among ``values`` (of the source, if given): case id -> (pk,
    item pk, unit pk)."""
    return {case_id: (pk, item, unit) for case_id, pk, item, unit in bulk.select_in(
        f"SELECT case_id, id, item_id, unit_id FROM {CASE_TABLE} WHERE {'source_id = %s AND' * bool(source_pk)}",
        column, values, [source_pk] if source_pk else [])}


def stored_event_rows(case_pks: Sequence[int]) -> list[tuple]:
    """The events stored for these cases: ``(case pk, event_id, type, step, amount, outcome, reason, at,
    recorded_at)``, the instants as microseconds since the epoch read by the database (None when not
    recorded), the amount as the driver gives it."""
    return bulk.select_in(f"SELECT case_id, event_id, type, step, amount, outcome, reason, {bulk.instant_number('at')}, "
                          f"{bulk.instant_number('recorded_at')} FROM {EVENT_TABLE} WHERE", "case_id", case_pks)


def _stored_columns(stored: dict[str, tuple[int, int, int]]) -> EventColumns:
    """The events already stored for the ``stored`` cases (from :func:`load_cases`) as columns, to be
    folded again with their cases' new ones."""
    case_of = {pk: case_id for case_id, (pk, _, _) in stored.items()}
    rows = stored_event_rows(list(case_of))
    n = len(rows)
    pk, event_id, kind, step, amount, outcome, reason, at, rec = map(list, zip(*rows, strict=True)) if n else [[]] * 9
    at_us, rec_us = np.array(at, dtype=np.int64), np.array([NO_TIME if r is None else r for r in rec], dtype=np.int64)
    return EventColumns([-1] * n, [{}] * n, event_id, list(map(case_of.__getitem__, pk)), [""] * n, [""] * n, kind,
                        step, [None if a is None else Decimal(str(a)) for a in amount], outcome, reason,
                        at_us, _local_days(at_us), rec_us, _local_days(rec_us))


def _local_days(us: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """:func:`~zeren.supervision.rules.local_date` of instants (microseconds since the epoch; ``NO_TIME``
    gives ``NO_DAY``) as days since the epoch, asked once per distinct hour: Asia/Shanghai has always
    been a whole number of hours from UTC since 1901, so an hour never straddles its midnight."""
    days = np.full(len(us), NO_DAY, dtype=np.int64)
    known = us != NO_TIME
    hours, where = np.unique(us[known] // 3_600_000_000, return_inverse=True)
    days[known] = np.array([local_date(EPOCH + timedelta(hours=h)).toordinal() - EPOCH_ORDINAL
                            for h in hours.tolist()], dtype=np.int64)[where]
    return days


def fold_and_write(cols: EventColumns, identity: dict[str, tuple[int, int]], stored: dict[str, tuple[int, int, int]],
                   *, source_pk: int, batch_pk: int | None, rules_of: RulesOf, cal: WorkCalendar, stamp: str) -> None:
    """Fold the cases of the new events ``cols`` and the ``stored`` cases (from :func:`load_cases`)
    from all of their events, stored and new, then write them — stored ones updated, new ones
    (``identity``: case id -> (item pk, unit pk)) inserted — and the new events."""
    ids = list(dict.fromkeys([*cols.case_id, *stored]))  # in order of first appearance
    if not ids:
        return
    pairs = [stored[c][1:] if c in stored else identity[c] for c in ids]
    every = cols + _stored_columns(stored)
    number = {case_id: k for k, case_id in enumerate(ids)}
    e = sort_events(np.fromiter(map(number.__getitem__, every.case_id), np.int64, len(every)), every)
    distinct = {pair: k for k, pair in enumerate(dict.fromkeys(pairs))}  # a few dozen (item, unit) pairs
    of_case = np.fromiter(map(distinct.__getitem__, pairs), np.int64, len(pairs))
    rules = [rules_of(pair) for pair in distinct]

    def column(value: Callable[[CaseRules], int]) -> npt.NDArray[np.int64]:
        return np.array([value(r) for r, _ in rules], dtype=np.int64)[of_case]
    s = fold_cases(e, RuleColumns(
        column(lambda r: r.suspension_limit), column(lambda r: int((r.fee_standard * 100).to_integral_value(
            ROUND_FLOOR))), column(lambda r: r.late_entry_hours * 3_600_000_000),
        [rules[k][0].required_steps for k in of_case.tolist()], [rules[k][0].step_limits for k in of_case.tolist()]),
        cal)
    statutory, promised = deadlines(s.received_date.astype("datetime64[D]"), column(lambda r: r.statutory_days),
                                    column(lambda r: r.promised_days), s.extension_days, cal)
    # Flags as 0/1 integers, not bools: the sqlite3 module binds a bool through its adapter
    # look-up, several times slower than an int.
    folded = {
        "received_at": instants(s.start_us), **{name: days(getattr(s, name)) for name in STATE_DAYS},
        "is_open": ((s.decided_date == NO_DAY) & (s.withdrawn_date == NO_DAY)).astype(np.int64).tolist(),
        "suspension_count": s.suspension_count.tolist(), "extension_days": s.extension_days.tolist(),
        "outcome": s.outcome, "fees_total": [f"{c // 100}.{c % 100:02d}" for c in s.fees_cents.tolist()],
        "completed_steps": [orjson.dumps(steps).decode() for steps in s.completed_steps],
        "statutory_deadline": days(statutory.values.astype(np.int64)),
        "promised_deadline": days(promised.values.astype(np.int64)),
        "provisional": (statutory.provisional | promised.provisional).astype(np.int64).tolist(),
        **{name: days(s.seen_on[name]) for name in EVENT_ALERTS.values()},
        "event_count": s.event_count.tolist(), "fold": [rules[k][1] for k in of_case.tolist()],
        "rescan": repeat(1), "updated_at": repeat(stamp)}
    rows = list(zip(*(folded[name] for name in FOLDED), strict=False))  # repeat() is endless
    fresh = [k for k, c in enumerate(ids) if c not in stored]
    bulk.insert(CASE_TABLE, HEAD + FOLDED, [(ids[k], source_pk, *pairs[k], *rows[k]) for k in fresh])
    bulk.update(CASE_TABLE, FOLDED, [(*rows[k], stored[c][0]) for k, c in enumerate(ids) if c in stored])
    if len(cols):
        pks = {c: pk for c, (pk, _, _) in stored.items()}
        pks.update(bulk.select_in(f"SELECT case_id, id FROM {CASE_TABLE} WHERE source_id = %s AND", "case_id",
                                  [ids[k] for k in fresh], [source_pk]))
        n, c = len(cols), cols
        bulk.insert(EVENT_TABLE, EVENT_COLUMNS, list(zip(
            repeat(source_pk, n), c.event_id, map(pks.__getitem__, c.case_id), c.kind, instants(c.at_us),
            instants(c.rec_us), c.step, [None if a is None else str(a) for a in c.amount], c.outcome, c.reason,
            repeat(batch_pk, n), strict=True)))
