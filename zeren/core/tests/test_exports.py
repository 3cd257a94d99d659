"""Exports: text that a spreadsheet would run as a formula is written as text."""

import csv
import io

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from zeren.core.exports import download, escape_cell, write_csv, write_xlsx

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1", '=HYPERLINK("http://x","点我")']


def test_escape_cell_prefixes_formula_triggers_only():
    assert [escape_cell(v) for v in DANGEROUS] == ["'" + v for v in DANGEROUS]
    assert [escape_cell(v) for v in ["深圳", "a=b", "", -5, 3.5, None, True]] == ["深圳", "a=b", "", -5, 3.5, None, True]


@given(st.text())
def test_no_escaped_text_starts_with_a_trigger(text):
    assert not str(escape_cell(text)).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_reads_back_as_typed_text_in_excel_order():
    content = write_csv([["名称", "备注"], ["市场监管局", "=1+1"], ["住建局", None]])
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [["名称", "备注"], ["市场监管局", "'=1+1"], ["住建局", ""]]


def test_xlsx_keeps_dangerous_text_as_text():
    content = write_xlsx({"导出": [["名称", "备注", "数量"], ["市场监管局", "=cmd|'/c calc'!A1", 12]]})
    sheet = openpyxl.load_workbook(io.BytesIO(content))["导出"]
    assert sheet["B2"].data_type == "s" and sheet["B2"].value == "'=cmd|'/c calc'!A1"
    assert sheet["C2"].value == 12


def test_download_names_the_file_in_utf8():
    response = download(write_csv([["a"]]), "单位.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''%E5%8D%95%E4%BD%8D.csv"
