import json
import random
from datetime import date

import pytest
from django.core.management import call_command

from zeren.audit.models import AuditEntry
from zeren.supervision.actions import cli_source, do_create_source, do_ingest_events
from zeren.supervision.models import ApprovalCase, ApprovalEvent, RejectedEvent
from zeren.supervision.tests.conftest import event

pytestmark = pytest.mark.django_db

STORY = [
    event("e1", "C1", "received", "2026-09-21T09:00:00+08:00"),
    event("e2", "C1", "step_completed", "2026-09-22T10:00:00+08:00", step="review"),
    event("e3", "C1", "suspended", "2026-09-29T10:00:00+08:00", reason="专家评审"),
    event("e4", "C1", "resumed", "2026-10-09T10:00:00+08:00"),
    event("e5", "C1", "step_completed", "2026-10-12T10:00:00+08:00", step="approve"),
    event("e6", "C1", "decided", "2026-10-13T10:00:00+08:00", outcome="approved"),
    event("e7", "C2", "received", "2026-11-02T09:00:00+08:00", item="ZJ-001", unit="SZ-ZJ"),
    event("e8", "C2", "fee_charged", "2026-11-03T09:00:00+08:00", item="ZJ-001", unit="SZ-ZJ", amount="250.00"),
]
STATE_FIELDS = ["case_id", "received_date", "is_open", "suspended_since", "suspension_count", "extension_days",
                "decided_date", "outcome", "fees_total", "completed_steps", "statutory_deadline",
                "promised_deadline", "fee_exceeded_on", "missing_step_on", "order_violation_on", "event_count"]


def states():
    return list(ApprovalCase.objects.order_by("case_id").values(*STATE_FIELDS))


def test_batch_lands_with_case_state_and_one_audit_entry(items):
    result = do_ingest_events(source=cli_source(), events=STORY)
    assert (result.accepted, result.duplicates, result.rejected) == (8, 0, 0)
    c1 = ApprovalCase.objects.get(case_id="C1")
    assert c1.extension_days == 3 and str(c1.statutory_deadline) == "2026-10-29" and not c1.is_open
    assert c1.completed_steps == ["review", "approve"] and c1.missing_step_on is None
    c2 = ApprovalCase.objects.get(case_id="C2")
    assert str(c2.fee_exceeded_on) == "2026-11-03" and c2.is_open
    entries = AuditEntry.objects.filter(action="supervision.ingest_batch")
    assert entries.count() == 1 and len(entries[0].extra["sha256"]) == 64
    assert entries[0].changes["accepted"] == 8


def test_redelivery_counts_duplicates_and_changes_nothing(items):
    do_ingest_events(source=cli_source(), events=STORY)
    before = states()
    again = do_ingest_events(source=cli_source(), events=STORY + STORY[:2])
    assert (again.accepted, again.duplicates, again.rejected) == (0, 10, 0)
    assert states() == before and ApprovalEvent.objects.count() == 8


def test_out_of_order_arrival_gives_the_same_final_state(items):
    do_ingest_events(source=cli_source(), events=STORY)
    in_order = states()
    ApprovalEvent.objects.all().delete()
    ApprovalCase.objects.all().delete()
    shuffled = STORY[:]
    random.Random(3).shuffle(shuffled)
    for i in range(0, len(shuffled), 3):  # three batches, each out of order
        do_ingest_events(source=cli_source(), events=shuffled[i:i + 3] + shuffled[:1])
    assert states() == in_order


BAD = [
    ("item_code", event("b1", "X1", "received", "2026-11-02T09:00:00+08:00", item="NOPE")),
    ("unit_code", event("b2", "X2", "received", "2026-11-02T09:00:00+08:00", unit="NOPE")),
    ("unit_code", event("b3", "X3", "received", "2026-11-02T09:00:00+08:00", unit="SZ-ZJ")),  # wrong unit
    ("type", event("b4", "X4", "approved", "2026-11-02T09:00:00+08:00")),
    ("at", event("b5", "X5", "received", "2026-11-02T09:00:00")),  # no offset
    ("at", event("b6", "X6", "received", "yesterday")),
    ("case_id", {k: v for k, v in event("b7", "X7", "received", "2026-11-02T09:00:00+08:00").items()
                 if k != "case_id"}),
    ("amount", event("b8", "X8", "fee_charged", "2026-11-02T09:00:00+08:00", amount="lots")),
    ("outcome", event("b9", "X9", "decided", "2026-11-02T09:00:00+08:00")),
    ("step", event("b10", "X10", "step_completed", "2026-11-02T09:00:00+08:00")),
    ("recorded_at", event("b11", "X11", "received", "2026-11-02T09:00:00+08:00", recorded_at="2026-13-01")),
    ("item_code", event("b12", "C1", "step_completed", "2026-10-01T09:00:00+08:00", item="ZJ-001", unit="SZ-ZJ",
                        step="x")),  # C1 is a market case
]


