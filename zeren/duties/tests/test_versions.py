"""Catalogue as of a date and the diff between reform batches (改革批次)."""

from datetime import date

import pytest

from zeren.audit.models import AuditEntry
from zeren.duties.actions import CatalogueError, do_import_items, do_remove_items
from zeren.duties.exchange import catalogue_contents
from zeren.duties.models import FunctionItem
from zeren.duties.selectors import batch_diff, date_diff
from zeren.duties.tests.factories import batch, content, load
from zeren.org.testing import make_small_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_small_tree()


def codes_as_of(day):
    return [c["code"] for c in catalogue_contents(day)]


def test_catalogue_as_of_date_and_batch_diff(tree):
    first = load([
        content("A1", "食品经营许可", ["SZ-SCJG"]),
        content("A2", "建筑工程施工许可", ["SZ-ZJ"], basis="《中华人民共和国建筑法》第七条"),
        content("A3", "对无证经营的处罚", ["SZ-SCJG"], category="行政处罚"),
    ], "2026年第一批", date(2026, 1, 1))
    second = batch("2026年第二批", date(2026, 6, 1), "深府〔2026〕12号")
    do_import_items(actor=None, batch=second, contents=[
        content("A1", "食品经营许可", ["SZ-SCJG"]),  # unchanged
        content("A2", "建筑工程施工许可", ["SZ-FT-SCJG"], basis="《中华人民共和国建筑法》第七条"),  # transferred
        content("A4", "食品生产许可", ["SZ-SCJG"]),  # added
        content("A3", "对无照经营的处罚", ["SZ-SCJG"], category="行政处罚"),  # changed
    ])
    do_remove_items(actor=None, codes=["A1"], batch=batch("2026年第三批", date(2026, 9, 1)), reason="取消")

    assert codes_as_of(date(2025, 12, 31)) == []
    assert codes_as_of(date(2026, 1, 1)) == ["A1", "A2", "A3"]
    assert codes_as_of(date(2026, 5, 31)) == ["A1", "A2", "A3"]
    assert codes_as_of(date(2026, 6, 1)) == ["A1", "A2", "A3", "A4"]
    assert codes_as_of(date(2026, 9, 1)) == ["A2", "A3", "A4"]
    assert codes_as_of(None) == ["A2", "A3", "A4"]
    old_a3 = next(c for c in catalogue_contents(date(2026, 3, 1)) if c["code"] == "A3")
    assert old_a3["name"] == "对无证经营的处罚"

    diff = batch_diff(first, second)
    assert [d["code"] for d in diff["added"]] == ["A4"]
    assert [d["code"] for d in diff["transferred"]] == ["A2"]
    assert diff["transferred"][0]["after"]["lead_units"] == ["SZ-FT-SCJG"]
    assert [d["code"] for d in diff["changed"]] == ["A3"]
    assert diff["changed"][0]["fields"] == ["name"]
    assert diff["removed"] == []
    assert [d["code"] for d in date_diff(date(2026, 7, 1), date(2026, 10, 1))["removed"]] == ["A1"]
    assert not FunctionItem.objects.get(code="A1").is_active
    # one audit entry per import batch, carrying the digest of its rows
    imports = AuditEntry.objects.filter(action="duties.import_items")
    assert imports.count() == 2 and len(imports.last().extra["sha256"]) == 64


def test_same_day_batches_are_ordered(tree):
    first = load([content("B1", "食品经营许可", ["SZ-SCJG"])], "上午批次", date(2026, 3, 1))
    second = batch("下午批次", date(2026, 3, 1))
    do_import_items(actor=None, batch=second, contents=[content("B1", "食品经营许可（含网络）", ["SZ-SCJG"])])
    assert [c["name"] for c in catalogue_contents(date(2026, 3, 1))] == ["食品经营许可（含网络）"]
    assert [d["code"] for d in batch_diff(first, second)["changed"]] == ["B1"]
    assert batch_diff(second, first)["changed"][0]["after"]["name"] == "食品经营许可"


def test_batch_older_than_current_version_is_refused(tree):
    load([content("C1", "食品经营许可", ["SZ-SCJG"])], "新批次", date(2026, 5, 1))
    with pytest.raises(CatalogueError, match="晚于批次日期"):
        do_import_items(actor=None, batch=batch("旧批次", date(2026, 1, 1)),
                        contents=[content("C1", "食品经营许可（变更）", ["SZ-SCJG"])])
    assert FunctionItem.objects.get(code="C1").name == "食品经营许可"
