"""A batch of reported events as columns (列式批次), checked by the published schema column by column.
Pure: no database.

:func:`read_columns` applies the JSON Schema of :class:`~zeren.supervision.events.ReportedEvent`
(:func:`~zeren.supervision.events.event_schema`: types, lengths, enumerations, patterns, existing
dates, the field each event type requires) to whole columns at once, so the event is stated once
and this check is read from it. A row it refuses, or that may hold what no database can store, goes
through :func:`~zeren.supervision.events.parse_event`, which names the field of its rejection (and
accepts, say, an extra field holding a float). ``tests/test_event_model.py`` holds both to the same
answers on generated events.
"""

from __future__ import annotations

import contextlib
import operator
import re
import sys
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from functools import cache
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from zeren.core.jsoninput import Rejection, unacceptable
from zeren.supervision.events import FIRST_YEAR, LAST_YEAR, ParsedEvent, Unparsed, event_schema, parse_event
from zeren.supervision.rules import DECIDED, EPOCH_ORDINAL, FEE_CHARGED, NO_DAY, local_date, micros

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
NO_TIME = np.iinfo(np.int64).min  # no recorded_at
SCHEMA = event_schema()
PROPERTIES: dict[str, dict[str, Any]] = SCHEMA["properties"]
BLANK = (None, "")  # a tuple: compared with ==, so an unhashable value is simply not in it


@dataclass
class EventColumns:
    """Valid events as columns, in batch order: ``at_us`` microseconds since the epoch (UTC), ``day``
    the Asia/Shanghai date as days since the epoch, ``rec_*`` the same of ``recorded_at``
    (:data:`NO_TIME`, ``NO_DAY`` when absent); ``json`` orjson's text of ``raw`` with keys sorted
    when it was made anyway (for flat events, their canonical JSON)."""

    index: list[int]
    raw: list[dict[str, Any]]
    event_id: list[str]
    case_id: list[str]
    item_code: list[str]
    unit_code: list[str]
    kind: list[str]
    step: list[str]
    amount: list[Decimal | None]
    outcome: list[str]
    reason: list[str]
    at_us: Ints
    day: Ints
    rec_us: Ints
    rec_day: Ints
    json: bytes | None = None

    def __len__(self) -> int:
        return len(self.index)

    def take(self, keep: Bools) -> EventColumns:
        """The rows where ``keep`` is true."""
        rows = np.flatnonzero(keep).tolist()
        return EventColumns(**{f.name: _pick(getattr(self, f.name), rows) for f in fields(self)[:-1]})

    def __add__(self, other: EventColumns) -> EventColumns:
        return EventColumns(**{f.name: np.concatenate([getattr(self, f.name), getattr(other, f.name)])
                               if f.type == "Ints" else getattr(self, f.name) + getattr(other, f.name)
                               for f in fields(self)[:-1]})


def _pick(values: Any, rows: list[int]) -> Any:
    """``values`` at ``rows`` (increasing positions)."""
    if len(rows) == len(values):
        return values
    return values[rows] if isinstance(values, np.ndarray) else [values[i] for i in rows]


def read_columns(events: list[Any], first_index: int = 0) -> tuple[EventColumns, list[tuple[int, Any, Rejection]]]:
    """Validate a batch: the valid events as columns (batch order) and each invalid one with its
    rejection, as :func:`parse_event` would give them one by one."""
    n = len(events)
    rows = [e if type(e) is dict else {} for e in events]
    column = {name: list(map(dict.get, rows, repeat(name))) for name in PROPERTIES}  # C-level loops
    valid = np.fromiter(map(operator.is_, map(type, events), repeat(dict)), bool, n)
    for name, spec in PROPERTIES.items():
        valid &= _matches(column[name], spec)
    kind = column["type"]
    for rule in SCHEMA["allOf"]:  # the field an event type requires: present, not blank
        (name,), const = rule["then"]["required"], rule["if"]["properties"]["type"]["const"]
        hits = [i for i, k in enumerate(kind) if k == const]
        valid[hits] &= np.array([column[name][i] not in BLANK for i in hits], dtype=bool)
    at_ok, at_us, day = _instants(column["at"], valid)
    rec_ok, rec_us, rec_day = _instants(column["recorded_at"], valid & ~np.fromiter(
        map(BLANK.__contains__, column["recorded_at"]), bool, n))
    valid &= at_ok & rec_ok
    ok, text = valid.copy(), None
    where = np.flatnonzero(valid).tolist()
    if set().union(*rows) <= PROPERTIES.keys():  # flat: every valid row's values are strings or null
        with contextlib.suppress(TypeError):  # a lone surrogate
            text = orjson.dumps([rows[i] for i in where], option=orjson.OPT_SORT_KEYS)
    if text is None or b"\\u0000" in text:
        ok[where] = [unacceptable(rows[i]) is None for i in where]
        text = None
    bad = []
    for i in np.flatnonzero(~ok).tolist():  # worded, or accepted after all, by the model
        raw = events[i]
        parsed = raw.rejection if isinstance(raw, Unparsed) else parse_event(raw)
        if isinstance(parsed, ParsedEvent):
            assert valid[i], f"the columnar check and the event model disagree on {raw!r}"
            ok[i] = True
        else:
            bad.append((first_index + i, {"text": raw.text[:10000]} if isinstance(raw, Unparsed) else raw, parsed))
    keep = np.flatnonzero(ok).tolist()
    kinds = _pick(kind, keep)
    cols = EventColumns(
        [first_index + i for i in keep], _pick(rows, keep), *(_pick(column[name], keep) for name in (
            "event_id", "case_id", "item_code", "unit_code")), kinds, [s or "" for s in _pick(column["step"], keep)],
        [Decimal(a) if k == FEE_CHARGED else None for k, a in zip(kinds, _pick(column["amount"], keep), strict=True)],
        [o if k == DECIDED else "" for k, o in zip(kinds, _pick(column["outcome"], keep), strict=True)],
        [r or "" for r in _pick(column["reason"], keep)], at_us[keep], day[keep], rec_us[keep], rec_day[keep],
        text if len(keep) == len(where) else None)
    return cols, bad


