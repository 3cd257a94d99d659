"""One event model (issue 13 item 3): the published JSON Schema is the model's, the model and the
schema accept the same events, and ingestion's columnar check accepts what the model accepts, with
the same values, and refuses the rest naming the model's field."""

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import jsonschema_rs
import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from zeren.core.jsoninput import Rejection
from zeren.supervision.columns import NO_TIME, read_columns
from zeren.supervision.events import FIRST_YEAR, LAST_YEAR, ParsedEvent, event_schema, parse_event
from zeren.supervision.rules import EPOCH_ORDINAL, EVENT_TYPES, local_date, micros

SCHEMA_FILE = Path(__file__).parents[1] / "schema" / "event.schema.json"
# An independent validator, with "format" asserted (date-time: the date must exist).
SCHEMA = jsonschema_rs.validator_for(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")), validate_formats=True)
GOOD = {"event_id": "e1", "case_id": "C1", "item_code": "I", "unit_code": "U", "type": "received",
        "at": "2026-09-14T09:30:00+08:00"}
FEE = dict(GOOD, type="fee_charged")


def accepted(raw) -> bool:
    return isinstance(parse_event(raw), ParsedEvent)


def test_the_published_schema_is_the_models(capsys):
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == event_schema(), (
        "regenerate it: zeren supervision event-schema > zeren/supervision/schema/event.schema.json")
    call_command("supervision", "event-schema")
    assert json.loads(capsys.readouterr().out) == event_schema()


# What docs/events.md promises, decided once for the model and the schema alike.
DECISIONS = [
    *((dict(FEE, amount=text), False) for text in ("1e2", " 5 ", "1_000", "+5", "5.", "-1", "1.234", "５",
                                                  "1000000000000", "", None)),
    *((dict(FEE, amount=text), True) for text in ("120.00", "0", "0.5", "007", "999999999999.99")),
    (dict(GOOD, amount="1e2"), False),  # a present field is checked whatever the event's type
    (dict(GOOD, step=None), True),  # optional fields: absent, null or blank all mean none
    (dict(GOOD, step=""), True), (dict(GOOD, recorded_at=None), True), (dict(GOOD, recorded_at=""), True),
    (dict(GOOD, outcome=""), True), (dict(GOOD, outcome=None), True), (dict(GOOD, reason=None), True),
    (dict(GOOD, type="step_completed", step=None), False), (dict(GOOD, type="step_completed", step=""), False),
    (dict(GOOD, type="decided", outcome=""), False), (dict(GOOD, type="decided", outcome="denied"), True),
    (dict(GOOD, outcome="maybe"), False), (dict(GOOD, step=0), False), (dict(GOOD, reason=False), False),
    (dict(GOOD, at="2026-09-14T01:30:00Z"), True), (dict(GOOD, at="2026-09-14T09:30:00.123456+08:00"), True),
    (dict(GOOD, at="2026-09-14T09:30:00.1234567+08:00"), False), (dict(GOOD, at="2026-09-14 09:30:00+08:00"), False),
    (dict(GOOD, at="2026-09-14T09:30+08:00"), False), (dict(GOOD, at="2026-09-14T09:30:00"), False),
    (dict(GOOD, at="2026-02-29T09:30:00+08:00"), False), (dict(GOOD, at="2024-02-29T09:30:00+08:00"), True),
    (dict(GOOD, at="2026-09-14T09:30:00+14:00"), True), (dict(GOOD, at="2026-09-14T09:30:00-14:01"), False),
    (dict(GOOD, at="2003-12-31T23:59:59+08:00"), False), (dict(GOOD, at="2040-12-31T23:59:59+08:00"), True),
    (dict(GOOD, case_id="x" * 64), True), (dict(GOOD, case_id="x" * 65), False), (dict(GOOD, event_id=""), False),
    (dict(GOOD, extra={"any": ["thing"]}), True),
]


@pytest.mark.parametrize(("raw", "expected"), DECISIONS)
def test_model_and_schema_decide_alike(raw, expected):
    assert accepted(raw) == expected
    assert SCHEMA.is_valid(raw) == expected


def test_years_and_offsets_of_the_instant_pattern_are_the_calendars():
    for year in range(FIRST_YEAR - 5, LAST_YEAR + 5):
        raw = dict(GOOD, at=f"{year}-06-01T09:30:00+08:00")
        assert accepted(raw) == (FIRST_YEAR <= year <= LAST_YEAR) == SCHEMA.is_valid(raw)
    for minutes in range(-16 * 60, 16 * 60 + 1, 15):
        sign, hours = "+" if minutes >= 0 else "-", abs(minutes)
        raw = dict(GOOD, at=f"2026-06-01T09:30:00{sign}{hours // 60:02d}:{hours % 60:02d}")
        assert accepted(raw) == (abs(minutes) <= 14 * 60) == SCHEMA.is_valid(raw)


def test_rejections_name_the_field_and_why():
    assert parse_event(dict(FEE, amount="1e2")) == Rejection(
        "amount", "amount: '1e2' is not yuan written as digits, at most 2 decimals, below 10^12 (e.g. \"120.00\")")
    assert parse_event(dict(GOOD, type="step_completed")) == Rejection(
        "step", "step: missing (required for step_completed)")
    assert parse_event(dict(GOOD, at="2026-09-14T09:30:00")).reason == (
        "at: '2026-09-14T09:30:00' has no UTC offset (e.g. +08:00)")
    assert parse_event(dict(GOOD, case_id=7)).reason == "case_id: expected a string, got int"
    assert parse_event(["x"]) == Rejection("event", "event: expected a JSON object, got list")


# Generated events: a valid event (its times mostly in the usual form, which the columnar check
# reads itself), then one to three fields replaced by edge values, other types, nothing, or removed.
OFFSETS = [timedelta(hours=8), timedelta(0), timedelta(hours=-5), timedelta(hours=14), timedelta(hours=-14, minutes=-1),
           timedelta(hours=5, minutes=45)]
USUAL = st.datetimes(datetime(2025, 1, 1), datetime(2027, 1, 1)).map(  # noqa: DTZ001 (hypothesis's bounds are naive)
    lambda moment: moment.replace(microsecond=0, tzinfo=timezone(timedelta(hours=8))).isoformat())


@st.composite
def instants(draw):
    moment = draw(st.datetimes(datetime(2003, 12, 25), datetime(2041, 1, 5),  # noqa: DTZ001 (as above)
                               timezones=st.sampled_from([timezone(o) for o in OFFSETS])))
    text = moment.isoformat(timespec=draw(st.sampled_from(["seconds", "seconds", "milliseconds", "microseconds"])))
    return draw(st.sampled_from([text, text, text, text.replace("+00:00", "Z"), text.replace("T", " "),
                                 text[:19], text.lower(), text + "\n"]))


CODES = st.sampled_from(["a", "C-1", "x" * 64, "x" * 65, "x" * 128, "x" * 129, " ", "办件"])
AMOUNTS = st.one_of(st.sampled_from(["1e2", " 5 ", "1_000", "+5", "5.", "0", "120.00", "1.5", "1.234", "007"]),
                    st.decimals(0, 10**12, places=2, allow_nan=False).map(str), st.text("0123456789.+-e_ ", max_size=8))
ODD = {
    "event_id": CODES, "case_id": CODES, "item_code": CODES, "unit_code": CODES,
    "type": st.sampled_from([*EVENT_TYPES, "opened", "Received"]), "at": instants(), "recorded_at": instants(),
    "step": st.sampled_from(["review", "x" * 64, "x" * 65]), "amount": AMOUNTS,
    "outcome": st.sampled_from(["approved", "denied", "maybe"]), "reason": st.sampled_from(["不符合条件", " "]),
}
OTHER = st.one_of(st.none(), st.just(""), st.integers(-2, 2), st.booleans(),
                  st.floats(allow_nan=False, allow_infinity=False, width=32), st.lists(st.just("a"), max_size=1),
                  st.text("a办 ", max_size=3))
MISSING = object()


@st.composite
def events(draw, n):
    kind = draw(st.sampled_from(EVENT_TYPES))
    raw = {"event_id": f"e{n}", "case_id": draw(st.sampled_from(["C1", "C2"])), "item_code": "I", "unit_code": "U",
           "type": kind, "at": draw(st.one_of(USUAL, USUAL, USUAL, instants()))}
    if kind == "step_completed" or draw(st.booleans()):
        raw["step"] = draw(st.sampled_from(["review", "approve"]))
    if kind == "fee_charged" or draw(st.integers(0, 4)) == 0:
        raw["amount"] = draw(st.sampled_from(["120.00", "0", "5.5"]))
    if kind == "decided" or draw(st.integers(0, 4)) == 0:
        raw["outcome"] = draw(st.sampled_from(["approved", "denied"]))
    if draw(st.booleans()):
        raw["recorded_at"] = draw(st.one_of(USUAL, instants()))
    if draw(st.booleans()):
        raw["reason"] = draw(st.sampled_from(["", "不符合条件"]))
    odd = draw(st.sampled_from(list(ODD)))  # one field at a time is where a difference shows
    for name in {odd, *draw(st.lists(st.sampled_from(list(ODD)), max_size=2))}:
        value = draw(st.one_of(ODD[name], ODD[name], OTHER, st.just(MISSING)))
        if value is MISSING:
            raw.pop(name, None)
        else:
            raw[name] = value
    if isinstance(raw.get("event_id"), str):  # unique ids: a batch's duplicates are not the columns' business
        raw["event_id"] += f"-{n}"
    return raw


def _events(raws):
    return st.tuples(*[events(n) for n in range(raws)])


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 40).flatmap(_events))
def test_the_columnar_check_is_the_model(raws):
    raws = list(raws)
    cols, bad = read_columns(raws)
    expected = [parse_event(raw) for raw in raws]
    kept = [(i, p.event) for i, p in enumerate(expected) if isinstance(p, ParsedEvent)]
    assert cols.index == [i for i, _ in kept]
    assert [(i, r) for i, _, r in bad] == [(i, p) for i, p in enumerate(expected) if isinstance(p, Rejection)]
    for n, (_, e) in enumerate(kept):
        assert (cols.event_id[n], cols.kind[n], cols.step[n], cols.amount[n], cols.outcome[n], cols.reason[n]) == (
            e.event_id, e.type, e.step, e.amount, e.outcome, e.reason)
        assert (int(cols.at_us[n]), int(cols.day[n])) == (micros(e.at), local_date(e.at).toordinal() - EPOCH_ORDINAL)
        if e.recorded_at is not None:
            assert (int(cols.rec_us[n]), int(cols.rec_day[n])) == (
                micros(e.recorded_at), local_date(e.recorded_at).toordinal() - EPOCH_ORDINAL)
        else:
            assert cols.rec_us[n] == NO_TIME


@settings(max_examples=1000, deadline=None)
@given(events(0))
def test_the_model_and_the_published_schema_accept_the_same_events(raw):
    assert accepted(raw) == SCHEMA.is_valid(raw), raw


def test_a_usual_batch_takes_the_columnar_path_entirely():
    rows = [dict(GOOD, event_id=f"e{n}", at=(datetime(2026, 9, 14, 1, tzinfo=UTC) + timedelta(hours=n)).astimezone(
        timezone(timedelta(hours=8))).isoformat()) for n in range(50)]
    cols, bad = read_columns(rows)
    assert bad == [] and len(cols) == 50
