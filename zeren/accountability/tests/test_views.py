"""The pages as users see them: inbox with picker, filters, bulk actions and exports; the public
form (idempotent, 400 on bad input), tracking without internal notes; apologies; the report PDF."""

import io
import re
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zeren.accountability.actions import do_accept_complaint, do_add_complaint_note, do_register_incidents
from zeren.accountability.models import Complaint, IncidentReview
from zeren.accountability.tests.factories import category
from zeren.findings.actions import FindingSpec, do_raise_findings
from zeren.findings.models import Finding
from zeren.org.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def findings(tree):
    specs = [FindingSpec(dedupe_key=f"supervision:red_card:case:C{i}", cause="red_card", source_app="supervision",
                         title=f"办件 C{i} 超期", unit_id=(tree["market"] if i % 2 else tree["district_market"]).pk,
                         evidence_type="supervision.approvalcase", evidence_id=f"C{i}",
                         evidence_url=f"/supervision/cases/C{i}/") for i in range(60)]
    do_raise_findings(actor=None, specs=specs)


def test_inbox_filters_by_picked_unit_pages_and_exports(client, officer, findings, django_assert_max_num_queries):
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("accountability:inbox"), {"unit": "福田区市场监督管理局 · SZ-FT-SCJG"})
    text = page.content.decode()
    assert "共 30 条" in text and "办件 C0 超期" in text and "办件 C1 超期" not in text
    assert 'value="福田区市场监督管理局 · SZ-FT-SCJG"' in text
    assert client.get(reverse("accountability:units_json"), {"q": "福田"}).json()["units"][0].endswith("SZ-FT")
    assert "共 0 条" in client.get(reverse("accountability:inbox"), {"unit": "nothing"}).content.decode()
    assert "共 0 条" in client.get(reverse("accountability:inbox"), {"age": "7"}).content.decode()
    xlsx = client.get(reverse("accountability:inbox_export", args=["xlsx"]), {"cause": "red_card"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 61 and sheet.cell(1, 3).value == "问题类型"
    csv = client.get(reverse("accountability:inbox_export", args=["csv"])).content.decode("utf-8-sig")
    assert csv.count("\n") == 61


def test_bulk_dismiss_needs_a_reason_and_open_case_from_selection(client, officer, findings):
    client.force_login(officer)
    ids = list(Finding.objects.order_by("pk").values_list("pk", flat=True)[:3])
    response = client.post(reverse("accountability:inbox_bulk"), {"finding": ids, "action": "dismiss", "reason": ""},
                           follow=True)
    assert "reason" in response.content.decode() or "理由" in response.content.decode()
    client.post(reverse("accountability:inbox_bulk"), {"finding": ids[:2], "action": "dismiss", "reason": "重复录入"})
    assert Finding.objects.filter(status="dismissed").count() == 2
    response = client.post(reverse("accountability:inbox_bulk"), {"finding": ids[2:], "action": "case"})
    assert response.status_code == 302 and "finding=" in response["Location"]
    page = client.get(response["Location"])
    assert "办件" in page.content.decode()
    finding = Finding.objects.get(pk=ids[2])
    created = client.post(response["Location"], {"finding": [finding.pk], "subject_kind": "unit",
                                                 "unit": f"{finding.unit.name} · {finding.unit.code}",
                                                 "fault_type": "delay", "summary": "超期"})
    assert created.status_code == 302
    case_page = client.get(created["Location"]).content.decode()
    assert "WZ" in case_page and "陈述申辩" in case_page and Finding.objects.get(pk=finding.pk).status == "accepted"
    assert client.get(reverse("accountability:finding", args=[finding.pk])).status_code == 200


def test_public_form_is_idempotent_validates_and_tracking_hides_internal_notes(client, tree, officer):
    category()
    form = client.get(reverse("accountability:complain")).content.decode()
    token = form.split('name="client_token" value="')[1].split('"')[0]
    data = {"client_token": token, "category": category().pk, "unit": "深圳市市场监督管理局 · SZ-SCJG",
            "description": "窗口推诿", "name": "赵六", "phone": "13600000000"}
    first = client.post(reverse("accountability:complain"), data)
    again = client.post(reverse("accountability:complain"), data)
    assert first.status_code == 302 and first["Location"] == again["Location"] and Complaint.objects.count() == 1
    bad = client.post(reverse("accountability:complain"), {**data, "client_token": "t2", "unit": "不存在的单位",
                                                           "phone": "call me", "description": ""})
    assert bad.status_code == 400 and Complaint.objects.count() == 1
    text = bad.content.decode()
    assert "未找到该单位" in text and "有效的电话号码" in text
    evil = client.post(reverse("accountability:complain"), {**data, "client_token": "t3",
                                                            "attachment": io.BytesIO(b"MZ not an image")})
    assert evil.status_code == 400 and "PDF" in evil.content.decode()
    complaint = Complaint.objects.get()
    do_accept_complaint(actor=officer, complaint=complaint, accept=True)
    do_add_complaint_note(actor=officer, complaint=complaint, note="内部：约谈窗口负责人")
    client.logout()
    status = client.get(first["Location"]).content.decode()
    assert complaint.tracking_number in status and "已受理" in status
    assert "约谈窗口负责人" not in status and "赵六" not in status and "13600000000" not in status


def test_apologies_are_public_and_the_report_renders_as_pdf(client, tree):
    do_register_incidents(actor=None, rows=[{"code": "SJ-1", "category": "public_health", "date": "2026-03-02",
                                             "severity": "major", "title": "某区疫情处置迟缓", "units": ["SZ-ZJ"]}])
    review = IncidentReview.objects.get()
    from zeren.accountability.actions import do_publish_apology, do_submit_review

    staff = make_user("zj", "staff", tree["housing"])
    do_submit_review(actor=staff, review=review, measures_appropriate=False, rules_missing=True, findings_text="响应迟缓",
                     corrective_actions="完善应急预案", negligent=True)
    do_publish_apology(actor=staff, review=review, statement="我局向市民公开道歉", medium="newspaper",
                       medium_detail="深圳特区报", on=date(2026, 4, 1))
    page = client.get(reverse("accountability:apologies")).content.decode()
    assert "我局向市民公开道歉" in page and "深圳特区报" in page
    report = client.get(reverse("accountability:report", args=[2026])).content.decode()
    assert "年度行政问责报告" in report and "某区疫情处置迟缓" in report
    pdf = client.get(reverse("accountability:report_pdf", args=[2026]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.cookies["django_language"] = "en"  # English punctuation around the apology, not （，）
    english = client.get(reverse("accountability:report", args=[2026])).content.decode()
    assert re.search(r": 某区疫情处置迟缓 \([^（）]+, 2026-04-01\)", english), english[-2000:]


def test_odd_years_and_dates_are_not_errors(client, officer):
    assert client.get(reverse("accountability:report", args=[0])).status_code == 404
    assert client.get(reverse("accountability:report_pdf", args=[99999])).status_code == 404
    client.force_login(officer)
    assert client.get(reverse("accountability:statistics"), {"year": "0"}).status_code == 200
    assert client.get(reverse("accountability:repeat"), {"start": "2026-02-30", "min": "x"}).status_code == 200


def test_a_review_form_preselects_no_finding_and_refuses_a_blank_one(client, tree):
    """Form defaults that cannot mislead (issue 18 item 5): each of the review's three findings, and the
    outcome of a finding's or the inbox's action, is chosen explicitly; a blank one is refused."""
    do_register_incidents(actor=None, rows=[{"code": "SJ-9", "category": "public_health", "date": "2026-03-02",
                                             "severity": "major", "title": "某区疫情处置迟缓", "units": ["SZ-ZJ"]}])
    review = IncidentReview.objects.get()
    client.force_login(make_user("zj", "staff", tree["housing"]))
    page = client.get(reverse("accountability:review", args=[review.pk])).content.decode()
    for name in ("measures_appropriate", "rules_missing", "negligent"):
        assert f'<select name="{name}" required><option value="">请选择</option>' in page
    answer = client.post(reverse("accountability:review", args=[review.pk]), {
        "step": "submit", "measures_appropriate": "1", "rules_missing": "", "negligent": "0",
        "findings_text": "响应迟缓", "corrective_actions": "完善应急预案"}, follow=True).content.decode()
    review.refresh_from_db()
    assert "请对处置措施、制度缺失和是否失职逐项作出认定" in answer and review.submitted_on is None
    client.post(reverse("accountability:review", args=[review.pk]), {
        "step": "submit", "measures_appropriate": "1", "rules_missing": "0", "negligent": "0",
        "findings_text": "响应迟缓", "corrective_actions": "完善应急预案"})
    review.refresh_from_db()
    assert review.submitted_on is not None and review.measures_appropriate and not review.negligent


def test_the_inbox_action_is_chosen_not_preselected(client, officer, findings):
    client.force_login(officer)
    page = client.get(reverse("accountability:inbox")).content.decode()
    assert '<select name="action" required aria-label="批量操作"><option value="">请选择处理方式</option>' in page
    finding = Finding.objects.first()
    answer = client.post(reverse("accountability:inbox_bulk"), {"finding": [finding.pk], "action": ""}, follow=True)
    assert "请选择处理方式" in answer.content.decode()
    finding.refresh_from_db()
    assert finding.status == "open"


def test_the_public_may_name_the_unit_in_words(client, tree):
    """The complaint form takes a unit typed by name, not only the picker's ``名称 · CODE``: a name that
    names one unit is it; a fragment several units share is refused with their names (issue 18 item 4)."""
    category()
    form = client.get(reverse("accountability:complain")).content.decode()
    token = form.split('name="client_token" value="')[1].split('"')[0]
    data = {"client_token": token, "category": category().pk, "unit": "深圳市住房和建设局", "description": "拖延办理"}
    assert client.post(reverse("accountability:complain"), data).status_code == 302
    assert Complaint.objects.get().unit.code == "SZ-ZJ"
    several = client.post(reverse("accountability:complain"), {**data, "client_token": "t2", "unit": "市场监督管理局"})
    text = several.content.decode()
    assert several.status_code == 400 and Complaint.objects.count() == 1
    assert "有多个单位" in text and "深圳市市场监督管理局" in text and "福田区市场监督管理局" in text
