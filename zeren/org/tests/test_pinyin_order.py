"""Unit names sort in pinyin order in Chinese (拼音排序) and alphabetically by the name shown in English."""

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zeren.org.actions import do_create_unit, do_import_registry, do_update_unit
from zeren.org.models import Unit, UnitKind
from zeren.org.registry import RegistryData, UnitRow
from zeren.org.rules import KEY_WIDTH, name_sort_key
from zeren.org.testing import make_unit

# As a Chinese reader expects them: by the pinyin of the first character, then of the next.
IN_PINYIN_ORDER = ["宝安区", "北京市", "长沙市", "重庆市", "福田区", "龙岗区", "罗湖区", "南山区", "上海市",
                   "深圳市市场监督管理局", "深圳市住房和建设局", "市长热线办公室", "是非调解中心", "盐田区"]


def test_real_names_sort_in_pinyin_order():
    assert sorted(reversed(IN_PINYIN_ORDER), key=name_sort_key) == IN_PINYIN_ORDER
    assert sorted(IN_PINYIN_ORDER) != IN_PINYIN_ORDER  # code point order is not it (重 U+91CD after 上 U+4E0A)


def test_polyphonic_characters_read_as_in_their_phrase():
    def syllables(name):
        key = name_sort_key(name)
        return [key[i:i + 6].rstrip("0") for i in range(0, len(key), KEY_WIDTH)]

    assert syllables("长沙市") == ["chang", "sha", "shi"] and syllables("市长") == ["shi", "zhang"]
    assert syllables("重庆市") == ["chong", "qing", "shi"]
    assert syllables("中国工商银行") == ["zhong", "guo", "gong", "shang", "yin", "hang"]
    assert syllables("行政服务中心") == ["xing", "zheng", "fu", "wu", "zhong", "xin"]
    assert syllables("绿化") == ["lv", "hua"]  # ü as v: after lu, as in the dictionary
    assert name_sort_key("中国银行") < name_sort_key("中国邮政") < name_sort_key("中信银行")  # yin < you; guo < xin


def test_homophones_keep_apart_and_each_characters_names_together():
    assert name_sort_key("市") != name_sort_key("是")
    names = ["是非调解中心", "市长热线办公室", "市政设施管理处", "是否"]
    ordered = sorted(names, key=name_sort_key)
    assert [n[0] for n in ordered] in (["市", "市", "是", "是"], ["是", "是", "市", "市"])


def test_digits_and_latin_letters_come_before_chinese_characters():
    names = ["福田区", "b区", "A区", "12345热线"]
    assert sorted(names, key=name_sort_key) == ["12345热线", "A区", "b区", "福田区"]


@given(st.text(max_size=40))
def test_the_key_is_fixed_width_ascii_and_a_longer_name_sorts_after_its_start(name):
    key = name_sort_key(name)
    assert len(key) == KEY_WIDTH * len(name) and re.fullmatch(r"[0-9a-z]*", key)
    assert len(key) <= Unit._meta.get_field("name_sort").max_length or len(name) > 200


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=12),
       st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=12))
def test_distinct_chinese_names_have_distinct_keys(a, b):
    assert (name_sort_key(a) == name_sort_key(b)) == (a == b)


# --- the stored key, wherever a unit is created or renamed --------------------------------------------


@pytest.mark.django_db
def test_every_write_keeps_the_stored_key():
    city = do_create_unit(actor=None, code="CS", name="长沙市人民政府", kind=UnitKind.GOVERNMENT)
    assert city.name_sort == name_sort_key("长沙市人民政府")
    do_update_unit(actor=None, unit=city, name="重庆市人民政府")
    assert Unit.objects.get(code="CS").name_sort == name_sort_key("重庆市人民政府")
    unit = make_unit("X1", city, name="福田区")
    unit.name = "南山区"
    unit.save(update_fields=["name"])
    assert Unit.objects.get(code="X1").name_sort == name_sort_key("南山区")
    Unit.objects.filter(code="X1").update(name="罗湖区")
    assert Unit.objects.get(code="X1").name_sort == name_sort_key("罗湖区")
    # The registry import (Popolo, org-xlsx and the demo go through it) creates and renames in bulk.
    do_import_registry(None, RegistryData(units=[UnitRow("CS", "北京市人民政府", classification="人民政府"),
                                                 UnitRow("BJ-1", "银行业协会", parent_code="CS")]), "test")
    keys = dict(Unit.objects.values_list("code", "name_sort"))
    assert keys["CS"] == name_sort_key("北京市人民政府") and keys["BJ-1"] == name_sort_key("银行业协会")


