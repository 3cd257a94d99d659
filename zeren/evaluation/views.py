"""Pages of performance evaluation (绩效评估): thin, reading through the selectors, writing through actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zeren.core.exports import download, write_xlsx
from zeren.core.importing import MAX_LISTED
from zeren.core.ratelimit import ratelimit
from zeren.core.tables import ByLabel, Column, Table
from zeren.core.uploads import cli_command
from zeren.evaluation import actions, selectors, sources
from zeren.evaluation.models import (
    ProposalKind,
    ProposalStatus,
    QuestionKind,
    RoundStatus,
    Survey,
    SurveyStatus,
)
from zeren.evaluation.reading import read_values
from zeren.evaluation.sources import selection_labels
from zeren.org.models import ByUnitName

# The lists' sortable columns (zeren.core.tables).
ROUNDS = Table(
    Column("name", gettext_lazy("名称"), "name"), Column("system", gettext_lazy("指标体系"), "system__name"),
    Column("period", gettext_lazy("评估期"), "period_end", "period_start", first="desc"),
    Column("scope", gettext_lazy("范围"), "pilot"),
    Column("completeness", gettext_lazy("数据完整度"), "completeness", first="desc", num=True),
    Column("status", gettext_lazy("状态"), ByLabel("status", RoundStatus.choices, declared=True)), size=30)
RESULTS = Table(
    Column("rank", gettext_lazy("排名"), "rank", num=True), Column("unit", gettext_lazy("单位"), ByUnitName("unit__")),
    Column("score", gettext_lazy("综合得分"), "score", first="desc", num=True), size=50)
PROPOSALS = Table(
    Column("kind", gettext_lazy("类型"), ByLabel("kind", ProposalKind.choices)), Column("summary", gettext_lazy("摘要"), "summary"),
    Column("status", gettext_lazy("状态 / 决定"), ByLabel("status", ProposalStatus.choices, declared=True), "-decided_at"),
    size=30)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Rounds — all, the regular ones, or the special evaluations (专项评估) of programmes — and surveys."""
    kind = request.GET.get("kind", "")
    rounds = selectors.rounds_for(request.user)
    if kind in ("special", "regular"):
        rounds = rounds.filter(system__programme__isnull=kind == "regular")
    table = ROUNDS.page(request, rounds)
    return render(request, "evaluation/index.html", {
        "page": table.page, "table": table, "office": selectors.is_performance_office(request.user), "kind": kind,
        "surveys": Survey.objects.order_by("-created_at")[:10],
        "open_proposals": selectors.proposals_for(request.user, status=ProposalStatus.OPEN).count(),
    })


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round's ranking and heat map. Published (and superseded) rounds are public (结果公开, the
    portal links them); others are seen by the performance office and a unit's staff (the selectors)."""
    rnd = selectors.get_round_for(request.user, pk)
    if request.GET.get("template") == "xlsx" and selectors.is_performance_office(request.user):
        return download(write_xlsx({"values": selectors.value_template_rows(rnd)}),
                        _("指标值导入模板") + f"-{rnd.system.code}.xlsx")
    results = list(selectors.results_for(request.user, rnd))
    table = RESULTS.page(request, selectors.results_for(request.user, rnd))
    chart = {"units": [r.unit.display_short_name for r in results],
             "scores": [None if r.score is None else round(r.score, 2) for r in results],
             "heat": selectors.heat_map(results), "labels": {"score": _("综合得分"), "value": _("标准化值")}}
    return render(request, "evaluation/round.html", {
        "round": rnd, "page": table.page, "table": table, "chart": chart, "office": selectors.is_performance_office(request.user),
        "programme_scope": selection_labels(rnd.programme.selection) if rnd.programme else [],
        "missing": sum(1 for r in results if r.missing), "count": len(results),
    })


round_detail.public = True  # type: ignore[attr-defined]  # the permission matrix reads this


ROUND_STEPS = {"submit", "return", "approve", "publish"}


