"""Demo step: the oversight network (监督网络) of the demo city, deterministic from the seed.

Supervision bodies at three levels (the city's 监察局; a 监察局 in each district and a 纪检监察室 in
each street, created as org units here), the finance, audit, legal-affairs and HR bodies that
exist, the fault-liability rules each government adopted, a year of sunshine publications with
the disclosure checklist, referrals in every state, joint meetings with follow-ups, joint
inspections with rectifications, deputies' evaluations; then the overdue checks on ``ctx.today``.
Small: a few of each; city: ~1,500 publications, ~400 referrals, ~1,000 evaluations.

Bulk writes go through :func:`zeren.oversight.actions.do_import_batch` (one audit entry a batch);
referrals' findings through ``do_raise_findings``. Log-ins ``jc_district`` (a district supervision
officer) and ``caizheng`` (finance bureau staff) are added for trying the visibility rules.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from zeren.access.models import Role
from zeren.demo.context import DemoContext
from zeren.findings.actions import FindingSpec, do_raise_findings
from zeren.findings.causes import names, titled
from zeren.findings.rules import dedupe_key
from zeren.org.actions import do_create_login, do_import_registry
from zeren.org.models import Level, Unit, UnitKind
from zeren.org.registry import RegistryData, UnitRow
from zeren.oversight import rules
from zeren.oversight.actions import APP, do_check_disclosures, do_escalate_overdue_tasks, do_import_batch
from zeren.oversight.models import (
    Attachment,
    Body,
    BodyKind,
    DisclosureRequirement,
    EvaluatorKind,
    ExternalEvaluation,
    FindingCause,
    InspectionIssue,
    InspectionStatus,
    IssueStatus,
    JointInspection,
    JointMeeting,
    MeetingTask,
    Publication,
    PublicationCategory,
    PublicationStatus,
    Rating,
    Referral,
    ReferralNote,
    ReferralOutcome,
    ReferralStatus,
    ReferralType,
    RuleAdoption,
)
from zeren.workcal.selectors import get_calendar

ORDER = 45
TZ = ZoneInfo(settings.TIME_ZONE)
REFERRING = {"CZ": BodyKind.FINANCE, "SJ": BodyKind.AUDIT, "SF": BodyKind.LEGAL, "RS": BodyKind.HR}
TOPICS = {
    PublicationCategory.PLAN: ["{y}年国民经济和社会发展计划", "“十五五”专项规划", "城市更新五年规划", "产业发展规划",
                               "生态环境保护规划"],
    PublicationCategory.DECISION: ["关于调整公共交通票价的决定", "重大建设项目立项决策", "关于实施民生实事的决定",
                                   "关于优化营商环境的若干措施", "政府投资项目计划"],
    PublicationCategory.TARGET: ["{y}年度工作目标责任书", "{y}年度重点工作任务分解", "{y}年第{q}季度目标完成情况"],
    PublicationCategory.EMERGENCY: ["台风“{n}”防御及处置情况", "突发暴雨内涝处置情况", "危化品泄漏事故处置情况",
                                    "食品安全事件处置情况", "供水管网爆管抢修情况"],
}
STORMS = ["海葵", "苏拉", "摩羯", "山竹", "天鸽", "桦加沙"]
FACTS = {
    ReferralType.FUNDS: "专项资金 {m} 万元未按规定用途使用，部分资金用于办公用房装修。",
    ReferralType.AUDIT: "审计发现政府采购项目化整为零规避公开招标，涉及金额 {m} 万元。",
    ReferralType.LAW_ENFORCEMENT: "行政复议中发现该单位作出的行政处罚决定主要事实不清、程序违法。",
    ReferralType.PERSONNEL: "干部人事档案专项审核发现违规突击提拔、超职数配备干部。",
}
TYPE_BY_KIND = {BodyKind.FINANCE: ReferralType.FUNDS, BodyKind.AUDIT: ReferralType.AUDIT,
                BodyKind.LEGAL: ReferralType.LAW_ENFORCEMENT, BodyKind.HR: ReferralType.PERSONNEL}
ISSUES = ["专项资金未设专账核算", "政府采购未按规定公开", "行政执法案卷不规范", "行政审批超时未说明理由",
          "公开清单事项逾期未公开", "财务报销票据不合规", "编外人员管理不规范"]
COMMENTS = ["服务窗口效率明显提高", "政务公开内容更新不及时", "办事指南清晰", "群众反映的问题答复较慢", "建议加强基层执法力量"]


def tiny_pdf(title: str) -> bytes:
    """A small valid one-page PDF (the demo's attachment), unique per title."""
    text = title.encode("utf-8").hex()
    stream = f"BT /F1 12 Tf 72 720 Td <{text}> Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TZ)


class NetworkBuilder:
    def __init__(self, ctx: DemoContext):
        self.ctx, self.rng, self.notes = ctx, ctx.rng, ctx.notes
        self.cal = get_calendar()
        self.today = ctx.today
        self.year_start = self.today - timedelta(days=365)

    def day(self, start: date | None = None, end: date | None = None) -> date:
        start, end = start or self.year_start, end or self.today
        return start + timedelta(days=self.rng.randrange(max((end - start).days, 1)))

    def workdays(self, day: date, n: int) -> date:
        return self.cal.add_workdays(day, n)

    # --- bodies -------------------------------------------------------------------------------
    def bodies(self) -> None:
        city = Unit.objects.get(code=self.notes["city_code"])
        districts = list(Unit.objects.filter(code__in=self.notes["district_codes"]))
        streets = list(Unit.objects.filter(code__in=self.notes["street_codes"]))
        # The district and street supervision bodies become org units in one registry import.
        rows = [UnitRow(code=f"{g.code}-JC", parent_code=g.code, kind=UnitKind.SUPERVISION, level=g.level,
                        valid_from=date(2019, 3, 1),
                        name=g.name.replace("人民政府", "监察局").replace("办事处", "纪检监察室"),
                        name_en=g.name_en.replace("People's Government", "Supervision Bureau")
                        .replace("Office", "Discipline Inspection and Supervision Office"))
                for g in [*districts, *streets]]
        do_import_registry(None, RegistryData(units=rows), source="zeren demo (oversight)",
                           reason="demo: district and street supervision bodies (演示数据)")
        made = list(Unit.objects.filter(code__in=[r.code for r in rows]).select_related("parent"))
        governments = {u.code: u for u in [city, *districts, *streets]}
        bodies = [Body(unit=Unit.objects.get(code=self.notes["department_codes"]["supervision"]),
                       kind=BodyKind.SUPERVISION, level=Level.CITY, jurisdiction=city)]
        bodies += [Body(unit=u, kind=BodyKind.SUPERVISION, level=u.level, jurisdiction=governments[u.parent.code])
                   for u in made]
        referring = Unit.objects.filter(parent__code__in=[city.code, *self.notes["district_codes"]],
                                        kind=UnitKind.DEPARTMENT)
        for unit in referring:
            kind = REFERRING.get(unit.code.rsplit("-", 1)[-1])
            if kind:
                bodies.append(Body(unit=unit, kind=kind, level=unit.level, jurisdiction=governments[unit.parent.code]))
        self.all_bodies = do_import_batch(actor=None, objects=bodies, reason="demo: the oversight network (演示数据)")
        self.by_jurisdiction: dict[int, list[Body]] = defaultdict(list)
        for body in self.all_bodies:
            self.by_jurisdiction[body.jurisdiction_id].append(body)
        self.supervision = [b for b in self.all_bodies if b.kind == BodyKind.SUPERVISION]
        adoptions = [RuleAdoption(unit=governments[city.code], title="深圳市行政过错责任追究办法", document_no="深府〔2005〕101号",
                                  adopted_on=date(2005, 3, 1))]
        for gov in [*districts, *streets]:
            if gov.level == Level.DISTRICT or self.rng.random() < 0.7:
                adopted = date(self.rng.randint(2005, 2012), self.rng.randint(1, 12), self.rng.randint(1, 28))
                adoptions.append(RuleAdoption(unit=gov, title=f"{gov.name.replace('人民政府', '')}行政过错责任追究实施办法",
                                              document_no=f"〔{adopted.year}〕{self.rng.randint(1, 99)}号", adopted_on=adopted))
        do_import_batch(actor=None, objects=adoptions, reason="demo: fault-liability rules adopted (演示数据)")
        self.units = list(Unit.objects.filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.STREET_OFFICE])
                          .exclude(code__in=[b.unit.code for b in self.all_bodies]).only("id", "code", "name", "path"))

    def competent(self, unit: Unit) -> Body:
        """The lowest supervision body overseeing ``unit``: the nearest ancestor with one."""
        by_path = self.__dict__.setdefault("_by_path", {b.jurisdiction.path: b for b in self.supervision})
        parts = unit.path.strip("/").split("/")
        return next(by_path[p] for i in range(len(parts), 0, -1) if (p := "/" + "/".join(parts[:i]) + "/") in by_path)

    def units_under(self, root: Unit) -> list[Unit]:
        """The demo's units in the subtree of ``root`` (cached per root)."""
        cache = self.__dict__.setdefault("_under", {})
        if root.pk not in cache:
            cache[root.pk] = [u for u in self.units if rules.in_subtree(u.path, root.path)]
        return cache[root.pk]

    # --- 阳光工程 ------------------------------------------------------------------------------
    def publications(self) -> None:
        rng, year = self.rng, self.today.year
        units = [u for u in self.units if u.path.count("/") <= 4]
        n = self.ctx.scaled(60, 1500)
        requirements, pubs = [], []
        for unit in rng.sample(units, min(len(units), self.ctx.scaled(20, 400))):
            for category in PublicationCategory.values:
                due = self.day(self.year_start + timedelta(days=60))
                met = None if rng.random() < 0.15 else min(due - timedelta(days=rng.randint(-10, 20)), self.today)
                if met is not None and met > self.today:
                    met = None
                requirements.append(DisclosureRequirement(unit=unit, category=category, due_on=due, met_on=met,
                                                          title=f"{PublicationCategory(category).label}（{due.year}年）"))
        requirements = do_import_batch(actor=None, objects=requirements, reason="demo: disclosure checklist (演示数据)")
        for i in range(n):
            req = requirements[i] if i < len(requirements) and requirements[i].met_on else None
            unit = req.unit if req else rng.choice(units)
            category = req.category if req else rng.choice(PublicationCategory.values)
            title = rng.choice(TOPICS[category]).format(y=year, q=rng.randint(1, 4), n=rng.choice(STORMS))
            issued = req.met_on - timedelta(days=rng.randint(0, 5)) if req else self.day()
            roll = rng.random()
            status = (PublicationStatus.DRAFT if roll < 0.05 else PublicationStatus.APPROVED if roll < 0.08
                      else PublicationStatus.WITHDRAWN if roll < 0.11 else PublicationStatus.PUBLISHED)
            published = at(req.met_on if req else min(issued + timedelta(days=rng.randint(0, 10)), self.today))
            public = status in (PublicationStatus.PUBLISHED, PublicationStatus.WITHDRAWN)
            pubs.append(Publication(
                unit=unit, category=category, title=f"{unit.name}{title}", issued_on=issued, status=status,
                body=f"{unit.name}{title}。\n\n一、基本情况\n根据市委市政府部署，{unit.name}围绕年度重点工作推进落实。\n\n"
                     f"二、主要内容\n{rng.choice(COMMENTS)}；{rng.choice(COMMENTS)}。\n\n三、联系方式\n{unit.name}办公室",
                created_at=at(issued, 9), published_at=published if public else None, requirement=req,
                withdrawn_at=published + timedelta(days=3) if status == PublicationStatus.WITHDRAWN else None,
                withdrawal_reason="部分数据口径有误，更正后将重新发布" if status == PublicationStatus.WITHDRAWN else ""))
        pubs = do_import_batch(actor=None, objects=pubs, reason="demo: sunshine publications (演示数据)")
        self.attach("oversight.publication", pubs[: self.ctx.scaled(20, 100)], "publication attachments")

    def attach(self, owner_type: str, owners: list, what: str) -> None:
        """A small PDF attached to each of ``owners`` (a publication's document, a referral's evidence)."""
        rows = []
        for owner in owners:
            data = tiny_pdf(owner.title)
            rows.append(Attachment(owner_type=owner_type, owner_id=owner.pk, name=f"{owner.title[:40]}.pdf",
                                   content_type="application/pdf", size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                                   content=data, uploaded_at=at(getattr(owner, "referred_on", None) or owner.issued_on)))
        do_import_batch(actor=None, objects=rows, reason=f"demo: {what} (演示数据)")

    # --- 移送处理 ------------------------------------------------------------------------------
    def referrals(self) -> None:
        rng = self.rng
        referring = [b for b in self.all_bodies if b.kind != BodyKind.SUPERVISION]
        rows, numbers = [], defaultdict(int)
        for _ in range(self.ctx.scaled(24, 400)):
            source = rng.choice(referring)
            unit = rng.choice(self.units_under(source.jurisdiction))
            referred = self.day()
            register_due = self.workdays(referred, rules.limit("register"))
            numbers[referred.year] += 1
            r = Referral(number=rules.referral_number(referred.year, numbers[referred.year]), from_body=source, to_body=self.competent(unit),
                         unit=unit, type=TYPE_BY_KIND[source.kind], referred_on=referred, register_due=register_due,
                         title=f"{unit.name}{ReferralType(TYPE_BY_KIND[source.kind]).label}问题",
                         facts=FACTS[TYPE_BY_KIND[source.kind]].format(m=rng.randint(5, 500)))
            registered = self.workdays(referred, rng.choice([1, 2, 3, 4, 5, 5, 7]))
            if registered <= self.today:
                r.status, r.registered_on = ReferralStatus.REGISTERED, registered
                r.report_due = self.workdays(registered, rules.limit("report"))
                reported = self.workdays(registered, rng.randint(8, 36))
                if reported <= self.today and rng.random() < 0.85:
                    r.status, r.reported_on = ReferralStatus.REPORTED, reported
                    r.outcome = rng.choices(ReferralOutcome.values, [3, 4, 2, 1])[0]
                    r.result_summary = {"case_opened": "已立案调查，对相关责任人给予处分。",
                                        "rectification": "责令限期整改，追回违规资金。",
                                        "no_violation": "经核查未发现违纪违法问题。",
                                        "transferred": "涉嫌犯罪，已移交司法机关。"}[r.outcome]
            rows.append(r)
        rows = do_import_batch(actor=None, objects=rows, reason="demo: referrals (演示数据)")
        self.attach("oversight.referral", rows, "referral evidence")  # no referral without evidence
        do_import_batch(actor=None, reason="demo: handling notes (演示数据)", objects=[
            ReferralNote(referral=r, body=rng.choice(["已调取相关凭证", "约谈单位负责人", "召开案件审理会"]),
                         created_at=at(r.registered_on, 15)) for r in rows if r.registered_on])
        cause = FindingCause.REFERRAL.value
        do_raise_findings(actor=None, reason="demo: referrals raise findings (演示数据)", specs=[FindingSpec(
            dedupe_key=dedupe_key(APP, cause, "oversight.referral", str(r.pk)), cause=cause, source_app=APP,
            **titled(cause, title=r.title, body=names(r.from_body.unit.name, r.from_body.unit.name_en)),
            unit_id=r.unit_id, evidence_type="oversight.referral",
            evidence_id=str(r.pk), evidence_url=f"/oversight/referrals/{r.pk}/", occurred_on=r.referred_on,
            details={"number": r.number, "type": r.type}) for r in rows])
        self.referral_count = len(rows)

    # --- 联席会议 ------------------------------------------------------------------------------
    def meetings(self) -> None:
        rng = self.rng
        conveners = [b for b in self.supervision if b.level in (Level.CITY, Level.DISTRICT)]
        meetings, members = [], []
        for body in conveners:
            mates = [b for b in self.by_jurisdiction[body.jurisdiction_id] if b.pk != body.pk]
            for quarter in range(4):
                held = self.workdays(self.year_start + timedelta(days=91 * quarter + rng.randint(5, 40)), 0)
                meetings.append(JointMeeting(convener=body, title=f"{body.jurisdiction.name}监督工作联席会议（第{quarter + 1}次）",
                                             held_on=held, agenda="一、通报电子监察红牌情况\n二、移送案件办理情况\n三、上次会议议定事项落实情况",
                                             minutes="会议听取了各成员单位工作汇报，研究部署下一阶段工作。"))
                members.append([body, *mates])
        meetings = do_import_batch(actor=None, objects=meetings, reason="demo: joint meetings (演示数据)")
        Through = JointMeeting.members.through
        Through.objects.bulk_create([Through(jointmeeting_id=m.pk, body_id=b.pk) for m, ms in zip(meetings, members, strict=True)
                                     for b in ms])
        tasks = []
        for m, ms in zip(meetings, members, strict=True):
            for _ in range(rng.randint(1, 3)):
                owner = rng.choice(ms)
                days = rng.choice([10, 15, 20])
                due = self.workdays(m.held_on, days)
                done = self.workdays(m.held_on, rng.randint(3, 25))
                tasks.append(MeetingTask(meeting=m, owner=owner, workdays=days, due_on=due,
                                         decision=rng.choice(["开展专项资金使用情况自查", "建立移送案件月报制度",
                                                              "督促逾期公开事项整改", "对红牌较多的单位进行约谈"]),
                                         done_on=done if done <= self.today and rng.random() < 0.8 else None,
                                         report="已按要求完成并报送书面材料"))
        for t in tasks:
            if t.done_on is None:
                t.report = ""
        do_import_batch(actor=None, objects=tasks, reason="demo: meeting follow-ups (演示数据)")

    # --- 联合检查 ------------------------------------------------------------------------------
    def inspections(self) -> None:
        rng = self.rng
        leads = [b for b in self.supervision if b.level in (Level.CITY, Level.DISTRICT)]
        plans, teams, targets = [], [], []
        for lead in leads:
            mates = [b for b in self.by_jurisdiction[lead.jurisdiction_id] if b.pk != lead.pk]
            if not mates:
                continue
            pool = self.units_under(lead.jurisdiction)
            for k in range(self.ctx.scaled(2, 4 if lead.level == Level.CITY else 2)):
                start = self.day(end=self.today - timedelta(days=30))
                plans.append(JointInspection(lead=lead, title=f"{lead.jurisdiction.name}{start.year}年专项联合检查（{k + 1}）",
                                             plan="检查专项资金使用、政府采购、行政执法和政务公开情况。", starts_on=start,
                                             ends_on=start + timedelta(days=rng.randint(10, 30))))
                teams.append([lead, *rng.sample(mates, min(len(mates), 2))])
                targets.append(rng.sample(pool, min(len(pool), rng.randint(2, 4))))
        plans = do_import_batch(actor=None, objects=plans, reason="demo: joint inspections (演示数据)")
        team_through, target_through = JointInspection.team.through, JointInspection.targets.through
        team_through.objects.bulk_create([team_through(jointinspection_id=p.pk, body_id=b.pk)
                                          for p, t in zip(plans, teams, strict=True) for b in t])
        target_through.objects.bulk_create([target_through(jointinspection_id=p.pk, unit_id=u.pk)
                                            for p, t in zip(plans, targets, strict=True) for u in t])
        issues = []
        for p, units in zip(plans, targets, strict=True):
            for unit in units:
                for _ in range(rng.randint(0, 2)):
                    found = p.starts_on + timedelta(days=rng.randint(0, 9))
                    due = self.workdays(found, rules.limit("rectify"))
                    reported = self.workdays(found, rng.randint(10, 26))
                    issue = InspectionIssue(inspection=p, unit=unit, description=rng.choice(ISSUES), found_on=found,
                                            workdays=rules.limit("rectify"), rectify_due=due)
                    if reported <= self.today and rng.random() < 0.85:
                        issue.status, issue.report, issue.reported_on = IssueStatus.REPORTED, "已完成整改", reported
                        accepted = self.workdays(reported, 3)
                        if accepted <= self.today:
                            issue.status, issue.accepted_on = IssueStatus.ACCEPTED, accepted
                    issues.append(issue)
        do_import_batch(actor=None, objects=issues, reason="demo: inspection findings (演示数据)")
        pending = {i.inspection_id for i in issues if i.status != IssueStatus.ACCEPTED}
        closed = [p.pk for p in plans if p.pk not in pending and p.ends_on < self.today]
        JointInspection.objects.filter(pk__in=[p.pk for p in plans]).update(status=InspectionStatus.UNDERWAY)
        JointInspection.objects.filter(pk__in=closed).update(status=InspectionStatus.CLOSED, closed_on=self.today,
                                                             conclusion="问题均已整改到位，检查结束。")

    # --- 外部监督 ------------------------------------------------------------------------------
    def external(self) -> None:
        rng = self.rng
        weights = {u.pk: rng.random() for u in self.units}
        rows = []
        for _ in range(self.ctx.scaled(60, 1000)):
            unit = rng.choice(self.units)
            good = weights[unit.pk]
            rating = rng.choices(Rating.values, [0.3 + good, 0.5, 0.9 - 0.8 * good])[0]
            kind = rng.choice(EvaluatorKind.values)
            rows.append(ExternalEvaluation(unit=unit, evaluator_kind=kind, visited_on=self.day(), rating=rating,
                                           evaluator=f"{rng.choice('王李张刘陈杨黄赵')}{'代表' if kind == 'deputy' else '委员'}",
                                           comments=rng.choice(COMMENTS)))
        do_import_batch(actor=None, objects=rows, reason="demo: deputies' evaluations (演示数据)")

    def logins(self) -> None:
        # The org step's log-ins share the demo password: reuse its hash rather than hash again (≈ 0.5 s).
        officer = get_user_model().objects.filter(username="officer").values_list("password", flat=True).first()
        password = officer or make_password(settings.ZEREN_DEMO_PASSWORD)
        district = Unit.objects.get(code=self.notes["district_codes"][0])
        finance = next((b.unit for b in self.all_bodies if b.kind == BodyKind.FINANCE and b.level == Level.CITY), None)
        do_create_login(actor=None, username="jc_district", password_hash=password, person=None,
                        unit=Unit.objects.get(code=f"{district.code}-JC"), roles=[(Role.SUPERVISION_OFFICER, district)],
                        reason="演示登录账号：区监察员")
        if finance is not None:
            do_create_login(actor=None, username="caizheng", password_hash=password, person=None, unit=finance,
                            roles=[(Role.STAFF, finance)], reason="演示登录账号：财政局工作人员")


def build(ctx: DemoContext) -> None:
    builder = NetworkBuilder(ctx)
    builder.bodies()
    builder.publications()
    builder.referrals()
    builder.meetings()
    builder.inspections()
    builder.external()
    builder.logins()
    do_check_disclosures(actor=None, today=ctx.today)
    do_escalate_overdue_tasks(actor=None, today=ctx.today)
