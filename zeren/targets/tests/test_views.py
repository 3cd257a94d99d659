"""Pages and API: scoped, paginated, the report refused for another unit (403), the import page
listing every error, the public white paper."""

from __future__ import annotations

import io
import json

from zeren.targets.models import ProgressReport


def login(client, user):
    client.force_login(user)
    return client


def test_tree_and_target_pages_are_scoped(client, targets, users):
    login(client, users["market"])
    page = client.get("/targets/?as_of=2026-03-16")
    assert page.status_code == 200
    text = page.content.decode()
    assert "登记注册提速" in text and "保障房建设方案" not in text  # housing is out of the market bureau's scope
    assert client.get(f"/targets/t/{targets['T-2'].pk}/").status_code == 404
    detail = client.get(f"/targets/t/{targets['T-1-1-1'].pk}/?as_of=2026-03-16")
    assert detail.status_code == 200 and "chart-data" in detail.content.decode()


def test_city_tree_bounded_queries(client, targets, users, django_assert_max_num_queries):
    login(client, users["officer"])
    with django_assert_max_num_queries(25):
        assert client.get("/targets/?unit=SZ&year=2026").status_code == 200


def test_api_report_for_another_unit_is_403(client, targets, users):
    login(client, users["housing"])
    response = client.post(f"/api/v1/targets/{targets['T-2'].pk}/reports", json.dumps({"date": "2026-03-20", "milestone": "M1"}),
                           content_type="application/json")
    assert response.status_code == 201
    # the market bureau does not even see the city's target
    login(client, users["market"])
    response = client.post(f"/api/v1/targets/{targets['T-1'].pk}/reports", json.dumps({"date": "2026-03-20", "value": 5}),
                           content_type="application/json")
    assert response.status_code == 404
    assert ProgressReport.objects.count() == 1
    status = client.get(f"/api/v1/targets/{targets['T-1-1-1'].pk}/status?as_of=2026-03-16").json()
    assert status["code"] == "T-1-1-1" and status["status"] == "at_risk"


def test_officer_sees_city_target_but_may_not_report(client, targets, users):
    login(client, users["officer"])
    response = client.post(f"/api/v1/targets/{targets['T-1'].pk}/reports", json.dumps({"date": "2026-03-20", "value": 5}),
                           content_type="application/json")
    assert response.status_code == 403 and "SZ" in response.json()["detail"]


def test_import_page_lists_every_error_and_offers_the_template(client, users, people):
    login(client, users["market_head"])
    template = client.get("/targets/import/?template=1")
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = [{"code": "Z", "year": 2026, "title": "x", "unit": "SZ-NOPE", "deadline": "2026-12-31", "weight": "abc",
            "indicator": {"kind": "quantitative", "target": 1}}]
    upload = io.BytesIO(json.dumps(bad).encode())
    upload.name = "bad.json"
    response = client.post("/targets/import/", {"file": upload})
    assert response.status_code == 422
    text = response.content.decode()
    assert "未知单位：SZ-NOPE" in text and "不是数字" in text


def test_public_white_paper_page_and_missing_one(client, tree):
    from zeren.targets.models import PaperState, WhitePaper

    WhitePaper.objects.create(unit=tree["market"], year=2026, state=PaperState.PUBLISHED, drafted_at="2026-01-10T00:00:00Z",
                              content={"unit": {"code": "SZ-SCJG", "name": "深圳市市场监督管理局"}, "year": 2026,
                                       "duties": [], "tasks": [], "completion": [], "completed": 0, "as_of": "2025-12-31"})
    assert "深圳市市场监督管理局" in client.get("/targets/white-papers/").content.decode()
    assert client.get("/targets/white-papers/SZ-SCJG/2026/").status_code == 200
    assert client.get("/targets/white-papers/SZ-ZJ/2026/").status_code == 404


