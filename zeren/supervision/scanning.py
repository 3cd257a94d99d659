"""The scan's columns (读取) and alert upserts (写入), vectorised; called from ``actions.do_scan``.

Cases are read with one raw query per population into integer numpy arrays (dates as days since
1970), so no Python object is made per case on the hot path (on PostgreSQL packed by the server
into one ``bytea`` read by numpy, see :func:`zeren.core.bulk.int_rows`). Cases whose events reach past
``as_of`` are folded again from their events up to ``as_of`` (a replay of a past date).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection

from zeren.core import bulk
from zeren.org.models import Unit
from zeren.supervision import casewrite
from zeren.supervision.catalog import Catalog
from zeren.supervision.models import Alert
from zeren.supervision.rules import (
    ALERT_TYPES,
    DEFAULT_YELLOW_DAYS,
    EPOCH,
    EVENT_ALERTS,
    NO_DAY,
    CaseArrays,
    Event,
    ScanResult,
    case_state,
    scan_arrays,
)
from zeren.workdays import WorkCalendar

TYPE_INDEX = {t: i for i, t in enumerate(ALERT_TYPES)}
ALERT_TABLE = Alert._meta.db_table
FLAG_COLUMNS = tuple(EVENT_ALERTS.values())
# Each alert type as its index in ALERT_TYPES, in SQL: an alert's key is ``case pk × 16 + index``.
TYPE_CODE = "CASE type " + " ".join(f"WHEN '{t}' THEN {i}" for t, i in TYPE_INDEX.items()) + " END"


def day_number(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def as_dates(values: npt.NDArray[np.int64]) -> npt.NDArray[np.datetime64]:
    out = values.astype("datetime64[D]")
    out[values == NO_DAY] = np.datetime64("NaT")
    return out


# The population's columns: those read for every case, those the settled cases (the bulk) leave
# out (known for them: see load_population), and the irregularity flags (read for flagged cases).
MAIN_COLUMNS = ("id", "item_id", "unit_id", "received_date", "extension_days", "suspended")
FULL_COLUMNS = (*MAIN_COLUMNS, "decided_date", "withdrawn_date", "last_event_date")
FLAG_DATES = frozenset({"received_date", "decided_date", "withdrawn_date", "last_event_date", *FLAG_COLUMNS})


def _expression(column: str) -> str:
    """SQL for a population column: dates as days since 1970 (``NO_DAY`` for none), integers."""
    if column == "suspended":
        return "CASE WHEN suspended_since IS NULL THEN 0 ELSE 1 END"
    return bulk.day_number(column, NO_DAY) if column in FLAG_DATES else column


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
    vendor_date = connection.ops.adapt_datefield_value
    iso = vendor_date(as_of)
    unit_filter, unit_params = "", []
    if unit_path:
        unit_filter = f" AND unit_id IN (SELECT id FROM {Unit._meta.db_table} WHERE path LIKE %s)"
        unit_params = [unit_path + "%"]
    settled = "is_open AND NOT rescan AND last_event_date <= %s"
    yellow_max = max([DEFAULT_YELLOW_DAYS, *(i.yellow_threshold_days for i in catalog.items.values()),
                      *(c["yellow_threshold_days"] for c in catalog.configs.values() if "yellow_threshold_days" in c)])
    bound = cal.add_workdays(as_of, yellow_max + 1)
    by_limit: dict[int, list[int]] = {}
    for item in catalog.items.values():
        by_limit.setdefault(item.promised_days, []).append(item.pk)
    with connection.cursor() as cursor:
        def read(columns: Sequence[str], tail: str, params: list) -> dict[str, npt.NDArray[np.int64]]:
            rows = bulk.int_rows(cursor, f"SELECT {bulk.int_select([_expression(c) for c in columns])} FROM {casewrite.CASE_TABLE}{tail}",
                         params, len(columns))
            return {column: rows[:, i] for i, column in enumerate(columns)}
        main = [{column: np.zeros(0, np.int64) for column in MAIN_COLUMNS}]
        for promised_days, item_pks in sorted(by_limit.items()):
            cutoff = min(cal.add_workdays(bound, -promised_days), as_of + timedelta(days=1))
            for chunk in bulk.chunks(item_pks):
                main.append(read(MAIN_COLUMNS, f"{_via('supervision_case_item_scan')} WHERE item_id IN "
                                               f"({', '.join(['%s'] * len(chunk))}) AND received_date < %s AND "
                                               f"{settled}{unit_filter}", [*chunk, vendor_date(cutoff), iso, *unit_params]))
        # Changed since the last scan, or events after as_of (a replay): through their indexes.
        other = read(FULL_COLUMNS, f"{_via('supervision_case_rescan')} WHERE rescan AND received_date <= %s"
                                   f"{unit_filter} UNION SELECT {bulk.int_select([_expression(c) for c in FULL_COLUMNS])} "
                                   f"FROM {casewrite.CASE_TABLE}{_via('supervision_case_last_event')} "
                                   f"WHERE last_event_date > %s AND received_date <= %s{unit_filter}",
                     [iso, *unit_params, iso, iso, *unit_params])
        # Flags are rare: read through the partial index on them, with the rest of each row.
        flagged = " OR ".join(f'"{c}" IS NOT NULL' for c in FLAG_COLUMNS)
        flags = read((*FULL_COLUMNS, *FLAG_COLUMNS), f"{_via('supervision_case_flagged')} WHERE ({flagged}) AND "
                                                     f"received_date <= %s AND (is_open OR rescan OR "
                                                     f"last_event_date > %s){unit_filter}", [iso, iso, *unit_params])
        # Open cases holding an alert that none of the above brought in (a limit was raised, …).
        seen = np.concatenate([*(part["id"] for part in main), other["id"], flags["id"]])
        missing = active_cases[~np.isin(active_cases, seen)]  # both unique: np.setdiff1d sorted them again
        for condition, part in bulk.where_in("id", missing.tolist()):
            main.append(read(MAIN_COLUMNS, f" WHERE {condition} AND received_date <= %s AND {settled}{unit_filter}",
                             [*part, iso, iso, *unit_params]))
    # What the settled cases leave out: no decision, no withdrawal, no event after as_of.
    settled_values = {"decided_date": NO_DAY, "withdrawn_date": NO_DAY, "last_event_date": day_number(as_of)}
    for part in main:
        part.update({column: np.full(len(part["id"]), value, np.int64) for column, value in settled_values.items()})
    # A case found twice is the same row: the first one is kept, column by column.
    parts = [*main, other, flags]
    ids, first = np.unique(np.concatenate([part["id"] for part in parts]), return_index=True)
    cols = {column: np.concatenate([part[column] for part in parts])[first] for column in FULL_COLUMNS}
    position = np.searchsorted(ids, flags["id"])
    for column in FLAG_COLUMNS:  # from the flagged cases; none for the others
        cols[column] = np.full(len(ids), NO_DAY, dtype=np.int64)
        cols[column][position] = flags[column]
    return Population(cols)


def clear_rescan(as_of: date) -> None:
    """The cases this scan saw are no longer changed-since-last-scan (events after ``as_of`` keep
    theirs). Correct only under the ingestion lock (``do_scan`` takes it first): every case with
    ``rescan`` and ``last_event_date <= as_of`` was then read by this scan. Through the partial index on ``rescan``: SQLite's planner would otherwise walk the
    ``last_event_date`` index over nearly every case (0.7 s for 300,000 cases)."""
    iso = connection.ops.adapt_datefield_value(as_of)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {casewrite.CASE_TABLE}{_via('supervision_case_rescan')} SET rescan = %s "
                       f"WHERE rescan AND last_event_date <= %s", [False, iso])


def active_alerts() -> npt.NDArray[np.int64]:
    """Alerts not cleared, a row each: ``id, key (case pk × 16 + type index), since day, deadline day``."""
    with connection.cursor() as cursor:
        columns = bulk.int_select(["id", f"case_id * 16 + {TYPE_CODE}", bulk.day_number("since", NO_DAY),
                         bulk.day_number("deadline", NO_DAY)])
        return bulk.int_rows(cursor, f"SELECT {columns} FROM {ALERT_TABLE}{_via('supervision_alert_active')} "
                             f"WHERE cleared_on IS NULL", [], 4)


def alert_cases(active: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The cases holding the ``active`` alerts, sorted, once each (by sorting: ``np.unique`` hashes, 30× slower here)."""
    pks = np.sort(active[:, 1] // 16)
    return pks[np.concatenate([[True], pks[1:] != pks[:-1]])] if len(pks) else pks


def stored_events(case_pks: Sequence[int]) -> dict[int, list[Event]]:
    """The events already stored for these cases, by case pk, as the rules take them."""
    by_case: dict[int, list[Event]] = {}
    for case_pk, event_id, kind, step, amount, outcome, reason, at, recorded_at in casewrite.stored_event_rows(case_pks):
        by_case.setdefault(case_pk, []).append(Event(
            event_id, kind, EPOCH + timedelta(microseconds=at), step, None if amount is None else Decimal(str(amount)),
            outcome, reason, None if recorded_at is None else EPOCH + timedelta(microseconds=recorded_at)))
    return by_case


def replay_past(pop: Population, as_of: date, catalog: Catalog, cal: WorkCalendar) -> int:
    """Fold again, from events up to ``as_of``, the cases whose events reach past it. Returns how many."""
    stale = np.flatnonzero(pop.cols["last_event_date"] > day_number(as_of))
    if not len(stale):
        return 0
    items = catalog.item_by_pk()
    events = stored_events([int(pop.cols["id"][i]) for i in stale])
    for i in stale:
        rules = catalog.effective(items[int(pop.cols["item_id"][i])], int(pop.cols["unit_id"][i])).case_rules
        s = case_state(events[int(pop.cols["id"][i])], rules, cal, as_of=as_of)
        values = {"received_date": s.received_date, "decided_date": s.decided_date, "withdrawn_date": s.withdrawn_date,
                  **{c: getattr(s, c) for c in FLAG_COLUMNS}}
        for name, value in values.items():
            pop.cols[name][i] = NO_DAY if value is None else day_number(value)
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
    gone: npt.NDArray[np.int64]  # ids of the alerts this scan cleared
    gone_keys: npt.NDArray[np.int64]  # and their keys (case pk × 16 + type index), aligned


def persist(pop: Population, result: ScanResult, as_of: date, now_value: Any,
            active: npt.NDArray[np.int64]) -> Changes:
    """Upsert the alerts in force, clear those of the population that no longer hold.

    ``active`` is :func:`active_alerts`; only alerts new or changed are written."""
    ops = connection.ops
    ids = pop.cols["id"]
    keys, since, deadline, rows = [], [], [], []
    for alert_type, holds in result.holds.items():
        where = np.flatnonzero(holds)
        rows.append(where)
        keys.append(ids[where] * 16 + TYPE_INDEX[alert_type])
        since.append(result.since[alert_type][where])
        deadline.append(result.deadline[alert_type][where])
    key = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    row = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    since_d = np.concatenate(since).astype("datetime64[D]").astype(np.int64) if since else key
    deadline_d = np.concatenate(deadline).astype("datetime64[D]").astype(np.int64) if deadline else key
    act_id, act_key, act_sig = active[:, 0], active[:, 1], active[:, 2:4]
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
    holding = np.zeros(len(act_key), bool)  # active alerts that still hold (keys are unique on both sides)
    holding[match[found]] = True
    cleared = np.isin(act_key // 16, ids) & ~holding
    gone = act_id[cleared]
    pick = row[upsert]
    alert_ids = ids[pick]
    type_names = np.array(ALERT_TYPES, dtype=object)[key[upsert] % 16]
    new_deadline = deadline_d[upsert].astype("datetime64[D]")
    new_since = since_d[upsert].astype("datetime64[D]")
    columns = ("case_id", "type", "unit_id", "item_id", "deadline", "provisional", "since", "status", "note",
               "created_at")
    stamp = ops.adapt_datetimefield_value(now_value)
    if connection.vendor == "postgresql":  # COPY's text, formatted column by column
        rows: list | str = bulk.copy_text([alert_ids, type_names, pop.cols["unit_id"][pick], pop.cols["item_id"][pick],
                                       new_deadline, np.where(result.provisional[pick], "t", "f"), new_since],
                                      f"\topen\t\t{stamp}")
    else:  # parameters column by column (numpy → lists), not an object per alert
        rows = list(zip(alert_ids.tolist(), type_names.tolist(), pop.cols["unit_id"][pick].tolist(),
                        pop.cols["item_id"][pick].tolist(), new_deadline.tolist(), result.provisional[pick].tolist(),
                        new_since.tolist(), repeat("open"), repeat(""), repeat(stamp), strict=False))
    bulk.insert(ALERT_TABLE, columns, rows, conflict="ON CONFLICT (case_id, type) DO UPDATE SET deadline = "
                "excluded.deadline, provisional = excluded.provisional, since = excluded.since, cleared_on = NULL")
    with connection.cursor() as cursor:
        for condition, part in bulk.where_in("id", gone.tolist()):
            cursor.execute(f"UPDATE {ALERT_TABLE} SET cleared_on = %s WHERE {condition}",
                           [ops.adapt_datefield_value(as_of), *part])
    new = np.flatnonzero(~found)
    opened = list(zip(ids[row[new]].tolist(), np.array(ALERT_TYPES, dtype=object)[key[new] % 16].tolist(),
                      strict=True))
    return Changes(opened=opened, cleared=len(gone), in_force=len(key), gone=gone, gone_keys=act_key[cleared])
