"""Demo step: accountability (行政问责) for the demo city, through the real actions.

Complaint categories (the Open311 services) and an Open311 key; complaints in every state, a few
filed through the Open311 endpoint itself; fault cases opened from the inbox's red cards with
statements, sanctions, filings and an appeal; an incident whose reviews are submitted with an
apology, overdue and escalated (a finding), and pending; commendation candidates. Small: 21
complaints, 4 cases; city: 42 complaints, 12 cases — a few hundred audited writes, kept within
the step's 4 s budget.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import timezone

from zeren.accountability import actions
from zeren.accountability.models import Commendation, ComplaintCategory, Conclusion, IncidentReview
from zeren.demo.context import DemoContext
from zeren.findings.models import Finding, FindingStatus
from zeren.org.models import Person, Unit, UnitKind

ORDER = 60
CATEGORIES = [
    ("delay", "办事拖延", "Delay", "超过时限不办结、推诿扯皮", "拖延,推诿,超时", "作风"),
    ("not_performing", "不履行职责", "Failure to act", "应当作为而不作为", "不作为,不受理", "履职"),
    ("arbitrary_fee", "乱收费", "Arbitrary fees", "超标准或无依据收费", "收费,罚款", "廉政"),
    ("attitude", "服务态度", "Conduct", "态度恶劣、刁难群众", "态度,刁难", "作风"),
    ("abuse", "滥用职权", "Abuse of power", "超越职权或滥用职权", "越权,滥权", "履职"),
    ("procedure", "违反程序", "Breach of procedure", "未依法定程序办理", "程序,公示", "履职"),
]
TEXTS = ["申请材料齐全，窗口三次要求补正同一份材料", "超过承诺时限十个工作日仍未办结，也未告知理由",
         "执法人员收取罚款未开具票据", "咨询电话长期无人接听", "现场检查时态度恶劣，拒绝出示执法证件",
         "未经公示即作出不予许可决定"]
# The state each complaint is driven to, in turn: every state of the workflow appears.
PATH = ["received", "accepted", "concluded", "replied", "appealed", "closed", "rejected"]


def build(ctx: DemoContext) -> None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["officer", "admin"])}
    officer, admin = users["officer"], users["admin"]
    for code, name, name_en, description, keywords, group in CATEGORIES:
        ComplaintCategory.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "description": description, "keywords": keywords, "group": group})
    actions.sanction_ladder()
    units = list(Unit.objects.filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.STREET_OFFICE]).order_by("path"))
    _open311(ctx, units)
    _complaints(ctx, units, officer, ctx.scaled(21, 42))
    _incident(ctx, officer, admin)
    _cases(ctx, officer, admin, ctx.scaled(4, 12))
    # The top of the evaluation rankings (evaluation's commendation findings), when that step ran.
    tops = list(Finding.objects.filter(cause=actions.COMMENDATION_CAUSE, status=FindingStatus.OPEN)
                .select_related("unit", "person"))
    actions.do_take_commendation_findings(actor=officer, findings=tops)
    for n, row in enumerate(Commendation.objects.filter(status="candidate").order_by("pk")[:2]):
        actions.do_decide_commendation(actor=officer, commendation=row, award=n == 0)


def _open311(ctx: DemoContext, units: list[Unit]) -> None:
    """Three complaints through the Open311 endpoint's view, as a mobile app would file them (a
    request built in memory: no server, no middleware)."""
    from zeren.accountability.open311 import requests_view

    _row, key = actions.do_create_open311_key(actor=None, name="i深圳 App（演示）")
    factory = RequestFactory()
    for n in range(3):
        unit = ctx.rng.choice(units)
        requests_view(factory.post("/open311/v2/requests.json", {
            "api_key": key, "service_code": CATEGORIES[n][0], "address_string": f"{unit.name}办事大厅",
            "lat": f"{22.53 + n / 100:.4f}", "long": f"{114.05 + n / 100:.4f}", "description": TEXTS[n],
            "attribute[unit]": unit.code, "email": f"user{n}@example.cn", "first_name": "市民", "last_name": "张"}),
            "json")


def _complaints(ctx: DemoContext, units: list[Unit], officer, count: int) -> None:
    rng, categories = ctx.rng, list(ComplaintCategory.objects.all())
    for n in range(count):
        state = PATH[n % len(PATH)]
        received = timezone.make_aware(datetime.combine(ctx.today - timedelta(days=rng.randint(40, 300)), time(10)))
        if state == "received":
            # at least a day back: "today" 09:00 is still in the future before nine in the morning
            received = timezone.make_aware(datetime.combine(ctx.today - timedelta(days=rng.randint(1, 3)), time(9)))
        channel = rng.choice(["web", "hotline", "letter"])
        complaint, _ = actions.do_submit_complaint(
            actor=None if channel == "web" else officer, channel=channel, category=rng.choice(categories), unit=rng.choice(units), description=rng.choice(TEXTS), received_at=received,
            complainant={"name": f"投诉人{n:03d}", "phone": f"1380000{n:04d}"} if n % 4 else {})
        if state == "received":
            continue
        day = received.date() + timedelta(days=2)
        if state == "rejected":
            actions.do_accept_complaint(actor=officer, complaint=complaint, accept=False, on=day,
                                        reason="反映的问题不属于行政过错投诉受理范围，已告知向有关部门反映")
            continue
        complaint = actions.do_accept_complaint(actor=officer, complaint=complaint, accept=True, on=day)
        if state == "accepted":
            continue
        conclusion = [Conclusion.SUBSTANTIATED, Conclusion.PARTLY, Conclusion.UNSUBSTANTIATED][n % 3]
        complaint = actions.do_conclude_complaint(actor=officer, complaint=complaint, conclusion=conclusion,
                                                  note="调阅办件记录并询问经办人", on=day + timedelta(days=20))
        if state == "concluded":
            continue
        complaint = actions.do_reply_complaint(actor=officer, complaint=complaint, on=day + timedelta(days=22),
                                               reply=f"经调查，{complaint.get_conclusion_display()}，已责成被投诉单位整改。")
        if state in ("appealed", "closed"):
            complaint = actions.do_appeal_complaint(complaint=complaint, reason="对答复不满意，整改未落实",
                                                    on=day + timedelta(days=24))
            if state == "closed":
                actions.do_decide_complaint_appeal(actor=officer, complaint=complaint, reopen=False,
                                                   outcome="复查认为原答复事实清楚，维持原答复")


def _incident(ctx: DemoContext, officer, admin) -> None:
    """A food-safety incident two months ago (three reviews: apologised, submitted, overdue) and a
    work-safety incident last week (pending)."""
    codes = list(Unit.objects.filter(kind=UnitKind.DEPARTMENT, parent__parent__isnull=True)
                 .order_by("code").values_list("code", flat=True))
    market = ctx.notes.get("department_codes", {}).get("market", codes[0])
    others = [c for c in codes if c != market][:3]
    day = ctx.today - timedelta(days=60)
    actions.do_register_incidents(actor=officer, rows=[
        {"code": f"SJ-{day.year}-001", "category": "food_safety", "date": day.isoformat(), "severity": "major",
         "title": "某小学食堂集体食物中毒事件", "units": [market, *others[:2]]},
        {"code": f"SJ-{ctx.today.year}-002", "category": "work_safety", "date": (ctx.today - timedelta(days=6)).isoformat(),
         "severity": "relatively_major", "title": "某在建工地基坑坍塌事件", "units": [others[2]]},
    ], source="演示数据")
    first = {r.unit.code: r for r in IncidentReview.objects.filter(incident__code=f"SJ-{day.year}-001")
             .select_related("unit", "incident")}
    negligent = first[market]
    actions.do_submit_review(actor=admin, review=negligent, measures_appropriate=False, rules_missing=True,
                             findings_text="对学校食堂的日常监督检查流于形式，抽检频次不足",
                             corrective_actions="建立校园食堂每月全覆盖检查制度，问题食堂挂牌督办",
                             negligent=True, on=negligent.due - timedelta(days=3))
    actions.do_publish_apology(actor=admin, review=negligent, medium="press_conference",
                               medium_detail="市政府新闻办新闻发布会", on=negligent.due - timedelta(days=1),
                               statement="对此次事件中我局监管不到位，向受影响的师生和家长诚恳道歉，并接受社会监督。")
    fine = first[others[0]]
    actions.do_submit_review(actor=admin, review=fine, measures_appropriate=True, rules_missing=False,
                             findings_text="供货企业资质审核符合规定", corrective_actions="加强供货企业日常巡查",
                             negligent=False, on=fine.due - timedelta(days=5))
    actions.do_escalate_overdue_reviews(as_of=ctx.today)  # the third is overdue: escalated, one finding


def _cases(ctx: DemoContext, officer, admin, count: int) -> None:
    """Cases from red cards in the inbox, one per unit, driven to decision, filing and an appeal."""
    reds = list(Finding.objects.filter(cause="red_card", status=FindingStatus.OPEN).select_related("unit")
                .order_by("raised_at", "pk")[:count * 6])
    by_unit: dict[int, list[Finding]] = {}
    for f in reds:
        by_unit.setdefault(f.unit_id, []).append(f)
    ladder = {s.code: s for s in actions.sanction_ladder()}
    plan = [("unit", "circulated_criticism", ["repeat"], []), ("person", "admonition_talk", [], ["confessed"]),
            ("admin_head", "circulated_criticism", [], []), ("person", "written_self_criticism", [], ["minor"])]
    opened = ctx.today - timedelta(days=45)
    for n, findings in enumerate(list(by_unit.values())[:count]):
        kind, sanction, aggravating, mitigating = plan[n % len(plan)]
        person = Person.objects.filter(memberships__unit=findings[0].unit).first() if kind != "unit" else None
        if kind != "unit" and person is None:
            kind = "unit"
        case = actions.do_open_case(actor=officer, subject_kind=kind, unit=findings[0].unit, person=person,
                                    fault_type="delay", source="red_card", findings=findings[:3], on=opened,
                                    summary=f"{findings[0].unit.name}审批办件超过法定时限 {len(findings[:3])} 件")
        if n % 5 == 4:
            continue  # left under investigation
        actions.do_record_statement(actor=admin, case=case, on=opened + timedelta(days=5),
                                    statement="超期系申请人补正材料期间计算有误所致，已全部办结并完善内部督办")
        if n % 5 == 3:
            continue  # statement heard, decision pending
        decided = opened + timedelta(days=12)
        code = sanction if kind != "unit" or ladder[sanction].for_units else "circulated_criticism"
        actions.do_decide_case(actor=officer, case=case, sanction=ladder[code], aggravating=aggravating,
                               mitigating=mitigating, on=decided,
                               decision="事实清楚，证据确凿，依照行政过错责任追究办法作出决定")
        if n % 5 == 2:
            actions.do_appeal_case(actor=admin, case=case, appeal="认为处理偏重，请求复查", on=decided + timedelta(days=3))
            continue
        actions.do_file_case(actor=officer, case=case, on=decided + timedelta(days=7))
