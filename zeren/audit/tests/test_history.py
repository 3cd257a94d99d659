"""The history of one record: who changed what, when, why — scoped to what the viewer may see."""

import pytest

from zeren.access.fields import MASK
from zeren.audit.actions import record_change, snapshot
from zeren.org.models import Person
from zeren.org.testing import make_small_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    units = make_small_tree()
    market = units["market"]
    market_staff = make_user("mstaff", "staff", market)
    housing_staff = make_user("hstaff", "staff", units["housing"])
    before = snapshot(market)
    market.short_name = "市监局"
    record_change(actor=market_staff, action="org.unit.update", obj=market, before=before, after=snapshot(market),
                  reason="规范简称")
    before = snapshot(market)
    market.name_en = "Market Regulation"
    record_change(actor=housing_staff, action="org.unit.update", obj=market, before=before, after=snapshot(market),
                  reason="协助翻译")
    return units, market_staff, housing_staff


def url(obj) -> str:
    return f"/audit/history/{obj._meta.label_lower}/{obj.pk}/"


def test_staff_of_the_unit_see_the_whole_history(client, world):
    units, market_staff, _ = world
    client.force_login(market_staff)
    html = client.get(url(units["market"])).content.decode()
    assert "规范简称" in html and "协助翻译" in html and "市监局" in html and "mstaff" in html


def test_staff_elsewhere_see_only_their_own_units_entries(client, world):
    units, _, housing_staff = world
    client.force_login(housing_staff)
    html = client.get(url(units["market"])).content.decode()
    assert "协助翻译" in html and "规范简称" not in html


def test_outsiders_see_nothing_and_the_public_must_log_in(client, world):
    units, _, _ = world
    client.force_login(make_user("street", "staff", units["street"]))
    assert "没有您可查看的变更记录" in client.get(url(units["market"])).content.decode()
    client.logout()
    response = client.get(url(units["market"]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_city_wide_officer_sees_all_and_htmx_gets_the_partial(client, world):
    units, _, _ = world
    client.force_login(make_user("officer", "supervision_officer", units["city"]))
    response = client.get(url(units["market"]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "规范简称" in html and "协助翻译" in html and "<html" not in html


def test_protected_fields_are_masked_in_history(client, world):
    units, market_staff, _ = world
    person = Person.objects.create(code="P9", name="李四", phone="13700000000")
    before = snapshot(person)
    person.phone = "13711111111"
    record_change(actor=market_staff, action="org.person.update", obj=person, before=before, after=snapshot(person))
    client.force_login(make_user("officer", "supervision_officer", units["city"]))
    html = client.get(url(person)).content.decode()
    assert MASK in html and "13711111111" not in html
    client.force_login(make_user("root", None, None, is_superuser=True))
    assert "13711111111" in client.get(url(person)).content.decode()


def test_history_link_include_renders_an_htmx_button(world):
    from django.template import Context, Template

    units, _, _ = world
    html = Template('{% include "audit/history_link.html" with object=unit %}').render(Context({"unit": units["market"]}))
    assert f'hx-get="{url(units["market"])}"' in html and "变更历史" in html


def test_log_index_is_scoped(client, world):
    _, market_staff, _ = world
    client.force_login(market_staff)
    html = client.get("/audit/").content.decode()
    assert "规范简称" in html and "协助翻译" not in html
