"""From a validated batch to case rows: which cases fold on and which fold again, the batch fold,
deadlines, and the rows to write — as columns. Called only from :mod:`zeren.supervision.actions`.

A case folds on from its stored state when every new event sorts after its fold cursor, made by
this version of the fold under the same rules and source (:class:`~zeren.supervision.rules.FoldCursor`);
otherwise it is folded again from all of its events by :func:`zeren.supervision.rules.fold`, one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

import numpy as np
import orjson

from zeren.supervision import storage
from zeren.supervision.batchfold import (
    CaseColumns,
    Ints,
    RuleColumns,
    SortedEvents,
    fold_cases,
    sort_events,
)
from zeren.supervision.catalog import Catalog
from zeren.supervision.columns import (
    NO_TIME,
    EventColumns,
    day_texts,
    optional_utc_texts,
    utc_texts,
)
from zeren.supervision.rules import (
    EVENT_ALERTS,
    NO_DAY,
    CaseRules,
    Event,
    FoldCursor,
    deadlines,
    fold,
    moment,
    rules_tag,
    set_deadlines,
    sorted_events,
)
from zeren.workdays import WorkCalendar

_DATES = ("received_day", "last_day", "suspended_since", "decided_day", "withdrawn_day", "delivered_day")
_LOADED_DATES = ("received_date", "last_event_date", "suspended_since", "decided_date", "withdrawn_date",
                 "delivered_date")


@dataclass
class Batch:
    """A batch's accepted events with the case each belongs to (cases numbered by first appearance)."""

    cols: EventColumns
    row_case: Ints  # per row of cols: its case
    case_ids: list[str]
    identity: list[tuple[int, int]]  # per case: (item pk, unit pk)
    order: Ints  # rows in fold order
    events: SortedEvents


def group_batch(cols: EventColumns, owns: list[tuple[int, int]]) -> Batch:
    case_ids = list(dict.fromkeys(cols.case_id))  # in order of first appearance
    number = {case_id: k for k, case_id in enumerate(case_ids)}
    case = np.array(list(map(number.__getitem__, cols.case_id)), dtype=np.int64)
    first_row = np.unique(case, return_index=True)[1].tolist()
    order, events = sort_events(case, cols.kind, cols.at_us, cols.day, cols.rec_us, cols.rec_day, cols.step,
                                cols.amount, cols.outcome, cols.reason, cols.event_id)
    return Batch(cols, case, case_ids, [owns[r] for r in first_row], order, events)


def instants(cols: EventColumns, rows: list[int] | range, sqlite: bool) -> list:
    """``at`` of these rows as the database takes it: Django's naive UTC text on SQLite; for
    PostgreSQL's COPY the reported text when it is the usual form, else the instant."""
    if sqlite:
        return utc_texts(cols.at_us[rows])
    return [cols.at_text[r] if cols.usual[r] else moment(int(cols.at_us[r])) for r in rows]


def event_values(cols: EventColumns, sqlite: bool) -> tuple[list, list, list]:
    """``at``, ``recorded_at`` and ``amount`` of every row as the database takes them (see
    :func:`instants`; amounts as decimal text on SQLite)."""
    if sqlite:
        return (utc_texts(cols.at_us), optional_utc_texts(cols.rec_us),
                [None if a is None else str(a) for a in cols.amount])
    recorded = [None if rec == NO_TIME else text if usual else moment(rec)
                for rec, text, usual in zip(cols.rec_us.tolist(), cols.recorded_text, cols.usual.tolist(), strict=True)]
    return instants(cols, range(len(cols)), sqlite), recorded, cols.amount


