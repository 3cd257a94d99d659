"""The reasons targets writes read in the UI's language: on the findings it raised (目标已于…完成,
升级后的督办通知已答复: the finding page and the findings API) and on an assessment whose grade a review
changed (复核变更：<the decision as written>: the assessment page). Stored in Chinese with a message."""

from __future__ import annotations

from datetime import date

from zeren.access.models import Role
from zeren.findings.models import Finding
from zeren.org.testing import make_user
from zeren.targets import actions
from zeren.targets.actions import Decision
from zeren.targets.models import Grade, Notice
from zeren.targets.tests.test_assessment import round_2025, staff  # noqa: F401 (fixtures)


def shown(client, finding: Finding, language: str) -> tuple[str, str]:
    client.cookies["django_language"] = language
    return (client.get(f"/accountability/findings/{finding.pk}/").content.decode(),
            client.get(f"/api/v1/findings/{finding.pk}").json()["status_reason"])


def test_an_overdue_target_completed_late_resolves_its_finding_with_a_reason_in_the_readers_language(
        client, targets, users):
    actions.do_follow_up(as_of=date(2026, 7, 1))
    actions.do_report_progress(actor=users["market"], target=targets["T-1-1-1"], day=date(2026, 7, 3), value=60)
    finding = Finding.objects.filter(cause="targets.overdue", status="resolved").first()
    day = finding.status_reason_params["day"]
    assert finding.status_reason == f"目标已于 {day} 完成" and finding.status_reason_key == "targets.completed"
    client.force_login(users["officer"])
    html, api = shown(client, finding, "en")
    assert f"Target completed on {day}" in html and api == f"Target completed on {day}" and "目标已于" not in html
    html, api = shown(client, finding, "zh-hans")
    assert f"目标已于 {day} 完成" in html and api == f"目标已于 {day} 完成"


def test_answering_the_escalated_notice_resolves_its_finding_with_a_reason_in_the_readers_language(
        client, targets, users):
    actions.do_follow_up(as_of=date(2026, 3, 16))
    actions.do_follow_up(as_of=date(2026, 3, 24))
    escalated = Notice.objects.get(target=targets["T-2"], level=1)
    actions.do_reply_notice(actor=make_user("city_office", Role.STAFF, escalated.unit), notice=escalated,
                            reply="已督促住建局补报方案")
    finding = Finding.objects.get(cause="targets.notice_escalated", evidence_id=str(escalated.escalated_from_id))
    assert finding.status_reason == "升级后的督办通知已答复"
    client.force_login(users["officer"])
    assert shown(client, finding, "en")[1] == "The escalated supervision notice has been answered"
    assert shown(client, finding, "zh-hans")[1] == "升级后的督办通知已答复"


def test_a_grade_changed_on_review_shows_its_reason_in_the_readers_language(client, round_2025, tree, users):  # noqa: F811
    rows = round_2025
    actions.do_confirm_assessments(actor=users["market_head"], unit=tree["market"], year=2025,
                                   decisions=[Decision(r, r.proposed_grade) for r in rows.values()],
                                   notified_on=date(2026, 2, 10))
    rows["S02"].refresh_from_db()
    appeal = actions.do_file_appeal(actor=users["market"], assessment=rows["S02"], reason="工作量未计入",
                                    filed_on=date(2026, 3, 16))
    actions.do_decide_appeal(actor=users["market_head"], appeal=appeal, grade=Grade.COMPETENT,
                             decision="复核后认定部分工作量未计入", decided_on=date(2026, 3, 20))
    assessment = type(rows["S02"]).objects.get(pk=rows["S02"].pk)
    assert assessment.grade_reason == "复核变更：复核后认定部分工作量未计入"  # stored as before
    client.force_login(users["market_head"])
    client.cookies["django_language"] = "en"
    html = client.get(f"/targets/assessments/{assessment.pk}/").content.decode()
    assert "Changed on review: 复核后认定部分工作量未计入" in html and "复核变更" not in html
    client.cookies["django_language"] = "zh-hans"
    assert "复核变更：复核后认定部分工作量未计入" in client.get(f"/targets/assessments/{assessment.pk}/").content.decode()
