"""Hostile event bodies (issue 11): nesting, huge numbers, NaN, invalid UTF-8. Each offending event
is rejected into the rejected store naming its field; the rest of the batch lands; never HTTP 500."""

import json

import pytest
from django.core.management import call_command

from zeren.supervision.actions import do_create_source
from zeren.supervision.events import MAX_DEPTH
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
