"""Excel and JSON import/export of the catalogue: all or nothing, errors naming row and field."""

import json
from datetime import date
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from zeren.duties.exchange import COLUMNS, catalogue_contents, write_xlsx
from zeren.duties.models import FunctionItem, ItemVersion, ReformBatch
from zeren.duties.tests.factories import content, load
from zeren.org.testing import make_small_tree

pytestmark = pytest.mark.django_db


def published_list(path, rows: int, bad_row: int | None = None):
    """A 权责清单 sheet with a title line above the header, as published lists have."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("清单")
    sheet.append(["深圳市市场监督管理局权责清单"])
    sheet.append([h for _k, h in COLUMNS])
    for n in range(rows):
        category = "行政审查" if n == bad_row else ("行政许可" if n % 2 else "行政处罚")
        sheet.append([
            f"SCJG-{n:05d}", f"第{n}项食品经营事项", category, "市场监管", "市级",
            f"《中华人民共和国食品安全法》第{n % 150 + 1}条：依法实施。",
            "深圳市市场监督管理局" if n % 3 else "SZ-SCJG", "SZ-ZJ" if n % 7 == 0 else "",
            "1. 受理责任：依法受理\n2. 审查责任：依法审查", "1. 不依法受理的", "",
        ])
    book.save(path)


def test_ten_thousand_rows_one_bad_then_fixed(tmp_path):
    make_small_tree()
    path = tmp_path / "list.xlsx"
    published_list(path, 10_000, bad_row=6_543)
    with pytest.raises(CommandError) as info:
        call_command("duties", "import", str(path), "--batch", "2026年清单", "--batch-date", "2026-02-01",
                     verbosity=0)
    # row 6,543 of the data is Excel row 6,543 + 3 (title line, header, 1-based)
    assert "list.xlsx 第 6546 行「事项类别」" in str(info.value)
    assert "行政审查" in str(info.value)
    assert FunctionItem.objects.count() == 0 and ItemVersion.objects.count() == 0
    assert ReformBatch.objects.count() == 0

    published_list(path, 10_000)
    out = StringIO()
    call_command("duties", "import", str(path), "--batch", "2026年清单", "--batch-date", "2026-02-01",
                 "--document", "深府〔2026〕3号", verbosity=0, stdout=out)
    assert FunctionItem.objects.count() == 10_000
    item = FunctionItem.objects.get(code="SCJG-00007")
    assert item.legal_basis == [{"law": "中华人民共和国食品安全法", "article": "第8条", "text": "依法实施。"}]
    assert item.responsibility_matters == ["受理责任：依法受理", "审查责任：依法审查"]
    assert sorted(item.responsibilities.values_list("unit__code", "role")) == [("SZ-SCJG", "lead"), ("SZ-ZJ", "assisting")]
    assert ReformBatch.objects.get().document_number == "深府〔2026〕3号"


def test_row_errors_name_every_bad_row_and_field(tmp_path):
    make_small_tree()
    path = tmp_path / "items.json"
    good = {"code": "X1", "name": "食品经营许可", "category": "licensing", "area": "market_supervision",
            "level": "city", "legal_basis": [], "lead_units": ["SZ-SCJG"], "assisting_units": [],
            "responsibility_matters": [], "accountability_situations": []}
    path.write_text(json.dumps([good, {**good, "code": "X2", "lead_units": ["SZ-NOPE"]},
                                {**good, "code": "X1"}, {**good, "code": "X3", "parent": "X9"}]), encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("duties", "import", str(path), verbosity=0)
    message = str(info.value)
    assert "items.json 第 2 行「lead_units」：单位不存在：SZ-NOPE" in message
    assert "items.json 第 3 行「code」：事项编码 X1 与第 1 行重复" in message
    assert "items.json 第 4 行「parent」：上级事项 X9 不存在" in message
    assert not FunctionItem.objects.exists()


def test_json_round_trip_and_update_existing(tmp_path):
    make_small_tree()
    load([content("F1", "食品经营许可", ["SZ-SCJG"], assisting=["SZ-ZJ"]),
          content("F1-01", "食品经营许可（新办）", ["SZ-SCJG"], parent="F1")])
    out = tmp_path / "out.json"
    call_command("duties", "export", "--format", "json", "--output", str(out), verbosity=0, stderr=StringIO())
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [d["code"] for d in data] == ["F1", "F1-01"]
    assert set(data[0]) >= {"code", "name", "category", "area", "level", "legal_basis", "lead_units",
                            "assisting_units", "responsibility_matters", "accountability_situations"}
    data[0]["name"] = "食品经营许可（含网络经营）"
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("duties", "import", str(out), "--batch", "2026年调整", "--batch-date", "2026-04-01",
                 verbosity=0, stdout=StringIO())
    assert FunctionItem.objects.get(code="F1").name == "食品经营许可（含网络经营）"
    assert FunctionItem.objects.get(code="F1-01").parent.code == "F1"
    assert ItemVersion.objects.filter(code="F1").count() == 2
    assert ItemVersion.objects.filter(code="F1-01").count() == 1  # unchanged row: no new version


def test_xlsx_export_has_the_published_layout_and_reimports(tmp_path):
    make_small_tree()
    load([content("E1", "=HYPERLINK(\"x\")", ["SZ-SCJG"]), content("E2", "食品生产许可", ["SZ-SCJG"])])
    path = tmp_path / "export.xlsx"
    write_xlsx(catalogue_contents(), path)
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]] == [h for _k, h in COLUMNS]
    assert sheet["C2"].value == "行政许可" and sheet["E2"].value == "市级"
    # formula injection: the name starting with "=" is escaped as text by zeren.core.exports.escape_cell
    assert sheet["B2"].data_type == "s" and sheet["B2"].value == "'=HYPERLINK(\"x\")"
    before = catalogue_contents()
    call_command("duties", "import", str(path), "--batch-date", str(date(2026, 2, 1)), verbosity=0, stdout=StringIO())
    assert catalogue_contents() == before


def test_analysis_report_cells_are_escaped(tmp_path):
    from zeren.duties.analysis import Finding, Report, findings_xlsx

    path = tmp_path / "analysis.xlsx"
    findings_xlsx(Report(findings=[Finding(kind="orphan", items=["X"], units=[], summary="=1+1", evidence={})],
                         threshold=0.5, stats={}), path)
    sheet = load_workbook(path).active
    assert sheet["E2"].value == "'=1+1" and sheet["E2"].data_type == "s"


def test_unsafe_workbooks_are_refused_by_the_shared_checks(tmp_path):
    """Formulas, macros and non-xlsx bytes go through zeren.core.uploads and come back as a file-level error."""
    make_small_tree()
    book = Workbook()
    book.active.append([h for _k, h in COLUMNS])
    book.active.append(["F1", "=1+1", "行政许可", "市场监管", "市级", "", "SZ-SCJG", "", "", "", ""])
    book.save(tmp_path / "formula.xlsx")
    (tmp_path / "fake.xlsx").write_bytes(b"not a zip")
    (tmp_path / "macro.xlsm").write_bytes(b"PK\x03\x04")
    for name, message in (("formula.xlsx", "单元格 B2 含公式"), ("fake.xlsx", "不是 .xlsx 文件"),
                          ("macro.xlsm", "只支持 .xlsx 与 .json 文件")):
        with pytest.raises(CommandError) as info:
            call_command("duties", "import", str(tmp_path / name), verbosity=0)
        assert name in str(info.value) and message in str(info.value)
    assert not FunctionItem.objects.exists()


def generated_list(path, count: int) -> None:
    """A JSON list like a city's and its districts' published ones: long bases, several matters per item."""
    units = ["SZ-SCJG", "SZ-ZJ"]
    with path.open("w", encoding="utf-8") as out:
        json.dump([{
            "code": f"G-{n:06d}", "name": f"对第{n}类食品经营者未按规定建立进货查验记录制度的行政处罚",
            "category": "行政处罚" if n % 3 else "行政许可", "area": "市场监管", "level": "市级",
            "legal_basis": f"《中华人民共和国食品安全法》第{n % 150 + 1}条：食品经营者采购食品，应当查验供货者的许可证"
                           "和食品出厂检验合格证或者其他合格证明，并建立食品进货查验记录制度。",
            "lead_units": [units[n % 2]], "assisting_units": [],
            "responsibility_matters": ["立案责任：发现涉嫌违法行为，予以审查，决定是否立案。",
                                       "调查责任：对立案的案件，指定专人负责，及时组织调查取证。",
                                       "决定责任：依法作出处罚决定，制作行政处罚决定书。"],
            "accountability_situations": ["对应当立案而不予立案的", "违反法定程序实施行政处罚的"],
        } for n in range(count)], out, ensure_ascii=False)


def test_the_command_line_reads_a_file_over_the_web_limit_that_the_web_page_refuses(tmp_path, settings, client):
    """The streaming path at a small scale: the command has no size limit, the upload names its own."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from zeren.org.testing import make_user

    settings.ZEREN_UPLOAD_LIMITS = {"max_bytes": 100 * 1024}
    units = make_small_tree()
    path = tmp_path / "items.json"
    generated_list(path, 400)
    assert path.stat().st_size > 100 * 1024
    client.force_login(make_user("admin", "admin", units["city"]))
    page = client.post(reverse("duties:import"), {"batch_date": "2026-07-01", "file": SimpleUploadedFile(
        "items.json", path.read_bytes())}, HTTP_HX_REQUEST="true").content.decode()
    assert "<td>items.json</td>" in page and "文件大于网页上传上限 0.0977 MB" in page and "ZEREN_UPLOAD_MAX_MB" in page
    assert "zeren duties import" in page and not FunctionItem.objects.exists()

    out = StringIO()
    call_command("duties", "import", str(path), verbosity=0, stdout=out)
    assert FunctionItem.objects.count() == 400
    assert "items.json: 400 行" in out.getvalue()



