"""Demo step: performance evaluation of the demo city (绩效评估), pilot first, then everyone.

Two AHP-weighted indicator systems (municipal departments; district governments) whose automatic
indicators come from the demo's own approvals (supervision), duties catalogue and, when the targets
step made them, targets; manual values (budget execution, key projects, departments' satisfaction
from an external survey) are imported as a file would be. A citizen satisfaction survey with
district quotas and one-time invitations collects responses for the districts. Rounds: a pilot of
16 departments and 6 districts (small: 4 and 2) over the first half of the demo's year, published;
then full coverage over the second half, published; recalibration proposals from both, some
accepted (a draft target; a draft change of a duty item for the 编办) and one rejected with their
reasons. One special evaluation (专项评估) of the year's 民生实事 across the units that carry it.
"""

from __future__ import annotations

from datetime import timedelta

from zeren.demo.context import DemoContext
from zeren.evaluation import sources
from zeren.evaluation.actions import (
    DutyDraft,
    do_collect_values,
    do_create_round,
    do_create_survey,
    do_decide_proposal,
    do_generate_proposals,
    do_import_system,
    do_import_values,
    do_issue_invitations,
    do_move_round,
    do_record_responses,
    do_score_round,
    do_submit_response,
)
from zeren.evaluation.models import Proposal, Question, QuestionKind
from zeren.org.models import Unit

ORDER = 50
SKIP = {"supervision", "performance", "congress", "cppcc"}
# Root judgements (Saaty 1–9): efficiency, duties, inputs, satisfaction. CR ≈ 0.02.
ROOT = ["D1", "D2", "D3", "D4"]
ROOT_MATRIX = [[1, 2, 3, 1], [1 / 2, 1, 2, 1 / 2], [1 / 3, 1 / 2, 1, 1 / 3], [1, 2, 3, 1]]
SURVEY_QUESTIONS = [
    {"kind": QuestionKind.LIKERT, "text": "您对本区政务服务的总体满意程度"},
    {"kind": QuestionKind.LIKERT, "text": "您对办事效率（办理时限、跑动次数）的满意程度"},
    {"kind": QuestionKind.LIKERT, "text": "您对工作人员服务态度的满意程度"},
    {"kind": QuestionKind.SINGLE, "text": "您最近一次办事的方式", "choices": ["窗口办理", "网上办理", "自助终端", "其他"]},
    {"kind": QuestionKind.MULTIPLE, "text": "您认为最需要改进的方面（可多选）",
     "choices": ["办理时限", "材料要求", "信息公开", "服务态度", "网上办事"]},
    {"kind": QuestionKind.TEXT, "text": "其他意见和建议", "required": False},
]


def indicators(district: bool) -> list[dict]:
    known = sources.sources()
    targets = "targets.completion_rate" if "targets.completion_rate" in known else "manual"
    rows = [
        {"code": "D1", "name": "管理效率", "type": "intermediate_outcome"},
        {"code": "I11", "name": "审批按时办结率", "parent": "D1", "type": "output", "polarity": "higher", "unit": "%",
         "weight": 2, "source": "supervision.on_time_rate"},
        {"code": "I12", "name": "每百件红牌数", "parent": "D1", "type": "output", "polarity": "lower",
         "unit": "件/百件", "weight": 1, "source": "supervision.red_cards_per_100"},
        {"code": "I13", "name": "每百件违规预警数", "parent": "D1", "type": "output", "polarity": "lower",
         "unit": "件/百件", "weight": 1, "source": "supervision.irregularities_per_100"},
        {"code": "D2", "name": "职责履行", "type": "output"},
        {"code": "I21", "name": "未处理职责问题数", "parent": "D2", "type": "output", "polarity": "lower", "unit": "项",
         "weight": 1, "source": "duties.open_findings"},
        {"code": "I22", "name": "年度目标完成率", "parent": "D2", "type": "intermediate_outcome", "polarity": "higher",
         "unit": "%", "weight": 2, "source": targets},
        {"code": "D3", "name": "投入管理", "type": "input"},
        {"code": "I31", "name": "预算执行率", "parent": "D3", "type": "input", "polarity": "higher", "unit": "%",
         "weight": 1, "source": "manual", "normalisation": "target", "target": 0.95},
        {"code": "I32", "name": "重点项目完成数", "parent": "D3", "type": "output", "polarity": "higher", "unit": "项",
         "weight": 1, "source": "manual", "normalisation": "target", "target": 10},
        {"code": "D4", "name": "群众满意度", "type": "final_outcome"},
        {"code": "I41", "name": "群众满意度指数", "parent": "D4", "type": "final_outcome", "polarity": "higher",
         "unit": "分", "weight": 1, "source": "evaluation.satisfaction_index" if district else "manual"},
    ]
    return [{"parent": None, "weight": 1, **r} for r in rows]