# --- letters, assessments and appeals, the white-paper workflow -------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_letter_page_edits_with_checked_uploads_and_is_scoped(client, tree, people, users):
    login(client, users["market"])
    page = client.get("/targets/letters/SZ-SCJG/2026/")
    assert page.status_code == 200 and "李局长" in page.content.decode()  # the head is offered as signatory
    bad = client.post("/targets/letters/SZ-SCJG/2026/", {"signatory": "P-SCJG", "signed_on": "2026-01-15",
                                                          "files": [upload("责任书.pdf", b"<html>not a pdf</html>")]},
                      follow=True)
    assert "责任书.pdf：文件内容不是 .pdf 格式" in bad.content.decode()
    from zeren.targets.models import Letter

    assert not Letter.objects.exists()  # nothing half-done
    client.post("/targets/letters/SZ-SCJG/2026/", {"signatory": "P-SCJG", "signed_on": "2026-01-15",
                                                   "files": [upload("责任书.pdf", PDF)]})
    letter = Letter.objects.get(unit=tree["market"], year=2026)
    assert letter.signatory == people["market_head"] and letter.attachments[0]["name"] == "责任书.pdf"
    url = f"/targets/letters/SZ-SCJG/2026/files/{letter.attachments[0]['sha256']}/"
    assert client.get(url).content == PDF
    listing = client.get("/targets/letters/?year=2026").content.decode()
    assert "深圳市市场监督管理局" in listing and "李局长" in listing
    login(client, users["housing"])
    assert client.get("/targets/letters/SZ-SCJG/2026/").status_code == 404
    assert client.get(url).status_code == 404


def test_assessment_pages_propose_show_the_basis_confirm_and_appeal(client, tree, people, users,
                                                                    django_assert_max_num_queries):
    """The division's clerk, the bureau's one assessed person, has a 2025 target completed on time but
    no position description: proposed 称职 (not 优秀 without standards). The committee's change needs a
    reason; 优秀 is over the quota (15 % of 1, rounded down: 0); 基本称职 with a reason is confirmed.
    The clerk's unit files an appeal, whose limit is shown as a date; the head decides it."""
    from datetime import date

    from zeren.targets.actions import TargetSpec, do_import_targets, do_report_progress
    from zeren.targets.models import Assessment

    [t] = do_import_targets(actor=None, specs=[TargetSpec(
        code="C-1", year=2025, title="窗口办件", unit=tree["market_div"], leader=people["market_head"],
        person=people["clerk"], start=date(2025, 1, 2), deadline=date(2025, 6, 30), baseline=0, target_value=50)])
    do_report_progress(actor=users["market"], target=t, day=date(2025, 6, 30), value=50)
    login(client, users["market"])
    client.post("/targets/assessments/?year=2025", {"unit": "SZ-SCJG", "do": "propose"})
    a = Assessment.objects.get(person=people["clerk"], year=2025)
    assert a.proposed_grade == "competent" and a.grade == ""
    with django_assert_max_num_queries(20):
        listing = client.get("/targets/assessments/?year=2025&unit=SZ-SCJG")
    assert "赵科员" in listing.content.decode() and "待确定" in listing.content.decode()
    detail = client.get(f"/targets/assessments/{a.pk}/").content.decode()
    assert "C-1" in detail and "100.0%" in detail and "没有列明考核标准" in detail
    assert 'name="do" value="confirm"' not in detail  # staff prepare, the committee confirms
    login(client, users["market_head"])
    refused = client.post(f"/targets/assessments/{a.pk}/", {"do": "confirm", "grade": "excellent",
                                                            "notified_on": "2026-02-10"}, follow=True)
    assert "须说明理由" in refused.content.decode()
    over = client.post(f"/targets/assessments/{a.pk}/", {"do": "confirm", "grade": "excellent",
                                                         "notified_on": "2026-02-10", "reason": "提前完成"}, follow=True)
    assert "参加考核 1 人" in over.content.decode() and "即 0 人" in over.content.decode()
    client.post(f"/targets/assessments/{a.pk}/", {"do": "confirm", "grade": "basic", "notified_on": "2026-02-10",
                                                  "reason": "服务对象投诉两次，经核实"})
    a.refresh_from_db()
    assert a.grade == "basic" and a.grade_reason == "服务对象投诉两次，经核实" and a.notified_on == date(2026, 2, 10)
    login(client, users["market"])
    client.post(f"/targets/assessments/{a.pk}/", {"do": "appeal", "filed_on": "2026-03-16", "reason": "请求复核"})
    detail = client.get(f"/targets/assessments/{a.pk}/").content.decode()
    assert "2026-04-14" in detail  # decide by: 20 working days after Mon 16 Mar 2026 (test_assessment.py works it)
    appeals = client.get("/targets/appeals/").content.decode()
    assert "赵科员" in appeals and "2026-04-14" in appeals
    login(client, users["market_head"])
    client.post(f"/targets/assessments/{a.pk}/", {"do": "decide", "grade": "competent", "decided_on": "2026-03-20",
                                                  "decision": "投诉系误解，变更为称职"})
    a.refresh_from_db()
    assert a.grade == "competent" and a.appeal.status == "changed"
    login(client, users["housing"])
    assert client.get(f"/targets/assessments/{a.pk}/").status_code == 404
    assert "赵科员" not in client.get("/targets/appeals/").content.decode()


