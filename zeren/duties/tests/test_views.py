"""The catalogue pages as a user sees them, with bounded queries, and a browser check."""

from datetime import date

import pytest
from django.urls import reverse

from zeren.audit.models import AuditEntry
from zeren.duties.actions import do_record_findings
from zeren.duties.analysis import analyse
from zeren.duties.models import DutyFinding, FunctionItem
from zeren.duties.tests.factories import batch, content, load
from zeren.org.testing import make_small_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    units = make_small_tree()
    first = load([content(f"SC-{n:03d}", f"第{n}项食品经营事项", ["SZ-SCJG"], basis=f"《中华人民共和国食品安全法》第{n}条")
                  for n in range(120)] + [
        content("DUP-1", "建筑工程施工许可", ["SZ-ZJ"], basis="《中华人民共和国建筑法》第七条"),
        content("DUP-2", "建筑工程施工许可证核发", ["SZ-SCJG"], basis="《中华人民共和国建筑法》第八条"),
        content("TWO", "特种设备使用登记", ["SZ-SCJG", "SZ-ZJ"], category="行政确认",
                basis="《中华人民共和国特种设备安全法》第三十三条"),
    ], "首批", date(2026, 1, 1))
    do_record_findings(actor=None, report=analyse())
    return units, first


def test_catalogue_list_filters_and_bounded_queries(client, catalogue, django_assert_max_num_queries):
    units, _ = catalogue
    client.force_login(make_user("leader", "leader", units["city"]))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("duties:index"), {"q": "食品", "category": "licensing"})
    text = page.content.decode()
    assert page.status_code == 200 and "共 120 项" in text and "SC-000" in text and "DUP-1" not in text
    assert "共 0 项" in client.get(reverse("duties:index"), {"as_of": "2025-12-31"}).content.decode()
    xlsx = client.get(reverse("duties:export", args=["xlsx"]), {"unit": "SZ-ZJ"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_analysis_page_marks_matching_parts_and_resolution_is_audited(client, catalogue):
    units, _ = catalogue
    admin = make_user("admin", "admin", units["city"])
    client.force_login(admin)
    page = client.get(reverse("duties:analysis"), {"kind": "near_duplicate"}).content.decode()
    assert "<mark>建筑工程施工许可</mark>" in page
    multi = DutyFinding.objects.get(kind="multi_head", item_codes=["TWO"])
    response = client.post(reverse("duties:resolve", args=[multi.pk]),
                           {"how": "assign_lead", "item": "TWO", "unit": "SZ-SCJG", "reason": "按三定规定"})
    assert "已处理" in response.content.decode()
    assert list(FunctionItem.objects.get(code="TWO").responsibilities.filter(role="lead")
                .values_list("unit__code", flat=True)) == ["SZ-SCJG"]
    assert AuditEntry.objects.filter(action="duties.resolve_assign_lead").exists()
    near = DutyFinding.objects.get(kind="near_duplicate")
    empty = client.post(reverse("duties:resolve", args=[near.pk]), {"how": "intended", "reason": " "})
    assert "须说明理由" in empty.content.decode()
    client.post(reverse("duties:resolve", args=[near.pk]), {"how": "merge", "keep": "DUP-1", "reason": "重复"})
    assert not FunctionItem.objects.get(code="DUP-2").is_active
    assert "SZ-SCJG" in FunctionItem.objects.get(code="DUP-1").responsibilities.values_list("unit__code", flat=True)


def test_staff_cannot_resolve_findings_outside_their_unit(client, catalogue):
    units, _ = catalogue
    client.force_login(make_user("staff", "staff", units["housing"]))
    multi = DutyFinding.objects.get(kind="multi_head", item_codes=["TWO"])  # belongs to the city government
    assert client.post(reverse("duties:resolve", args=[multi.pk]), {"how": "intended", "reason": "x"}).status_code == 404


def test_batch_diff_page(client, catalogue):
    units, first = catalogue
    from zeren.duties.actions import do_import_items

    do_import_items(actor=None, batch=batch("第二批", date(2026, 6, 1), "深编〔2026〕1号"),
                    contents=[content("SC-001", "第1项食品经营事项", ["SZ-ZJ"], basis="《中华人民共和国食品安全法》第1条")])
    client.force_login(make_user("leader", "leader", units["city"]))
    page = client.get(reverse("duties:batches")).content.decode()
    assert "划转" in page and "SC-001" in page and "深编〔2026〕1号" in page


@pytest.mark.browser
def test_pages_in_a_browser(live_server, page, catalogue, tmp_path, client):
    units, _ = catalogue
    client.force_login(make_user("admin", "admin", units["city"]))
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    page.goto(f"{live_server.url}/duties/")
    assert page.locator("table.list tbody tr").count() == 50
    page.screenshot(path=str(tmp_path / "list.png"), full_page=True)
    page.goto(f"{live_server.url}/duties/analysis/")
    assert page.locator("mark").count() >= 2
    page.screenshot(path=str(tmp_path / "analysis.png"), full_page=True)
    page.locator("a", has_text="详情与处理").first.click()
    page.fill("form:has(input[value=intended]) input[name=reason]", "两个单位职责不同，保留")
    page.click("form:has(input[value=intended]) button")
    page.wait_for_selector("text=确认合理：两个单位职责不同，保留")
    page.screenshot(path=str(tmp_path / "finding.png"), full_page=True)
    import shutil

    shutil.copytree(tmp_path, "/tmp/duties-shots", dirs_exist_ok=True)
