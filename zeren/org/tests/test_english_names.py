"""Units' English names in the English UI (issue 18 item 7): pages, the picker and chart labels show
``name_en`` when the language is English, the Chinese name when there is none or the UI is Chinese."""

from __future__ import annotations

import pytest
from django.utils import translation

from zeren.access.models import Role
from zeren.org.models import Unit, display_name_of
from zeren.org.testing import make_small_tree, make_user

pytestmark = pytest.mark.django_db

MARKET_EN = "Shenzhen Administration for Market Regulation"


@pytest.fixture
def units():
    units = make_small_tree()
    Unit.objects.filter(pk=units["market"].pk).update(name_en=MARKET_EN)
    units["market"].refresh_from_db()
    return units


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_a_unit_is_named_in_the_active_language(units):
    market, housing = units["market"], units["housing"]
    with translation.override("en"):
        assert market.display_name == str(market) == MARKET_EN
        assert housing.display_name == "深圳市住房和建设局"  # no English name: the Chinese one
        names = dict(Unit.objects.values_list("code", display_name_of()))
        assert names["SZ-SCJG"] == MARKET_EN and names["SZ-ZJ"] == "深圳市住房和建设局"
    with translation.override("zh-hans"):
        assert market.display_name == str(market) == "深圳市市场监督管理局"
        assert dict(Unit.objects.values_list("code", display_name_of()))["SZ-SCJG"] == "深圳市市场监督管理局"


def test_the_picker_offers_english_names_in_english(client, units):
    assert client.get("/org/units.json", {"q": "SZ-SCJG"}).json()["units"][0] == "深圳市市场监督管理局 · SZ-SCJG"
    english(client)
    assert client.get("/org/units.json", {"q": "Market Regulation"}).json()["units"] == [f"{MARKET_EN} · SZ-SCJG"]
    assert client.get("/org/units.json", {"q": "住房"}).json()["units"] == ["深圳市住房和建设局 · SZ-ZJ"]


def test_pages_show_the_english_name_in_english(client, units):
    html = client.get("/org/units/SZ-SCJG/").content.decode()
    assert "<h1>深圳市市场监督管理局" in html
    html = english(client).get("/org/units/SZ-SCJG/").content.decode()
    assert f"<h1>{MARKET_EN}" in html
    html = client.get("/org/units/SZ/").content.decode()  # the children table
    assert f">{MARKET_EN}</a>" in html and ">深圳市住房和建设局</a>" in html
    client.force_login(make_user("officer", Role.SUPERVISION_OFFICER, units["city"]))
    html = client.get("/findings/", {"unit": "Market Regulation"}).content.decode()
    assert f'value="{MARKET_EN} · SZ-SCJG"' in html  # an English name filters, and is shown back in English


def test_every_unit_of_the_demo_has_an_english_name(demo_city):
    assert not Unit.objects.filter(name_en="").exists()
    assert Unit.objects.get(code="SZ-FT-SCJG").name_en == "Futian District Administration for Market Regulation"