def build(ctx: DemoContext) -> None:
    notes, rng = ctx.notes, ctx.rng
    skip = {notes.get("department_codes", {}).get(k) for k in SKIP}
    departments = [c for c in notes.get("city_department_codes", []) if c not in skip]
    districts = list(notes.get("district_codes", []))
    if len(departments) < 2 or len(districts) < 2:
        return
    year_start = ctx.today - timedelta(days=364)
    halfway = year_start + timedelta(days=182)
    survey = _survey(ctx, districts, halfway)
    quality = {c: rng.gauss(0, 1) for c in departments + districts}  # a unit's hidden "how well run"
    made = {}
    for key, label, units, pilot_count, district in (
            ("DEPT", "市直部门", departments, ctx.scaled(4, 16), False),
            ("DIST", "区政府", districts, ctx.scaled(2, 6), True)):
        system = do_import_system(actor=None, data={
            "code": f"{key}-{ctx.today.year}", "name": f"{label}绩效评估指标体系（{ctx.today.year}）",
            "peer_group": units, "indicators": indicators(district),
            "ahp": {"": {"elements": ROOT, "matrix": ROOT_MATRIX}}})
        pilot = do_create_round(actor=None, system=system, name=f"{ctx.today.year}年度绩效评估试点（{label}）",
                                start=year_start, end=halfway - timedelta(days=1), scope=units[:pilot_count],
                                pilot=True)
        full = do_create_round(actor=None, system=system, name=f"{ctx.today.year}年度绩效评估（{label}）",
                               start=halfway, end=ctx.today)
        for rnd in (pilot, full):
            codes = list(rnd.scope.values_list("code", flat=True))
            do_import_values(actor=None, rnd=rnd, rows=_manual(codes, quality, rng, district), file="demo-values.json")
            do_collect_values(actor=None, rnd=rnd)
            do_score_round(actor=None, rnd=rnd)
            for step in ("submit", "approve", "publish"):
                do_move_round(actor=None, rnd=rnd, step=step)
        do_generate_proposals(actor=None, rnd=full)
        made[key] = full
    _decide_some(Proposal.objects.filter(status="open").order_by("kind", "id"))
    special = _special(ctx, departments + districts, year_start, quality)
    notes["evaluation_rounds"] = [r.name for r in made.values()] + ([special.name] if special else [])
    notes["evaluation_survey"] = survey.code


def _special(ctx: DemoContext, units: list[str], start, quality: dict[str, float]):
    """One special evaluation (专项评估): the year's 民生实事 across the departments and district
    governments that carry livelihood targets — their completion and overdue share counted on those
    targets only, the on-time rate of the approvals of the social and public-service items they
    handle, and an external survey of how residents feel the projects (manual values)."""
    from zeren.duties.models import FunctionItem
    from zeren.supervision.models import ApprovalItem

    selection: dict[str, list[str]] = {"targets.source": ["livelihood_project"]}
    carriers = set(sources.participants(selection, start, ctx.today))
    peers = [c for c in units if c in carriers]
    if len(peers) < 2:
        return None
    social = FunctionItem.objects.filter(area__in=["social_management", "public_service"]).values("code")
    items = sorted(ApprovalItem.objects.filter(duty_code__in=social, unit__code__in=peers)
                   .values_list("code", flat=True))
    indicators = [
        {"code": "S1", "name": "民生实事目标完成率", "type": "output", "unit": "%", "weight": 3,
         "source": "targets.completion_rate"},
        {"code": "S2", "name": "民生实事目标逾期占比", "type": "output", "polarity": "lower", "unit": "%", "weight": 1,
         "source": "targets.overdue_share"},
        {"code": "S4", "name": "群众获得感评价", "type": "final_outcome", "unit": "分", "weight": 2, "source": "manual"},
    ]
    if items:
        selection["supervision.item"] = items
        indicators.insert(2, {"code": "S3", "name": "民生领域审批按时办结率", "type": "output", "unit": "%", "weight": 2,
                              "source": "supervision.on_time_rate"})
    year = ctx.today.year
    system = do_import_system(actor=None, data={
        "code": f"MSSS-{year}", "name": f"{year}年民生实事专项评估指标体系", "peer_group": peers,
        "programme": {"code": f"MSSS-{year}", "name": f"{year}年民生实事", "selection": selection,
                      "start": start.isoformat(), "end": ctx.today.isoformat(),
                      "description": "市政府年度民生实事项目（就业、住房、学位、公园、旧改、养老）"},
        "indicators": indicators})
    rnd = do_create_round(actor=None, system=system, name=f"{year}年民生实事专项评估", start=start, end=ctx.today)
    rows = [{"unit": c, "indicator": "S4", "value": round(min(100.0, max(50.0, 80 + 5 * quality[c]
                                                                          + ctx.rng.gauss(0, 4))), 1)} for c in peers]
    do_import_values(actor=None, rnd=rnd, rows=rows, file="民生实事获得感调查.json")
    do_collect_values(actor=None, rnd=rnd)
    do_score_round(actor=None, rnd=rnd)
    for step in ("submit", "approve", "publish"):
        do_move_round(actor=None, rnd=rnd, step=step)
    return rnd


