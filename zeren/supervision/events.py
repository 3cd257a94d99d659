"""The event departments report (办件事件): its one definition, :class:`ReportedEvent`, and the
reading of events against it. Pure: no database.

The published JSON Schema (``schema/event.schema.json``, ``zeren supervision event-schema``) is
derived from the model (:func:`event_schema`) and a rejection names the field the model found at
fault, so a department can fix its export. Ingestion checks a batch column by column
(:mod:`zeren.supervision.columns`), an optimisation held to this model by property tests.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Annotated, Any, Literal, NamedTuple

import orjson
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from zeren.supervision.rules import DECIDED, EVENT_TYPES, FEE_CHARGED, STEP_COMPLETED, Event

OUTCOMES = ("approved", "denied")
FIRST_YEAR, LAST_YEAR = 2004, 2040  # the working-day calendar's range
# Real offsets run from -12:00 to +14:00; Python accepts up to ±23:59, PostgreSQL only ±15:59.
MAX_OFFSET = timedelta(hours=14)
# An instant: an RFC 3339 date-time with a UTC offset (Z or ±HH:MM), in FIRST_YEAR..LAST_YEAR,
# the offset within ±14:00, at most 6 decimals of a second; the date itself must exist.
INSTANT_PATTERN = (r"^(200[4-9]|20[1-3][0-9]|2040)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
                   r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
                   r"(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)$")
# A fee in yuan: digits only (no sign, exponent, spaces or separators), at most 2 decimals, below 10^12.
AMOUNT_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"
# The field each event type requires (present, not null, not blank).
REQUIRED_FOR = {STEP_COMPLETED: "step", FEE_CHARGED: "amount", DECIDED: "outcome"}
EXAMPLE_AT = "2026-11-02T09:30:00+08:00"

Instant = Annotated[str, Field(pattern=INSTANT_PATTERN, json_schema_extra={"format": "date-time"}),
                    AfterValidator(datetime.fromisoformat)]
Amount = Annotated[str, Field(pattern=AMOUNT_PATTERN), AfterValidator(Decimal)]
Blank = Literal[""]


def _finish_schema(schema: dict[str, Any]) -> None:
    """The published schema: its identity, no generated titles, and what each type requires."""
    properties = schema["properties"]
    for spec in properties.values():
        spec.pop("title", None)
    schema["allOf"] = [{"if": {"properties": {"type": {"const": kind}}, "required": ["type"]},
                        "then": {"required": [name], "properties": {name: properties[name]["anyOf"][0]}}}
                       for kind, name in REQUIRED_FOR.items()]
    schema.update({"$schema": "https://json-schema.org/draft/2020-12/schema",
                   "$id": "https://zeren.example.gov.cn/schemas/supervision/event.schema.json"})


class ReportedEvent(BaseModel):
    """One event of an administrative approval case, as a department's approval system reports it to
    zeren. Optional fields may be absent, null or blank (""), which all mean none. See docs/events.md."""

    model_config = ConfigDict(strict=True, extra="ignore", title="zeren approval event (办件事件)",
                              json_schema_extra=_finish_schema)

    event_id: str = Field(min_length=1, max_length=128,
                          description="Unique per source system; a re-delivered event_id is a duplicate.")
    case_id: str = Field(min_length=1, max_length=64, description="The case (办件) number, unique per source system.")
    item_code: str = Field(min_length=1, max_length=64,
                           description="Approval item code (审批事项编码), as loaded by `zeren supervision load-items`.")
    unit_code: str = Field(min_length=1, max_length=64, description=(
        "Handling unit code (org.Unit.code); must lie in the source system's scope and handle the item."))
    type: Literal[EVENT_TYPES] = Field(description="What happened.")  # type: ignore[valid-type]
    at: Instant = Field(description=f"When it happened: RFC 3339 with a UTC offset, e.g. {EXAMPLE_AT}.")
    recorded_at: Instant | Blank | None = Field(None, description="When the source system recorded it.")
    step: Annotated[str, Field(min_length=1, max_length=64)] | Blank | None = Field(
        None, description="Step code, required for step_completed.")
    amount: Amount | Blank | None = Field(None, description="Yuan as a decimal string such as \"120.00\", required "
                                                            "for fee_charged.")
    outcome: Literal[OUTCOMES] | Blank | None = Field(  # type: ignore[valid-type]
        None, description="approved or denied, required for decided.")
    reason: str | None = Field(None, description=(
        "Reasons: required by law for a denial (行政许可法 第三十八条); also for suspensions and withdrawals."))


def event_schema() -> dict[str, Any]:
    """The published JSON Schema of an event (``zeren supervision event-schema``), from :class:`ReportedEvent`."""
    return ReportedEvent.model_json_schema()


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


def parse_event(raw: Any) -> ParsedEvent | Rejection:
    """Validate one reported event against :class:`ReportedEvent`; a rejection names the first field
    at fault. An event holding a value no database can store (:func:`unacceptable`) is refused first."""
    if not isinstance(raw, dict):
        return Rejection("event", f"event: expected a JSON object, got {type(raw).__name__}")
    unstorable = unacceptable(raw)
    if unstorable is not None:
        return unstorable
    try:
        reported = ReportedEvent.model_validate(raw)
    except ValidationError as exc:
        name = str(exc.errors()[0]["loc"][0])
        return Rejection(name, _reason(name, raw.get(name)))
    kind = reported.type
    needed = REQUIRED_FOR.get(kind)
    if needed is not None and getattr(reported, needed) in (None, ""):
        return Rejection(needed, f"{needed}: missing (required for {kind})")
    event = Event(reported.event_id, kind, reported.at, reported.step or "",
                  reported.amount if kind == FEE_CHARGED else None, reported.outcome if kind == DECIDED else "",
                  reported.reason or "", reported.recorded_at or None)
    return ParsedEvent(raw, reported.case_id, reported.item_code, reported.unit_code, event)


def _reason(name: str, value: Any) -> str:
    """Why :class:`ReportedEvent` refused ``value`` as its field ``name``, in a sentence."""
    if value is None or value == "":
        return f"{name}: missing"
    if name in ("at", "recorded_at"):
        return _instant_reason(name, value)
    if name == "amount":
        return f"{name}: {value!r} is not yuan written as digits, at most 2 decimals, below 10^12 (e.g. \"120.00\")"
    if name == "type" and isinstance(value, str):
        return f"type: unknown event type {value!r} (one of {', '.join(EVENT_TYPES)})"
    if name == "outcome":
        return f"outcome: {value!r} is not one of {', '.join(OUTCOMES)}"
    if not isinstance(value, str):
        return f"{name}: expected a string, got {type(value).__name__}"
    limit = next((m.max_length for m in ReportedEvent.model_fields[name].metadata if hasattr(m, "max_length")), None)
    if limit is not None and len(value) > limit:
        return f"{name}: longer than {limit} characters"
    return f"{name}: {value!r} is not valid"


def _instant_reason(name: str, value: Any) -> str:
    if not isinstance(value, str):
        return f"{name}: expected a date-time string such as {EXAMPLE_AT}, got {type(value).__name__}"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return f"{name}: {value!r} is not a date-time such as {EXAMPLE_AT}"
    offset = moment.utcoffset()
    if offset is None:
        return f"{name}: {value!r} has no UTC offset (e.g. +08:00)"
    if not -MAX_OFFSET <= offset <= MAX_OFFSET:
        return f"{name}: {value!r} has a UTC offset beyond ±14:00"
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        return f"{name}: {value!r} is outside {FIRST_YEAR}–{LAST_YEAR}"
    return f"{name}: {value!r} is not written as RFC 3339 (YYYY-MM-DDTHH:MM:SS[.ffffff] then Z or ±HH:MM)"




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


def canonical_digest(records: list[Any]) -> str:
    """SHA-256 of ``canonical_json(records)`` (:func:`zeren.audit.rules.canonical_json`).

    Flat objects of strings, integers, booleans and nulls — what departments send — are
    serialised by orjson, whose output is byte for byte the canonical one for them (sorted keys, no
    spaces, UTF-8, the same escapes); floats and nested values go through ``canonical_json``.
    """
    from zeren.audit.rules import canonical_json

    if all(type(r) is dict and FLAT_SAFE.issuperset(map(type, r.values())) for r in records):
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
