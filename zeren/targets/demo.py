"""Demo step: target responsibility letters for the demo city's current year and the year before.

Each year: the city government's targets (市政府工作目标), decomposed to every department, district
government and street office (each with its letter, 目标管理责任书), then to their divisions and to
people. City: ≈ 11,000 targets a year (≥ 20,000 in all); small: a few hundred. Leaves report
progress quarterly with a planted performance (ahead, on plan, behind, stalled), so some targets are
at risk and some overdue; the daily follow-up's notices are planted for those (the oldest
unanswered ones escalated, with their findings); pilot units publish white papers; last year's
non-leading staff of the pilot departments are assessed (grades proposed by the rule, confirmed
within the 15 % 优秀 quota, two appeals).

Targets, milestones, reports and notices are written as plain rows by :mod:`zeren.targets.bulk` (no
per-row actions, no model instances: the city step must stay within its 4 s) and recorded by one
audit entry; the assessment round, a few thousand rows at most, goes through its actions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from zeren.audit.actions import record_event
from zeren.demo.context import DemoContext
from zeren.findings.actions import FindingSpec, do_raise_findings
from zeren.findings.causes import titled
from zeren.org.models import Membership, Unit, UnitKind
from zeren.targets import causes, rules
from zeren.targets.bulk import insert, next_id, sync_sequence
from zeren.targets.models import (
    Grade,
    IndicatorKind,
    Letter,
    Milestone,
    Notice,
    NoticeStatus,
    PaperState,
    ProgressReport,
    Source,
    Target,
    TargetState,
    WhitePaper,
    WhitePaperPilot,
)

ORDER = 40
# Bodies outside the government's target system: the congress, the CPPCC and the party committee's organs
# (the demo's 编办, kind ``other``).
SKIP_KINDS = {UnitKind.PEOPLES_CONGRESS, UnitKind.CPPCC, UnitKind.OTHER}
# (title, source, measure, baseline, target, quantitative)
CITY_TARGETS = [
    ("地区生产总值增长", Source.MAJOR_DECISION, "%", 0, 6.0, True),
    ("新增商事主体", Source.KEY_TASK, "万户", 0, 50, True),
    ("新增城镇就业", Source.LIVELIHOOD_PROJECT, "万人", 0, 15, True),
    ("建设筹集保障性住房", Source.LIVELIHOOD_PROJECT, "万套", 0, 8, True),
    ("新增学位", Source.LIVELIHOOD_PROJECT, "万个", 0, 12, True),
    ("重大项目完成投资", Source.MAJOR_PROJECT, "亿元", 0, 1200, True),
    ("PM2.5 年均浓度", Source.KEY_TASK, "微克/立方米", 22, 18, True),
    ("行政审批平均时限压缩", Source.KEY_TASK, "工作日", 12, 8, True),
    ("生产安全事故死亡人数下降", Source.ROUTINE_DUTY, "人", 160, 140, True),
    ("新建公园", Source.LIVELIHOOD_PROJECT, "个", 0, 40, True),
    ("城中村综合治理", Source.MAJOR_PROJECT, "个", 0, 120, True),
    ("政务服务事项网上可办率", Source.KEY_TASK, "%", 85, 98, True),
    ("优化营商环境改革方案", Source.MAJOR_DECISION, "", None, None, False),
    ("河湖长制考核整改", Source.ROUTINE_DUTY, "", None, None, False),
    ("数字政府建设三年行动", Source.MAJOR_DECISION, "", None, None, False),
    ("基层治理体系改革", Source.KEY_TASK, "", None, None, False),
    ("食品安全城市创建", Source.ROUTINE_DUTY, "", None, None, False),
    ("轨道交通建设", Source.MAJOR_PROJECT, "公里", 0, 60, True),
    ("老旧小区改造", Source.LIVELIHOOD_PROJECT, "个", 0, 300, True),
    ("新增养老床位", Source.LIVELIHOOD_PROJECT, "张", 0, 5000, True),
]
ACTIONS = ["推进", "落实", "完成", "组织实施"]
QUALITATIVE_STEPS = [("方案制定", "实施方案"), ("组织实施", "阶段报告"), ("总结验收", "验收报告")]
# share of leaves by planted performance: the value reached at the deadline as a share of the plan
PERFORMANCE = [(1.08, 0.25), (1.0, 0.45), (0.8, 0.18), (0.45, 0.12)]
PILOTS = (5, 16)  # white-paper pilot units last year and this year, as in the seed (2006: 5, 2007: 16)


TARGET_COLUMNS = ("id", "code", "year", "title", "source", "letter_id", "unit_id", "leader_id", "person_id", "parent_id",
                  "weight", "start", "deadline", "kind", "measure", "baseline", "target_value", "additive", "state", "note")


@dataclass(slots=True)
class T:
    """A demo target before it is written: the columns of :data:`TARGET_COLUMNS`."""

    id: int
    code: str
    year: int
    title: str
    source: str
    unit_id: int
    leader_id: int | None
    person_id: int | None
    parent: T | None
    weight: float
    start: date
    deadline: date
    kind: str
    measure: str
    baseline: float | None
    target_value: float | None
    additive: bool
    letter_id: int | None

    @property
    def quantitative(self) -> bool:
        return self.kind == IndicatorKind.QUANTITATIVE

    def row(self) -> tuple:
        return (self.id, self.code, self.year, self.title, self.source, self.letter_id, self.unit_id, self.leader_id,
                self.person_id, self.parent.id if self.parent else None, self.weight, self.start, self.deadline,
                self.kind, self.measure, self.baseline, self.target_value, self.additive, TargetState.ACTIVE, "")


class Builder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx, self.rng = ctx, ctx.rng
        from zeren.workcal.selectors import get_calendar

        self.cal = rules.Memoised(get_calendar())
        units = list(Unit.objects.valid_on(ctx.today).exclude(kind__in=SKIP_KINDS).values(
            "id", "code", "name", "short_name", "kind", "parent_id", "path"))
        self.units = {u["id"]: u for u in units}
        self.children: dict[int, list[int]] = defaultdict(list)
        for u in units:
            if u["parent_id"] in self.units:
                self.children[u["parent_id"]].append(u["id"])
        self.heads: dict[int, int] = {}
        self.staff: dict[int, list[int]] = defaultdict(list)
        rows = (Membership.objects.filter(end_date__isnull=True).order_by("post_id", "id")
                .values_list("unit_id", "person_id", "post__is_leading"))
        for unit_id, person_id, leading in rows:
            if leading:
                self.heads.setdefault(unit_id, person_id)
            else:
                self.staff[unit_id].append(person_id)
        self.next_target = next_id(Target)
        self.targets: list[T] = []
        self.letters: dict[tuple[int, int], int] = {}
        self.milestones: list[tuple] = []
        self.reports: list[tuple] = []
        self.facts: dict[int, rules.Facts] = {}

    def new(self, **fields: Any) -> T:
        t = T(id=self.next_target, **fields)
        self.next_target += 1
        self.targets.append(t)
        return t

    # --- letters and targets ---
    def year(self, year: int) -> None:
        """The city's targets of ``year`` and their decomposition: units, divisions, people."""
        ctx, rng = self.ctx, self.rng
        signed = self.cal.add_workdays(date(year - 1, 12, 31), 10)
        first = next_id(Letter)
        owners = [u for u in self.units.values() if u["kind"] != UnitKind.DIVISION]
        insert(Letter, ("id", "unit_id", "year", "signatory_id", "signed_on", "attachments"),
               [(first + i, u["id"], year, self.heads.get(u["id"]), signed, []) for i, u in enumerate(owners)])
        self.letters.update({(year, u["id"]): first + i for i, u in enumerate(owners)})
        start = self.cal.add_workdays(date(year - 1, 12, 31), 1)
        city = next(u for u in owners if u["parent_id"] is None and u["kind"] == UnitKind.GOVERNMENT)
        level = []
        for i, (title, source, measure, baseline, target, quantitative) in enumerate(CITY_TARGETS[: ctx.scaled(8, len(CITY_TARGETS))]):
            deadline = rng.choice([date(year, 12, 31), date(year, 12, 31), date(year, 12, 25), date(year, 9, 30),
                                   date(year, 6, 30)])
            level.append(self.new(
                code=f"{year}-{city['code']}-{i + 1:02d}", year=year, title=title, source=source, unit_id=city["id"],
                leader_id=self.heads.get(city["id"]), person_id=None, parent=None, weight=100.0, start=start,
                deadline=deadline, kind=IndicatorKind.QUANTITATIVE if quantitative else IndicatorKind.QUALITATIVE,
                measure=measure, baseline=baseline, target_value=target,
                additive=quantitative and baseline == 0 and measure != "%", letter_id=self.letters[(year, city["id"])]))
        serial = [0]
        parents, level = level, []
        for owner in owners:  # each department, district government and street office takes some city targets
            if owner["id"] != city["id"]:
                level += [self.child(p, owner, serial) for p in rng.sample(parents, min(ctx.scaled(3, 6), len(parents)))]
        self.split(level)
        for depth in (3, 4):  # divisions, then people in them
            parents, level = level, []
            for parent in parents:
                owner = self.units[parent.unit_id]
                if depth == 3:
                    subs = [self.units[c] for c in self.children.get(owner["id"], [])
                            if self.units[c]["kind"] == UnitKind.DIVISION]
                    level += [self.child(parent, sub, serial) for sub in rng.sample(subs, min(len(subs), rng.choice((1, 2, 2, 3))))]
                else:
                    people = self.staff.get(owner["id"], [])
                    level += [self.child(parent, owner, serial, person_id=p)
                              for p in rng.sample(people, min(len(people), rng.choice((1, 1, 2))))]
            self.split(level)

    def child(self, parent: T, owner: dict[str, Any], serial: list[int], person_id: int | None = None) -> T:
        serial[0] += 1
        name = owner["short_name"] or owner["name"]
        title = parent.title if person_id else f"{name}{self.rng.choice(ACTIONS)}{parent.title.split('：')[-1]}"
        return self.new(
            code=f"{parent.year}-{owner['code']}-{serial[0]:05d}", year=parent.year, title=title[:300],
            source=parent.source, unit_id=owner["id"], leader_id=self.heads.get(owner["id"]) or parent.leader_id,
            person_id=person_id, parent=parent, weight=100.0, start=parent.start, deadline=parent.deadline,
            kind=parent.kind, measure=parent.measure, baseline=parent.baseline, target_value=parent.target_value,
            additive=parent.additive, letter_id=self.letters.get((parent.year, owner["id"]), parent.letter_id))

    def split(self, level: list[T]) -> None:
        """Siblings share 100 of weight and, for additive indicators, the parent's target value (+2 %)."""
        groups: dict[int, list[T]] = defaultdict(list)
        parents: dict[int, T] = {}
        for t in level:
            assert t.parent is not None, "a level below the city's has parents"
            groups[t.parent.id].append(t)
            parents[t.parent.id] = t.parent
        for parent_id, siblings in groups.items():
            shares = [self.rng.uniform(0.6, 1.4) for _ in siblings]
            total = sum(shares)
            parent_value = parents[parent_id].target_value
            for t, share in zip(siblings, shares, strict=True):
                t.weight = round(100 * share / total, 2)
                if t.additive and parent_value is not None:
                    t.target_value = round(parent_value * share / total * 1.02, 3)

    # --- milestones and reports (leaves only: a parent's progress is its children's) ---
    def progress(self, as_of: date) -> None:
        rng, cal = self.rng, self.cal
        has_children = {t.parent.id for t in self.targets if t.parent}
        now = timezone.now()
        milestone_id, report_id = next_id(Milestone), next_id(ProgressReport)
        for t in self.targets:
            facts = self.facts[t.id] = rules.Facts(
                id=t.id, parent_id=t.parent.id if t.parent else None, weight=t.weight, start=t.start,
                deadline=t.deadline, quantitative=t.quantitative, baseline=t.baseline, target=t.target_value)
            if t.id in has_children:
                continue
            span = max(1, cal.workdays_between(t.start, t.deadline))
            planned: list[tuple[str, str, date, float | None, str]]
            if t.quantitative:
                planned = [(f"M{i}", f"{d.month} 月底节点", d, _plan(t, cal.workdays_between(t.start, d) / span), "")
                           for i, d in enumerate([d for d in (date(t.year, 6, 30), date(t.year, 9, 30)) if d < t.deadline], 1)]
            else:
                days = (t.deadline - t.start).days
                planned = [(f"M{i}", title, t.start + timedelta(days=round(days * i / len(QUALITATIVE_STEPS))), None, deliverable)
                           for i, (title, deliverable) in enumerate(QUALITATIVE_STEPS, 1)]
            performance = _pick(rng.random())
            for code, title, due, expected, deliverable in planned:
                self.milestones.append((milestone_id, t.id, code, title, due, expected, deliverable))
                done_on = due - timedelta(days=rng.randint(0, 10))
                if not t.quantitative and done_on <= as_of and rng.random() < performance:
                    self.reports.append((report_id, t.id, milestone_id, done_on, None, True, f"{title}：已形成{deliverable}", [], now))
                    report_id += 1
                    facts.milestones.append(rules.MilestoneFacts(due, None, done_on))
                else:
                    facts.milestones.append(rules.MilestoneFacts(due, expected, None))
                milestone_id += 1
            if t.quantitative:
                for day in _report_days(t, as_of):
                    share = cal.workdays_between(t.start, day) / span
                    # on the way: the planted performance with noise; at the deadline: exactly it
                    noise = 1.0 if day == t.deadline else rng.uniform(0.95, 1.05)
                    value = _plan(t, min(1.0, share * performance * noise))
                    self.reports.append((report_id, t.id, None, day, value, False, f"截至 {day} 累计完成 {value:g}{t.measure}", [], now))
                    report_id += 1
                    facts.values.append((day, value))

    def write(self) -> None:
        insert(Target, TARGET_COLUMNS, [t.row() for t in self.targets])
        insert(Milestone, ("id", "target_id", "code", "title", "due", "expected", "deliverable"), self.milestones)
        insert(ProgressReport, ("id", "target_id", "milestone_id", "date", "value", "done", "note", "attachments",
                                "reported_at"), self.reports)
        for model in (Letter, Target, Milestone, ProgressReport):
            sync_sequence(model)


