"""The event format departments report in (办件事件), and its validation. Pure: no database.

One JSON object per event; the schema is ``schema/event.schema.json`` and docs/events.md.
A rejection names the field it is about, so a department can fix its export.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

from zeren.supervision.rules import DECIDED, EVENT_TYPES, FEE_CHARGED, STEP_COMPLETED, Event

SCHEMA_PATH = Path(__file__).parent / "schema" / "event.schema.json"
REQUIRED = ("event_id", "case_id", "item_code", "unit_code", "type", "at")
MAX_LENGTH = {"event_id": 128, "case_id": 64, "item_code": 64, "unit_code": 64, "step": 64}
OUTCOMES = ("approved", "denied")
FIRST_YEAR, LAST_YEAR = 2004, 2040  # the working-day calendar's range


class Rejection(NamedTuple):
    """Why an event was refused: the field at fault and a sentence about it."""

    field: str
    reason: str


class Unparsed(NamedTuple):
    """Text that is not JSON at all, kept as received with its rejection."""

    text: str
    rejection: Rejection


@dataclass(slots=True)
class ParsedEvent:
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
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        return Rejection(field, f"{field}: {value!r} is outside {FIRST_YEAR}–{LAST_YEAR}")
    return moment


def parse_event(raw: Any) -> ParsedEvent | Rejection:
    """Validate one reported event: required fields, type, times, and the fields its type needs."""
    if not isinstance(raw, dict):
        return Rejection("event", f"event: expected a JSON object, got {type(raw).__name__}")
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
        amount = _amount(raw.get("amount"))
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


def _amount(value: Any) -> Decimal | Rejection:
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


def parse_body(text: str) -> list[Any]:
    """A request body or file: a JSON array, one JSON object, or JSONL (one object per line).

    A JSONL line that is not JSON comes back as an :class:`Unparsed` in its place.
    """
    stripped = text.strip()
    if not stripped:
        return []
    if stripped[0] == "[":
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            return [Unparsed(stripped, Rejection("json", f"json: not valid JSON ({exc.msg} at line {exc.lineno})"))]
        return data if isinstance(data, list) else [data]
    return [parse_line(line, number) for number, line in enumerate(stripped.splitlines(), 1) if line.strip()]


def parse_line(line: str, number: int) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        return Unparsed(line, Rejection("json", f"json: line {number} is not valid JSON ({exc.msg})"))
