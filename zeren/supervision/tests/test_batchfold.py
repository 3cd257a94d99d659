"""The batch fold (numpy, many cases at once) gives exactly what :func:`rules.fold` gives case by case.

Random histories for several cases at once, under random rules (step limits, required steps, fee
standards, suspension limits, late-entry hours); events reported in the usual ``+08:00`` form and
in others (UTC, fractions of a second), so both the column parser and the row-by-row parser feed
the fold.
"""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from zeren.core.bulk import day_texts, utc_texts
from zeren.supervision.batchfold import RuleColumns, fold_cases, sort_events
from zeren.supervision.columns import NO_TIME, read_columns
from zeren.supervision.events import parse_event
from zeren.supervision.rules import EVENT_ALERTS, LOCAL_TZ, NO_DAY, CaseRules, fold, sorted_events
from zeren.workdays import WorkCalendar

CAL = WorkCalendar.china()
KINDS = ["received", "step_completed", "suspended", "resumed", "fee_charged", "decided", "delivered", "withdrawn"]
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@st.composite
def history(draw, case_id):
    start = date(2026, 9, 14) + timedelta(days=draw(st.integers(0, 30)))
    out = []
    for n in range(draw(st.integers(1, 10))):
        kind = draw(st.sampled_from(KINDS))
        day = start + timedelta(days=draw(st.integers(-3, 40)))
        at = datetime(day.year, day.month, day.day, draw(st.sampled_from([0, 9, 9, 17, 23])), tzinfo=LOCAL_TZ)
        form = draw(st.sampled_from(["usual", "usual", "usual", "utc", "fraction"]))
        text = (at.isoformat() if form == "usual" else at.astimezone(UTC).isoformat() if form == "utc"
                else at.replace(microsecond=250000).isoformat())
        extra = {}
        if kind == "step_completed":
            extra["step"] = draw(st.sampled_from(["review", "approve", "check"]))
        if kind == "fee_charged":
            extra["amount"] = f"{draw(st.integers(0, 300))}.{draw(st.integers(0, 99)):02d}"
        if kind == "decided":
            extra["outcome"] = draw(st.sampled_from(["approved", "denied"]))
            extra["reason"] = draw(st.sampled_from(["", " ", "不符合条件"]))
        if draw(st.booleans()):
            extra["recorded_at"] = (at + timedelta(hours=draw(st.sampled_from([1, 23, 24, 30])))).isoformat()
        out.append({"event_id": f"{case_id}-{n}", "case_id": case_id, "item_code": "I", "unit_code": "U",
                    "type": kind, "at": text, **extra})
    return out


rule_sets = st.builds(
    CaseRules, statutory_days=st.just(12), promised_days=st.just(6),
    fee_standard=st.sampled_from([Decimal("0"), Decimal("100"), Decimal("150.50")]),
    required_steps=st.sampled_from([(), ("review",), ("review", "approve")]),
    step_limits=st.sampled_from([{}, {"review": 2}, {"review": 0, "approve": 3}]),
    suspension_limit=st.integers(0, 2), late_entry_hours=st.sampled_from([1, 24]))


def _day(value):
    return NO_DAY if value is None else value.toordinal() - EPOCH_ORDINAL


def _micros(moment):
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def rule_columns(rules):
    return RuleColumns(np.array([r.suspension_limit for r in rules]),
                       np.array([int(r.fee_standard * 100) for r in rules]),
                       np.array([r.late_entry_hours * 3_600_000_000 for r in rules]),
                       [r.required_steps for r in rules], [r.step_limits for r in rules])


@settings(max_examples=300, deadline=None)
@given(st.lists(rule_sets, min_size=1, max_size=4).flatmap(
    lambda sets: st.tuples(*[st.tuples(history(f"C{n}"), st.just(rules)) for n, rules in enumerate(sets)])),
    st.randoms(use_true_random=False))
def test_batch_fold_equals_the_fold_case_by_case(cases, rng):
    expected, batch, rules = [], [], []
    for raws, case_rules in cases:
        expected.append(fold(sorted_events([parse_event(r).event for r in raws]), case_rules, CAL))
        batch += raws
        rules.append(case_rules)
    rng.shuffle(batch)
    cols, bad = read_columns(batch)
    assert bad == [] and len(cols) == len(batch)
    s = fold_cases(sort_events(np.array([int(c[1:]) for c in cols.case_id]), cols), rule_columns(rules), CAL)
    for k, state in enumerate(expected):
        assert s.start_us[k] == _micros(state.received_at)
        got = {"received_date": s.received_date[k], "last_event_date": s.last_event_date[k],
               "suspended_since": s.suspended_since[k], "decided_date": s.decided_date[k],
               "withdrawn_date": s.withdrawn_date[k], "delivered_date": s.delivered_date[k],
               **{column: s.seen_on[column][k] for column in EVENT_ALERTS.values()}}
        assert got == {name: _day(getattr(state, name)) for name in got}
        assert (s.suspension_count[k], s.extension_days[k], s.outcome[k], s.fees_cents[k], s.completed_steps[k],
                s.event_count[k]) == (state.suspension_count, state.extension_days, state.outcome,
                                      int(state.fees_total * 100), state.completed_steps, state.event_count)