def _plan(t: T, share: float) -> float:
    base = t.baseline or 0.0
    target = t.target_value if t.target_value is not None else base  # a quantitative target has one
    return round(base + (target - base) * share, 3)


def _pick(x: float) -> float:
    for performance, weight in PERFORMANCE:
        if x < weight:
            return performance
        x -= weight
    return PERFORMANCE[-1][0]


def _report_days(t: T, as_of: date) -> list[date]:
    """Quarter ends before the deadline, and the deadline itself, that are not after ``as_of``."""
    days = [date(t.year, m, d) for m, d in ((3, 31), (6, 30), (9, 30)) if date(t.year, m, d) < t.deadline]
    return [d for d in [*days, t.deadline] if d <= as_of]


def build(ctx: DemoContext) -> None:
    today = ctx.today
    builder = Builder(ctx)
    for year in (today.year - 1, today.year):
        builder.year(year)
    builder.progress(today)
    builder.write()
    computed = rules.evaluate(builder.facts.values(), today, builder.cal)
    notices, findings = follow_up(builder, computed, today)
    papers = white_papers(ctx, builder)
    assessed = assessments(ctx, builder)
    counts = {"targets": len(builder.targets), "milestones": len(builder.milestones), "reports": len(builder.reports),
              "notices": notices, "findings": findings, "white_papers": papers, "assessments": assessed,
              "statuses": dict(Counter(s.status for s in computed.values()))}
    record_event(actor=None, action="targets.demo", object_type="targets.target", object_id=f"demo:{today.isoformat()}",
                 changes=counts)
    ctx.notes["targets"] = counts


