"""The cached catalogue (issue 13 item 6): loaded once per process, loaded again when items, units or
rule configuration change — through any write path, the bulk ones of the org registry included."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zeren.org.actions import do_create_unit, do_import_registry, do_update_unit
from zeren.org.registry import RegistryData, UnitRow
from zeren.supervision.actions import do_create_source
from zeren.supervision.catalog import get_catalog
from zeren.supervision.models import ApprovalItem, RuleConfig
from zeren.supervision.tests.conftest import event

pytestmark = pytest.mark.django_db


def test_the_catalogue_is_read_once_and_again_after_a_change(items, tree, django_assert_num_queries):
    first = get_catalog()
    with django_assert_num_queries(1):  # its version only
        assert get_catalog() is first
    ApprovalItem.objects.create(code="NEW-001", name="新事项", unit=tree["housing"], statutory_days=20,
                                promised_days=10)  # as do_load_items saves each item
    assert "NEW-001" in get_catalog().items
    RuleConfig.objects.create(unit=tree["housing"], yellow_threshold_days=4)
    assert get_catalog().configs[(tree["housing"].pk, None)] == {"yellow_threshold_days": 4}
    ApprovalItem.objects.filter(code="NEW-001").delete()
    assert "NEW-001" not in get_catalog().items


def test_unit_changes_reach_the_catalogue_single_moved_and_imported(items, tree):
    get_catalog()
    do_create_unit(actor=None, code="SZ-ZJ-01", name="建筑管理处", kind="division", parent=tree["housing"])
    assert get_catalog().units["SZ-ZJ-01"][1] == "/SZ/SZ-ZJ/SZ-ZJ-01/"
    # A move rewrites the subtree's paths in one UPDATE, which Django's signals do not report.
    do_update_unit(actor=None, unit=tree["housing"], parent=tree["district"])
    assert get_catalog().units["SZ-ZJ-01"][1] == "/SZ/SZ-FT/SZ-ZJ/SZ-ZJ-01/"
    do_import_registry(None, RegistryData(units=[UnitRow(code="SZ-NS", name="南山区人民政府", parent_code="SZ",
                                                         classification="人民政府")]), "test")
    assert "SZ-NS" in get_catalog().units


def test_a_post_of_events_does_not_read_the_catalogue_again(client, items, tree):
    _, token = do_create_source(actor=None, code="scjg", name="市场监管审批系统", unit=tree["market"])

    def post(n):
        body = json.dumps([event(f"p{n}", f"P{n}", "received", "2026-11-02T09:00:00+08:00")])
        with CaptureQueriesContext(connection) as queries:
            answer = client.post("/api/v1/supervision/events", body, content_type="application/json",
                                 headers={"authorization": f"Bearer {token}"})
        assert answer.status_code == 200 and answer.json()["accepted"] == 1, answer.json()
        return " ".join(q["sql"] for q in queries.captured_queries)
    catalogue_tables = (ApprovalItem._meta.db_table, RuleConfig._meta.db_table)
    first, second = post(1), post(2)
    assert all(table in first for table in catalogue_tables)  # the fixtures' writes moved the version
    assert not any(table in second for table in catalogue_tables)