def three_faults(path) -> None:
    """Three rows, three kinds of fault: row 2 two bad fields (category and level), row 3 a formula in its
    name, row 4 the code of row 2 again."""
    book = Workbook()
    sheet = book.active
    sheet.append([h for _k, h in COLUMNS])
    good = ["市场监管", "市级", "《中华人民共和国食品安全法》第三十五条", "SZ-SCJG", "", "受理责任", "不依法受理的", ""]
    sheet.append(["T-1", "食品经营许可", "行政审查", "市场监管", "省级", *good[2:]])
    sheet.append(["T-2", '=CONCATENATE("食品","生产许可")', "行政许可", *good])
    sheet.append(["T-1", "食品小作坊登记", "行政许可", *good])
    book.save(path)


def test_one_upload_lists_every_error_of_the_file_in_the_ui_language(client, tmp_path):
    """Issue 12 item 5: per-field errors of every row, the duplicate code and the formula with its row, in one
    upload — in Chinese, and in English with the English UI; the page offers its templates."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zeren.org.testing import make_user

    units = make_small_tree()
    three_faults(tmp_path / "three.xlsx")
    client.force_login(make_user("admin", "admin", units["city"]))

    def upload() -> str:
        return client.post("/duties/import/", {"batch_date": "2026-07-01", "file": SimpleUploadedFile(
            "three.xlsx", (tmp_path / "three.xlsx").read_bytes())}, HTTP_HX_REQUEST="true").content.decode()

    page = upload()
    for row, column in (("2", "事项类别"), ("2", "层级"), ("3", "事项名称"), ("4", "事项编码")):
        assert f'<td class="num">{row}</td><td class="nowrap">{column}</td>' in page, (row, column)
    assert "不在允许值内" in page and "单元格 B3 含公式" in page and "与第 2 行重复" in page
    client.cookies["django_language"] = "en"
    page = upload()
    assert "is not an allowed value" in page and "cell B3 holds a formula" in page and "repeats row 2" in page
    assert "不在允许值内" not in page and not FunctionItem.objects.exists()
    form = client.get("/duties/import/").content.decode()
    assert 'href="?template=xlsx"' in form and 'href="?template=json"' in form
    template = client.get("/duties/import/?template=xlsx")
    assert template["Content-Disposition"].startswith("attachment")
    assert [c.value for c in load_workbook(BytesIO(template.content)).active[1]] == [h for _k, h in COLUMNS]


def test_the_command_lists_every_error_too(tmp_path):
    make_small_tree()
    three_faults(tmp_path / "three.xlsx")
    with pytest.raises(CommandError) as info:
        call_command("duties", "import", str(tmp_path / "three.xlsx"), verbosity=0)
    lines = str(info.value).splitlines()
    assert lines[0] == "导入被拒绝，未写入任何数据（4 处错误）："
    assert [line.split("：", 1)[0] for line in lines[1:]] == [
        "three.xlsx 第 2 行「事项类别」", "three.xlsx 第 2 行「层级」", "three.xlsx 第 3 行「事项名称」",
        "three.xlsx 第 4 行「事项编码」"]
