"""The letter, assessment, appeal and white-paper pages in a real browser (Debian Chromium), in
Chinese and English, on a desktop (1440 px) and a phone (390 px): they render the data, and on
the phone nothing scrolls sideways (wide tables scroll inside their box). With ZEREN_SCREENSHOTS set,
each page is saved there as PNG."""

from __future__ import annotations

import os
from datetime import date

import pytest
from django.utils import timezone

from zeren.access.models import Role
from zeren.duties.actions import do_save_position_description
from zeren.org.testing import make_user
from zeren.targets import actions, whitepaper
from zeren.targets.actions import Decision, TargetSpec
from zeren.targets.models import Assessment
from zeren.targets.tests.conftest import person
from zeren.workcal.selectors import get_calendar

pytestmark = pytest.mark.browser
WIDEST = """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ' '
  + (e.innerText || '').slice(0, 30))"""
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def scene(tree, people, users, targets):
    """A signed letter with two attachments; a 2025 round of four (one target completed late, one
    standard judged unmet; the one proposed 优秀 is over the quota of 0), three confirmed with two
    changes and one appeal; a published white paper, and a second pilot unit without one."""
    market = tree["market"]
    actions.do_save_letter(actor=users["market"], unit=market, year=2026, signatory=people["market_head"],
                           signed_on=date(2026, 1, 12), uploads=[("2026年目标管理责任书.pdf", PDF),
                                                                 ("签字页.pdf", PDF + b"%2")])
    staff = [people["clerk"], *(person(f"S{i}", name, tree["market_div"])
                                for i, name in enumerate(["钱科员", "孙科员", "周科员"]))]
    for p in staff[1:]:
        do_save_position_description(actor=None, post=p.memberships.get().post, item_codes=[], duties=["登记注册"],
                                     qualifications=[], training_requirements=[],
                                     assessment_criteria=["年度考核：德、能、勤、绩、廉", "事项办理按时办结率不低于95%"])
    specs = [TargetSpec(code=f"P-{i}-{weight}", year=2025, title=title, unit=tree["market_div"], leader=people["market_head"],
                        person=staff[i], weight=weight, start=date(2025, 1, 2), deadline=date(2025, 9, 30), baseline=0,
                        target_value=10) for i, title, weight in [(1, "企业开办一网通办", 60), (1, "窗口办件", 40),
                                                                  (2, "登记档案数字化", 100), (3, "年报公示", 100)]]
    made = actions.do_import_targets(actor=None, specs=specs)
    for t, day, value in zip(made, [date(2025, 9, 26), date(2025, 9, 30), date(2025, 10, 9), date(2025, 12, 1)],
                             [10, 10, 10, 4], strict=True):
        actions.do_report_progress(actor=users["market"], target=t, day=day, value=value)
    rows = {a.person.code: a for a in actions.do_propose_assessments(
        actor=users["market"], unit=market, year=2025, as_of=date(2025, 12, 31), unmet={staff[3].pk: [1]})}
    decisions = [Decision(a, "competent", reason="符合优秀条件，本单位 4 人参加考核，优秀名额 0 人（名额所限）")
                 if a.proposed_grade == "excellent" else Decision(a, a.proposed_grade)
                 for a in rows.values() if a.person.code != "S2"]  # 周科员 (不称职 proposed) waits for the committee
    decisions[0] = Decision(decisions[0].assessment, "basic", reason="服务对象投诉两次，经核实属实")
    # notified 10 working days before the last working day on or before today, appealed 3 later: the
    # decision is due 20 working days after filing, so 13 are left whatever today's weekday
    cal = get_calendar()
    last = cal.add_workdays(cal.add_workdays(timezone.localdate(), 1), -1)
    notified = cal.add_workdays(last, -10)
    actions.do_confirm_assessments(actor=users["market_head"], unit=market, year=2025, decisions=decisions,
                                   notified_on=notified)
    appealed = Assessment.objects.get(pk=decisions[0].assessment.pk)
    actions.do_file_appeal(actor=users["market"], assessment=appealed, reason="投诉已撤回，请求复核",
                           filed_on=cal.add_workdays(notified, 3))
    admin = make_user("admin", Role.ADMIN, tree["city"])
    actions.do_set_white_paper_pilots(actor=admin, year=2026, add=[market, tree["housing"]])
    paper = actions.do_draft_white_paper(actor=users["market"], unit=market, year=2026,
                                         content=whitepaper.content_for(market, 2026, as_of=date(2026, 3, 1)))
    for state in ("approved", "published"):
        actions.do_move_white_paper(actor=users["market_head"], paper=paper, state=state)
    return {"admin": admin, "paper": paper, "rows": rows, "appealed": appealed}


def test_pages_in_both_languages_on_desktop_and_phone(live_server, browser, client, scene, users):
    shots = os.environ.get("ZEREN_SCREENSHOTS")
    client.force_login(scene["admin"])
    pending = Assessment.objects.get(person__code="S2")  # 周科员: 不称职 proposed, not confirmed
    detail = Assessment.objects.get(person__code="S1")  # 孙科员, completed late: 称职 proposed, not 优秀
    name = scene["appealed"].person.name
    pages = {  # path, then what the page shows in Chinese and in English
        "letter": ("/targets/letters/SZ-SCJG/2026/", ["签字页.pdf", "李局长"], ["Target responsibility letter 2026"]),
        "assessments": ("/targets/assessments/?year=2025&unit=SZ-SCJG", ["钱科员", "待确定"],
                        ["Assessment rounds", "To be confirmed"]),
        "assessment": (f"/targets/assessments/{detail.pk}/", ["登记档案数字化", "未按期完成"],
                       ["Why this grade is proposed", "not completed on time"]),
        "appeal": (f"/targets/assessments/{scene['appealed'].pk}/", ["投诉已撤回", "还剩 13 个工作日"],
                   ["13 working days left", "Reason for the change"]),
        "appeals": ("/targets/appeals/", [name, "13"], ["Appellant", name]),
        "pending": (f"/targets/assessments/{pending.pk}/", ["保存评定并重新计算建议", "不称职"],
                    ["Save the judgments and recompute the proposal", "Incompetent"]),
        "papers": ("/targets/white-papers/manage/?year=2026", ["深圳市住房和建设局", "未起草"],
                   ["Not drafted", "Published"]),
        "paper": (f"/targets/white-papers/manage/{scene['paper'].pk}/", ["登记注册提速", "公开发布"],
                  ["History", "Withdraw (give the reason)"]),
    }
    for language in ("zh-hans", "en"):
        for width in (1440, 390):
            context = browser.new_context(viewport={"width": width, "height": 900})
            context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
                                 {"name": "django_language", "value": language, "url": live_server.url}])
            page = context.new_page()
            for key, (path, zh, en) in pages.items():
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None and response.status == 200, (key, language, width)
                text = page.inner_text("main")
                for expected in zh if language == "zh-hans" else en:
                    assert expected in text, (key, language, expected)
                wide = page.evaluate(WIDEST)
                assert page.evaluate("document.documentElement.scrollWidth") <= width, (key, language, width, wide)
                if shots:
                    page.screenshot(path=os.path.join(shots, f"targets-{key}-{language}-{width}.png"), full_page=True)
            context.close()
