"""The cockpit and the workbench through Django's client on the small demo city: every role's landing,
scope, urging (audited), the cache and its invalidation, filters, and the English UI."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from zeren.accountability.actions import do_open_case
from zeren.audit.models import AuditEntry
from zeren.cockpit import selectors
from zeren.cockpit.models import Urge
from zeren.cockpit.tests.conftest import ROLES, last_workday
from zeren.findings.models import Finding
from zeren.org.models import Unit

pytestmark = pytest.mark.django_db


def rows(html: str) -> list[str]:
    body = html.split('<table class="queue">', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>\s*(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)


@pytest.mark.parametrize("username", ROLES)
def test_every_demo_role_lands_on_its_workbench(city, client, username):
    response = client.post(reverse("login"), {"username": username, "password": "zeren-demo"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("workbench:index")
    html = response.content.decode()
    assert "<h1>我的工作台</h1>" in html and "按剩余工作日排序" in html
    assert 'hx-get="/workbench/count/"' in html  # the count in the navigation, loaded after the page
    count = client.get(reverse("workbench:count")).content.decode()
    total = sum(n for n, _ in selectors.counts(response.context["user"], last_workday(), selectors.MINE).values())
    assert re.search(rf">{total}</span>", count) or total == 0 and ">0</span>" in count
    assert client.get("/").url == reverse("workbench:index")  # the home of a signed-in user


def test_a_departments_staff_sees_only_their_units_items(city, client, demo_user):
    staff = demo_user("staff")
    client.force_login(staff)
    mine = selectors.own_paths(staff)
    assert mine[0] == staff.unit.path and all(p.startswith(staff.unit.path) for p in mine)
    page = selectors.work_page(staff, last_workday(), size=100)
    assert page.total > 0 and page.rows
    paths = dict(Unit.objects.values_list("code", "path"))
    assert all(paths[r.item.unit_code] in mine for r in page.rows)
    assert not selectors.may_watch(staff)
    html = client.get(reverse("workbench:index"), {"view": "watch"}).content.decode()
    assert "督办各单位" not in html and 'name="item"' not in html  # no watch view, no urging
    own_names = set(Unit.objects.filter(path__in=mine).values_list("name", flat=True))
    shown = re.findall(r'data-label="单位">(.*?)</td>', "".join(rows(html)))
    assert shown and set(shown) <= own_names


def test_the_officer_watches_the_units_and_their_own_queue_is_theirs(city, client, demo_user):
    officer = demo_user("officer")
    client.force_login(officer)
    assert selectors.may_watch(officer)
    watch = selectors.work_page(officer, last_workday(), mode=selectors.WATCH, size=50)
    assert watch.total > 0
    assert all(Unit.objects.get(code=r.item.unit_code).path not in selectors.own_paths(officer) for r in watch.rows)
    dues = [r.item.due for r in watch.rows if r.item.due]
    assert dues == sorted(dues)  # soonest deadline first
    html = client.get(reverse("workbench:index"), {"view": "watch"}).content.decode()
    assert 'data-select-all="item"' in html and "催办所选事项" in html and "提级督办所选事项" in html
    assert re.search(r"(剩余|逾期) \d+ 个工作日|今日到期", html)


def test_urging_is_audited_shown_to_the_unit_and_refused_to_others(city, client, demo_user):
    officer, staff = demo_user("officer"), demo_user("staff")
    row = next(r for r in selectors.work_page(officer, last_workday(), mode=selectors.WATCH, size=100).rows
               if r.item.unit_code == staff.unit.code)
    client.force_login(officer)
    before = AuditEntry.objects.count()
    response = client.post(reverse("workbench:urge"), {"item": f"{row.item.kind}:{row.item.pk}", "level": "urge",
                                                       "note": "请三个工作日内办理", "next": "/workbench/?view=watch"},
                           follow=True)
    assert "已催办 1 项" in response.content.decode()
    urge = Urge.objects.get()
    assert (urge.kind, urge.ref, urge.unit, urge.by, urge.note) == (row.item.kind, row.item.ref, staff.unit, officer,
                                                                    "请三个工作日内办理")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.object_type, entry.object_id) == ("cockpit.urge", "cockpit.urge", str(urge.pk))
    assert entry.extra["item"] == row.item.ref and entry.actor_username == "officer"

    client.force_login(staff)
    html = client.get(reverse("workbench:index"), {"size": 100, "kind": row.item.kind}).content.decode()
    assert "已催办 1 次" in html and "请三个工作日内办理" in html  # on the item, and among the urges received
    response = client.post(reverse("workbench:urge"), {"item": f"{row.item.kind}:{row.item.pk}", "level": "urge"},
                           follow=True)
    assert Urge.objects.count() == 1 and "不在您的督办范围内" in response.content.decode()


def test_escalation_needs_an_overdue_or_ignored_item_and_goes_to_the_government(city, client, demo_user):
    officer = demo_user("officer")
    client.force_login(officer)
    watch = selectors.work_page(officer, last_workday(), mode=selectors.WATCH, size=100).rows
    late = next(r for r in watch if r.left is not None and r.left < 0)
    fresh = next((r for r in watch if r.left is not None and r.left >= 0 and not r.urges), None)
    if fresh is not None:
        html = client.post(reverse("workbench:urge"), {"item": [f"{fresh.item.kind}:{fresh.item.pk}",
                                                                f"{late.item.kind}:{late.item.pk}"],
                                                       "level": "escalate"}, follow=True).content.decode()
        assert "只有逾期或催办后仍未办理的事项才能提级督办" in html and not Urge.objects.exists()  # all or nothing
    html = client.post(reverse("workbench:urge"), {"item": f"{late.item.kind}:{late.item.pk}", "level": "escalate"},
                       follow=True).content.decode()
    urge = Urge.objects.get()
    unit = Unit.objects.get(code=late.item.unit_code)
    government = next(u for u in reversed(list(Unit.objects.filter(code__in=unit.ancestor_codes()).order_by("path")))
                      if u.kind == "government")
    assert urge.level == "escalate" and urge.escalated_to == government
    assert f"已提级督办 1 项，报{government.name}" in html
    assert AuditEntry.objects.filter(action="cockpit.escalate", object_id=str(urge.pk)).exists()


def test_the_cockpit_shows_the_five_elements_with_their_numbers_and_drills_down(city, client, demo_user,
                                                                                django_assert_max_num_queries):
    client.force_login(demo_user("leader"))
    response = client.get(reverse("cockpit:index"))
    html = response.content.decode()
    for title in ("职责体系", "目标管理", "行政监督", "绩效评估", "行政问责", "责任链条断点"):
        assert title in html
    charts = json.loads(html.split('id="cockpit-charts" type="application/json">', 1)[1].split("</script>", 1)[0])
    assert len(charts) >= 5 and all(f'id="{c["id"]}"' in html for c in charts)
    assert html.count("<summary>图表数据</summary>") == len(charts)  # every chart has its table
    assert 'href="/duties/analysis/?status=open' in html and 'href="/supervision/?unit=' in html
    assert response.context["breaking"] and all(b.unit.path.startswith(response.context["unit"].path)
                                                  for b in response.context["breaking"])
    with django_assert_max_num_queries(12):  # cached: the version, the cache, the breadcrumb and the strip
        assert client.get(reverse("cockpit:index")).status_code == 200


def test_a_unit_cockpit_within_scope_403_outside_404_unknown(city, client, demo_user):
    head = demo_user("head")
    client.force_login(head)
    html = client.get(reverse("cockpit:index")).content.decode()
    assert head.unit.name in html  # a department head's cockpit is the department
    assert client.get(reverse("cockpit:unit", args=[head.unit.code])).status_code == 200
    other = Unit.objects.filter(kind="government", parent__isnull=False).first()
    denied = client.get(reverse("cockpit:unit", args=[other.code]))
    assert denied.status_code == 403 and "无权访问" in denied.content.decode() and 'class="topbar"' in denied.content.decode()
    missing = client.get(reverse("cockpit:unit", args=["NO-SUCH-UNIT"]))
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode() and "我的工作台" in missing.content.decode()
    client.force_login(demo_user("leader"))
    assert client.get(reverse("cockpit:unit", args=[other.code])).status_code == 200


def test_the_panels_are_cached_until_an_audited_change(city, client, demo_user):
    leader, officer = demo_user("leader"), demo_user("officer")
    client.force_login(leader)

    def open_cases() -> int:
        shown = client.get(reverse("cockpit:index")).context["shown"]
        panel = next(s for s in shown if s.panel.element == "accountability")
        return next(f.value for f in panel.data.figures if f.label == "在办问责案件")

    before = open_cases()
    unit = Unit.objects.get(code=demo_user("staff").unit.code)
    Finding.objects.filter(pk__in=Finding.objects.filter(unit=unit)[:1].values("pk")).update(status="dismissed")
    assert open_cases() == before  # a write that bypasses the actions (and the audit log) is not seen: cached
    do_open_case(actor=officer, subject_kind="unit", unit=unit, fault_type="delay", source="other",
                 summary="拖延履行职责")
    assert open_cases() == before + 1  # the audited action moved the version: the numbers are new
    assert selectors.data_versions()["apps"].get("accountability", 0) == AuditEntry.objects.order_by("-seq")[0].seq


def test_the_cache_can_be_turned_off(city, client, demo_user, settings):
    settings.ZEREN_COCKPIT_CACHE = False
    client.force_login(demo_user("leader"))
    assert all(not s.cached for s in client.get(reverse("cockpit:index")).context["shown"])
    settings.ZEREN_COCKPIT_CACHE = True
    client.get(reverse("cockpit:index"))
    assert all(s.cached for s in client.get(reverse("cockpit:index")).context["shown"])


def test_workbench_filters_by_unit_name_kind_and_overdue_and_pages(city, client, demo_user,
                                                                   django_assert_max_num_queries):
    officer, staff = demo_user("officer"), demo_user("staff")
    client.force_login(officer)
    name = staff.unit.name
    html = client.get(reverse("workbench:index"), {"view": "watch", "unit": name, "size": 100}).content.decode()
    found = rows(html)
    assert found and all(name in r or "—" in r for r in found)
    html = client.get(reverse("workbench:index"), {"view": "watch", "unit": "不存在的局"}).content.decode()
    assert "没有名称或代码与“不存在的局”相符的单位" in html and rows(html)[0].count("<td") == 1
    html = client.get(reverse("workbench:index"), {"view": "watch", "overdue": "1", "size": 100}).content.decode()
    assert "剩余" not in "".join(rows(html)) and "逾期" in "".join(rows(html))
    response = client.get(reverse("workbench:index"), {"view": "watch", "kind": "supervision.alert", "size": 25})
    assert {r.item.kind for r in response.context["work"].rows} <= {"supervision.alert"}
    work = response.context["work"]
    if work.pages > 1:
        second = client.get(reverse("workbench:index"), {"view": "watch", "kind": "supervision.alert", "page": 2})
        assert not {r.item.ref for r in second.context["work"].rows} & {r.item.ref for r in work.rows}
    with django_assert_max_num_queries(40):
        assert client.get(reverse("workbench:index"), {"view": "watch"}).status_code == 200
    history = client.get(reverse("workbench:index"), {"state": "closed"})
    assert history.status_code == 200 and "办结日期" in history.content.decode()


def test_english_workbench_and_cockpit(city, client, demo_user):
    client.force_login(demo_user("officer"))
    client.cookies["django_language"] = "en"
    html = client.get(reverse("workbench:index"), {"view": "watch"}).content.decode()
    assert "My workbench" in html and "Urge the selected items" in html and "working days" in html
    assert "我的工作台" not in html and "催办所选事项" not in html
    html = client.get(reverse("cockpit:index")).content.decode()
    assert "Leader cockpit" in html and "Where the chain is breaking" in html and "领导驾驶舱" not in html