def test_white_paper_workflow_pages(client, tree, users, targets):
    """An administrator lists the year's publishing units; the unit drafts; its head approves and
    publishes; withdrawing needs a reason, shown in the history; another department sees none of it."""
    from zeren.access.models import Role
    from zeren.org.testing import make_user
    from zeren.targets.models import WhitePaper, WhitePaperPilot

    login(client, make_user("admin", Role.ADMIN, tree["city"]))
    client.post("/targets/white-papers/manage/?year=2026", {"do": "add_pilot", "unit": "SZ-SCJG"})
    assert WhitePaperPilot.objects.filter(year=2026, unit=tree["market"]).exists()
    login(client, users["market"])
    page = client.get("/targets/white-papers/manage/?year=2026").content.decode()
    assert "深圳市市场监督管理局" in page and 'value="draft"' in page and 'value="add_pilot"' not in page
    client.post("/targets/white-papers/manage/?year=2026", {"do": "draft", "unit": "SZ-SCJG"})
    paper = WhitePaper.objects.get(unit=tree["market"], year=2026)
    assert "登记注册提速" in client.get(f"/targets/white-papers/manage/{paper.pk}/").content.decode()
    login(client, users["market_head"])
    for state in ("approved", "published"):
        client.post(f"/targets/white-papers/manage/{paper.pk}/", {"to": state})
    assert client.get("/targets/white-papers/SZ-SCJG/2026/").status_code == 200
    refused = client.post(f"/targets/white-papers/manage/{paper.pk}/", {"to": "withdrawn", "reason": ""}, follow=True)
    assert "须说明理由" in refused.content.decode()
    client.post(f"/targets/white-papers/manage/{paper.pk}/", {"to": "withdrawn", "reason": "上年完成数据更正"})
    paper.refresh_from_db()
    assert paper.state == "withdrawn"
    assert "上年完成数据更正" in client.get(f"/targets/white-papers/manage/{paper.pk}/").content.decode()
    login(client, users["housing"])
    assert client.get(f"/targets/white-papers/manage/{paper.pk}/").status_code == 404
    assert "深圳市市场监督管理局" not in client.get("/targets/white-papers/manage/?year=2026").content.decode()


def test_one_upload_lists_every_error_in_the_ui_language(client, users, people):
    """Issue 12 item 5: three rows, three kinds of fault (a bad weight and an unknown unit in one row, a formula,
    a code used twice), all reported by one upload, in Chinese and with the English UI in English."""
    from openpyxl import Workbook

    from zeren.targets.exchange import HEADER

    book = Workbook()
    sheet = book.active
    sheet.append(list(HEADER.values()))
    base = {"year": 2026, "kind": "定量", "measure": "户", "baseline": 0, "target": 10, "unit": "SZ-SCJG",
            "deadline": "2026-12-31"}
    for row in ({**base, "code": "X-1", "title": "新增市场主体", "weight": "很重", "unit": "SZ-NOPE"},
                {**base, "code": "X-2", "title": '=CONCATENATE("登记","提速")'},
                {**base, "code": "X-1", "title": "商事登记改革"}):
        sheet.append([row.get(key) for key in HEADER])
    data = io.BytesIO()
    book.save(data)
    login(client, users["market_head"])

    def upload() -> str:
        sent = io.BytesIO(data.getvalue())
        sent.name = "targets.xlsx"
        response = client.post("/targets/import/", {"file": sent})
        assert response.status_code == 422
        return response.content.decode()

    text = upload()
    assert "<td>2</td><td>权重</td><td>不是数字：&#x27;很重&#x27;</td>" in text
    assert "<td>2</td><td>责任单位</td><td>未知单位：SZ-NOPE</td>" in text
    assert "<td>3</td><td>目标任务</td><td>单元格 C3 含公式，请改为粘贴数值</td>" in text
    assert "<td>4</td><td>目标编号</td><td>与第 2 行重复</td>" in text
    client.cookies["django_language"] = "en"
    text = upload()
    assert "not a number: &#x27;很重&#x27;" in text and "unknown unit: SZ-NOPE" in text
    assert "cell C3 holds a formula: paste values instead" in text and "repeats row 2" in text
