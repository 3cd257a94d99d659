"""The catalogue pages as a user sees them, with bounded queries, and a browser check."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from zeren.audit.models import AuditEntry
from zeren.duties.actions import do_record_findings, do_save_position_description
from zeren.duties.analysis import analyse
from zeren.duties.exchange import COLUMNS
from zeren.duties.models import DutyFinding, FunctionItem, PositionDescription, ReformBatch
from zeren.duties.tests.factories import batch, content, load
from zeren.org.actions import do_create_post
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


def test_anonymous_public_sees_the_catalogue_and_items_but_nothing_internal(client, catalogue):
    units, _ = catalogue
    post = do_create_post(actor=None, unit=units["housing"], code="ZJ-P1", label="施工许可审查岗", rank="staff")
    do_save_position_description(actor=None, post=post, item_codes=["DUP-1"], duties=["审查施工许可申请"],
                                 qualifications=[], assessment_criteria=[], training_requirements=[])
    listing = client.get(reverse("duties:index"), {"q": "建筑"})
    text = listing.content.decode()
    assert listing.status_code == 200 and "DUP-1" in text and "DUP-2" in text
    assert "导出" not in text and reverse("duties:analysis") not in text  # no export, no internal tabs
    item = client.get(reverse("duties:item", args=["DUP-1"])).content.decode()
    assert "建筑工程施工许可" in item and "深圳市住房和建设局" in item and "首批" in item
    assert "分析问题" not in item and "疑似重复" not in item  # findings stay internal
    assert "承担职位" not in item and "施工许可审查岗" not in item  # so do position descriptions
    before = client.get(reverse("duties:item", args=["DUP-1"]), {"as_of": "2025-12-31"}).content.decode()
    assert "2025-12-31 该事项不在权责清单中" in before
    for name, args in (("analysis", []), ("finding", [DutyFinding.objects.first().pk]), ("positions", []),
                       ("position", [post.description.pk]), ("batches", []), ("export", ["xlsx"]), ("import", []),
                       ("position_edit", [post.pk])):
        response = client.get(reverse(f"duties:{name}", args=args))
        assert response.status_code == 302 and "/login/" in response["Location"], name
    # the same user signed in (leader of the city) sees the internal parts
    client.force_login(make_user("leader", "leader", units["city"]))
    item = client.get(reverse("duties:item", args=["DUP-1"])).content.decode()
    assert "疑似重复" in item and "施工许可审查岗" in item


def test_item_as_of_a_date_shows_the_version_then_in_force(client, catalogue):
    from zeren.duties.actions import do_import_items

    do_import_items(actor=None, batch=batch("第二批", date(2026, 6, 1), "深编〔2026〕1号"),
                    contents=[content("SC-001", "第1项食品经营事项（含网络经营）", ["SZ-ZJ"])])
    url = reverse("duties:item", args=["SC-001"])
    assert "含网络经营" in client.get(url).content.decode()
    old = client.get(url, {"as_of": "2026-05-31"}).content.decode()
    assert "第1项食品经营事项" in old and "含网络经营" not in old.split("历史版本")[0]
    assert "深圳市市场监督管理局" in old.split("历史版本")[0]
    listing = client.get(reverse("duties:index"), {"as_of": "2026-05-31", "q": "SC-001"}).content.decode()
    assert "/duties/items/SC-001/?as_of=2026-05-31" in listing


def test_public_pages_are_rate_limited_for_the_anonymous_only(client, catalogue, settings):
    units, _ = catalogue
    settings.ZEREN_RATELIMITS = {"public": "4/m"}
    url = reverse("duties:item", args=["DUP-1"])
    statuses = [client.get(url).status_code for _ in range(6)]
    assert statuses[0] == 200 and statuses[-1] == 429
    assert int(client.get(reverse("duties:index"))["Retry-After"]) >= 1
    client.force_login(make_user("leader", "leader", units["city"]))
    assert {client.get(url).status_code for _ in range(6)} == {200}


def _sheet(rows: list[list[str]]) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append([h for _k, h in COLUMNS])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("清单.xlsx", buffer.getvalue())


def _row(code: str, name: str, unit: str, category: str = "行政许可") -> list[str]:
    return [code, name, category, "市场监管", "市级", "《中华人民共和国建筑法》第七条：依法审批。", unit, "",
            "1. 受理责任", "1. 不依法受理的", ""]


def test_upload_import_lists_every_error_then_imports_all_or_nothing(client, catalogue):
    units, _ = catalogue
    client.force_login(make_user("admin", "admin", units["city"]))
    assert "导入清单" in client.get(reverse("duties:import")).content.decode()
    form = {"batch": "2026年第二批", "batch_date": "2026-07-01", "document": "深编〔2026〕9号"}
    bad = client.post(reverse("duties:import"), {**form, "file": _sheet([
        _row("UP-1", "城市道路占用许可", "SZ-ZJ"), _row("UP-2", "", "SZ-ZJ"), _row("UP-3", "挖掘城市道路许可", "SZ-NOPE"),
        _row("UP-4", "临时建筑许可", "SZ-ZJ", category="行政审查")])}, HTTP_HX_REQUEST="true")
    text = bad.content.decode()
    assert bad.status_code == 200 and "<html" not in text  # htmx: the result box only
    assert "清单.xlsx" in text and "未写入任何数据" in text
    for row, field, message in ((3, "事项名称", "事项名称不能为空"), (4, "实施主体（牵头）", "单位不存在：SZ-NOPE"),
                                (5, "事项类别", "行政审查")):
        assert f'<td class="num">{row}</td><td class="nowrap">{field}</td><td>' in text and message in text
    assert not FunctionItem.objects.filter(code__startswith="UP-").exists()
    assert not ReformBatch.objects.filter(name="2026年第二批").exists()

    good = client.post(reverse("duties:import"), {**form, "file": _sheet([
        _row("UP-1", "城市道路占用许可", "SZ-ZJ"), _row("SC-001", "第1项食品经营事项", "深圳市住房和建设局")])})
    text = good.content.decode()
    assert "<html" in text and "已导入批次「2026年第二批」" in text
    assert "<dt>新增</dt><dd>1</dd>" in text and "<dt>划转</dt><dd>1</dd>" in text
    assert FunctionItem.objects.get(code="UP-1").versions.get().batch.document_number == "深编〔2026〕9号"
    entry = AuditEntry.objects.get(action="duties.import_items", object_id=str(ReformBatch.objects.get(
        name="2026年第二批").pk))
    assert entry.extra["source"] == "清单.xlsx" and entry.extra["rows"] == 2


def test_unit_heads_import_only_their_own_units_items(client, catalogue):
    units, _ = catalogue
    client.force_login(make_user("staff", "staff", units["housing"]))
    assert client.get(reverse("duties:import")).status_code == 403
    client.force_login(make_user("head", "unit_head", units["housing"]))
    denied = client.post(reverse("duties:import"), {"batch_date": "2026-07-01", "file": _sheet([
        _row("ZJ-1", "燃气经营许可", "SZ-ZJ"), _row("ZJ-2", "特种设备检验", "SZ-SCJG"),
        _row("SC-001", "第1项食品经营事项", "SZ-ZJ")])}).content.decode()
    assert "SZ-SCJG 超出本人管理范围" in denied and "SZ-SCJG 现由单位承担，无权修改" in denied
    assert not FunctionItem.objects.filter(code="ZJ-1").exists()
    ok = client.post(reverse("duties:import"), {"batch_date": "2026-07-01", "file": _sheet([
        _row("ZJ-1", "燃气经营许可", "SZ-ZJ")])}).content.decode()
    assert "已导入批次" in ok and FunctionItem.objects.filter(code="ZJ-1").exists()


def test_position_description_form_for_unit_heads_and_admins(client, catalogue):
    units, _ = catalogue
    post = do_create_post(actor=None, unit=units["market_div"], code="SCJG-01-P1", label="登记审查岗",
                          rank="staff")
    url = reverse("duties:position_edit", args=[post.pk])
    client.force_login(make_user("staff", "staff", units["market"]))
    assert client.get(url).status_code == 403
    client.force_login(make_user("other", "unit_head", units["housing"]))
    assert client.get(url).status_code == 404  # not even visible outside the head's units
    head = make_user("head", "unit_head", units["market"])
    client.force_login(head)
    form = client.get(url).content.decode()
    assert "SC-000" in form and "DUP-2" in form  # the department's items are offered for a division's post
    missing = client.post(url, {"items": ["SC-000"], "other_items": "NOPE-1", "duties": "x"}).content.decode()
    assert "事项编码不存在：NOPE-1" in missing
    response = client.post(url, {"items": ["SC-000", "SC-001"], "duties": "受理登记申请\n\n审查材料",
                                 "qualifications": "大学本科", "assessment_criteria": "", "training_requirements": ""})
    pd = PositionDescription.objects.get(post=post)
    assert response.status_code == 302 and response["Location"] == reverse("duties:position", args=[pd.pk])
    assert pd.duties == ["受理登记申请", "审查材料"] and sorted(pd.items.values_list("code", flat=True)) == ["SC-000",
                                                                                                    "SC-001"]
    entry = AuditEntry.objects.filter(action="duties.save_position_description").latest("pk")
    assert entry.actor_id == head.pk
    page = client.get(reverse("duties:position", args=[pd.pk])).content.decode()
    assert url in page and "受理登记申请" in page
    client.force_login(make_user("admin", "admin", units["city"]))
    assert client.post(url, {"items": [], "duties": "受理"}).status_code == 302
    assert PositionDescription.objects.get(post=post).items.count() == 0


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


@pytest.mark.browser
def test_public_import_and_position_pages_in_a_browser(live_server, page, catalogue, tmp_path, client):
    units, _ = catalogue
    shots = tmp_path / "shots"
    page.goto(f"{live_server.url}/duties/")  # anonymous
    assert page.locator("table.list tbody tr").count() == 50
    assert page.locator("text=导出 Excel").count() == 0 and page.locator("text=职责分析").count() == 0
    page.screenshot(path=str(shots / "public-list.png"), full_page=True)
    page.goto(f"{live_server.url}/duties/items/TWO/")
    assert page.locator("text=特种设备使用登记").count() >= 1 and page.locator("text=分析问题").count() == 0
    page.screenshot(path=str(shots / "public-item.png"), full_page=True)

    head = make_user("head", "unit_head", units["housing"])
    client.force_login(head)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    bad = tmp_path / "清单.xlsx"
    bad.write_bytes(_sheet([_row("ZJ-1", "燃气经营许可", "SZ-ZJ"), _row("ZJ-2", "", "SZ-ZJ"),
                            _row("ZJ-3", "特种设备检验", "SZ-SCJG")]).read())
    page.goto(f"{live_server.url}/duties/import/")
    page.fill("input[name=batch]", "2026年第二批")
    page.set_input_files("input[name=file]", str(bad))
    page.click("text=检查并导入")
    page.wait_for_selector(".import-errors")
    assert page.locator(".import-errors tbody tr").count() == 2
    page.screenshot(path=str(shots / "import-errors.png"), full_page=True)
    good = tmp_path / "good.xlsx"
    good.write_bytes(_sheet([_row("ZJ-1", "燃气经营许可", "SZ-ZJ")]).read())
    page.set_input_files("input[name=file]", str(good))
    page.click("text=检查并导入")
    page.wait_for_selector(".import-done")
    page.screenshot(path=str(shots / "import-done.png"), full_page=True)
    page.click("text=查看本批次的清单变化")
    page.wait_for_selector("text=ZJ-1")
    page.screenshot(path=str(shots / "batches.png"), full_page=True)
    page.goto(f"{live_server.url}/duties/import/")
    page.click("button[value=en]")
    page.wait_for_selector("text=Check and import")
    page.screenshot(path=str(shots / "import-en.png"), full_page=True)
    page.click("button[value=zh-hans]")
    page.wait_for_selector("text=检查并导入")

    post = do_create_post(actor=None, unit=units["housing"], code="ZJ-P1", label="燃气许可审查岗", rank="staff")
    page.goto(f"{live_server.url}/duties/positions/")
    page.screenshot(path=str(shots / "positions.png"), full_page=True)
    page.click("a:has-text('深圳市住房和建设局')")  # the unit's posts, grouped by rank
    page.wait_for_selector("h3:has-text('科员')")
    page.click("a.badge:has-text('燃气许可审查岗')")
    page.check("input[value=ZJ-1]")
    page.fill("textarea[name=duties]", "受理燃气经营许可申请\n组织现场核查")
    page.fill("textarea[name=qualifications]", "大学本科以上学历")
    page.screenshot(path=str(shots / "position-edit.png"), full_page=True)
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=职位说明书已保存")
    assert PositionDescription.objects.get(post=post).duties == ["受理燃气经营许可申请", "组织现场核查"]
    page.screenshot(path=str(shots / "position.png"), full_page=True)
    import shutil

    shutil.copytree(shots, "/tmp/duties-shots", dirs_exist_ok=True)


def test_positions_page_shows_coverage_as_figures_and_posts_grouped_by_rank(client, catalogue,
                                                                           django_assert_max_num_queries):
    units, _ = catalogue
    for n in range(30):  # a unit with many identical posts: counted by rank, not listed one chip each
        do_create_post(actor=None, unit=units["market_div"], code=f"SC-P{n:02d}", label="一级科员", rank="staff")
    leader = do_create_post(actor=None, unit=units["market"], code="SC-L1", label="局长", rank="bureau_chief")
    do_save_position_description(actor=None, post=leader, item_codes=["SC-000", "SC-001", "SC-002"],
                                 duties=["统筹"], qualifications=[], assessment_criteria=[], training_requirements=[])
    client.force_login(make_user("admin", "admin", units["city"]))
    with django_assert_max_num_queries(14):  # 12, and the data version of the cached coverage (zeren.audit.versions)
        page = client.get(reverse("duties:positions")).content.decode()
    row = page.split("深圳市市场监督管理局")[1].split("</tr>")[0]
    # 122 led items (120 SC-, DUP-2, TWO), 3 covered: 2 %; 31 posts, 1 described; 30 科员 without duties
    assert ">122<" in row and ">3<" in row and "2%" in row and ">31<" in row and "科员 <b>30</b>" in row
    assert page.count("一级科员") == 0
    with django_assert_max_num_queries(15):  # one more: the unit picker reads the unit the filter names
        detail = client.get(reverse("duties:positions"), {"unit": "SZ-SCJG"}).content.decode()
    assert "厅局级正职" in detail and "科员" in detail and detail.count("一级科员") == 30
    assert "SC-003" in detail  # an uncovered item


def test_one_function_written_by_three_units_is_one_finding_resolved_at_once(client, catalogue):
    units, _ = catalogue
    load([content("YL-1", "养老机构设立许可", ["SZ-SCJG"], basis="《中华人民共和国老年人权益保障法》第四十四条"),
          content("YL-2", "设立养老机构的审批", ["SZ-ZJ"], basis="《老年人权益保障法》第44条"),
          content("YL-3", "开办养老机构许可", ["SZ-JC"], basis="《老年人权益保障法》（2018年修正）第四十四条")],
         "养老", date(2026, 2, 1))
    do_record_findings(actor=None, report=analyse())
    cluster = DutyFinding.objects.get(item_codes=["YL-1", "YL-2", "YL-3"])
    assert cluster.kind == "multi_head" and cluster.size == 3  # same provision, same action, same object
    client.force_login(make_user("admin", "admin", units["city"]))
    page = client.get(reverse("duties:analysis"), {"kind": "multi_head"}).content.decode()
    assert "设立养老机构的审批" in page and "开办养老机构许可" in page
    detail = client.get(reverse("duties:finding", args=[cluster.pk])).content.decode()
    assert "《老年人权益保障法》第44条" in detail and "各项证据的贡献" in detail
    response = client.post(reverse("duties:resolve", args=[cluster.pk]), {"how": "merge", "keep": "YL-1",
                                                                          "reason": "合并为一项"})
    assert "已处理" in response.content.decode()
    assert set(FunctionItem.objects.filter(code__startswith="YL-", is_active=True).values_list("code", flat=True)) \
        == {"YL-1"}
    assert AuditEntry.objects.filter(action="duties.resolve_merge", object_id=str(cluster.pk)).count() == 1