NOTICE_COLUMNS = ("id", "target_id", "unit_id", "addressee_id", "reason", "issued_on", "due_on", "level",
                  "escalated_from_id", "status", "reply", "revised_plan", "replied_on", "closed_on")


def follow_up(builder: Builder, computed: dict[int, rules.Status], today: date) -> tuple[int, int]:
    """The follow-up of this year's units' targets at risk or overdue, as the daily run would have left
    it: notices issued 8 working days ago (so past due); a third answered, some still open, the rest
    escalated to the parent unit's leader — with the findings of overdue targets and escalations."""
    cal, rng = builder.cal, builder.rng
    issued = cal.add_workdays(today, -8)
    due = rules.notice_due(cal, issued)
    flagged = [t for t in builder.targets if t.year == today.year and t.person_id is None and t.start <= issued
               and computed[t.id].status in rules.FOLLOW_UP_STATUSES]
    notice_id = next_id(Notice)
    rows: list[tuple[Any, ...]] = []
    escalations: list[tuple[Any, ...]] = []
    escalated: list[tuple[int, T]] = []
    for t in flagged:
        roll, status = rng.random(), computed[t.id].status
        if roll < 0.35:
            rows.append((notice_id, t.id, t.unit_id, t.leader_id, status, issued, due, 0, None, NoticeStatus.ANSWERED,
                         "已制定整改计划，加快推进", "增加人员力量，按月调度", cal.add_workdays(issued, 3), None))
        elif roll < 0.55:
            rows.append((notice_id, t.id, t.unit_id, t.leader_id, status, issued, due, 0, None, NoticeStatus.OPEN,
                         "", "", None, None))
        else:
            rows.append((notice_id, t.id, t.unit_id, t.leader_id, status, issued, due, 0, None, NoticeStatus.ESCALATED,
                         "", "", None, None))
            escalated.append((notice_id, t))
        notice_id += 1
    later = cal.add_workdays(due, 1)
    for first, t in escalated:
        parent = builder.units[t.unit_id]["parent_id"] or t.unit_id
        escalations.append((notice_id, t.id, parent, builder.heads.get(parent), computed[t.id].status, later,
                            rules.notice_due(cal, later), 1, first, NoticeStatus.OPEN, "", "", None, None))
        notice_id += 1
    insert(Notice, NOTICE_COLUMNS, rows + escalations)
    sync_sequence(Notice)
    specs = [FindingSpec(dedupe_key=f"targets.overdue:{t.code}", cause=causes.OVERDUE, source_app="targets",
                         **titled(causes.OVERDUE, code=t.code, title=t.title), unit_id=t.unit_id, person_id=t.leader_id,
                         evidence_type="targets.target", evidence_id=str(t.id), evidence_url=f"/targets/t/{t.id}/",
                         occurred_on=t.deadline, details={"progress": round(computed[t.id].progress, 4)})
             for t in flagged if computed[t.id].status == rules.OVERDUE]
    specs += [FindingSpec(dedupe_key=f"targets.notice_escalated:{first}", cause=causes.NOTICE_ESCALATED,
                          source_app="targets", **titled(causes.NOTICE_ESCALATED, target=t.code), unit_id=t.unit_id,
                          person_id=t.leader_id, evidence_type="targets.notice", evidence_id=str(first),
                          evidence_url=f"/targets/t/{t.id}/", occurred_on=due)
              for first, t in escalated]
    return len(rows) + len(escalations), do_raise_findings(actor=None, specs=specs, reason="目标管理演示数据")


