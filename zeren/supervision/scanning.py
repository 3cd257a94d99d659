"""The scan's columns (读取) and alert upserts (写入), vectorised; called from ``actions.do_scan``.

Cases are read with one raw query per population into integer numpy arrays (dates as days since
1970), so no Python object is made per case on the hot path. Cases whose events reach past
``as_of`` are folded again from their events up to ``as_of`` (a replay of a past date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection

from zeren.supervision import storage
from zeren.supervision.catalog import Catalog
from zeren.supervision.models import Alert
from zeren.supervision.rules import (
    ALERT_TYPES,
    DEFAULT_YELLOW_DAYS,
    EVENT_ALERTS,
    CaseArrays,
    ScanResult,
    case_state,
    scan_arrays,
)
from zeren.workdays import WorkCalendar

NONE = -(10**6)  # stands for NULL in integer day columns
TYPE_INDEX = {t: i for i, t in enumerate(ALERT_TYPES)}
ALERT_TABLE = Alert._meta.db_table
FLAG_COLUMNS = tuple(EVENT_ALERTS.values())
ALERT_STAGE = "zeren_alert_stage"


def days(column: str) -> str:
    """SQL for a date column as whole days since 1970-01-01 (NULL → :data:`NONE`)."""
    if connection.vendor == "postgresql":
        return f"COALESCE({column} - DATE '1970-01-01', {NONE})"
    return f"COALESCE(CAST(julianday({column}) - 2440587.5 AS INTEGER), {NONE})"


def day_number(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def as_dates(values: npt.NDArray[np.int64]) -> npt.NDArray[np.datetime64]:
    out = values.astype("datetime64[D]")
    out[values == NONE] = np.datetime64("NaT")
    return out


@dataclass
class Population:
    """The cases a scan looks at, as integer columns (one row per case)."""

    cols: dict[str, npt.NDArray[np.int64]]

    @property
    def size(self) -> int:
        return len(self.cols["id"])


def _via(index: str) -> str:
    """Name the index on SQLite, whose planner otherwise may prefer a skip-scan of another one."""
    return f" INDEXED BY {index}" if connection.vendor == "sqlite" else ""


def _rows(cursor, sql: str, params: list, width: int) -> npt.NDArray[np.int64]:
    cursor.execute(sql, params)
    return np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, width)


def load_population(as_of: date, catalog: Catalog, cal: WorkCalendar, active_cases: npt.NDArray[np.int64],
                    unit_path: str = "") -> Population:
    """The cases whose alerts can differ from what is recorded (the others keep their alerts).

    Of the open cases changed by nothing since their last scan — the bulk — only those whose
    promised deadline can be near: an alert on dates (yellow, red, promise broken) needs
    ``promised_deadline < bound = add_workdays(as_of, max yellow threshold + 1)``, and since
    ``promised_deadline >= add_workdays(received_date, promised_days)`` (extensions only add), only
    cases received before ``add_workdays(bound, -promised_days)`` of their item can qualify — one
    index range per item. To those: cases changed since their last scan (``rescan``) or with
    events after ``as_of`` (replayed), cases with an irregularity flag, and open cases holding an
    alert now (it may have to be cleared). Read as integer columns, dates as days since 1970.
    """
    day = day_number(as_of)
    vendor_date = (lambda d: d.isoformat()) if connection.vendor == "sqlite" else (lambda d: d)
    iso = vendor_date(as_of)
    unit_filter, unit_params = "", []
    if unit_path:
        unit_filter = " AND unit_id IN (SELECT id FROM org_unit WHERE path LIKE %s)"
        unit_params = [unit_path + "%"]
    suspended = "CASE WHEN suspended_since IS NULL THEN 0 ELSE 1 END"
    main_cols = f"id, item_id, unit_id, {days('received_date')}, extension_days, {suspended}"
    full_cols = f"{main_cols}, {days('decided_date')}, {days('withdrawn_date')}, {days('last_event_date')}"
    settled = "is_open AND NOT rescan AND last_event_date <= %s"
    yellow_max = max([DEFAULT_YELLOW_DAYS, *(i.yellow_threshold_days for i in catalog.items.values()),
                      *(c["yellow_threshold_days"] for c in catalog.configs.values() if "yellow_threshold_days" in c)])
    bound = cal.add_workdays(as_of, yellow_max + 1)
    by_limit: dict[int, list[int]] = {}
    for item in catalog.items.values():
        by_limit.setdefault(item.promised_days, []).append(item.pk)
    parts = []
    with connection.cursor() as cursor:
        for promised_days, item_pks in sorted(by_limit.items()):
            cutoff = min(cal.add_workdays(bound, -promised_days), as_of + timedelta(days=1))
            for chunk in storage.chunks(item_pks):
                parts.append(_rows(cursor, f"SELECT {main_cols} FROM {storage.CASE_TABLE}"
                                           f"{_via('supervision_case_item_scan')} WHERE item_id IN "
                                           f"({', '.join(['%s'] * len(chunk))}) AND received_date < %s AND "
                                           f"{settled}{unit_filter}",
                                   [*chunk, vendor_date(cutoff), iso, *unit_params], 6))
        main = np.concatenate(parts) if parts else np.zeros((0, 6), np.int64)
        # Changed since the last scan, or events after as_of (a replay): through their indexes.
        other = _rows(cursor, f"SELECT {full_cols} FROM {storage.CASE_TABLE}{_via('supervision_case_rescan')} "
                              f"WHERE rescan AND received_date <= %s{unit_filter} UNION "
                              f"SELECT {full_cols} FROM {storage.CASE_TABLE}{_via('supervision_case_last_event')} "
                              f"WHERE last_event_date > %s AND received_date <= %s{unit_filter}",
                      [iso, *unit_params, iso, iso, *unit_params], 9)
        # Flags are rare: read through the partial index on them, with the rest of each row.
        flagged = " OR ".join(f'"{c}" IS NOT NULL' for c in FLAG_COLUMNS)
        flags = _rows(cursor, f"SELECT {full_cols}, {', '.join(days(c) for c in FLAG_COLUMNS)} "
                              f"FROM {storage.CASE_TABLE}{_via('supervision_case_flagged')} WHERE ({flagged}) AND "
                              f"received_date <= %s AND "
                              f"(is_open OR rescan OR last_event_date > %s){unit_filter}",
                      [iso, iso, *unit_params], 9 + len(FLAG_COLUMNS))
        # Open cases holding an alert that none of the above brought in (a limit was raised, …).
        seen = np.concatenate([main[:, 0], other[:, 0], flags[:, 0]])
        missing = np.setdiff1d(active_cases, seen)
        extra = [np.zeros((0, 6), np.int64)]
        for chunk in storage.chunks([int(x) for x in missing]):
            extra.append(_rows(cursor, f"SELECT {main_cols} FROM {storage.CASE_TABLE} WHERE id IN "
                                       f"({', '.join(['%s'] * len(chunk))}) AND received_date <= %s AND "
                                       f"{settled}{unit_filter}", [*chunk, iso, iso, *unit_params], 6))
        main = np.concatenate([main, *extra])
    names = ("id", "item_id", "unit_id", "received_date", "extension_days", "suspended")
    wide = np.concatenate([
        np.column_stack([main, np.full((len(main), 2), NONE, np.int64), np.full(len(main), day, np.int64)]),
        other, flags[:, :9]])
    ids, first = np.unique(wide[:, 0], return_index=True)  # a case found twice is the same row
    wide = wide[first]
    cols = {name: wide[:, i] for i, name in enumerate((*names, "decided_date", "withdrawn_date", "last_event_date"))}
    position = np.searchsorted(ids, flags[:, 0])
    for i, name in enumerate(FLAG_COLUMNS, 9):
        cols[name] = np.full(len(ids), NONE, dtype=np.int64)
        cols[name][position] = flags[:, i]
    return Population(cols)


def clear_rescan(as_of: date) -> None:
    """The cases this scan saw are no longer changed-since-last-scan (events after ``as_of`` keep
    theirs). Through the partial index on ``rescan``: SQLite's planner would otherwise walk the
    ``last_event_date`` index over nearly every case (0.7 s for 300,000 cases)."""
    iso = as_of.isoformat() if connection.vendor == "sqlite" else as_of
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {storage.CASE_TABLE}{_via('supervision_case_rescan')} SET rescan = %s "
                       f"WHERE rescan AND last_event_date <= %s", [False, iso])


def active_alerts() -> list[tuple]:
    """Alerts not cleared: ``(id, case pk × 16, type, since day, deadline day)``."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, case_id * 16, type, {days('since')}, {days('deadline')} FROM {ALERT_TABLE}"
                       f"{_via('supervision_alert_active')} WHERE cleared_on IS NULL")
        return cursor.fetchall()


