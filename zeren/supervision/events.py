"""The event departments report (办件事件): its one definition, :class:`ReportedEvent`, and the
reading of events against it. Pure: no database.

The published JSON Schema (``schema/event.schema.json``, ``zeren supervision event-schema``) is
derived from the model (:func:`event_schema`) and a rejection names the field the model found at
fault, so a department can fix its export; what no database can store, or is nested or written
beyond bounds, is refused first (:mod:`zeren.core.jsoninput`). Ingestion checks a batch column by column
(:mod:`zeren.supervision.columns`), an optimisation held to this model by property tests.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from zeren.core.jsoninput import MAX_DEPTH, Rejection, read_json, unacceptable
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
    unstorable = unacceptable(raw, "event")
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
        return read_json(line, depth)
    except UnicodeDecodeError as exc:
        problem = f"json: {where} is not UTF-8 (byte {exc.start + 1})"
    except ValueError as exc:  # json.JSONDecodeError
        problem = f"json: {where} is not valid JSON ({getattr(exc, 'msg', exc)})"
    return Unparsed(line.decode("utf-8", errors="replace"), Rejection("json", problem))