def white_papers(ctx: DemoContext, builder: Builder) -> int:
    """Pilot departments (5 last year, 16 this year, as in the seed) and this year's white papers:
    the first ones published with their content, the others still drafts."""
    from zeren.targets.whitepaper import content_for

    today = ctx.today
    departments = sorted((u for u in builder.units.values() if u["kind"] == UnitKind.DEPARTMENT and u["path"].count("/") == 3),
                         key=lambda u: u["path"])
    chosen = departments[: ctx.scaled(3, PILOTS[1])]
    WhitePaperPilot.objects.bulk_create(
        [WhitePaperPilot(unit_id=u["id"], year=today.year - 1) for u in chosen[: ctx.scaled(2, PILOTS[0])]]
        + [WhitePaperPilot(unit_id=u["id"], year=today.year) for u in chosen])
    units = Unit.objects.in_bulk([u["id"] for u in chosen])
    now = timezone.now()
    published = ctx.scaled(2, 4)
    papers = [WhitePaper(unit=units[u["id"]], year=today.year, state=PaperState.PUBLISHED, drafted_at=now,
                         published_at=now, content=content_for(units[u["id"]], today.year, today))
              for u in chosen[:published]]
    papers += [WhitePaper(unit=units[u["id"]], year=today.year, state=PaperState.DRAFT, drafted_at=now,
                          content=content_for(units[u["id"]], today.year, today)) for u in chosen[published:published + 2]]
    WhitePaper.objects.bulk_create(papers)
    return len(papers)


