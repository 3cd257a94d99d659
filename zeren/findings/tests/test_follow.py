"""A finding follows its source (问题线索随源流转): the producers' resolve/dismiss/reopen move it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from zeren.audit.models import AuditEntry
from zeren.duties.actions import do_mark_intended, do_record_findings
from zeren.duties.analysis import analyse
from zeren.duties.models import DutyFinding
from zeren.duties.tests.factories import content, load
from zeren.findings.actions import do_follow_source
from zeren.findings.models import Finding
from zeren.findings.selectors import findings_for
from zeren.org.testing import make_small_tree, make_user
from zeren.supervision.actions import cli_source, do_ingest_events, do_move_alert, do_scan
from zeren.supervision.models import Alert, ApprovalCase, ApprovalItem
from zeren.supervision.tests.conftest import event

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_case():
    """Case A, received 2026-09-21 on a 20-working-day item: its statutory deadline is 10-26."""
    tree = make_small_tree()
    ApprovalItem.objects.create(code="SCJG-001", name="企业设立登记", unit=tree["market"], statutory_days=20,
                                promised_days=10)
    result = do_ingest_events(source=cli_source(),
                              events=[event("a1", "A", "received", "2026-09-21T09:00:00+08:00")])
    assert result.rejected == 0
    return tree


# A suspension of case A (申请人补正, 暂停计时) reported after the fact: it moves the deadline.
SUSPENDED = event("a2", "A", "suspended", "2026-09-22T10:00:00+08:00")
RESUMED = event("a3", "A", "resumed", "2026-09-29T10:00:00+08:00")


def open_red_cards(user):
    return list(findings_for(user, status="open", cause="red_card").values_list("evidence_id", flat=True))


def test_red_card_from_the_scan_is_in_the_inbox_once_and_leaves_it_when_closed_on_the_board(late_case):
    officer = make_user("o", "supervision_officer", late_case["city"])
    staff = make_user("s", "staff", late_case["market"])
    for day in (27, 28, 29, 30):  # the daily scan, again and again
        do_scan(as_of=date(2026, 10, day))
    do_scan(as_of=date(2026, 10, 30))
    assert open_red_cards(officer) == ["A"]
    assert Finding.objects.filter(cause="red_card").count() == 1

    red = Alert.objects.get(case__case_id="A", type="red_card")
    do_move_alert(actor=staff, alert=red, status="acknowledged")
    do_move_alert(actor=staff, alert=red, status="corrected", note="已补办并书面说明超期原因")
    do_move_alert(actor=officer, alert=red, status="closed")
    assert open_red_cards(officer) == []
    finding = Finding.objects.get(cause="red_card")
    assert finding.status == "resolved" and "已纠正" in finding.status_reason
    entry = AuditEntry.objects.get(action="findings.follow_resolved")
    assert entry.changes["status"] == ["open", "resolved"] and entry.extra["source"] == "supervision.approvalcase:A"

    do_scan(as_of=date(2026, 11, 2))  # a later scan does not bring it back, nor raise a second one
    assert open_red_cards(officer) == [] and Finding.objects.count() == 1

    with pytest.raises(ValidationError):
        do_move_alert(actor=officer, alert=red, status="open")  # reopening needs a reason
    do_move_alert(actor=officer, alert=red, status="open", note="纠正未落实")
    assert open_red_cards(officer) == ["A"]
    assert Finding.objects.get(cause="red_card").status_reason.endswith("纠正未落实")


def test_an_alert_closed_on_an_accepted_explanation_dismisses_its_finding(late_case):
    officer = make_user("o", "supervision_officer", late_case["city"])
    staff = make_user("s", "staff", late_case["market"])
    do_scan(as_of=date(2026, 10, 27))
    red = Alert.objects.get(case__case_id="A", type="red_card")
    do_move_alert(actor=staff, alert=red, status="acknowledged")
    do_move_alert(actor=staff, alert=red, status="explained", note="申请人补正材料，依法扣除补正期间")
    do_move_alert(actor=officer, alert=red, status="closed")
    assert Finding.objects.get(cause="red_card").status == "dismissed"

    # The scan clearing the closed card, then finding it in force again, leaves the finding where the
    # closure put it: the card stays closed on the board.
    do_ingest_events(source=cli_source(), events=[SUSPENDED, RESUMED])
    do_scan(as_of=date(2026, 10, 28))
    assert Alert.objects.get(pk=red.pk).cleared_on == date(2026, 10, 28)
    do_scan(as_of=ApprovalCase.objects.get(case_id="A").statutory_deadline + timedelta(days=1))
    red.refresh_from_db()
    assert red.cleared_on is None and red.status == "closed"
    finding = Finding.objects.get(cause="red_card")
    assert finding.status == "dismissed" and "补正" in finding.status_reason


def test_follow_source_moves_only_what_the_outcome_moves_and_names_the_outcomes():
    tree = make_small_tree()
    from zeren.findings.actions import do_raise_finding

    for cause in ("red_card", "fee_over_standard"):
        do_raise_finding(actor=None, dedupe_key=f"supervision:{cause}:supervision.approvalcase:C1", cause=cause,
                         source_app="supervision", title=cause, unit=tree["market"],
                         evidence_type="supervision.approvalcase", evidence_id="C1")
    assert do_follow_source(evidence_type="supervision.approvalcase", evidence_id="C1", outcome="resolved",
                            reason="纠正", cause="red_card") == 1
    assert do_follow_source(evidence_type="supervision.approvalcase", evidence_id="C1", outcome="resolved",
                            reason="纠正", cause="red_card") == 0  # already resolved: nothing moves
    assert do_follow_source(evidence_type="supervision.approvalcase", evidence_id="C1", outcome="dismissed",
                            reason="误报") == 1  # the fee finding only
    assert do_follow_source(evidence_type="supervision.approvalcase", evidence_id="C1", outcome="reopened",
                            reason="复查") == 2
    assert set(Finding.objects.values_list("status", flat=True)) == {"open"}
    with pytest.raises(ValueError, match="outcome must be one of"):
        do_follow_source(evidence_type="supervision.approvalcase", evidence_id="C1", outcome="closed", reason="")


def test_duty_findings_resolved_intended_cleared_and_back_move_their_shared_findings():
    make_small_tree()
    load([content("DUP-1", "建筑工程施工许可", ["SZ-ZJ"], basis="《中华人民共和国建筑法》第七条"),
          content("DUP-2", "建筑工程施工许可证核发", ["SZ-SCJG"], basis="《中华人民共和国建筑法》第八条"),
          content("TWO", "特种设备使用登记", ["SZ-SCJG", "SZ-ZJ"], category="行政确认",
                  basis="《中华人民共和国特种设备安全法》第三十三条")], "首批", date(2026, 1, 1))
    do_record_findings(actor=None, report=analyse())
    shared = {f.evidence_id: f for f in Finding.objects.filter(source_app="duties")}
    assert shared and all(f.status == "open" for f in shared.values())
    duty = DutyFinding.objects.get(pk=int(next(iter(shared))))
    admin = make_user("admin", "admin", duty.unit)
    do_mark_intended(actor=admin, finding=duty, reason="联合审批，职责分工明确")
    moved = Finding.objects.get(evidence_type="duties.dutyfinding", evidence_id=str(duty.pk))
    assert moved.status == "dismissed" and "联合审批" in moved.status_reason


def test_a_red_card_the_scan_clears_itself_takes_its_finding_out_and_brings_it_back(late_case):
    """Loop 2: a red card raised a finding; a suspension reported late (申请人补正, 暂停计时) moves the
    deadline, so the next scan clears the card on its own — the finding leaves the open list and says
    why; once the moved deadline passes too, the card and its finding are back. Repeated scans change
    nothing more, and each move is one audit entry naming the finding."""
    officer = make_user("o", "supervision_officer", late_case["city"])
    do_scan(as_of=date(2026, 10, 27))
    assert open_red_cards(officer) == ["A"]
    finding = Finding.objects.get(cause="red_card")

    result = do_ingest_events(source=cli_source(), events=[SUSPENDED, RESUMED])
    assert result.rejected == 0
    for day in (28, 29):  # the moved deadline has not passed: the scan clears the card, once
        summary = do_scan(as_of=date(2026, 10, day))
    assert Alert.objects.get(case__case_id="A", type="red_card").cleared_on == date(2026, 10, 28)
    assert open_red_cards(officer) == [] and findings_for(officer, status="resolved").get() == finding
    finding.refresh_from_db()
    assert finding.status_reason == "电子监察扫描（2026-10-28）：红牌（超法定时限）不再成立，预警已由扫描消除"
    assert summary.findings_settled == 0  # the second scan found nothing more to move
    entry = AuditEntry.objects.get(action="findings.follow_resolved")
    assert entry.extra["findings"] == [finding.pk] and entry.extra["sources"] == ["A"]

    deadline = ApprovalCase.objects.get(case_id="A").statutory_deadline
    assert deadline > date(2026, 10, 29)
    for day in (deadline + timedelta(days=1), deadline + timedelta(days=2)):
        summary = do_scan(as_of=day)  # past the moved deadline: the card holds again
    assert open_red_cards(officer) == ["A"] and Finding.objects.filter(cause="red_card").count() == 1
    finding.refresh_from_db()
    assert finding.status_reason.endswith("红牌（超法定时限）再次成立，预警已由扫描重新提示")
    assert summary.findings_reopened == 0
    assert AuditEntry.objects.filter(action__startswith="findings.follow_").count() == 2