def _matches(values: list[Any], spec: dict[str, Any]) -> Bools:
    """Which ``values`` one property of the schema accepts: any of its alternatives (``anyOf``).
    Nulls aside, the whole column at once when one alternative takes every value, else value by
    value (each distinct value once)."""
    n, alternatives = len(values), spec.get("anyOf", [spec])
    ok = np.zeros(n, dtype=bool)
    if {"type": "null"} in alternatives:
        ok = np.fromiter(map(operator.is_, values, repeat(None)), bool, n)
    rest = [values[i] for i in np.flatnonzero(~ok).tolist()] if ok.any() else values
    if any(_all(rest, alternative) for alternative in alternatives):
        return np.ones(n, dtype=bool)
    try:
        verdict = {value: any(_all([value], a) for a in alternatives) for value in set(rest)}
    except TypeError:  # an unhashable value: row by row
        verdict = None
    ok[~ok] = [verdict[value] if verdict is not None else any(_all([value], a) for a in alternatives)
               for value in rest]
    return ok


def _all(values: list[Any], alternative: dict[str, Any]) -> bool:
    """Whether one alternative of the schema — null, or a string with its ``const``/``enum``,
    ``minLength``/``maxLength`` and ``pattern`` — takes every one of ``values``."""
    if alternative["type"] == "null":
        return values.count(None) == len(values)
    if not values or set(map(type, values)) != {str}:
        return not values
    if ("const" in alternative or "enum" in alternative) and not set(values) <= {
            *alternative.get("enum", []), *([alternative["const"]] if "const" in alternative else [])}:
        return False
    if alternative.get("format") == "date-time" and _usual(values) is not None:
        return True
    lengths = set(map(len, values))
    if min(lengths) < alternative.get("minLength", 0) or max(lengths) > alternative.get("maxLength", sys.maxsize):
        return False
    # A pattern (anchored: ^…$) over the column's lines at once; a value holding a line break fails it.
    pattern, text = alternative.get("pattern"), "\n".join(values) + "\n"
    return pattern is None or text.count("\n") == len(values) and bool(
        _regex(f"(?:{pattern[1:-1]}\n)*").fullmatch(text))


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _instants(texts: list[Any], wanted: Bools) -> tuple[Bools, Ints, Ints]:
    """``(ok, microseconds UTC, local day)`` of the RFC 3339 instants ``texts`` where ``wanted`` (they
    match the schema's pattern); ``ok`` is false for a date that does not exist (the schema's
    ``date-time`` format)."""
    n = len(texts)
    ok, us, day = np.ones(n, dtype=bool), np.full(n, NO_TIME, dtype=np.int64), np.full(n, NO_DAY, dtype=np.int64)
    rows = np.flatnonzero(wanted).tolist()
    usual = _usual([texts[i] for i in rows])
    if usual is not None:
        us[rows], day[rows] = usual
        return ok, us, day
    for i in rows:
        try:
            moment = datetime.fromisoformat(texts[i])
        except ValueError:
            ok[i] = False
            continue
        us[i], day[i] = micros(moment), local_date(moment).toordinal() - EPOCH_ORDINAL
    return ok, us, day


_USUAL = np.frombuffer(b"2000-01-01T00:00:00+08:00", dtype=np.uint8)
_DIGITS = np.array([0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18])
_LITERALS = np.setdiff1d(np.arange(len(_USUAL)), _DIGITS)


def _usual(texts: list[str]) -> tuple[Ints, Ints] | None:
    """``(microseconds UTC, local day)`` when every text is an instant the schema accepts written
    in the usual ``YYYY-MM-DDTHH:MM:SS+08:00`` (read by numpy all at once), else None."""
    joined = "".join(texts).encode("utf-8", "surrogatepass")
    if len(joined) != len(_USUAL) * len(texts):
        return None
    chars = np.frombuffer(joined, dtype=np.uint8).reshape(-1, len(_USUAL))
    if not (((chars[:, _DIGITS] >= ord("0")) & (chars[:, _DIGITS] <= ord("9"))).all()
            and (chars[:, _LITERALS] == _USUAL[_LITERALS]).all()):
        return None
    try:  # a date, hour, minute or second that does not exist: not all usual
        local = np.ascontiguousarray(chars[:, :19]).view("S19").ravel().astype("datetime64[s]")
    except ValueError:
        return None
    years = local.astype("datetime64[Y]").astype(np.int64) + 1970
    if not ((years >= FIRST_YEAR) & (years <= LAST_YEAR)).all():
        return None
    return (local.astype(np.int64) - 8 * 3600) * 1_000_000, local.astype("datetime64[D]").astype(np.int64)
