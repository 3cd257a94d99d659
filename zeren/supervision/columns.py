"""A batch of reported events as columns (列式批次), for ingestion at executemany speed. Pure: no database.

:func:`read_columns` is an optimisation of :func:`zeren.supervision.events.parse_event`, the event
model's validation: it checks a whole batch column by column (types, lengths, event types, the
usual ``YYYY-MM-DDTHH:MM:SS+08:00`` instants parsed from one byte buffer with numpy) and accepts
outright only events the model accepts; every other row — another offset, fractions of a second,
anything odd — goes through :func:`parse_event` one by one, which names the field of a rejection.
``tests/test_event_model.py`` holds it to the model on generated events.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from zeren.supervision.events import (
    AMOUNT,
    FIRST_YEAR,
    FLAT_SAFE,
    LAST_YEAR,
    OUTCOMES,
    ParsedEvent,
    Rejection,
    Unparsed,
    _suspect_text,
    parse_event,
)
from zeren.supervision.rules import (
    DECIDED,
    EPOCH_ORDINAL,
    FEE_CHARGED,
    NO_DAY,
    STEP_COMPLETED,
    TYPE_RANK,
    local_date,
    micros,
)

Ints = npt.NDArray[np.int64]
NO_TIME = np.iinfo(np.int64).min  # no recorded_at
USUAL_LENGTH = 25  # len("2026-09-14T09:30:00+08:00")
_CHINA_SECONDS = 8 * 3600
_FLAT_KEYS = frozenset({"event_id", "case_id", "item_code", "unit_code", "type", "at", "recorded_at", "step",
                        "amount", "outcome", "reason"})


@dataclass
class EventColumns:
    """Valid events as columns, in batch order. Times: ``at_us`` microseconds since the epoch (UTC),
    ``day`` the Asia/Shanghai date as days since the epoch; ``rec_*`` the same for ``recorded_at``
    (:data:`NO_TIME` when absent). ``usual`` marks rows whose times were written in the usual form."""

    index: list[int]
    raw: list[dict[str, Any]]
    event_id: list[str]
    case_id: list[str]
    item_code: list[str]
    unit_code: list[str]
    kind: list[str]
    at_text: list[str]
    recorded_text: list[str | None]
    step: list[str]
    amount: list[Decimal | None]
    outcome: list[str]
    reason: list[str]
    at_us: Ints
    day: Ints
    rec_us: Ints
    rec_day: Ints
    usual: npt.NDArray[np.bool_]
    flat: bool = False  # every row an object of strings, integers, booleans and nulls only
    raw_json: bytes | None = None  # orjson's text of ``raw`` (keys sorted), when it was made anyway

    def __len__(self) -> int:
        return len(self.index)

    def take(self, keep: npt.NDArray[np.bool_] | list[int]) -> EventColumns:
        """The rows where ``keep`` is true (a mask), or at the given positions (a list)."""
        rows = np.flatnonzero(keep).tolist() if isinstance(keep, np.ndarray) else keep
        picked = {}
        for name, value in vars(self).items():
            picked[name] = (value[rows] if isinstance(value, np.ndarray) else [value[i] for i in rows]
                            if isinstance(value, list) else value)
        picked["raw_json"] = None
        return EventColumns(**picked)


def _column(rows: list[dict], key: str) -> list[Any]:
    return list(map(dict.get, rows, repeat(key)))  # C-level loop: half the cost of a comprehension


def _text_ok(values: list[Any], low: int, high: int) -> npt.NDArray[np.bool_] | bool:
    """Strings of ``low``..``high`` characters: True for the whole column at once, else per row."""
    if set(map(type, values)) == {str}:
        lengths = np.fromiter(map(len, values), np.int64, len(values))
        if low <= lengths.min() and lengths.max() <= high:
            return True
    return np.fromiter((type(v) is str and low <= len(v) <= high for v in values), bool, len(values))


def _days_from_civil(y: Ints, m: Ints, d: Ints) -> Ints:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's algorithm), vectorised."""
    y = y - (m <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + np.where(m > 2, -3, 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _civil_from_days(z: Ints) -> tuple[Ints, Ints, Ints]:
    z = z + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + np.where(mp < 10, 3, -9)
    return yoe + era * 400 + (m <= 2), m, d


_DIGIT = np.array([0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18])  # positions of digits in the usual form
_CHINA_OFFSET = np.frombuffer(b"+08:00", dtype=np.uint8)
_SEPARATORS = {4: ord("-"), 7: ord("-"), 10: ord("T"), 13: ord(":"), 16: ord(":")}


def parse_usual_times(texts: list[str]) -> tuple[npt.NDArray[np.bool_], Ints, Ints]:
    """``(ok, microseconds UTC, local day)`` of ``YYYY-MM-DDTHH:MM:SS+08:00`` strings, from one byte
    buffer. ``ok`` is false for anything else (other forms are left to ``datetime.fromisoformat``),
    and for a valid instant outside the calendar's years (which :func:`parse_event` then words)."""
    n = len(texts)
    ok = np.zeros(n, dtype=bool)
    micros, days = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    if set(map(len, texts)) == {USUAL_LENGTH}:
        usual: list[int] | range = range(n)
        joined = "".join(texts).encode("utf-8")
    else:
        usual = [i for i, t in enumerate(texts) if len(t) == USUAL_LENGTH]
        joined = "".join(texts[i] for i in usual).encode("utf-8")
    if not usual:
        return ok, micros, days
    if len(joined) != len(usual) * USUAL_LENGTH:  # a non-ASCII character somewhere: without those rows
        keep = [i for i in usual if texts[i].isascii()]
        sub_ok, sub_us, sub_days = parse_usual_times([texts[i] for i in keep])
        ok[keep], micros[keep], days[keep] = sub_ok, sub_us, sub_days
        return ok, micros, days
    chars = np.frombuffer(joined, dtype=np.uint8).reshape(-1, USUAL_LENGTH)
    digits = chars[:, _DIGIT].astype(np.int64) - 48
    good = ((digits >= 0) & (digits <= 9)).all(axis=1) & (chars[:, 19:] == _CHINA_OFFSET).all(axis=1)
    for position, code in _SEPARATORS.items():
        good &= chars[:, position] == code
    if not good.all():
        digits[~good] = 0
    year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
    month, day = digits[:, 4] * 10 + digits[:, 5], digits[:, 6] * 10 + digits[:, 7]
    hour, minute, second = (digits[:, 8] * 10 + digits[:, 9], digits[:, 10] * 10 + digits[:, 11],
                            digits[:, 12] * 10 + digits[:, 13])
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(month, 0, 12)]
    good &= ((month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days + (leap & (month == 2)))
             & (hour < 24) & (minute < 60) & (second < 60) & (year >= FIRST_YEAR) & (year <= LAST_YEAR))
    local = _days_from_civil(year, month, day)
    rows = np.asarray(usual)
    ok[rows] = good
    days[rows] = local
    micros[rows] = (local * 86400 + hour * 3600 + minute * 60 + second - _CHINA_SECONDS) * 1_000_000
    return ok, micros, days


def read_columns(events: list[Any], first_index: int = 0
                 ) -> tuple[EventColumns, list[tuple[int, Any, Rejection]]]:
    """Validate a batch: the valid events as columns (batch order) and each invalid one with its
    rejection, as :func:`parse_event` would give them one by one."""
    n = len(events)
    fast = (np.ones(n, dtype=bool) if set(map(type, events)) <= {dict} else
            np.fromiter((type(r) is dict for r in events), bool, n))
    dicts = [r for r in events if type(r) is dict] if not fast.all() else events
    at_text, recorded = _column(dicts, "at"), _column(dicts, "recorded_at")
    kind, outcome = _column(dicts, "type"), _column(dicts, "outcome")
    step_raw, reason_raw = _column(dicts, "step"), _column(dicts, "reason")
    step, reason = ["" if v is None else v for v in step_raw], ["" if v is None else v for v in reason_raw]
    amount_raw = _column(dicts, "amount")
    ids = {name: _column(dicts, name) for name in ("event_id", "case_id", "item_code", "unit_code")}
    flat = set().union(*dicts) <= _FLAT_KEYS and all(
        FLAT_SAFE.issuperset(map(type, values))
        for values in (at_text, recorded, kind, outcome, step_raw, reason_raw, amount_raw, *ids.values()))
    ok = np.ones(len(dicts), dtype=bool)
    for name, high in (("event_id", 128), ("case_id", 64), ("item_code", 64), ("unit_code", 64)):
        ok &= _text_ok(ids[name], 1, high)
    ok &= _text_ok(step, 0, 64)
    ok &= _text_ok(reason, 0, 10**9)
    ok &= _kinds_ok(kind, step, outcome)
    amount: list[Decimal | None] = [None] * len(dicts)
    for i in sorted({i for i, a in enumerate(amount_raw) if a is not None}
                    | {i for i, k in enumerate(kind) if k == FEE_CHARGED}):
        value = amount_raw[i]
        if type(value) is str and AMOUNT.fullmatch(value):
            if kind[i] == FEE_CHARGED:
                amount[i] = Decimal(value)
        elif value != "" or kind[i] == FEE_CHARGED:  # blank: none, which only a fee cannot be
            ok[i] = False  # worded by parse_event
    texts = [t if type(t) is str else "" for t in at_text]
    at_ok, at_us, day = parse_usual_times(texts)
    ok &= at_ok
    has_recorded = ~np.fromiter(map((None, "").__contains__, recorded), bool, len(dicts))
    rec_us = np.full(len(dicts), NO_TIME, dtype=np.int64)
    rec_day = np.full(len(dicts), NO_DAY, dtype=np.int64)
    present = np.flatnonzero(has_recorded)
    rec_ok, rec_us[present], rec_day[present] = parse_usual_times(
        [r if type(r) is str else "" for r in (recorded if len(present) == len(dicts) else
                                                [recorded[i] for i in present.tolist()])])
    ok[present] &= rec_ok
    storable, raw_json = _storable(dicts, flat)
    ok &= storable
    cols = EventColumns(
        index=list(range(first_index, first_index + n)) if len(dicts) == n else
        (np.flatnonzero(fast) + first_index).tolist(), raw=dicts, **ids, kind=kind, at_text=at_text,
        recorded_text=[r or None for r in recorded], step=step, amount=amount,
        outcome=[o if k == DECIDED else "" for k, o in zip(kind, outcome, strict=True)], reason=reason,
        at_us=at_us, day=day, rec_us=rec_us, rec_day=rec_day, usual=np.ones(len(dicts), dtype=bool), flat=flat,
        raw_json=raw_json)
    if not ok.all():
        cols = cols.take(ok)
    if len(dicts) == n:
        fast = ok
    else:
        fast[fast] = ok
    if fast.all():
        return cols, []
    slow, bad = [], []
    for position in np.flatnonzero(~fast).tolist():
        raw = events[position]
        if isinstance(raw, Unparsed):
            bad.append((first_index + position, {"text": raw.text[:10000]}, raw.rejection))
            continue
        parsed = parse_event(raw)
        if isinstance(parsed, Rejection):
            bad.append((first_index + position, raw, parsed))
        else:
            slow.append((first_index + position, parsed))
    if slow:
        cols = _merged(cols, _from_parsed(slow))
    return cols, bad


def _kinds_ok(kind: list[Any], step: list[str], outcome: list[Any]) -> npt.NDArray[np.bool_]:
    """A known type, a step for ``step_completed``, an outcome for ``decided`` (and none other than
    approved or denied on any event): C-level maps over the columns when every type is a known one,
    else row by row."""
    n = len(kind)
    outcome_ok = np.fromiter(map(_ANY_OUTCOME.__contains__, outcome), bool, n)
    if set(map(type, kind)) == {str} and set(kind) <= TYPE_RANK.keys():
        steps = np.fromiter(map(STEP_COMPLETED.__eq__, kind), bool, n)
        decisions = np.fromiter(map(DECIDED.__eq__, kind), bool, n)
        return (outcome_ok & (~steps | np.fromiter(map(bool, step), bool, n))
                & (~decisions | np.fromiter(map(OUTCOMES.__contains__, outcome), bool, n)))
    return outcome_ok & np.fromiter(
        ((k in TYPE_RANK and (k != STEP_COMPLETED or s != "") and (k != DECIDED or o in OUTCOMES))
         if type(k) is str else False for k, s, o in zip(kind, step, outcome, strict=True)), bool, n)


_ANY_OUTCOME = (None, "", *OUTCOMES)  # a tuple: compared with ==, so an unhashable value is simply not in it


def _storable(rows: list[dict], flat: bool) -> tuple[npt.NDArray[np.bool_] | bool, bytes | None]:
    """False for rows that may be :func:`~zeren.supervision.events.unacceptable` (a NUL or a lone
    surrogate anywhere; in a batch that is not ``flat``, any value other than a string, integer,
    boolean or null — NaN, nesting: those rows take the long way): one orjson call for a flat batch,
    row by row otherwise or when it finds one. Its text (keys sorted: for flat rows the canonical JSON the
    batch's digest is taken of, see :func:`~zeren.supervision.events.canonical_digest`) is returned
    for the digest and for shipping the batch."""
    if flat:
        try:
            text = orjson.dumps(rows, option=orjson.OPT_SORT_KEYS)
            if b"\\u0000" not in text:
                return True, text
        except TypeError:
            pass
    return np.fromiter((not _suspect_text(r) for r in rows), bool, len(rows)), None


def _from_parsed(parsed: list[tuple[int, ParsedEvent]]) -> EventColumns:
    """Columns of events accepted one by one (other offsets, fractions of a second, fees)."""
    events = [p.event for _, p in parsed]
    rec = [e.recorded_at for e in events]
    return EventColumns(
        index=[i for i, _ in parsed], raw=[p.raw for _, p in parsed], event_id=[e.event_id for e in events],
        case_id=[p.case_id for _, p in parsed], item_code=[p.item_code for _, p in parsed],
        unit_code=[p.unit_code for _, p in parsed], kind=[e.type for e in events],
        at_text=[p.raw["at"] for _, p in parsed],
        recorded_text=[None if r is None else p.raw["recorded_at"] for r, (_, p) in zip(rec, parsed, strict=True)],
        step=[e.step for e in events], amount=[e.amount for e in events], outcome=[e.outcome for e in events],
        reason=[e.reason for e in events],
        at_us=np.array([micros(e.at) for e in events], dtype=np.int64),
        day=np.array([local_date(e.at).toordinal() - EPOCH_ORDINAL for e in events], dtype=np.int64),
        rec_us=np.array([NO_TIME if r is None else micros(r) for r in rec], dtype=np.int64),
        rec_day=np.array([NO_DAY if r is None else local_date(r).toordinal() - EPOCH_ORDINAL for r in rec],
                         dtype=np.int64),
        usual=np.zeros(len(events), dtype=bool))


def _merged(a: EventColumns, b: EventColumns) -> EventColumns:
    """Both batches' rows in batch order."""
    joined = {}
    for name, value in vars(a).items():
        other = getattr(b, name)
        if isinstance(value, np.ndarray):
            joined[name] = np.concatenate([value, other])
        elif isinstance(value, list):
            joined[name] = value + other
        else:  # flat: both; raw_json: no longer the rows'
            joined[name] = (value and other) if isinstance(value, bool) else None
    order = np.argsort(np.array(joined["index"]), kind="stable").tolist()
    return EventColumns(**joined).take(order)


# Formatting dates and instants for the database, many at a time.

def day_texts(days: Ints) -> list[str | None]:
    """``YYYY-MM-DD`` for each day (days since the epoch); None for :data:`~zeren.supervision.rules.NO_DAY`.
    A batch has a few hundred distinct days: each is written once."""
    if len(days) == 0:
        return []
    distinct, where = np.unique(days, return_inverse=True)
    y, m, d = _civil_from_days(distinct)
    buf = np.full((len(distinct), 11), ord("-"), dtype=np.uint8)
    _put(buf, 0, y, 4)
    _put(buf, 5, m, 2)
    _put(buf, 8, d, 2)
    buf[:, 10] = ord("\n")
    table = np.array(buf.tobytes().decode("ascii").split("\n")[:-1], dtype=object)
    table[distinct == NO_DAY] = None
    return table[where].tolist()


def utc_texts(micros: Ints) -> list[str]:
    """What Django stores on SQLite for aware instants: naive UTC ``YYYY-MM-DD HH:MM:SS[.ffffff]``."""
    if len(micros) == 0:
        return []
    seconds, fraction = np.divmod(micros, 1_000_000)
    days, clock = np.divmod(seconds, 86400)
    y, m, d = _civil_from_days(days)
    buf = np.full((len(micros), 20), ord(":"), dtype=np.uint8)
    _put(buf, 0, y, 4)
    buf[:, 4] = buf[:, 7] = ord("-")
    _put(buf, 5, m, 2)
    _put(buf, 8, d, 2)
    buf[:, 10] = ord(" ")
    _put(buf, 11, clock // 3600, 2)
    _put(buf, 14, clock // 60 % 60, 2)
    _put(buf, 17, clock % 60, 2)
    buf[:, 19] = ord("\n")
    texts = buf.tobytes().decode("ascii").split("\n")[:-1]
    for i in np.flatnonzero(fraction).tolist():
        texts[i] += f".{int(fraction[i]):06d}"
    return texts


def optional_utc_texts(micros: Ints) -> list[str | None]:
    """:func:`utc_texts`, None where there is no instant (:data:`NO_TIME`)."""
    present = np.flatnonzero(micros != NO_TIME).tolist()
    out: list[str | None] = [None] * len(micros)
    for r, text in zip(present, utc_texts(micros[present]), strict=True):
        out[r] = text
    return out


def _put(buf: npt.NDArray[np.uint8], start: int, values: Ints, width: int) -> None:
    for k in range(width - 1, -1, -1):
        buf[:, start + k] = 48 + values % 10
        values = values // 10