def write_jsonl(path, records, extra_lines=()):
    path.write_text("\n".join([json.dumps(r, ensure_ascii=False) for r in records] + list(extra_lines)) + "\n",
                    encoding="utf-8")


def test_ingest_command_mixed_file(items, tmp_path, capsys):
    bad_file = tmp_path / "mixed.jsonl"
    write_jsonl(bad_file, STORY + [r for _, r in BAD], extra_lines=["{not json"])
    with pytest.raises(SystemExit) as exit_info:
        call_command("ingest", str(bad_file))
    assert exit_info.value.code == 1
    out = capsys.readouterr()
    assert "accepted 8, duplicates 0, rejected 13" in out.out
    assert ApprovalEvent.objects.count() == 8
    stored = {r.event_id: r for r in RejectedEvent.objects.all()}
    assert len(stored) == 13
    for field, raw in BAD:
        assert stored[raw["event_id"]].field == field
        assert stored[raw["event_id"]].reason.startswith(field + ":")
        assert stored[raw["event_id"]].payload == raw
    assert stored[""].field == "json" and stored[""].payload == {"text": "{not json"}
    # Nothing rejected: exit status 0 (call_command returns normally).
    good = tmp_path / "good.jsonl"
    write_jsonl(good, [event("g1", "G1", "received", "2026-11-02T09:00:00+08:00")])
    call_command("ingest", str(good))
    assert "accepted 1, duplicates 0, rejected 0" in capsys.readouterr().out