def _decide_some(proposals) -> None:
    """Loop 1 in the demo: a target proposal accepted into a draft target, a duty review accepted into a
    draft change of one of the unit's duty items (left pending for the 编办), one proposal rejected."""
    from django.db.models import Count

    from zeren.duties.models import FunctionItem

    open_ = list(proposals)
    decided = set()
    target = next((p for p in open_ if p.kind in ("target_too_soft", "target_unrealistic")), None)
    if target:
        do_decide_proposal(actor=None, proposal=target, accept=True, reason="两轮数据一致，纳入下一年度校准草案")
        decided.add(target.pk)
    for duty in (p for p in open_ if p.kind == "duty_review" and p.unit_id):
        # An item the unit holds alone (lead, no assisting unit): the review concerns it only.
        item = (FunctionItem.objects.filter(is_active=True, responsibilities__unit_id=duty.unit_id,
                                            responsibilities__role="lead")
                .annotate(holders=Count("responsibilities")).filter(holders=1)
                .order_by("code").values_list("code", flat=True).first())
        if item:
            do_decide_proposal(actor=None, proposal=duty, accept=True, reason="连续两轮低分，请编办复核该事项的责任设定",
                               duty=DutyDraft(item_code=item, add_matter=f"整改责任：针对“{duty.indicator.name}”连续低分，"
                                                                         "按季度报送整改情况"))
            decided.add(duty.pk)
            break
    rest = [p for p in open_ if p.pk not in decided]
    if rest:
        do_decide_proposal(actor=None, proposal=rest[-1], accept=False, reason="受年度内机构调整影响，暂不调整")


def _manual(codes: list[str], quality: dict[str, float], rng, district: bool) -> list[dict]:
    rows = []
    for code in codes:
        q = quality[code]
        rows.append({"unit": code, "indicator": "I31", "value": round(min(1.0, max(0.5, 0.9 + 0.05 * q + rng.gauss(0, 0.03))), 4)})
        # Key projects: a few units far over (a soft target), a few far under, the same in both rounds.
        done = 10 * (1 + 0.25 * q) + rng.gauss(0, 0.8)
        rows.append({"unit": code, "indicator": "I32", "value": max(0, round(done))})
        if not district:
            rows.append({"unit": code, "indicator": "I41",
                         "value": round(min(100.0, max(40.0, 78 + 6 * q + rng.gauss(0, 3))), 1)})
        if "targets.completion_rate" not in sources.sources():
            rows.append({"unit": code, "indicator": "I22",
                         "value": round(min(1.0, max(0.4, 0.85 + 0.06 * q + rng.gauss(0, 0.04))), 4)})
    return rows


def _survey(ctx: DemoContext, districts: list[str], halfway) -> object:
    """The satisfaction survey: quotas per district, invitations, responses (one district's quota left
    open, one filled so the form shows it closed)."""
    rng = ctx.rng
    per_district = ctx.scaled(6, 12)
    survey = do_create_survey(actor=None, code=f"SAT-{ctx.today.year}", title=f"{ctx.today.year}年度群众满意度调查",
                              intro="本调查匿名进行，结果用于各区政府绩效评估。每个邀请码限提交一次。",
                              questions=SURVEY_QUESTIONS, quotas=dict.fromkeys(districts, per_district))
    questions = list(Question.objects.filter(survey=survey).order_by("order"))
    units = {u.code: u for u in Unit.objects.filter(code__in=districts)}
    from django.utils import timezone

    when = timezone.make_aware(timezone.datetime.combine(halfway + timedelta(days=30), timezone.datetime.min.time()))
    from zeren.evaluation.models import Response

    first_token, first_answers = "", {}
    submissions = []
    for k, code in enumerate(districts):
        tokens = do_issue_invitations(actor=None, survey=survey, district=units[code], count=per_district + 3)
        lean = rng.uniform(-0.8, 0.8)
        answered = per_district if k == 0 else rng.randint(per_district // 2, per_district - 1)
        for token in tokens[:answered]:
            answers = {}
            for q in questions:
                if q.kind == QuestionKind.LIKERT:
                    answers[str(q.pk)] = max(1, min(5, round(3.8 + lean + rng.gauss(0, 0.9))))
                elif q.kind == QuestionKind.SINGLE:
                    answers[str(q.pk)] = rng.choice(q.choices)
                elif q.kind == QuestionKind.MULTIPLE:
                    answers[str(q.pk)] = rng.sample(q.choices, rng.randint(1, 2))
            if not first_token:
                first_token, first_answers = token, answers
            else:
                submissions.append((token, answers))
    # One questionnaire through the public form's path, the rest entered from paper in one batch.
    do_submit_response(survey=survey, token=first_token, answers=first_answers)
    do_record_responses(actor=None, survey=survey, submissions=submissions, file="paper-questionnaires")
    # The responses were collected during the second half of the year (the demo's clock, not the machine's).
    Response.objects.filter(survey=survey).update(submitted_at=when)
    return survey