@login_required
@require_POST
def round_act(request: HttpRequest, pk: int) -> HttpResponse:
    """One action on a round: score (collect the automatic values, then score), a workflow step,
    supersede (with a reason), or generate recalibration proposals."""
    rnd = selectors.get_round_for(request.user, pk)
    step = request.POST.get("step", "")
    reason = request.POST.get("reason", "").strip()
    try:
        if step == "score":
            actions.do_collect_values(actor=request.user, rnd=rnd)
            actions.do_score_round(actor=request.user, rnd=rnd)
        elif step in ROUND_STEPS:
            actions.do_move_round(actor=request.user, rnd=rnd, step=step, reason=reason)
        elif step == "supersede":
            new = actions.do_supersede_round(actor=request.user, rnd=rnd, reason=reason)
            messages.success(request, _("已生成更正轮次：%(name)s") % {"name": new.name})
            return redirect("evaluation:round", pk=new.pk)
        elif step == "proposals":
            n = actions.do_generate_proposals(actor=request.user, rnd=rnd)
            messages.success(request, _("新增校准建议 %(n)d 条") % {"n": n})
        else:
            raise ValidationError(_("未知操作"))
    except PermissionDenied:
        messages.error(request, _("只有绩效管理人员可以进行此操作"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("evaluation:round", pk=rnd.pk)


@login_required
@require_POST
def round_values(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload manual or external values (Excel or JSON), all or nothing, every error listed."""
    rnd = selectors.get_round_for(request.user, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择文件"))
        return redirect("evaluation:round", pk=pk)
    try:
        rows, first = read_values(upload, upload.name, cli=cli_command(
            f'zeren evaluation import-values --system {rnd.system.code} --round "{rnd.name}"'))
        n = actions.do_import_values(actor=request.user, rnd=rnd, rows=rows, file=upload.name, first_row=first)
        messages.success(request, _("已导入 %(n)d 个指标值") % {"n": n})
    except actions.ImportRejected as exc:
        messages.error(request, _("「%(name)s」未导入（%(n)s 处错误，未写入任何数据）：") % {
            "name": upload.name, "n": len(exc.errors)})
        for error in exc.errors[:MAX_LISTED]:
            messages.error(request, error)
    except PermissionDenied:
        messages.error(request, _("只有绩效管理人员可以进行此操作"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("evaluation:round", pk=pk)


def round_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF of a round's results: published rounds are public (结果公开), others for the office."""
    from zeren.evaluation.reports import round_pdf as render_pdf

    rnd = selectors.get_round_for(request.user, pk)
    if not rnd.results.exists():
        raise Http404(_("尚未计分"))
    response = HttpResponse(render_pdf(rnd), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="round-{rnd.pk}.pdf"'
    return response


round_pdf.public = True  # type: ignore[attr-defined]


def unit_result(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """One unit's result and its explanation: public in a published round, as the round itself."""
    rnd = selectors.get_round_for(request.user, pk)
    result = selectors.get_result_for(request.user, rnd, code)
    reference = selectors.peer_median(rnd)
    details = [{**d, "source_label": sources.label(d.get("source", ""))} for d in result.details]  # UI language
    total_contribution = sum(d["contribution"] for d in details)
    radar = {"indicators": [{"name": d["name"], "max": 1} for d in details],
             "unit": [d["normalised"] if d["normalised"] is not None else 0 for d in details],
             "median": [round(reference.get(d["indicator"], 0), 3) for d in details],
             "labels": {"unit": result.unit.display_short_name, "median": _("同组中位数")}}
    history = selectors.trend(request.user, result)
    trend = {"rounds": [h["round"].name for h in history],
             "scores": [None if h["score"] is None else round(h["score"], 2) for h in history],
             "ranks": [h["rank"] for h in history], "labels": {"score": _("综合得分"), "rank": _("排名")}}
    return render(request, "evaluation/unit.html", {
        "round": rnd, "result": result, "details": details, "total": total_contribution, "history": history,
        "charts": {"radar": radar, "trend": trend}, "of": rnd.results.filter(rank__gt=0).count(),
    })


unit_result.public = True  # type: ignore[attr-defined]


@login_required
def proposals(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    table = PROPOSALS.page(request, selectors.proposals_for(request.user, status=status))
    return render(request, "evaluation/proposals.html", {"page": table.page, "table": table, "status": status,
                                                         "statuses": ProposalStatus.choices})


@login_required
@require_POST
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(selectors.proposals_for(request.user), pk=pk)
    accept = request.POST.get("decision") == "accept"
    post = request.POST
    duty = None
    if post.get("item", "").strip():
        duty = actions.DutyDraft(item_code=post["item"].strip(), remove=post.get("duty_change") == "remove",
                                 lead_units=tuple(c for c in post.get("lead_units", "").replace("，", ",").replace("、", ",")
                                                  .split(",") if c.strip()),
                                 add_matter=post.get("add_matter", "").strip())
    try:
        actions.do_decide_proposal(actor=request.user, proposal=proposal, accept=accept, reason=post.get("reason", ""),
                                   suggestion=post.get("suggestion"), duty=duty)
        messages.success(request, _("已采纳") if accept else _("已不予采纳"))
    except PermissionDenied:
        messages.error(request, _("只有绩效管理人员可以进行此操作"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("evaluation:proposals")


@login_required
def survey_results_page(request: HttpRequest, code: str) -> HttpResponse:
    survey = get_object_or_404(Survey, code=code)
    return render(request, "evaluation/survey_results.html", {
        "survey": survey, "rows": selectors.survey_results(survey), "responses": survey.responses.count()})


@ratelimit("survey")
def survey_form(request: HttpRequest, code: str) -> HttpResponse:
    """The public, phone-friendly questionnaire (满意度调查问卷). A used token, a full district quota
    or a closed survey gets a clear message and nothing is counted."""
    survey = get_object_or_404(Survey.objects.exclude(status=SurveyStatus.DRAFT), code=code)
    questions = list(survey.questions.all())
    token = (request.POST.get("token") or request.GET.get("token") or "").strip()
    context: dict[str, Any] = {"survey": survey, "questions": questions, "token": token, "kinds": QuestionKind,
                               "likert": [(5, _("非常满意")), (4, _("满意")), (3, _("一般")), (2, _("不满意")),
                                          (1, _("非常不满意"))]}
    if request.method == "POST":
        answers: dict[str, Any] = {}
        for q in questions:
            key = f"q{q.pk}"
            answers[str(q.pk)] = request.POST.getlist(key) if q.kind == QuestionKind.MULTIPLE else request.POST.get(key, "")
        try:
            actions.do_submit_response(survey=survey, token=token, answers=answers)
        except actions.SurveyRefused as exc:
            context.update(error=str(exc), answers=answers)
            return render(request, "evaluation/survey_form.html", context, status=409)
        return render(request, "evaluation/survey_thanks.html", context)
    return render(request, "evaluation/survey_form.html", context)


survey_form.public = True  # type: ignore[attr-defined]  # the questionnaire is for the public