def assessments(ctx: DemoContext, builder: Builder) -> int:
    """Last year's assessment round (公务员年度考核) of the non-leading staff of this year's pilot
    departments and their divisions, through the real actions: grades proposed by the rule from the
    position descriptions and the people's targets (a few standards judged not met); the committee
    confirms them, changing the 优秀 beyond the 15 % quota to 称职 (名额所限) — except in the last
    pilot department, whose proposals still wait for its committee. Two people appeal: one decided,
    one still open."""
    from zeren.targets.actions import (
        Decision,
        do_confirm_assessments,
        do_decide_appeal,
        do_file_appeal,
        do_propose_assessments,
    )
    from zeren.targets.selectors import non_leading_staff

    rng, cal, year = builder.rng, builder.cal, ctx.today.year - 1
    notified = cal.add_workdays(date(year + 1, 1, 9), 1)
    pilots = list(Unit.objects.filter(pk__in=WhitePaperPilot.objects.filter(year=ctx.today.year).values("unit_id"))
                  .order_by("path"))
    count, confirmed = 0, []
    for n, unit in enumerate(pilots):
        staff = sorted(non_leading_staff(unit, year))
        unmet = {p: [rng.randrange(2)] for p in staff if rng.random() < 0.06}
        rows = do_propose_assessments(actor=None, unit=unit, year=year, as_of=date(year, 12, 31), unmet=unmet)
        count += len(rows)
        if n == len(pilots) - 1 and n > 0:
            break
        quota = rules.excellent_quota(len(rows))
        candidates = sorted((r for r in rows if r.proposed_grade == Grade.EXCELLENT),
                            key=lambda r: (-(r.basis.get("progress") or 0), r.person.code))
        decisions = [Decision(r, Grade.COMPETENT, reason=f"符合优秀条件，但本单位优秀名额 {quota} 人已满（名额所限）")
                     if r in candidates[quota:] else Decision(r, r.proposed_grade) for r in rows]
        confirmed += do_confirm_assessments(actor=None, unit=unit, year=year, decisions=decisions, notified_on=notified)
    appellants = [a for a in confirmed if a.grade in (Grade.BASIC, Grade.INCOMPETENT)][:2]
    for i, assessment in enumerate(appellants):
        appeal = do_file_appeal(actor=None, assessment=assessment, filed_on=cal.add_workdays(notified, 5 + i),
                                reason="部分目标未完成系项目审批延后所致，非本人原因，请求复核")
        if i == 0:
            do_decide_appeal(actor=None, appeal=appeal, grade=None, decided_on=cal.add_workdays(appeal.filed_on, 12),
                             decision="经复核，目标完成进度核实无误，维持原等次")
    return count
