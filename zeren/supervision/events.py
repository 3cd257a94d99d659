"""The event format departments report in (办件事件), and its validation. Pure: no database.

One JSON object per event; the schema is ``schema/event.schema.json`` and docs/events.md.
A rejection names the field it is about, so a department can fix its export.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from zeren.supervision.rules import DECIDED, EVENT_TYPES, FEE_CHARGED, STEP_COMPLETED, Event

SCHEMA_PATH = Path(__file__).parent / "schema" / "event.schema.json"
REQUIRED = ("event_id", "case_id", "item_code", "unit_code", "type", "at")
MAX_LENGTH = {"event_id": 128, "case_id": 64, "item_code": 64, "unit_code": 64, "step": 64}
OUTCOMES = ("approved", "denied")
FIRST_YEAR, LAST_YEAR = 2004, 2040  # the working-day calendar's range
# Real offsets run from -12:00 to +14:00; Python accepts up to ±23:59, PostgreSQL only ±15:59.
MAX_OFFSET = timedelta(hours=14)


class Rejection(NamedTuple):
    """Why an event was refused: the field at fault and a sentence about it."""

    field: str
    reason: str


class Unparsed(NamedTuple):
    """Text that is not JSON at all, kept as received with its rejection."""

    text: str
    rejection: Rejection


class ParsedEvent(NamedTuple):
    """A valid event with its case, item and unit codes, ready to store."""

    raw: dict[str, Any]
    case_id: str
    item_code: str
    unit_code: str
    event: Event


def parse_time(value: Any, field: str) -> datetime | Rejection:
    """An ISO 8601 instant with a UTC offset, within the calendar's years."""
    if not isinstance(value, str):
        return Rejection(field, f"{field}: expected an ISO 8601 string, got {type(value).__name__}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return Rejection(field, f"{field}: {value!r} is not an ISO 8601 date-time")
    if moment.tzinfo is None:
        return Rejection(field, f"{field}: {value!r} has no UTC offset (e.g. +08:00)")
    if not -MAX_OFFSET <= moment.utcoffset() <= MAX_OFFSET:
        return Rejection(field, f"{field}: {value!r} has a UTC offset beyond ±14:00")
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        return Rejection(field, f"{field}: {value!r} is outside {FIRST_YEAR}–{LAST_YEAR}")
    return moment


_TYPES = frozenset(EVENT_TYPES)
_OPTIONAL_TEXT = (None, "")


MAX_DEPTH = 16  # levels of nesting an event may have (the event object is level 1)
MAX_NUMBER = 40  # characters a JSON number may be written with
# What the bounded reader (:func:`load_json`) puts in place of a value it will not build — a
# number written with more than MAX_NUMBER characters, a value nested deeper than MAX_DEPTH — as
# text starting with U+0000, which no accepted event can hold: the event is refused naming its field.
UNREAD = "\x00zeren: "


def unacceptable(value: Any, where: str = "") -> Rejection | None:
    """The first value in ``value`` (keys included, at any depth) that makes it unacceptable,
    named by its field path: a string no database text column can hold (U+0000 — PostgreSQL
    refuses NUL in text and jsonb — or a lone surrogate, not encodable as UTF-8), NaN or an
    infinity (not JSON numbers: jsonb and SQLite's JSON refuse them), a number or a nesting beyond
    the bounds (:data:`MAX_NUMBER`, :data:`MAX_DEPTH`; a nesting is named by its top field).
    Iterative: no recursion, whatever the depth."""
    stack = [(value, where, 1)]
    while stack:
        value, where, depth = stack.pop()
        name = where or "event"
        kind = type(value)
        if kind is str:
            if value.startswith(UNREAD):
                top = name.split(".", 1)[0].split("[", 1)[0] or "event"
                return Rejection(top, f"{name if len(name) <= 64 else top}: {value[len(UNREAD):]}")
            if "\x00" in value:
                return Rejection(name, f"{name}: contains a NUL character (U+0000)")
            if not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    return Rejection(name, f"{name}: contains a lone surrogate (not a Unicode character)")
        elif kind is float:
            if value != value or value in (math.inf, -math.inf):
                return Rejection(name, f"{name}: {value} is not a JSON number")
        elif kind is dict or kind is list:
            if depth > MAX_DEPTH:
                top = name.split(".", 1)[0].split("[", 1)[0] or "event"
                return Rejection(top, f"{top}: nested deeper than {MAX_DEPTH} levels")
            if kind is dict:
                for key in value:
                    found = unacceptable(str(key))
                    if found is not None:  # the key itself, which cannot name the field: name its object
                        return Rejection(name, f"{name}: a key {found.reason.split(': ', 1)[1]}")
                items = [(item, f"{where}.{key}" if where else str(key)) for key, item in value.items()]
            else:
                items = [(item, f"{where}[{n}]" if where else f"[{n}]") for n, item in enumerate(value)]
            stack.extend((item, path, depth + 1) for item, path in reversed(items))
    return None


def _suspect_text(raw: dict) -> bool:
    """Whether ``raw`` may be :func:`unacceptable`: one orjson call (≈ 0.6 µs), which refuses
    surrogates, NaN, infinities and deep nesting, and writes NUL as ``\\u0000``; anything it
    does not refuse outright is looked at by :func:`unacceptable`, which finds the exact field."""
    if not FLAT_SAFE.issuperset(map(type, raw.values())):
        return True
    try:
        return b"\\u0000" in orjson.dumps(raw)
    except TypeError:  # a lone surrogate (or an integer beyond 64 bits: harmless, checked later)
        return True


def parse_event(raw: Any) -> ParsedEvent | Rejection:
    """Validate one reported event: required fields, type, times, and the fields its type needs.

    The common case — a well-formed event — is accepted by a straight-line check; anything that
    check does not accept outright goes through :func:`check_event`, which names the fault.
    It accepts only events that :func:`check_event` accepts, with the same values. An event with a
    string the database cannot store (U+0000, a lone surrogate) is refused first, naming its field.
    """
    if type(raw) is dict:
        if _suspect_text(raw):
            return check_event(raw)
        get = raw.get
        event_id, case_id, item_code, unit_code, kind, at_text = (
            get("event_id"), get("case_id"), get("item_code"), get("unit_code"), get("type"), get("at"))
        step, reason, recorded_text = get("step") or "", get("reason") or "", get("recorded_at")
        if (type(event_id) is str and type(case_id) is str and type(item_code) is str and type(unit_code) is str
                and type(kind) is str and type(at_text) is str and type(step) is str and type(reason) is str
                and 0 < len(event_id) <= 128 and 0 < len(case_id) <= 64 and 0 < len(item_code) <= 64
                and 0 < len(unit_code) <= 64 and len(step) <= 64 and kind in _TYPES and at_text
                and (kind != STEP_COMPLETED or step) and kind != FEE_CHARGED
                and (kind != DECIDED or get("outcome") in OUTCOMES)):
            try:
                at = datetime.fromisoformat(at_text)
                recorded_at = None if recorded_text in _OPTIONAL_TEXT else datetime.fromisoformat(recorded_text)
            except (TypeError, ValueError):
                return check_event(raw)
            if (at.tzinfo is not None and FIRST_YEAR <= at.year <= LAST_YEAR
                    and -MAX_OFFSET <= at.utcoffset() <= MAX_OFFSET and (recorded_at is None or (
                        recorded_at.tzinfo is not None and FIRST_YEAR <= recorded_at.year <= LAST_YEAR
                        and -MAX_OFFSET <= recorded_at.utcoffset() <= MAX_OFFSET))):
                outcome = get("outcome") if kind == DECIDED else ""
                return ParsedEvent(raw, case_id, item_code, unit_code,
                                   Event(event_id, kind, at, step, None, outcome, reason, recorded_at))
    return check_event(raw)


def check_event(raw: Any) -> ParsedEvent | Rejection:
    """:func:`parse_event` the long way: every check in turn, the first fault found named."""
    if not isinstance(raw, dict):
        return Rejection("event", f"event: expected a JSON object, got {type(raw).__name__}")
    unstorable = unacceptable(raw)
    if unstorable is not None:
        return unstorable
    for name in REQUIRED:
        value = raw.get(name)
        if value is None or value == "":
            return Rejection(name, f"{name}: missing")
        if not isinstance(value, str):
            return Rejection(name, f"{name}: expected a string, got {type(value).__name__}")
    for name, limit in MAX_LENGTH.items():
        if len(str(raw.get(name) or "")) > limit:
            return Rejection(name, f"{name}: longer than {limit} characters")
    kind = raw["type"]
    if kind not in EVENT_TYPES:
        return Rejection("type", f"type: unknown event type {kind!r} (one of {', '.join(EVENT_TYPES)})")
    at = parse_time(raw["at"], "at")
    if isinstance(at, Rejection):
        return at
    recorded_at = None
    if raw.get("recorded_at") not in (None, ""):
        recorded_at = parse_time(raw["recorded_at"], "recorded_at")
        if isinstance(recorded_at, Rejection):
            return recorded_at
    step = raw.get("step") or ""
    if kind == STEP_COMPLETED and not step:
        return Rejection("step", "step: missing (required for step_completed)")
    if not isinstance(step, str):
        return Rejection("step", "step: expected a string")
    amount = None
    if kind == FEE_CHARGED:
        amount = parse_amount(raw.get("amount"))
        if isinstance(amount, Rejection):
            return amount
    outcome = raw.get("outcome") or ""
    if kind == DECIDED and outcome not in OUTCOMES:
        return Rejection("outcome", f"outcome: {outcome or 'missing'!s} (approved or denied required for decided)")
    reason = raw.get("reason") or ""
    if not isinstance(reason, str):
        return Rejection("reason", "reason: expected a string")
    event = Event(raw["event_id"], kind, at, step, amount, outcome if kind == DECIDED else "", reason, recorded_at)
    return ParsedEvent(raw, raw["case_id"], raw["item_code"], raw["unit_code"], event)


def parse_amount(value: Any) -> Decimal | Rejection:
    """A fee amount: a decimal string, ≥ 0, below 10^12, at most 2 decimals."""
    if value is None or value == "":
        return Rejection("amount", "amount: missing (required for fee_charged)")
    if not isinstance(value, str):
        return Rejection("amount", "amount: expected a decimal string such as \"120.00\"")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return Rejection("amount", f"amount: {value!r} is not a decimal number")
    if not amount.is_finite() or amount < 0 or amount.as_tuple().exponent < -2 or amount >= Decimal("1e12"):
        return Rejection("amount", f"amount: {value!r} must be ≥ 0, below 10^12, at most 2 decimals")
    return amount


def parse_body(body: bytes) -> list[Any]:
    """A request body or file: a JSON array, one JSON object, or JSONL (one object per line).

    What is not JSON comes back as an :class:`Unparsed` in its place: a JSONL line (named by its
    number), or the whole body of an array. Text must be UTF-8.
    """
    stripped = body.strip()
    if not stripped:
        return []
    if stripped[:1] == b"[":
        data = parse_line(stripped, 0, depth=MAX_DEPTH + 1)  # the array is one more level
        if isinstance(data, Unparsed):
            return [data]
        return data if isinstance(data, list) else [data]
    return [parse_line(line, number) for number, line in enumerate(stripped.splitlines(), 1) if line.strip()]


def parse_line(line: bytes, number: int, depth: int = MAX_DEPTH) -> Any:
    """One JSON text (``number`` 0: the whole body), or its :class:`Unparsed` rejection naming the line."""
    where = f"line {number}" if number else "the body"
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        pass  # not necessarily invalid (NaN, huge numbers, deep nesting): load_json decides
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Unparsed(line.decode("utf-8", errors="replace"),
                        Rejection("json", f"json: {where} is not UTF-8 (byte {exc.start + 1})"))
    try:
        return load_json(text, depth)
    except ValueError as exc:  # json.JSONDecodeError among them
        return Unparsed(text, Rejection("json", f"json: {where} is not valid JSON ({getattr(exc, 'msg', exc)})"))


_BRACKETS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def _bounded_number(text: str, parse: Callable[[str], Any]) -> Any:
    if len(text) > MAX_NUMBER:
        return f"{UNREAD}a number of {len(text)} characters (at most {MAX_NUMBER})"
    return parse(text)


def load_json(text: str, depth: int = MAX_DEPTH) -> Any:
    """``json.loads`` within bounds: a value nested deeper than ``depth`` levels, or a number
    written with more than :data:`MAX_NUMBER` characters, is read as an :data:`UNREAD` text saying
    so (then refused by :func:`unacceptable`, naming its field); NaN and the infinities are read as
    floats (refused there too). Never a ``RecursionError``."""
    cuts, level, start = [], 0, 0
    for match in _BRACKETS.finditer(text):
        bracket = match.group()
        if bracket in "[{":
            level += 1
            if level == depth + 1:
                start = match.start()
        elif bracket in "]}":
            if level == depth + 1:
                cuts.append((start, match.end()))
            level -= 1
    if level > depth:
        raise ValueError(f"{level} arrays or objects are not closed")
    if cuts:
        parts, end = [], 0
        for cut_start, cut_end in cuts:
            parts += [text[end:cut_start], json.dumps(f"{UNREAD}nested deeper than {MAX_DEPTH} levels")]
            end = cut_end
        text = "".join([*parts, text[end:]])
    return json.loads(text, parse_int=partial(_bounded_number, parse=int),
                      parse_float=partial(_bounded_number, parse=float))


FLAT_SAFE = frozenset({str, int, bool, type(None)})  # value types orjson writes exactly as canonical_json


def canonical_digest(records: list[Any], *, flat: bool = False) -> str:
    """SHA-256 of ``canonical_json(records)`` (:func:`zeren.audit.rules.canonical_json`).

    Flat objects of strings, integers, booleans and nulls — what departments send — are
    serialised by orjson, whose output is byte for byte the canonical one for them (sorted keys, no
    spaces, UTF-8, the same escapes); floats and nested values go through ``canonical_json``.
    ``flat``: the caller has checked that they are flat objects.
    """
    from zeren.audit.rules import canonical_json

    safe = FLAT_SAFE.issuperset
    if flat or all(type(r) is dict and safe(map(type, r.values())) for r in records):
        try:
            return hashlib.sha256(orjson.dumps(records, option=orjson.OPT_SORT_KEYS)).hexdigest()
        except orjson.JSONEncodeError:  # an integer beyond 64 bits, a lone surrogate
            pass
    return hashlib.sha256(canonical_json(records).encode("utf-8")).hexdigest()


def storable_text(text: str) -> str:
    """``text`` with U+0000 and lone surrogates written as visible ``\\u0000`` / ``\\ud800`` escapes."""
    if unacceptable(text) is None:
        return text
    return text.replace("\x00", "\\u0000").encode("utf-8", "backslashreplace").decode("utf-8")


def storable_payload(raw: Any) -> tuple[dict[str, Any], str]:
    """What the rejected-events store keeps of ``raw``, and the SHA-256 it is known by.

    As received when the database can hold it; otherwise (a NUL, a lone surrogate, NaN or an
    infinity anywhere, or what :func:`load_json` did not read) the whole of it as ASCII-escaped JSON
    text under ``escaped_json``, with the reason — kept, not dropped.
    """
    from zeren.audit.rules import canonical_json

    payload = raw if isinstance(raw, dict) else {"value": raw}
    unstorable = unacceptable(payload)
    text = canonical_json(raw)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if unstorable is None:
        return payload, digest
    return ({"escaped_json": json.dumps(raw, sort_keys=True, ensure_ascii=True),
             "unstorable": unstorable.reason}, digest)