def test_http_endpoint_token_scope_and_counts(client, items, tree):
    source, token = do_create_source(actor=None, code="scjg", name="市场监管审批系统", unit=tree["market"])
    body = "\n".join(json.dumps(e, ensure_ascii=False) for e in STORY)
    response = client.post("/api/v1/supervision/events", body, content_type="application/x-ndjson",
                           headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200
    data = response.json()
    # C2 belongs to the housing bureau, outside this system's unit: its two events are rejected.
    assert (data["accepted"], data["duplicates"], data["rejected"]) == (6, 0, 2)
    assert {r["field"] for r in data["rejections"]} == {"unit_code"}
    assert [r["index"] for r in data["rejections"]] == [6, 7]
    assert client.post("/api/v1/supervision/events", "[]", content_type="application/json").status_code == 401
    wrong = client.post("/api/v1/supervision/events", "[]", content_type="application/json",
                        headers={"authorization": "Bearer nope"})
    assert wrong.status_code == 401
    array = client.post("/api/v1/supervision/events", json.dumps(STORY[:2]), content_type="application/json",
                        headers={"authorization": f"Bearer {token}"}).json()
    assert (array["accepted"], array["duplicates"]) == (0, 2)


# Strings no database text column can hold: U+0000 (PostgreSQL refuses it in text and jsonb) and
# lone surrogates (not UTF-8). Each such event is rejected naming its field; the batch still lands.
UNSTORABLE = [
    ("case_id", '{"event_id": "n1", "case_id": "N\\u00001", "item_code": "SCJG-001", "unit_code": "SZ-SCJG", '
                '"type": "received", "at": "2026-11-02T09:00:00+08:00"}'),
    ("reason", '{"event_id": "n2", "case_id": "N2", "item_code": "SCJG-001", "unit_code": "SZ-SCJG", '
               '"type": "received", "at": "2026-11-02T09:00:00+08:00", "reason": "坏\\u0000"}'),
    ("event_id", '{"event_id": "n3\\u0000", "case_id": "N3", "item_code": "SCJG-001", "unit_code": "SZ-SCJG", '
                 '"type": "received", "at": "2026-11-02T09:00:00+08:00"}'),
    ("reason", '{"event_id": "s1", "case_id": "S1", "item_code": "SCJG-001", "unit_code": "SZ-SCJG", '
               '"type": "received", "at": "2026-11-02T09:00:00+08:00", "reason": "\\ud800"}'),
    ("step", '{"event_id": "s2", "case_id": "S2", "item_code": "SCJG-001", "unit_code": "SZ-SCJG", '
             '"type": "step_completed", "at": "2026-11-02T09:00:00+08:00", "step": "a\\udfffb"}'),
    ("extra.note", '{"event_id": "s3", "case_id": "S3", "item_code": "SCJG-001", "unit_code": "SZ-SCJG", '
                   '"type": "received", "at": "2026-11-02T09:00:00+08:00", "extra": {"note": "x\\u0000"}}'),
    ("event", '{"event_id": "s4", "case_id": "S4", "item_code": "SCJG-001", "unit_code": "SZ-SCJG", '
              '"type": "received", "at": "2026-11-02T09:00:00+08:00", "k\\ud800": 1}'),
]


def check_unstorable_rejections(rejections):
    by_field = [(r["field"], r["reason"]) for r in rejections]
    assert [f for f, _ in by_field] == [f for f, _ in UNSTORABLE]
    for (field, reason), (_, line) in zip(by_field, UNSTORABLE, strict=True):
        assert reason.startswith(field + ":")
        assert ("NUL" in reason) == ("u0000" in line)
    stored = list(RejectedEvent.objects.order_by("id"))
    assert len(stored) == len(UNSTORABLE)
    for row, (field, line) in zip(stored, UNSTORABLE, strict=True):
        assert row.field == field and "\x00" not in row.event_id
        # Kept whole, as ASCII-escaped JSON text that reads back to exactly what was sent.
        assert json.loads(row.payload["escaped_json"]) == json.loads(line)
        assert row.payload["unstorable"] == row.reason


def test_nul_and_lone_surrogates_are_rejected_by_field_over_http(client, items, tree):
    _, token = do_create_source(actor=None, code="scjg", name="市场监管审批系统", unit=tree["market"])
    good = [json.dumps(e, ensure_ascii=False) for e in STORY[:6]]
    body = "\n".join(good[:3] + [line for _, line in UNSTORABLE] + good[3:])
    response = client.post("/api/v1/supervision/events", body.encode("utf-8"),
                           content_type="application/x-ndjson", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["accepted"], data["duplicates"], data["rejected"]) == (6, 0, len(UNSTORABLE))
    assert [r["index"] for r in data["rejections"]] == list(range(3, 3 + len(UNSTORABLE)))
    check_unstorable_rejections(data["rejections"])
    assert ApprovalEvent.objects.count() == 6 and ApprovalCase.objects.get(case_id="C1").event_count == 6
    # A JSON array body too; the same events again are rejected again, stored once.
    array = "[" + ", ".join(good[:1] + [line for _, line in UNSTORABLE]) + "]"
    again = client.post("/api/v1/supervision/events", array.encode("utf-8"), content_type="application/json",
                        headers={"authorization": f"Bearer {token}"}).json()
    assert (again["accepted"], again["duplicates"], again["rejected"]) == (0, 1, len(UNSTORABLE))
    assert RejectedEvent.objects.count() == len(UNSTORABLE)


def test_nul_and_lone_surrogates_are_rejected_by_field_from_a_file(items, tmp_path, capsys):
    path = tmp_path / "unstorable.jsonl"
    good = [json.dumps(e, ensure_ascii=False) for e in STORY]
    path.write_bytes(("\n".join(good[:4] + [line for _, line in UNSTORABLE] + good[4:]) + "\n").encode("utf-8")
                     + b'{"event_id": "raw\x00nul"\n')  # a raw NUL byte: not JSON at all
    with pytest.raises(SystemExit) as exit_info:
        call_command("ingest", str(path))
    assert exit_info.value.code == 1
    assert f"accepted 8, duplicates 0, rejected {len(UNSTORABLE) + 1}" in capsys.readouterr().out
    assert ApprovalEvent.objects.count() == 8
    not_json = RejectedEvent.objects.get(field="json")
    assert json.loads(not_json.payload["escaped_json"]) == {"text": '{"event_id": "raw\x00nul"'}
    not_json.delete()
    rejections = [{"field": r.field, "reason": r.reason} for r in RejectedEvent.objects.order_by("id")]
    check_unstorable_rejections(rejections)


def test_offsets_beyond_fourteen_hours_are_rejected_by_field(items):
    # Python reads '+23:59' and even '+08:60'; PostgreSQL refuses anything beyond ±15:59 (a batch
    # would fail there), and no place on earth is beyond ±14:00.
    events = [event("o1", "O1", "received", "2026-11-02T09:00:00+23:59"),
              event("o2", "O2", "received", "2026-11-02T09:00:00+08:00", recorded_at="2026-11-02T09:00:00-15:30"),
              event("o3", "O3", "received", "2026-11-02T09:00:00+14:00"),
              event("o4", "O4", "received", "2026-11-02T09:00:00-12:00", recorded_at="2026-11-02T09:00:00+05:45")]
    result = do_ingest_events(source=cli_source(), events=events)
    assert (result.accepted, result.rejected) == (2, 2)
    assert [(r["event_id"], r["field"]) for r in result.rejections] == [("o1", "at"), ("o2", "recorded_at")]
    assert "beyond ±14:00" in result.rejections[0]["reason"]
    assert sorted(ApprovalCase.objects.values_list("case_id", flat=True)) == ["O3", "O4"]


def test_refold_brings_cases_under_changed_rules(items, capsys):
    """A lower suspension limit reaches existing cases with `zeren supervision refold`, once."""
    from zeren.supervision.actions import do_refold_cases
    from zeren.supervision.models import RuleConfig

    events = [event("r1", "R-1", "received", "2026-09-14T09:00:00+08:00"),
              event("r2", "R-1", "suspended", "2026-09-15T09:00:00+08:00"),
              event("r3", "R-1", "resumed", "2026-09-16T09:00:00+08:00"),
              event("r4", "R-1", "suspended", "2026-09-17T09:00:00+08:00"),
              event("r5", "R-1", "resumed", "2026-09-18T09:00:00+08:00"),
              event("o1", "R-2", "received", "2026-09-14T09:00:00+08:00")]
    assert do_ingest_events(source=cli_source(), events=events).accepted == 6
    before = ApprovalCase.objects.get(case_id="R-1")
    assert before.suspension_abuse_on is None and before.suspension_count == 2  # the default limit is 2
    assert do_refold_cases() == 0  # nothing changed
    RuleConfig.objects.create(unit=None, item=None, suspension_limit=1)
    call_command("supervision", "refold")
    assert "refolded 2 case(s)" in capsys.readouterr().out
    after = ApprovalCase.objects.get(case_id="R-1")
    assert after.suspension_abuse_on == date(2026, 9, 17) and after.rescan
    assert (after.statutory_deadline, after.extension_days) == (before.statutory_deadline, before.extension_days)
    assert do_refold_cases() == 0
    entry = AuditEntry.objects.filter(action="supervision.refold_cases").get()
    assert entry.changes == {"refolded": 2}
    # Folding on from the refolded state still works.
    assert do_ingest_events(source=cli_source(), events=[
        event("r6", "R-1", "decided", "2026-09-21T09:00:00+08:00", outcome="approved")]).accepted == 1
    assert ApprovalCase.objects.get(case_id="R-1").decided_date == date(2026, 9, 21)


def test_batch_digest_is_that_of_the_canonical_events_on_every_path(items, tmp_path):
    """The audit entry's SHA-256 is of canonical_json(events), whether the batch came as a list
    (what the HTTP endpoint passes) or from a file (where validation's sorted-keys text is reused)."""
    import hashlib

    from zeren.audit.rules import canonical_json
    from zeren.supervision.actions import ingest_file
    from zeren.supervision.models import IngestBatch

    expected = hashlib.sha256(canonical_json(STORY).encode("utf-8")).hexdigest()
    path = tmp_path / "story.jsonl"
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in STORY), encoding="utf-8")
    assert ingest_file(path).accepted == len(STORY)
    assert IngestBatch.objects.get().sha256 == expected
    second = [dict(e, event_id=e["event_id"] + "b", case_id=e["case_id"] + "b") for e in STORY]
    do_ingest_events(source=cli_source(), events=second)
    assert IngestBatch.objects.order_by("-pk")[0].sha256 == hashlib.sha256(
        canonical_json(second).encode("utf-8")).hexdigest()


def test_instants_and_amounts_are_stored_as_reported(items):
    from datetime import UTC, datetime
    from decimal import Decimal

    do_ingest_events(source=cli_source(), events=[
        event("t1", "T1", "received", "2026-09-14T09:30:00+08:00", recorded_at="2026-09-14T01:31:00.25Z"),
        event("t2", "T1", "fee_charged", "2026-09-15T23:30:00.5-05:00", amount="12.5")])
    stored = {e.event_id: e for e in ApprovalEvent.objects.all()}
    assert stored["t1"].at == datetime(2026, 9, 14, 1, 30, tzinfo=UTC)
    assert stored["t1"].recorded_at == datetime(2026, 9, 14, 1, 31, 0, 250000, tzinfo=UTC)
    assert stored["t2"].at == datetime(2026, 9, 16, 4, 30, 0, 500000, tzinfo=UTC) and stored["t2"].recorded_at is None
    assert stored["t2"].amount == Decimal("12.50")
    case = ApprovalCase.objects.get(case_id="T1")
    assert case.received_at == stored["t1"].at and case.fees_total == Decimal("12.50")
    assert str(case.last_event_date) == "2026-09-16"
