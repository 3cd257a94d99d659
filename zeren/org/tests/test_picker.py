"""Unit pickers (issue 18 item 4): every unit filter takes a name, and says so when it names no single unit."""

from __future__ import annotations

import pytest

from zeren.access.models import Role
from zeren.org.models import Post, Rank
from zeren.org.picker import find_unit
from zeren.org.testing import make_small_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return make_small_tree()


def test_a_filter_reads_a_code_a_picker_value_or_a_name(units):
    market = units["market"]
    assert find_unit("SZ-SCJG")[0] == market
    assert find_unit("sz-scjg")[0] == market
    assert find_unit("深圳市市场监督管理局 · SZ-SCJG")[0] == market
    assert find_unit("深圳市市场监督管理局")[0] == market  # the exact name, though 福田区's contains it too
    assert find_unit("住房和建设")[0] == units["housing"]  # the one unit whose name contains it
    unit, candidates, more = find_unit("市场监督管理局")
    assert unit is None and candidates == [units["district_market"], market] and not more  # tree order
    assert find_unit("不存在的局") == (None, [], False)
    assert find_unit("") == (None, [], False)


def test_the_picker_offers_names_and_codes_to_anyone(client, units):
    data = client.get("/org/units.json", {"q": "市场监督"}).json()
    assert data["units"] == ["福田区市场监督管理局 · SZ-FT-SCJG", "深圳市市场监督管理局 · SZ-SCJG"]
    assert client.get("/org/units.json").json() == {"units": []}


def test_an_ambiguous_name_lists_the_units_to_choose_from(client, units):
    client.force_login(make_user("officer", Role.SUPERVISION_OFFICER, units["city"]))
    for page in ["/findings/", "/accountability/cases/", "/accountability/inbox/", "/accountability/complaints/",
                 "/duties/", "/duties/analysis/", "/supervision/projects/"]:
        html = client.get(page, {"unit": "市场监督管理局"}).content.decode()
        assert "“市场监督管理局”对应多个单位，请选择一个" in html, page
        assert "unit=SZ-SCJG" in html and "unit=SZ-FT-SCJG" in html, page
        html = client.get(page, {"unit": "不存在的局"}).content.decode()
        assert "没有名称或代码为“不存在的局”的单位" in html, page
        html = client.get(page, {"unit": "深圳市市场监督管理局"}).content.decode()
        assert "对应多个单位" not in html and 'value="深圳市市场监督管理局 · SZ-SCJG"' in html, page


def test_a_name_filters_as_the_code_does(client, units):
    from zeren.findings.actions import do_raise_finding

    client.force_login(make_user("officer", Role.SUPERVISION_OFFICER, units["city"]))
    for unit in (units["market"], units["housing"]):
        do_raise_finding(actor=None, dedupe_key=f"test:{unit.code}", cause="red_card", source_app="supervision",
                         title=f"红牌：{unit.name}", unit=unit, evidence_type="supervision.alert", evidence_id=unit.code)
    by_name = client.get("/findings/", {"unit": "住房和建设局"}).content.decode()
    by_code = client.get("/findings/", {"unit": "SZ-ZJ"}).content.decode()
    assert "红牌：深圳市住房和建设局" in by_name and "红牌：深圳市市场监督管理局" not in by_name
    assert "红牌：深圳市住房和建设局" in by_code and "红牌：深圳市市场监督管理局" not in by_code


def test_a_unit_page_links_its_records(client, units):
    html = client.get("/org/units/SZ-SCJG/").content.decode()
    assert 'href="/duties/?unit=SZ-SCJG"' in html and "/accountability/cases/?unit=" not in html  # the public
    client.force_login(make_user("wang", Role.STAFF, units["market"]))
    html = client.get("/org/units/SZ-SCJG/").content.decode()
    for url in ["/duties/?unit=SZ-SCJG", "/targets/?unit=SZ-SCJG", "/supervision/?unit=SZ-SCJG",
                "/findings/?unit=SZ-SCJG", "/accountability/cases/?unit=SZ-SCJG"]:
        assert f'href="{url}"' in html, url


def test_targets_letters_assessments_and_positions_take_a_name(client, units):
    """The pages that took a unit code only (issue 18 item 4): a name or a code, a name naming several units
    lists them, one naming none says so."""
    client.force_login(make_user("officer", Role.SUPERVISION_OFFICER, units["city"]))
    for page in ["/targets/letters/", "/targets/assessments/", "/duties/positions/"]:
        html = client.get(page, {"unit": "市场监督管理局"}).content.decode()
        assert "“市场监督管理局”对应多个单位，请选择一个" in html and "unit=SZ-FT-SCJG" in html, page
        html = client.get(page, {"unit": "不存在的局"}).content.decode()
        assert "没有名称或代码为“不存在的局”的单位" in html and 'data-units="1"' in html, page
    response = client.get("/targets/letters/", {"unit": "住房和建设局", "year": 2026})
    assert response.status_code == 302 and response["Location"] == "/targets/letters/SZ-ZJ/2026/"
    html = client.get("/targets/assessments/", {"unit": "深圳市住房和建设局", "year": 2025}).content.decode()
    assert 'value="深圳市住房和建设局 · SZ-ZJ"' in html and "<h2>深圳市住房和建设局</h2>" in html
    Post.objects.create(code="SZ-ZJ-P001", unit=units["housing"], label="科员", rank=Rank.STAFF)  # a unit with posts
    client.force_login(make_user("admin", is_superuser=True))
    html = client.get("/duties/positions/", {"unit": "住房和建设局"}).content.decode()
    assert "<h1>深圳市住房和建设局" in html  # the unit's posts page, as its code gives