@pytest.mark.django_db
def test_the_migration_fills_the_key_of_existing_units():
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("zeren.org.migrations.0004_unit_name_sort_backfill").backfill
    make_unit("A", name="上海市")
    make_unit("B", name="北京市")
    Unit.objects.update(name_sort="")
    backfill(apps, None)
    assert dict(Unit.objects.values_list("name", "name_sort")) == {
        "上海市": name_sort_key("上海市"), "北京市": name_sort_key("北京市")}


# --- what a reader sees -------------------------------------------------------------------------------

ENGLISH = {"重庆市": "Chongqing", "北京市": "beijing", "上海市": "Shanghai", "深圳市市场监督管理局": ""}


@pytest.fixture
def listed(db):
    """Units found by the search ``PY``: a root and children named in ``ENGLISH`` (one without an English name)."""
    root = make_unit("PY", kind=UnitKind.GOVERNMENT, name="中华人民共和国", name_en="People's Republic")
    for n, (name, name_en) in enumerate(ENGLISH.items()):
        make_unit(f"PY-{n}", root, name=name, name_en=name_en, valid_from=date(2020, 1, 1))
    return root


def shown(html: str, names: list[str]) -> list[str]:
    """``names`` in the order they appear in the table of results."""
    table = html[html.index('id="results"'):]
    return sorted(names, key=lambda n: table.index(f">{n}</a>"))


def test_the_unit_list_sorts_by_pinyin_in_chinese(client, listed):
    html = client.get("/org/search/", {"q": "PY-", "sort": "name"}).content.decode()
    assert shown(html, list(ENGLISH)) == ["北京市", "重庆市", "上海市", "深圳市市场监督管理局"]
    html = client.get("/org/search/", {"q": "PY-", "sort": "-name"}).content.decode()
    assert shown(html, list(ENGLISH)) == ["深圳市市场监督管理局", "上海市", "重庆市", "北京市"]


def test_the_unit_list_sorts_alphabetically_by_the_english_name_in_english(client, listed):
    client.cookies["django_language"] = "en"
    html = client.get("/org/search/", {"q": "PY-", "sort": "name"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # Case aside (beijing), and the unit without an English name by its pinyin (shen…) among them.
    assert shown(html, ["beijing", "Chongqing", "Shanghai", "深圳市市场监督管理局"]) == [
        "beijing", "Chongqing", "Shanghai", "深圳市市场监督管理局"]


def test_a_list_sorted_by_parent_unit_sorts_by_its_pinyin(client, listed):
    other = make_unit("PZ", kind=UnitKind.GOVERNMENT, name="安徽省")
    make_unit("PY-Z", other, name="合肥市")
    html = client.get("/org/search/", {"q": "P", "sort": "parent"}).content.decode()
    assert html.index(">合肥市</a>") < html.index(">北京市</a>")  # 安徽省 (an) before 中华人民共和国 (zhong)


@pytest.mark.django_db
@pytest.mark.parametrize("collation", ["en-US-x-icu", "zh-Hans-x-icu", "und-x-icu"])
def test_the_key_sorts_alike_under_a_locales_collation(collation):
    """A database created with a locale's collation (not C) orders the key as Python does: it is only
    letters and digits, at a fixed width per character."""
    from django.db import connection
    from django.db.models import F
    from django.db.models.functions import Collate

    if connection.vendor != "postgresql":
        pytest.skip("SQLite compares text byte by byte")
    names = [*IN_PINYIN_ORDER, "12345热线", "A区", "b区", "绿化处", "路政处", "西安办事处", "县政府"]
    for n, name in enumerate(names):
        make_unit(f"C{n}", name=name)
    assert list(Unit.objects.order_by(Collate(F("name_sort"), collation)).values_list("name", flat=True)) == sorted(
        names, key=name_sort_key)