def test_instants_read_as_python_does():
    texts = ["2026-09-14T09:30:00+08:00", "2024-02-29T23:59:59+08:00", "2026-02-29T09:30:00+08:00",
             "2026-09-14T24:00:00+08:00", "2026-09-14T09:30:00+00:00", "2003-12-31T09:30:00+08:00",
             "2026-09-14 09:30:00+08:00", "２026-09-14T09:30:00+08:00", "2026-13-01T09:30:00+08:00",
             "2026-09-14T23:30:00.25-05:00"]
    good = {"case_id": "C", "item_code": "I", "unit_code": "U", "type": "received"}
    cols, _ = read_columns([dict(good, event_id=f"e{n}", at=text, recorded_at=text) for n, text in enumerate(texts)])
    assert cols.index == [0, 1, 4, 9]
    for n, i in enumerate(cols.index):
        moment = datetime.fromisoformat(texts[i])
        assert cols.at_us[n] == cols.rec_us[n] == _micros(moment)
        assert cols.day[n] == cols.rec_day[n] == _day(moment.astimezone(LOCAL_TZ).date())


def test_texts_for_the_database_match_python():
    rng = random.Random(6)
    days = np.array([rng.randrange(-1000, 30000) for _ in range(500)])
    assert day_texts(days, NO_DAY) == [date.fromordinal(EPOCH_ORDINAL + d).isoformat() for d in days.tolist()]
    micros = np.array([rng.randrange(0, 2_000_000_000) * 1_000_000 + rng.choice([0, 0, 123456]) for _ in range(500)])
    moments = [datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=m) for m in micros.tolist()]
    assert utc_texts(micros, NO_TIME) == [m.replace(tzinfo=None).isoformat(" ") for m in moments]
    assert day_texts(np.array([0, NO_DAY, 0]), NO_DAY) == ["1970-01-01", None, "1970-01-01"]


def test_columns_and_one_by_one_reject_the_same_rows_naming_the_same_field():
    good = {"event_id": "e1", "case_id": "C", "item_code": "I", "unit_code": "U", "type": "received",
            "at": "2026-09-14T09:30:00+08:00"}
    bad = [dict(good, event_id=""), dict(good, type="opened"), dict(good, at="2026-02-30T09:30:00+08:00"),
           dict(good, at="2050-01-01T09:30:00+08:00"), dict(good, type="step_completed"),
           dict(good, type="decided", outcome="maybe"), dict(good, reason="\x00"), dict(good, case_id=7),
           dict(good, type="fee_charged", amount="1.234"), dict(good, recorded_at="yesterday"), ["not", "a", "dict"],
           dict(good, step="x" * 65)]
    fine = [dict(good, event_id=f"ok{n}", at=at) for n, at in enumerate(
        ["2026-09-14T01:30:00Z", "2026-09-14T09:30:00.5+08:00", "2026-09-14T09:30:00+08:00"])]
    cols, rejected = read_columns(fine + bad, first_index=10)
    assert cols.index == [10, 11, 12] and cols.event_id == ["ok0", "ok1", "ok2"]
    assert [(i, r.field) for i, _, r in rejected] == [(13 + n, parse_event(raw).field) for n, raw in enumerate(bad)]


def test_flat_batches_digest_as_canonical_json_and_floats_are_noticed():
    import hashlib

    from zeren.audit.rules import canonical_json
    from zeren.core.jsoninput import canonical_digest

    rows = [{"event_id": f"e{n}", "case_id": "C", "item_code": "I", "unit_code": "U", "type": "received",
             "at": "2026-09-14T09:30:00+08:00", "reason": "", "step": None} for n in range(3)]
    cols, _ = read_columns(rows)
    expected = hashlib.sha256(canonical_json(rows).encode("utf-8")).hexdigest()
    assert hashlib.sha256(cols.json).hexdigest() == canonical_digest(cols.raw) == expected
    for odd in ({"note": 1e16}, {"extra": {"a": 1}}):
        cols, _ = read_columns([dict(rows[0], **odd)])
        assert len(cols) == 1 and cols.json is None


def test_known_types_checked_by_column_still_want_a_step_and_an_outcome():
    good = {"event_id": "e", "case_id": "C", "item_code": "I", "unit_code": "U", "type": "received",
            "at": "2026-09-14T09:30:00+08:00"}
    rows = [good, dict(good, event_id="s", type="step_completed"), dict(good, event_id="d", type="decided",
            outcome=["approved"]), dict(good, event_id="r", recorded_at=0), dict(good, event_id="x", type="decided",
            outcome="denied")]
    cols, rejected = read_columns(rows)
    assert cols.event_id == ["e", "x"]
    assert [r.field for _, _, r in rejected] == ["step", "outcome", "recorded_at"]



@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 3), st.integers(0, 7),
                          st.text(st.characters(exclude_characters="\x00"), min_size=1, max_size=4)),
                min_size=1, max_size=40, unique_by=lambda row: (row[0], row[3])))
def test_the_batch_order_is_the_rules_event_order(rows):
    """Ties of case, instant and type are broken by event id exactly as ``rules.event_order`` does
    (code point order, any text)."""
    from zeren.supervision.batchfold import event_rows_in_order

    case, at, rank, ids = (list(column) for column in zip(*rows, strict=True))
    order = event_rows_in_order(*(np.array(c, dtype=np.int64) for c in (case, at, rank)), ids).tolist()
    assert order == sorted(range(len(rows)), key=lambda i: (case[i], at[i], rank[i], ids[i]))
