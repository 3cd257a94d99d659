import csv
import io
import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from zeren.audit.models import AuditEntry
from zeren.findings.models import Finding
from zeren.org.testing import make_user
from zeren.supervision.actions import cli_source, do_ingest_events, do_move_alert, do_scan
from zeren.supervision.models import Alert, RuleConfig
from zeren.supervision.selectors import all_alerts_in_force
from zeren.supervision.tests.conftest import event

pytestmark = pytest.mark.django_db


def ingest(*events):
    result = do_ingest_events(source=cli_source(), events=list(events))
    assert result.rejected == 0, result.rejections


def in_force(as_of, **kw):
    return sorted((a.case.case_id, a.type) for a in all_alerts_in_force(as_of, **kw).select_related("case"))


@pytest.fixture
def cases(items):
    # A: received 09-21, statutory deadline 10-26 (National Day in between), promised 10-12.
    ingest(event("a1", "A", "received", "2026-09-21T09:00:00+08:00"))
    # B: paid item, fee over the standard, still open; deadline 15 working days after 11-02 = 11-23.
    ingest(event("b1", "B", "received", "2026-11-02T09:00:00+08:00", item="ZJ-001", unit="SZ-ZJ"),
           event("b2", "B", "fee_charged", "2026-11-03T09:00:00+08:00", item="ZJ-001", unit="SZ-ZJ", amount="300"))
    # D: district case decided on time without the required steps? (district item requires none) — clean.
    ingest(event("d1", "D", "received", "2026-11-02T09:00:00+08:00", item="FT-001", unit="SZ-FT-SCJG"),
           event("d2", "D", "decided", "2026-11-04T09:00:00+08:00", item="FT-001", unit="SZ-FT-SCJG",
                 outcome="denied", reason="不符合条件"))


def test_scan_raises_yellow_then_red_and_clears_the_yellow(cases):
    do_scan(as_of=date(2026, 10, 22))  # 2 working days before A's deadline 10-26
    assert in_force(date(2026, 10, 22)) == [("A", "promise_broken"), ("A", "yellow_card")]
    summary = do_scan(as_of=date(2026, 10, 27))
    assert in_force(date(2026, 10, 27)) == [("A", "red_card")]
    assert summary.cleared == 2 and summary.opened == 1
    red = Alert.objects.get(case__case_id="A", type="red_card")
    assert red.since == date(2026, 10, 27) and red.deadline == date(2026, 10, 26) and red.unit.code == "SZ-SCJG"
    # The history stays answerable: on 10-22 the yellow card was in force.
    assert ("A", "yellow_card") in in_force(date(2026, 10, 22))


def test_scan_is_idempotent_and_raises_each_finding_once(cases):
    first = do_scan(as_of=date(2026, 11, 30))
    again = do_scan(as_of=date(2026, 11, 30))
    assert first.opened > 0 and again.opened == 0 and again.cleared == 0
    assert sorted(Finding.objects.values_list("cause", "evidence_id")) == [
        ("fee_over_standard", "B"), ("red_card", "A"), ("red_card", "B")]
    red = Finding.objects.get(cause="red_card", evidence_id="A")
    assert red.details == {"item_code": "SCJG-001", "statutory_deadline": "2026-10-26"}
    assert red.status == "open" and red.unit.code == "SZ-SCJG" and red.occurred_on == date(2026, 11, 30)
    assert red.evidence_url == "/supervision/cases/A/?source=cli" and red.title.endswith("企业设立登记 A")
    assert Alert.objects.count() == first.in_force
    assert AuditEntry.objects.filter(action="supervision.scan").count() == 2


def test_a_decision_clears_open_alerts_but_a_late_decision_keeps_its_red_card(cases):
    do_scan(as_of=date(2026, 10, 22))
    ingest(event("a2", "A", "decided", "2026-10-23T09:00:00+08:00", outcome="approved"))
    do_scan(as_of=date(2026, 10, 23))
    # on time against the statute (no red card), but decided without the required steps
    assert in_force(date(2026, 10, 23)) == [("A", "missing_step"), ("A", "promise_broken")]
    ingest(event("b3", "B", "decided", "2026-11-25T09:00:00+08:00", item="ZJ-001", unit="SZ-ZJ", outcome="approved"))
    do_scan(as_of=date(2026, 11, 30))
    do_scan(as_of=date(2026, 12, 10))  # B is settled now; its red card stays in force
    assert ("B", "red_card") in in_force(date(2026, 12, 10))


def test_past_date_replay_ignores_later_events(cases):
    ingest(event("a2", "A", "decided", "2026-10-23T09:00:00+08:00", outcome="approved"))
    summary = do_scan(as_of=date(2026, 10, 22))  # A was still open on 10-22
    assert summary.replayed >= 1
    assert ("A", "yellow_card") in in_force(date(2026, 10, 22))


def test_suspended_case_is_not_late_and_resumption_moves_the_deadline(cases):
    ingest(event("a2", "A", "suspended", "2026-10-20T09:00:00+08:00", reason="现场核查"))
    do_scan(as_of=date(2026, 10, 30))
    assert ("A", "red_card") not in in_force(date(2026, 10, 30))
    ingest(event("a3", "A", "resumed", "2026-10-30T09:00:00+08:00"))
    do_scan(as_of=date(2026, 11, 3))
    # (10-20, 10-30] holds 8 working days: the deadline moves from 10-26 to 11-05.
    alert = Alert.objects.get(case__case_id="A", type="yellow_card")
    assert alert.deadline == date(2026, 11, 5)