def replay_past(pop: Population, as_of: date, catalog: Catalog, cal: WorkCalendar) -> int:
    """Fold again, from events up to ``as_of``, the cases whose events reach past it. Returns how many."""
    stale = np.flatnonzero(pop.cols["last_event_date"] > day_number(as_of))
    if not len(stale):
        return 0
    items = catalog.item_by_pk()
    events = storage.stored_events([int(pop.cols["id"][i]) for i in stale])
    for i in stale:
        rules = catalog.effective(items[int(pop.cols["item_id"][i])], int(pop.cols["unit_id"][i])).case_rules
        s = case_state(events[int(pop.cols["id"][i])], rules, cal, as_of=as_of)
        values = {"received_date": s.received_date, "decided_date": s.decided_date, "withdrawn_date": s.withdrawn_date,
                  **{c: getattr(s, c) for c in FLAG_COLUMNS}}
        for name, value in values.items():
            pop.cols[name][i] = NONE if value is None else day_number(value)
        pop.cols["extension_days"][i] = s.extension_days
        pop.cols["suspended"][i] = s.suspended_since is not None
    return len(stale)


def evaluate(pop: Population, as_of: date, catalog: Catalog, cal: WorkCalendar) -> ScanResult:
    """Alerts in force on ``as_of`` for the population (see :func:`zeren.supervision.rules.scan_arrays`)."""
    c = pop.cols
    n = pop.size
    pair_codes, inverse = np.unique(c["item_id"] * 2**32 + c["unit_id"], return_inverse=True)
    inverse = inverse.reshape(-1)
    items = catalog.item_by_pk()
    effective = [catalog.effective(items[int(code >> 32)], int(code & 0xFFFFFFFF)) for code in pair_codes]
    pick = {
        "statutory_days": np.array([e.case_rules.statutory_days for e in effective], dtype=np.int64),
        "promised_days": np.array([e.case_rules.promised_days for e in effective], dtype=np.int64),
        "yellow_days": np.array([e.yellow_days for e in effective], dtype=np.int64),
    }
    per_case = {k: (v[inverse] if n else np.zeros(0, dtype=np.int64)) for k, v in pick.items()}
    enabled = {t: (np.array([t in e.enabled for e in effective], dtype=bool)[inverse] if n else np.zeros(0, bool))
               for t in ALERT_TYPES}
    arrays = CaseArrays(
        received=as_dates(c["received_date"]), statutory_days=per_case["statutory_days"],
        promised_days=per_case["promised_days"], extension_days=c["extension_days"],
        suspended=c["suspended"].astype(bool), decided=as_dates(c["decided_date"]),
        withdrawn=as_dates(c["withdrawn_date"]), yellow_days=per_case["yellow_days"],
        event_alerts={t: as_dates(c[col]) for t, col in EVENT_ALERTS.items()}, enabled=enabled,
    )
    return scan_arrays(arrays, as_of, cal)


