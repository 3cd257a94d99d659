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
