"""Hostile event bodies (issue 11): nesting, huge numbers, NaN, invalid UTF-8. Each offending event
is rejected into the rejected store naming its field; the rest of the batch lands; never HTTP 500."""

import json

import pytest
from django.core.management import call_command

from zeren.core.jsoninput import MAX_DEPTH
from zeren.supervision.actions import do_create_source
from zeren.supervision.models import ApprovalEvent, RejectedEvent
from zeren.supervision.tests.conftest import event

pytestmark = pytest.mark.django_db


def good(n):
    return json.dumps(event(f"g{n}", f"G{n}", "received", "2026-11-02T09:00:00+08:00"))


def hostile(event_id, **fields):
    """An otherwise valid event's JSON text with ``fields`` written in as raw JSON text."""
    text = json.dumps(event(event_id, f"H-{event_id}", "received", "2026-11-02T09:00:00+08:00"))
    return text[:-1] + "".join(f', "{name}": {value}' for name, value in fields.items()) + "}"


HOSTILE = [  # (field named, JSON text)
    ("reason", hostile("deep", reason="[" * 5000 + "]" * 5000)),
    ("extra", hostile("digits", extra="9" * 5000)),
    ("extra", hostile("nan", extra="NaN")),
    ("extra.x", hostile("inf", extra="{\"x\": -Infinity}")),
    ("extra", hostile("overflow", extra="1e400")),
    ("extra", hostile("orjson-deep", extra="[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))),
]


def post(client, token, body, content_type):
    return client.post("/api/v1/supervision/events", body, content_type=content_type,
                       headers={"authorization": f"Bearer {token}"})


@pytest.mark.parametrize("shape", ["jsonl", "array"])
def test_hostile_events_are_rejected_by_field_and_the_rest_lands(client, items, tree, shape):
    _, token = do_create_source(actor=None, code="scjg", name="市场监管审批系统", unit=tree["market"])
    texts = [good(1), *(text for _, text in HOSTILE), good(2)]
    body = "\n".join(texts) if shape == "jsonl" else "[" + ",".join(texts) + "]"
    response = post(client, token, body.encode("utf-8"),
                    "application/x-ndjson" if shape == "jsonl" else "application/json")
    assert response.status_code == 200, response.content[:300]
    data = response.json()
    assert (data["accepted"], data["rejected"]) == (2, len(HOSTILE))
    assert [(r["index"], r["field"]) for r in data["rejections"]] == [
        (n, field) for n, (field, _) in enumerate(HOSTILE, 1)]
    reasons = [r["reason"] for r in data["rejections"]]
    assert f"nested deeper than {MAX_DEPTH} levels" in reasons[0] and "5000 characters" in reasons[1]
    assert "nan is not a JSON number" in reasons[2] and "-inf" in reasons[3] and "inf" in reasons[4]
    # Every rejection the API reports is stored (NaN too), once: sending it again stores nothing new.
    stored = list(RejectedEvent.objects.order_by("id"))
    assert [r.field for r in stored] == [field for field, _ in HOSTILE]
    assert all("escaped_json" in r.payload for r in stored)
    assert json.loads(stored[2].payload["escaped_json"].replace("NaN", "null"))["event_id"] == "nan"
    again = post(client, token, body.encode("utf-8"), "application/x-ndjson" if shape == "jsonl" else "application/json")
    assert again.json()["rejected"] == len(HOSTILE) and RejectedEvent.objects.count() == len(HOSTILE)
    assert ApprovalEvent.objects.count() == 2


def test_a_body_nested_a_hundred_thousand_levels_is_one_rejection(client, items, tree):
    _, token = do_create_source(actor=None, code="scjg", name="市场监管审批系统", unit=tree["market"])
    for body in ("[" * 100_000 + "]" * 100_000, "[" * 100_000):
        response = post(client, token, body, "application/json")
        assert response.status_code == 200, response.content[:300]
        assert response.json()["rejected"] == 1 and response.json()["accepted"] == 0


def test_invalid_utf8_is_rejected_naming_the_line(client, items, tree, tmp_path, capsys):
    broken = good(3).replace("G3", "G\xff3").encode("latin-1")  # a lone 0xFF byte: not UTF-8
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"\n".join([good(1).encode(), broken, good(2).encode()]) + b"\n")
    with pytest.raises(SystemExit):
        call_command("ingest", str(path))
    assert "accepted 2, duplicates 0, rejected 1" in capsys.readouterr().out
    row = RejectedEvent.objects.get()
    assert row.field == "json" and "line 2 is not UTF-8" in row.reason
    assert sorted(ApprovalEvent.objects.values_list("event_id", flat=True)) == ["g1", "g2"]
    _, token = do_create_source(actor=None, code="scjg", name="市场监管审批系统", unit=tree["market"])
    data = post(client, token, b"\n".join([good(4).encode(), broken]), "application/x-ndjson").json()
    assert (data["accepted"], data["rejected"]) == (1, 1) and "line 2 is not UTF-8" in data["rejections"][0]["reason"]


def test_nan_and_infinity_rejections_are_always_stored(items):
    from zeren.supervision.actions import cli_source, do_ingest_events

    events = [event("n1", "N1", "received", "2026-11-02T09:00:00+08:00", extra=float("nan")),
              event("n2", "N2", "received", "2026-11-02T09:00:00+08:00", extra={"x": float("inf")}),
              event("n3", "N3", "received", "2026-11-02T09:00:00+08:00")]
    result = do_ingest_events(source=cli_source(), events=events)
    assert (result.accepted, result.rejected) == (1, 2)
    assert [(r["event_id"], r["field"]) for r in result.rejections] == [("n1", "extra"), ("n2", "extra.x")]
    assert sorted(RejectedEvent.objects.values_list("event_id", flat=True)) == ["n1", "n2"]


def test_case_ids_are_unique_per_source_not_city_wide(client, items, tree):
    """A system cannot claim another department's case number: the same id from two systems is two cases."""
    from zeren.org.testing import make_user
    from zeren.supervision.actions import do_ingest_events
    from zeren.supervision.models import ApprovalCase

    market, _ = do_create_source(actor=None, code="scjg", name="市场监管审批系统", unit=tree["market"])
    housing, _ = do_create_source(actor=None, code="zj", name="住建审批系统", unit=tree["housing"])
    first = do_ingest_events(source=market, events=[event("m1", "X-1", "received", "2026-11-02T09:00:00+08:00")])
    theirs = do_ingest_events(source=housing, events=[
        event("h1", "X-1", "received", "2026-11-03T09:00:00+08:00", item="ZJ-001", unit="SZ-ZJ"),
        event("h2", "X-1", "decided", "2026-11-04T09:00:00+08:00", item="ZJ-001", unit="SZ-ZJ", outcome="approved")])
    assert (first.accepted, theirs.accepted, theirs.rejected) == (1, 2, 0)
    cases = {c.source.code: c for c in ApprovalCase.objects.filter(case_id="X-1").select_related("source", "unit")}
    assert cases["scjg"].unit.code == "SZ-SCJG" and cases["scjg"].is_open and cases["scjg"].event_count == 1
    assert cases["zj"].unit.code == "SZ-ZJ" and not cases["zj"].is_open and cases["zj"].event_count == 2
    # Within one system a case still has one item and unit.
    again = do_ingest_events(source=market, events=[
        event("m2", "X-1", "suspended", "2026-11-05T09:00:00+08:00", unit="SZ-SCJG-01")])
    assert again.rejected == 1 and "belongs to another unit" in again.rejections[0]["reason"]
    # The case page names the system when two report the same id.
    client.force_login(make_user("o", "supervision_officer", tree["city"]))
    assert "建筑工程施工许可" in client.get("/supervision/cases/X-1/?source=zj").content.decode()
    assert "企业设立登记" in client.get("/supervision/cases/X-1/?source=scjg").content.decode()
    assert client.get("/supervision/cases/X-1/?source=nope").status_code == 404