class CaseWriter:
    """Folds a batch into case rows for :func:`zeren.supervision.storage.write_cases`."""

    def __init__(self, catalog: Catalog, cal: WorkCalendar, source_pk: int, now: datetime) -> None:
        self.catalog, self.cal, self.source_pk = catalog, cal, source_pk
        self.sqlite = storage.dates_as_text()
        self.stamp = storage.instant_adapter()(now)  # ``updated_at`` of the rows written
        self.items = catalog.item_by_pk()
        self.rules: dict[tuple[int, int], tuple[CaseRules, int]] = {}
        self.new: list[tuple] = []
        self.changed: list[tuple] = []
        self.continued: list[tuple] = []

    def rules_of(self, pair: tuple[int, int]) -> tuple[CaseRules, int]:
        """The case rules of an (item, unit) pair and their tag (what a fold cursor was made under)."""
        if pair not in self.rules:
            rules = self.catalog.effective(self.items[pair[0]], pair[1]).case_rules
            self.rules[pair] = (rules, rules_tag(rules))
        return self.rules[pair]

    def fold_batch(self, batch: Batch, row_of: dict[str, int], loaded: dict[str, list]) -> None:
        e = batch.events
        first = np.flatnonzero(np.r_[True, e.case[1:] != e.case[:-1]])
        has_received = np.logical_or.reduceat(e.rank == 0, first).tolist()
        first_rows = batch.order[first].tolist()
        cols = batch.cols
        onward, refold = [], []
        cursors: dict[int, FoldCursor] = {}  # stored row -> its cursor, for the cases folding on
        for k, case_id in enumerate(batch.case_ids):
            stored = row_of.get(case_id)
            if stored is None:
                onward.append(k)
                continue
            cursor = FoldCursor.from_text(loaded["fold"][stored])
            r = first_rows[k]
            if (cursor is not None and cursor.source == self.source_pk
                    and cursor.current(self.rules_of(batch.identity[k])[1])
                    and cursor.continues((int(cols.at_us[r]), int(e.rank[first[k]]), cols.event_id[r]),
                                         has_received[k])):
                cursors[stored] = cursor
                onward.append(k)
            else:
                refold.append(k)
        if refold:
            self._refold(batch, refold, row_of, loaded)
        if len(onward) == len(batch.case_ids):
            self._fold_on(batch, np.arange(len(onward)), e, row_of, loaded, cursors)
        elif onward:
            keep = np.zeros(len(batch.case_ids), dtype=bool)
            keep[onward] = True
            renumber = np.cumsum(keep) - 1
            mask = keep[e.case]
            rows = np.flatnonzero(mask).tolist()
            subset = SortedEvents(renumber[e.case[mask]], e.at_us[mask], e.day[mask], e.rank[mask], e.rec_us[mask],
                                  e.rec_day[mask], [e.step[i] for i in rows], e.cents[mask],
                                  [e.outcome[i] for i in rows], e.reason_blank[mask])
            self._fold_on(Batch(cols, batch.row_case, batch.case_ids, batch.identity, batch.order[mask], subset),
                          np.array(onward), subset, row_of, loaded, cursors)

    def _fold_on(self, batch: Batch, which: Ints, e: SortedEvents, row_of: dict[str, int],
                 loaded: dict[str, list], cursors: dict[int, FoldCursor]) -> None:
        """The batch fold for cases ``which`` (new, or folding on from their stored state)."""
        ids = [batch.case_ids[k] for k in which.tolist()]
        pairs = [batch.identity[k] for k in which.tolist()]
        s = CaseColumns.fresh(len(ids))
        at = [(n, row_of[c]) for n, c in enumerate(ids) if c in row_of]
        if at:
            self._load_state(s, np.array([n for n, _ in at]), [r for _, r in at], loaded, cursors)
        # The rules of each distinct (item, unit) pair (a few dozen), then per case by pair number.
        number = {pair: k for k, pair in enumerate(dict.fromkeys(pairs))}
        of_case = np.fromiter(map(number.__getitem__, pairs), np.int64, len(pairs))
        distinct = [self.rules_of(p) for p in number]

        def column(values: list) -> Ints:
            return np.array(values, dtype=np.int64)[of_case]
        rules = [distinct[k] for k in of_case.tolist()]
        fold_cases(s, e, RuleColumns(
            column([r.suspension_limit for r, _ in distinct]),
            column([int((r.fee_standard * 100).to_integral_value(ROUND_FLOOR)) for r, _ in distinct]),
            column([r.late_entry_hours * 3_600_000_000 for r, _ in distinct]),
            [r.required_steps for r, _ in rules], [r.step_limits for r, _ in rules]), self.cal)
        self._rows(batch, ids, pairs, rules, s, e, row_of, loaded)

    def _load_state(self, s: CaseColumns, at: Ints, rows: list[int], loaded: dict[str, list],
                    cursors: dict[int, FoldCursor]) -> None:
        s.new[at] = False
        for name, column in zip(_DATES, _LOADED_DATES, strict=True):
            getattr(s, name)[at] = [loaded[column][r] for r in rows]
        for column in EVENT_ALERTS.values():
            s.seen_on[column][at] = [loaded[column][r] for r in rows]
        s.suspension_count[at] = [loaded["suspension_count"][r] for r in rows]
        s.extension_days[at] = [loaded["extension_days"][r] for r in rows]
        s.event_count[at] = [loaded["event_count"][r] for r in rows]
        s.fees_cents[at] = [int(Decimal(str(loaded["fees_total"][r])) * 100) for r in rows]
        for n, r in zip(at.tolist(), rows, strict=True):
            s.outcome[n] = loaded["outcome"][r]
            steps = loaded["completed_steps"][r]
            s.completed_steps[n] = list(steps) if isinstance(steps, list) else orjson.loads(steps)
            cursor = cursors[r]
            s.from_received[n], s.start_us[n] = cursor.from_received, cursor.start_us
            s.mark_day[n], s.ext_at_mark[n] = cursor.mark_day, cursor.extension_at_mark

    def _rows(self, batch: Batch, ids: list[str], pairs: list[tuple[int, int]], rules: list[tuple[CaseRules, int]],
              s: CaseColumns, e: SortedEvents, row_of: dict[str, int], loaded: dict[str, list]) -> None:
        """Deadlines (by rules.deadlines) and the rows."""
        cal, cols = self.cal, batch.cols
        received = s.received_day.astype("datetime64[D]")
        stat, prom = deadlines(received, [r.statutory_days for r, _ in rules], [r.promised_days for r, _ in rules],
                               s.extension_days, cal)
        assert s.last_row is not None and s.start_row is not None
        last = batch.order[s.last_row].tolist()
        last_at, last_id = cols.at_us[last].tolist(), [cols.event_id[r] for r in last]
        folds = [FoldCursor(received, start, mark, ext, last, tag, self.source_pk).to_text()
                 for received, start, mark, ext, last, tag in zip(
                     s.from_received.tolist(), s.start_us.tolist(), s.mark_day.tolist(), s.ext_at_mark.tolist(),
                     zip(last_at, e.rank[s.last_row].tolist(), last_id, strict=True), [tag for _, tag in rules],
                     strict=True)]

        # Flags as 0/1 integers, not bools: the sqlite3 module binds a bool (or None) through its
        # adapter look-up, several times slower than an int or a str.
        is_open = ((s.decided_day == NO_DAY) & (s.withdrawn_day == NO_DAY)).astype(np.int64).tolist()
        folded = {
            "last_event_date": day_texts(s.last_day), "is_open": is_open,
            "suspended_since": day_texts(s.suspended_since), "suspension_count": s.suspension_count.tolist(),
            "extension_days": s.extension_days.tolist(), "decided_date": day_texts(s.decided_day),
            "outcome": s.outcome, "withdrawn_date": day_texts(s.withdrawn_day),
            "delivered_date": day_texts(s.delivered_day),
            "fees_total": [f"{c // 100}.{c % 100:02d}" for c in s.fees_cents.tolist()],
            "completed_steps": [orjson.dumps(steps).decode() for steps in s.completed_steps],
            "statutory_deadline": day_texts(stat.values.astype(np.int64)),
            "promised_deadline": day_texts(prom.values.astype(np.int64)),
            "provisional": (stat.provisional | prom.provisional).astype(np.int64).tolist(),
            **{column: day_texts(s.seen_on[column]) for column in EVENT_ALERTS.values()},
            "event_count": s.event_count.tolist(), "fold": folds, "rescan": [1] * len(ids),
            "updated_at": [self.stamp] * len(ids)}
        state = [folded[name] for name in storage.FOLDED_COLUMNS]
        if s.new.any():
            fresh = np.flatnonzero(s.new).tolist()
            head = self._head(batch, ids, pairs, s)
            self.new += zip(*(head[name] for name in storage.HEAD_COLUMNS + storage.RECEIVED_COLUMNS),
                            *(state if s.new.all() else ([column[n] for n in fresh] for column in state)), strict=True)
        if not s.new.all():
            pks = loaded["id"]
            stored = np.flatnonzero(~s.new).tolist()
            self.continued += zip(*([column[n] for n in stored] for column in state),
                                  [pks[row_of[ids[n]]] for n in stored], strict=True)

    def _head(self, batch: Batch, ids: list[str], pairs: list[tuple[int, int]], s: CaseColumns) -> dict[str, list]:
        """:data:`~zeren.supervision.storage.HEAD_COLUMNS` and
        :data:`~zeren.supervision.storage.RECEIVED_COLUMNS` of the new cases."""
        assert s.start_row is not None
        fresh = np.flatnonzero(s.new)
        starts = batch.order[s.start_row[fresh]].tolist()
        rows = fresh.tolist()
        return {"case_id": [ids[n] for n in rows], "source_id": [self.source_pk] * len(rows),
                "item_id": [pairs[n][0] for n in rows], "unit_id": [pairs[n][1] for n in rows],
                "received_at": instants(batch.cols, starts, self.sqlite),
                "received_date": day_texts(s.received_day[fresh])}

    def refold_stored(self, cases: list[tuple[int, int, int, str]]) -> int:
        """Fold again, from their stored events, the cases ``(pk, item pk, unit pk, fold)`` whose fold
        was made by another version of the fold or under other rules than those now in force;
        returns how many (their rows in ``changed``). A case's events never change, so this is the
        same fold as ingestion's."""
        stale = []
        for pk, item, unit, text in cases:
            cursor = FoldCursor.from_text(text)
            if cursor is None or not cursor.current(self.rules_of((item, unit))[1]):
                stale.append((pk, (item, unit), []))
        self._fold_again(stale)
        return len(stale)

    def _refold(self, batch: Batch, refold: list[int], row_of: dict[str, int], loaded: dict[str, list]) -> None:
        """Out of order (or mixed sources, or changed rules): fold again from every event, case by case."""
        cols, e = batch.cols, batch.events
        mine = np.zeros(len(batch.case_ids), dtype=bool)
        mine[refold] = True
        new_events: dict[int, list[Event]] = {k: [] for k in refold}
        for r in batch.order[mine[e.case]].tolist():
            rec = int(cols.rec_us[r])
            new_events[int(batch.row_case[r])].append(Event(
                cols.event_id[r], cols.kind[r], moment(int(cols.at_us[r])), cols.step[r], cols.amount[r],
                cols.outcome[r], cols.reason[r], None if rec == NO_TIME else moment(rec)))
        self._fold_again([(loaded["id"][row_of[batch.case_ids[k]]], batch.identity[k], new_events[k])
                          for k in refold])

    def _fold_again(self, cases: list[tuple[int, tuple[int, int], list[Event]]]) -> None:
        """Fold cases ``(pk, (item pk, unit pk), new events from this source)`` again from all their
        events, stored and new, and queue their rows in ``changed``. The fold cursor names the one
        system the events came from; with several there is none (the case is folded again at each
        new event)."""
        if not cases:
            return
        pks = [pk for pk, _, _ in cases]
        stored, sources = storage.stored_events(pks), storage.event_sources(pks)
        adapt = storage.instant_adapter()
        for pk, pair, new in cases:
            rules = self.rules_of(pair)[0]
            state, cursor = fold(None, None, sorted_events(new + stored.get(pk, [])), rules, self.cal)
            set_deadlines(state, rules, self.cal)
            systems = sources.get(pk, set()) | ({self.source_pk} if new else set())
            cursor = cursor._replace(source=next(iter(systems)) if len(systems) == 1 else 0)
            params = storage.state_params(state, cursor.to_text(), self.stamp, self.sqlite, adapt)
            self.changed.append((*params, pk))
