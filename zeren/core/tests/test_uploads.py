"""Uploaded workbooks: plain .xlsx opens; oversize, non-xlsx, zip bombs, macros and formulas are refused."""

import io
import random
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zeren.core.uploads import UploadRejected, safe_load_workbook


def workbook_bytes(*rows, formula: str | None = None) -> bytes:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "单位"
    for row in rows:
        sheet.append(row)
    if formula:
        sheet["C1"] = formula
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def with_member(data: bytes, name: str, content: bytes, *, content_types_extra: bytes = b"") -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            payload = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                payload = payload.replace(b"</Types>", content_types_extra + b"</Types>")
            target.writestr(item, payload)
        target.writestr(name, content)
    return out.getvalue()


def test_a_plain_workbook_opens_with_its_chinese_text(tmp_path):
    path = tmp_path / "org.xlsx"
    path.write_bytes(workbook_bytes(["代码", "名称"], ["SZ-SCJG", "深圳市市场监督管理局"]))
    wb = safe_load_workbook(path)
    assert [c.value for c in wb["单位"][2]] == ["SZ-SCJG", "深圳市市场监督管理局"]
    upload = SimpleUploadedFile("org.xlsx", path.read_bytes())
    assert safe_load_workbook(upload)["单位"]["A1"].value == "代码"


def test_a_formula_is_refused_naming_sheet_and_cell():
    data = workbook_bytes(["a", "b"], formula="=HYPERLINK(\"http://evil\")")
    with pytest.raises(UploadRejected, match=r"f\.xlsx：工作表「单位」单元格 C1 含公式"):
        safe_load_workbook(io.BytesIO(data), name="f.xlsx")
    assert safe_load_workbook(io.BytesIO(data), allow_formulas=True)["单位"]["C1"].value.startswith("=")


def test_not_an_xlsx_is_refused():
    with pytest.raises(UploadRejected, match="不是 .xlsx 文件"):
        safe_load_workbook(io.BytesIO(b"\xd0\xcf\x11\xe0 old .xls"), name="old.xls")
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(UploadRejected, match="不是 .xlsx 工作簿"):
        safe_load_workbook(io.BytesIO(zipped.getvalue()), name="x.xlsx")


def test_oversize_file_is_refused(settings):
    settings.ZEREN_UPLOAD_LIMITS = {"max_bytes": 1000}
    with pytest.raises(UploadRejected, match="大于网页上传上限 .* MB.*ZEREN_UPLOAD_MAX_MB"):
        safe_load_workbook(io.BytesIO(workbook_bytes(["x" * 2000])), name="big.xlsx")


def test_the_web_limit_names_itself_in_the_ui_language_and_a_command_file_has_none(settings, tmp_path):
    from django.utils import translation

    settings.ZEREN_UPLOAD_LIMITS = {"max_bytes": 1024 * 1024}
    rng = random.Random(12)
    data = workbook_bytes(*[[f"单位{n}", rng.randbytes(100).hex()] for n in range(12_000)])
    assert len(data) > 1024 * 1024
    with translation.override("en"), pytest.raises(UploadRejected) as info:
        safe_load_workbook(io.BytesIO(data), name="big.xlsx")
    assert str(info.value).startswith("big.xlsx: larger than the web upload limit of 1 MB")
    assert "ZEREN_UPLOAD_MAX_MB" in str(info.value)
    path = tmp_path / "big.xlsx"
    path.write_bytes(data)
    assert safe_load_workbook(path, read_only=True)["单位"]["A12000"].value == "单位11999"


def test_the_refusal_names_the_command_that_imports_the_same_file(settings):
    """Each import page names its own command (issue 12 item 2); an upload with no command (an
    attachment) names only the setting."""
    from django.utils import translation

    from zeren.core.uploads import cli_command, read_upload

    settings.ZEREN_UPLOAD_LIMITS = {"max_bytes": 100}
    for language, command in (("zh-hans", "`zeren targets import 文件`"), ("en", "`zeren targets import FILE`")):
        with translation.override(language), pytest.raises(UploadRejected) as info:
            read_upload(io.BytesIO(b"[" + b" " * 200 + b"]"), "targets.json", cli=cli_command("zeren targets import"))
        assert command in str(info.value) and "ZEREN_UPLOAD_MAX_MB" in str(info.value)
    with pytest.raises(UploadRejected) as info:
        read_upload(io.BytesIO(b"x" * 200), "photo.png")
    assert "`zeren " not in str(info.value) and "ZEREN_UPLOAD_MAX_MB" in str(info.value)


def test_zip_bomb_is_refused():
    bomb = with_member(workbook_bytes(["a"]), "xl/media/padding.bin", b"\0" * (30 * 1024 * 1024))
    assert len(bomb) < 200 * 1024
    with pytest.raises(UploadRejected, match="压缩炸弹"):
        safe_load_workbook(io.BytesIO(bomb), name="bomb.xlsx")


def test_total_uncompressed_size_is_limited(settings):
    settings.ZEREN_UPLOAD_LIMITS = {"max_uncompressed_bytes": 4096}
    with pytest.raises(UploadRejected, match="解压后超过"):
        safe_load_workbook(io.BytesIO(workbook_bytes(["数据"] * 400)), name="wide.xlsx")


def test_macros_are_refused():
    macro = with_member(workbook_bytes(["a"]), "xl/vbaProject.bin", b"Attribute VB_Name")
    with pytest.raises(UploadRejected, match="带宏"):
        safe_load_workbook(io.BytesIO(macro), name="m.xlsm")