def test_rule_config_disables_a_type_and_changes_the_yellow_window(cases, tree):
    RuleConfig.objects.create(unit=tree["housing"], enabled_types=["red_card"])
    RuleConfig.objects.create(yellow_threshold_days=5)
    do_scan(as_of=date(2026, 10, 19))
    assert ("A", "yellow_card") in in_force(date(2026, 10, 19))  # 5 working days ahead
    do_scan(as_of=date(2026, 11, 30))
    assert ("B", "fee_over_standard") not in in_force(date(2026, 11, 30))


def test_alert_lifecycle_is_guarded_and_audited(cases, tree):
    do_scan(as_of=date(2026, 11, 30))
    alert = Alert.objects.get(case__case_id="A", type="red_card")
    staff = make_user("s", "staff", tree["market"])
    officer = make_user("o", "supervision_officer", tree["city"])
    with pytest.raises(PermissionDenied):
        do_move_alert(actor=officer, alert=alert, status="acknowledged")
    do_move_alert(actor=staff, alert=alert, status="acknowledged")
    with pytest.raises(ValidationError):
        do_move_alert(actor=staff, alert=alert, status="explained")  # a note is required
    do_move_alert(actor=staff, alert=alert, status="explained", note="专家评审延期，已补正手续")
    with pytest.raises(PermissionDenied):
        do_move_alert(actor=staff, alert=alert, status="closed")
    closed = do_move_alert(actor=officer, alert=alert, status="closed")
    assert closed.status == "closed"
    assert AuditEntry.objects.filter(object_type="supervision.alert").count() == 3
    assert ("A", "red_card") not in in_force(date(2099, 1, 1))


def test_alerts_command_jsonl_and_csv(cases, capsys):
    do_scan(as_of=date(2026, 11, 30))
    call_command("supervision", "alerts", "--as-of", "2026-11-30", "--unit", "SZ-ZJ", "--format", "jsonl")
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert {(x["case_id"], x["type"]) for x in lines} == {("B", "red_card"), ("B", "fee_over_standard")}
    assert lines[0]["unit_code"] == "SZ-ZJ" and lines[0]["item_code"] == "ZJ-001" and lines[0]["deadline"] == "2026-11-23"
    call_command("supervision", "alerts", "--as-of", "2026-11-30", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    assert len(rows) == 3 and {"case_id", "type", "unit_code", "item_code", "deadline"} <= set(rows[0])


def test_raised_limit_clears_alerts_of_a_case_no_longer_near_its_deadline(cases, items):
    do_scan(as_of=date(2026, 10, 22))
    assert in_force(date(2026, 10, 22)) == [("A", "promise_broken"), ("A", "yellow_card")]
    items["reg"].statutory_days, items["reg"].promised_days = 40, 30
    items["reg"].save()
    summary = do_scan(as_of=date(2026, 10, 22))  # A is now far from both deadlines
    assert in_force(date(2026, 10, 22)) == [] and summary.cleared == 2


def test_scan_reads_only_cases_that_can_hold_an_alert(cases):
    ingest(*[event(f"n{k}", f"N{k}", "received", "2026-10-21T09:00:00+08:00") for k in range(5)])
    do_scan(as_of=date(2026, 10, 22))  # everything is new: every open case is read
    again = do_scan(as_of=date(2026, 10, 23))
    # A (deadline 10-26) is read; the five cases received on 10-21 are weeks from their deadlines
    # and hold nothing, so they are not (B and D were received after 10-23).
    assert again.cases == 1


@pytest.mark.django_db(transaction=True)
def test_a_batch_committed_mid_scan_is_evaluated_by_the_next_scan(cases, monkeypatch):
    """PostgreSQL (READ COMMITTED): a batch that commits between the scan's read and its clearing of
    ``rescan`` must keep its cases marked, so the next scan evaluates them (a decided case must not
    keep a stale yellow card). The scan holds the ingestion lock, so the batch waits for it."""
    import threading

    from django.db import connection

    from zeren.supervision import scanning

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's IMMEDIATE transactions already serialise the scan and ingestion")
    do_scan(as_of=date(2026, 10, 22))
    assert ("A", "yellow_card") in in_force(date(2026, 10, 22))
    persist = scanning.persist
    committed = threading.Event()
    workers: list[threading.Thread] = []

    def ingest_decision() -> None:
        try:
            ingest(event("a2", "A", "decided", "2026-10-23T09:00:00+08:00", outcome="approved"))
            committed.set()
        finally:
            connection.close()

    def persist_then_commit_a_batch(*args, **kwargs):
        changes = persist(*args, **kwargs)
        worker = threading.Thread(target=ingest_decision)
        worker.start()
        worker.join(timeout=2)  # today's code: the batch commits here, before the scan clears rescan
        workers.append(worker)
        return changes

    monkeypatch.setattr(scanning, "persist", persist_then_commit_a_batch)
    do_scan(as_of=date(2026, 10, 23))
    monkeypatch.setattr(scanning, "persist", persist)
    for worker in workers:
        worker.join(timeout=30)
    assert committed.is_set()
    do_scan(as_of=date(2026, 10, 23))
    assert in_force(date(2026, 10, 23)) == [("A", "missing_step"), ("A", "promise_broken")]

def test_one_rule_row_per_scope_on_every_database(tree):
    """The city row too: the constraint is enforced on SQLite as well as PostgreSQL (no W047)."""
    from django.db import IntegrityError, transaction

    RuleConfig.objects.create(yellow_threshold_days=5)
    RuleConfig.objects.create(unit=tree["housing"], yellow_threshold_days=3)
    for scope in ({}, {"unit": tree["housing"]}):
        with pytest.raises(IntegrityError), transaction.atomic():
            RuleConfig.objects.create(yellow_threshold_days=1, **scope)
    assert RuleConfig.objects.count() == 2