@dataclass
class Changes:
    """What a scan changed in the alert table."""

    opened: list[tuple[int, str]]  # (case pk, type) of alerts new or in force again
    cleared: int
    in_force: int


def persist(pop: Population, result: ScanResult, as_of: date, now_value: Any, active: list[tuple]) -> Changes:
    """Upsert the alerts in force, clear those of the population that no longer hold.

    ``active`` is :func:`active_alerts`; only alerts new or changed are written."""
    ops = connection.ops
    ids = pop.cols["id"]
    keys, since, deadline, type_codes, rows = [], [], [], [], []
    for alert_type, holds in result.holds.items():
        where = np.flatnonzero(holds)
        rows.append(where)
        keys.append(ids[where] * 16 + TYPE_INDEX[alert_type])
        since.append(result.since[alert_type][where])
        deadline.append(result.deadline[alert_type][where])
        type_codes.append(np.full(len(where), TYPE_INDEX[alert_type]))
    key = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    row = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    since_d = np.concatenate(since).astype("datetime64[D]").astype(np.int64) if since else key
    deadline_d = np.concatenate(deadline).astype("datetime64[D]").astype(np.int64) if deadline else key
    act_id = np.array([a[0] for a in active], dtype=np.int64)
    act_key = np.array([a[1] + TYPE_INDEX[a[2]] for a in active], dtype=np.int64)
    act_sig = np.array([(a[3], a[4]) for a in active], dtype=np.int64).reshape(-1, 2)
    # Which current alerts are new, or moved (a suspension extended the deadline)?
    order = np.argsort(act_key)
    pos = np.searchsorted(act_key[order], key)
    found = (pos < len(act_key)) & (act_key[order][np.minimum(pos, max(len(act_key) - 1, 0))] == key) \
        if len(act_key) else np.zeros(len(key), bool)
    match = order[np.minimum(pos, max(len(act_key) - 1, 0))] if len(act_key) else pos
    changed = found.copy()
    if len(act_key):
        changed &= (act_sig[match, 0] != since_d) | (act_sig[match, 1] != deadline_d)
    upsert = np.flatnonzero(~found | changed)
    in_population = np.isin(act_key // 16, ids)
    gone = act_id[in_population & ~np.isin(act_key, key)]
    provisional = result.provisional
    stamp = ops.adapt_datetimefield_value(now_value)
    # Parameters column by column (numpy → lists), not an object per alert.
    pick = row[upsert]
    params = list(zip(ids[pick].tolist(), [ALERT_TYPES[t] for t in (key[upsert] % 16).tolist()],
                      pop.cols["unit_id"][pick].tolist(), pop.cols["item_id"][pick].tolist(),
                      deadline_d[upsert].astype("datetime64[D]").tolist(), provisional[pick].tolist(),
                      since_d[upsert].astype("datetime64[D]").tolist(), repeat("open"), repeat(""), repeat(stamp),
                      strict=False))
    columns = "case_id, type, unit_id, item_id, deadline, provisional, since, status, note, created_at"
    upsert_tail = ("ON CONFLICT (case_id, type) DO UPDATE SET deadline = excluded.deadline, "
                   "provisional = excluded.provisional, since = excluded.since, cleared_on = NULL")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY to a staging table, then one INSERT … SELECT
            storage.stage_like(cursor, ALERT_STAGE, ALERT_TABLE, columns)
            storage.copy_rows(cursor, ALERT_STAGE, columns.split(", "), params)
            cursor.execute(f"INSERT INTO {ALERT_TABLE} ({columns}) SELECT {columns} FROM {ALERT_STAGE} {upsert_tail}")
        else:
            cursor.executemany(f"INSERT INTO {ALERT_TABLE} ({columns}) VALUES ({', '.join(['%s'] * 10)}) "
                               f"{upsert_tail}", params)
        for condition, part in storage.where_in("id", [int(x) for x in gone]):
            cursor.execute(f"UPDATE {ALERT_TABLE} SET cleared_on = %s WHERE {condition}",
                           [ops.adapt_datefield_value(as_of), *part])
    opened = [(int(ids[int(row[j])]), ALERT_TYPES[int(key[j] % 16)]) for j in np.flatnonzero(~found)]
    return Changes(opened=opened, cleared=len(gone), in_force=len(key))
