"""Pages of target management: the target tree of a unit, a target, letters, the follow-up inbox,
assessments, the import page, and the public white papers. Thin: selectors read, actions write."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import FloatField, QuerySet, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, NullIf
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from zeren.access.rules import ADMINISTER, APPROVE, EDIT, SUPERVISE
from zeren.access.scope import can, scope_paths, scope_queryset
from zeren.core.exports import download
from zeren.core.tables import ByLabel, Column, Table
from zeren.core.uploads import MB, UploadRejected, limits, read_upload
from zeren.org.models import ByUnitName, Person, Unit
from zeren.org.picker import UnitChoice, unit_choice
from zeren.targets import actions, exchange, rules, selectors, whitepaper
from zeren.targets.models import (
    Appeal,
    AppealStatus,
    Assessment,
    Grade,
    NoticeStatus,
    PaperState,
    StoredFile,
    Target,
    WhitePaper,
)
from zeren.targets.selectors import MAX_CHILDREN, TREE_PAGE
from zeren.workcal.selectors import get_calendar

# The lists' sortable columns (zeren.core.tables).
TREE = Table(size=TREE_PAGE)  # a unit's own targets with their decomposition, in code order
LETTERS = Table(
    Column("unit", gettext_lazy("单位"), ByUnitName("unit__")), Column("signatory", gettext_lazy("签署人"), "signatory__name"),
    Column("signed", gettext_lazy("签署日期"), "signed_on", first="desc"), size=50)
NOTICES = Table(
    Column("target", gettext_lazy("目标"), "target__code"),
    Column("unit", gettext_lazy("受文单位/领导"), ByUnitName("unit__"), "addressee__name"),
    Column("reason", gettext_lazy("原因"), "reason"), Column("issued", gettext_lazy("下发"), "issued_on", first="desc"),
    Column("due", gettext_lazy("答复时限（5个工作日）"), "due_on"),
    Column("status", gettext_lazy("状态"), ByLabel("status", NoticeStatus.choices)), default="due", size=50)
ASSESSMENTS = Table(
    Column("name", gettext_lazy("姓名"), "person__name"),
    # the progress frozen in the basis (JSON); its null as SQL NULL, last (SQLite reads a JSON null as 'null')
    Column("progress", gettext_lazy("加权进度"), Cast(NullIf(KT("basis__progress"), Value("null")), FloatField()),
           first="desc", num=True),
    Column("proposed", gettext_lazy("建议等次"), ByLabel("proposed_grade", Grade.choices, declared=True)),
    Column("grade", gettext_lazy("确定等次"), ByLabel("grade", Grade.choices, declared=True)), size=50)
APPEALS = Table(
    Column("person", gettext_lazy("申请人"), "assessment__person__name"),
    Column("unit", gettext_lazy("单位"), ByUnitName("assessment__unit__")),
    Column("year", gettext_lazy("年度"), "assessment__year", first="desc", num=True),
    Column("original", gettext_lazy("原等次"), ByLabel("original_grade", Grade.choices, declared=True)),
    Column("filed", gettext_lazy("申请日期"), "filed_on", first="desc"), Column("decide_by", gettext_lazy("复核时限"), "decide_by"),
    Column("status", gettext_lazy("状态"), ByLabel("status", AppealStatus.choices)), default="decide_by", size=50)
PAPERS = Table(
    Column("year", gettext_lazy("年度"), "year", first="desc", num=True), Column("unit", gettext_lazy("部门"), ByUnitName("unit__")),
    Column("published", gettext_lazy("发布时间"), "published_at", first="desc"), size=50)

ViewT = TypeVar("ViewT", bound=Callable[..., HttpResponse])


def public(view: ViewT) -> ViewT:
    """A page open to everyone (published records): the permission matrix reads ``view.public``."""
    view.public = True  # type: ignore[attr-defined]  # a function attribute, as Django's own csrf_exempt sets
    return view


COLOURS = {rules.COMPLETED: "green", rules.ON_TRACK: "", rules.NOT_STARTED: "", rules.AT_RISK: "yellow",
           rules.OVERDUE: "red"}
STATUS_LABELS = {rules.COMPLETED: pgettext_lazy("target status", "已完成"),
                 rules.OVERDUE: pgettext_lazy("target status", "已逾期"),
                 rules.AT_RISK: pgettext_lazy("target status", "有风险"),
                 rules.NOT_STARTED: pgettext_lazy("target status", "未开始"),
                 rules.ON_TRACK: pgettext_lazy("target status", "正常推进")}


def _as_of(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return timezone.localdate()


def _year(request: HttpRequest, default: int) -> int:
    try:
        return int(request.GET.get("year", default))
    except ValueError:
        return default


@dataclass
class Shown:
    """A target as the pages show it: with its computed status (``s``, None when withdrawn) and, in
    the tree, its first direct children (``kids``) and how many more there are."""

    t: Target
    s: rules.Status | None
    kids: list[Shown] = field(default_factory=list)
    more: int = 0

    @property
    def colour(self) -> str:
        return COLOURS.get(self.s.status, "") if self.s else ""

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.s.status]) if self.s else ""

    @property
    def percent(self) -> int:
        return round(self.s.progress * 100) if self.s else 0

    @property
    def expected_percent(self) -> int:
        return round(self.s.expected * 100) if self.s else 0


def _shown(targets: list[Target], computed: dict[int, rules.Status]) -> list[Shown]:
    return [Shown(t, computed.get(t.pk)) for t in targets]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The target tree of a unit (目标树): its own targets, each with its decomposition, coloured by status."""
    as_of = _as_of(request)
    year = _year(request, as_of.year)
    units = scope_queryset(request.user, Unit.objects.all(), unit_path_field="path")
    code = request.GET.get("unit") or getattr(request.user, "unit_code", "") or ""
    unit = units.filter(code=code).first() or units.order_by("path").first()
    if unit is None:
        return render(request, "targets/index.html", {"unit": None, "year": year, "as_of": as_of})
    tree = selectors.tree_for(request.user, unit, year, as_of, request.GET.get("page"), TREE.size_of(request.GET))
    rows = _shown(list(tree.page), tree.computed)
    for row in rows:
        kids = tree.kids.get(row.t.pk, [])
        row.kids, row.more = _shown(kids[:MAX_CHILDREN], tree.computed), max(0, len(kids) - MAX_CHILDREN)
    counts = Counter(s.status for s in tree.computed.values())
    return render(request, "targets/index.html", {
        "unit": unit, "page": tree.page, "table": TREE.listing(request, tree.page), "rows": rows, "year": year,
        "as_of": as_of,
        "subunits": units.filter(parent=unit).order_by("sort_order", "code")[:80],
        "ancestors": units.filter(code__in=unit.ancestor_codes()).order_by("path"),
        "counts": [(STATUS_LABELS[s], COLOURS[s], counts.get(s, 0)) for s in rules.STATUSES],
    })


@login_required
def target(request: HttpRequest, target_id: int) -> HttpResponse:
    """A target: indicator chart (reported values against the expected line), milestones, reports,
    notices, children and history; the owning unit reports progress here."""
    t = selectors.get_target_for(request.user, target_id)
    as_of = _as_of(request)
    computed, chart = selectors.status_and_chart(t, as_of)
    children = list(t.children.select_related("unit", "person").order_by("unit__path", "code")[:100])
    return render(request, "targets/target.html", {
        "t": t, "n": Shown(t, computed.get(t.pk)), "as_of": as_of, "children": _shown(children, computed),
        "chart": chart,
        "milestones": t.milestones.all(), "reports": t.reports.select_related("milestone", "supersedes").order_by("-date", "-id")[:100],
        "notices": t.notices.select_related("unit", "addressee").order_by("-issued_on", "-id"),
        "history": selectors.history_of(t), "may_report": can(request.user, EDIT, t.unit),
    })


@login_required
@require_POST
def report(request: HttpRequest, target_id: int) -> HttpResponse:
    t = selectors.get_target_for(request.user, target_id)
    try:
        day = date.fromisoformat(request.POST.get("date", ""))
        raw = request.POST.get("value", "").strip()
        milestone = t.milestones.filter(pk=request.POST.get("milestone") or 0).first()
        actions.do_report_progress(actor=request.user, target=t, day=day, value=float(raw) if raw else None,
                                   milestone=milestone, note=request.POST.get("note", "")[:2000])
        messages.success(request, _("进度已报告"))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValueError:
        messages.error(request, _("日期或数值格式不正确"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("targets:target", target_id=t.pk)


def _act(request: HttpRequest, action: Callable[[], Any], done: str) -> Any:
    """Run one action; a refusal becomes error messages on the page (and ``None``), never a 500."""
    try:
        result = action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return None
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("无权进行此操作"))
        return None
    messages.success(request, done)
    return result


def _date(value: str | None, default: date | None = None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return default


def _units_for(request: HttpRequest) -> QuerySet[Unit]:
    return scope_queryset(request.user, Unit.objects.all(), unit_path_field="path")


# --- letters (目标管理责任书) ---------------------------------------------------------------------

@login_required
def letters(request: HttpRequest) -> HttpResponse:
    """A year's letters in the user's scope; a unit's own letter is created or edited from here."""
    year = _year(request, timezone.localdate().year)
    qs = selectors.letters_for(request.user).filter(year=year)
    choice = unit_choice(request, units=_units_for(request))  # a name or a code in scope (zeren.org.picker)
    if choice.unit is not None:
        return redirect("targets:letter", unit_code=choice.unit.code, year=year)
    table = LETTERS.page(request, qs)
    return render(request, "targets/letters.html", {
        "page": table.page, "table": table, "year": year, "unit_choice": choice})


@login_required
def letter(request: HttpRequest, unit_code: str, year: int) -> HttpResponse:
    """A unit's letter for a year: signatory, signing date and attachments (each upload checked)."""
    unit = get_object_or_404(_units_for(request), code=unit_code)
    found = selectors.letters_for(request.user).filter(unit=unit, year=year).first()
    may_edit = can(request.user, EDIT, unit) or can(request.user, APPROVE, unit)
    if request.method == "POST":
        signatory = Person.objects.filter(code=request.POST.get("signatory", "").strip()).first()
        try:
            uploads = [read_upload(f)[::-1] for f in request.FILES.getlist("files")]
        except UploadRejected as exc:
            messages.error(request, str(exc))
        else:
            saved = _act(request, lambda: actions.do_save_letter(
                actor=request.user, unit=unit, year=year, signatory=signatory,
                signed_on=_date(request.POST.get("signed_on")), uploads=uploads,
                remove=request.POST.getlist("remove")), _("责任书已保存"))
            if saved is not None:
                return redirect("targets:letter", unit_code=unit.code, year=year)
    members = selectors.members_on(unit, date(year, 1, 1))
    if found is not None and found.signatory is not None and found.signatory.code not in {m[0] for m in members}:
        members.insert(0, (found.signatory.code, found.signatory.name, ""))  # e.g. the head of a unit above
    return render(request, "targets/letter.html", {
        "unit": unit, "year": year, "letter": found, "may_edit": may_edit, "members": members,
        "targets": selectors.targets_for(request.user, year=year).filter(unit=unit).count(),
        "max_files": actions.MAX_LETTER_FILES, "max_mb": limits()["max_bytes"] // MB})


@login_required
def letter_file(request: HttpRequest, unit_code: str, year: int, sha256: str) -> HttpResponse:
    """An attachment of a letter the user may see (by the hash the letter lists)."""
    found = get_object_or_404(selectors.letters_for(request.user), unit__code=unit_code, year=year)
    listed = next((f for f in found.attachments if f.get("sha256") == sha256), None)
    stored = StoredFile.objects.filter(sha256=sha256).first() if listed else None
    if listed is None or stored is None:
        raise Http404
    response = HttpResponse(bytes(stored.content), content_type=stored.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(str(listed['name']), safe='')}"
    return response


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    """The follow-up inbox (督办): the supervision office's notices in its scope, a unit's own."""
    status = request.GET.get("status", "open")
    qs = selectors.notices_for(request.user)
    qs = qs.filter(status=status) if status in NoticeStatus.values else qs
    table = NOTICES.page(request, qs)
    page = table.page
    closable = {n.pk for n in page if can(request.user, SUPERVISE, n.unit)}
    return render(request, "targets/notices.html", {"page": page, "table": table, "status": status, "statuses": NoticeStatus.choices,
                                                    "closable": closable})


@login_required
@require_POST
def notice_action(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = get_object_or_404(selectors.notices_for(request.user), pk=notice_id)
    try:
        if request.POST.get("do") == "close":
            actions.do_close_notice(actor=request.user, notice=notice, reason=request.POST.get("reason", ""))
        else:
            actions.do_reply_notice(actor=request.user, notice=notice, reply=request.POST.get("reply", ""),
                                    revised_plan=request.POST.get("revised_plan", ""))
        messages.success(request, _("已保存"))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("targets:notices")


# --- assessments (公务员年度考核) and appeals (申请复核) ----------------------------------------------

REASONS = {
    rules.ALL_ON_TIME_ALL_MET: gettext_lazy("全部 %(n)d 项目标均按期完成，职位说明书的 %(k)d 项考核标准均达到"),
    rules.NOT_ALL_ON_TIME: gettext_lazy("%(late)d 项目标未按期完成，不建议优秀"),
    rules.NO_TARGETS: gettext_lazy("本年度未承担目标：完成进度不作依据，不建议优秀"),
    rules.NO_CRITERIA: gettext_lazy("职位没有列明考核标准的职位说明书，不建议优秀"),
    rules.CRITERION_UNMET: gettext_lazy("考核标准达到 %(m)d / %(k)d 项，不建议优秀"),
    rules.PROGRESS_BELOW_BASIC: gettext_lazy("目标加权完成进度 %(p)s，低于 %(basic)s：基本称职"),
    rules.CRITERIA_BELOW_HALF: gettext_lazy("考核标准达到不足一半（%(m)d / %(k)d）：基本称职"),
    rules.PROGRESS_BELOW_HALF_AND_UNMET: gettext_lazy("目标加权完成进度 %(p)s，低于 %(low)s，且有考核标准未达到：不称职"),
    rules.CRITERIA_BELOW_HALF_AND_PROGRESS: gettext_lazy("考核标准达到不足一半，且目标加权完成进度 %(p)s 低于 %(basic)s：不称职"),
}
# The thresholds the reasons name, from the rule's constants (公务员考核规定 as configured in rules.py).
def thresholds() -> dict[str, str]:
    return {"basic": f"{rules.BASIC_BELOW_PROGRESS:.0%}", "low": f"{rules.INCOMPETENT_BELOW_PROGRESS:.0%}"}


THRESHOLDS = thresholds()


@dataclass
class BasisView:
    """An assessment's frozen basis as the pages show it."""

    basis: dict[str, Any]

    @property
    def criteria(self) -> list[dict[str, Any]]:
        return list(self.basis.get("criteria") or [])

    @property
    def targets(self) -> list[dict[str, Any]]:
        return [{**t, "percent": round(100 * t["progress"], 1), "label": STATUS_LABELS.get(t["status"], t["status"])}
                for t in self.basis.get("targets") or []]

    @property
    def met(self) -> int:
        return sum(1 for c in self.criteria if c.get("met"))

    @property
    def percent(self) -> float | None:
        p = self.basis.get("progress")
        return None if p is None else round(100 * p, 1)

    @property
    def reasons(self) -> list[str]:
        numbers = {**THRESHOLDS, "n": len(self.targets), "k": len(self.criteria), "m": self.met,
                   "late": sum(1 for t in self.targets if not t.get("on_time")),
                   "p": "—" if self.percent is None else f"{self.percent:g}%"}
        return [str(REASONS[r]) % numbers for r in self.basis.get("reasons") or [] if r in REASONS]


def _quota_share() -> str:
    return f"{float(rules.Fraction(actions.excellent_share())) * 100:g}%"


@login_required
def assessments(request: HttpRequest) -> HttpResponse:
    """A year's assessment rounds in scope and the people of one round: proposed grade, its basis in
    brief, the confirmed grade. The unit proposes here; its committee confirms the proposals."""
    year = _year(request, timezone.localdate().year - 1)
    rounds = selectors.rounds_for(request.user, year, actions.excellent_share())
    if request.method == "POST":
        code = request.POST.get("unit", "").strip()
        unit = _units_for(request).filter(code=code).first() if code else None
        choice = UnitChoice(text=code, unit=unit)
    else:  # the filter takes a name or a code in scope (zeren.org.picker); the first round's unit by default
        choice = unit_choice(request, units=_units_for(request))
        if not choice.text and rounds:
            choice = UnitChoice(unit=_units_for(request).filter(pk=rounds[0].unit_id).first())
        unit = choice.unit
    if request.method == "POST" and unit is not None:
        if request.POST.get("do") == "confirm":
            notified_on = _date(request.POST.get("notified_on"), timezone.localdate()) or timezone.localdate()
            pending = list(selectors.assessments_for(request.user, year=year).filter(unit=unit, grade=""))
            _act(request, lambda: actions.do_confirm_assessments(
                actor=request.user, unit=unit, year=year, notified_on=notified_on,
                decisions=[actions.Decision(a, a.proposed_grade) for a in pending]),
                 _("已按建议确定 %(n)d 人的考核等次") % {"n": len(pending)})
        else:
            _act(request, lambda: actions.do_propose_assessments(actor=request.user, unit=unit, year=year),
                 _("已按规则提出考核等次建议"))
        return redirect(f"{reverse('targets:assessments')}?year={year}&unit={unit.code}")
    qs = selectors.assessments_for(request.user, year=year)
    qs = qs.filter(unit=unit) if unit is not None else qs.none()
    table = ASSESSMENTS.page(request, qs)
    page = table.page
    rows = [(a, BasisView(a.basis or {})) for a in page]
    current = next((r for r in rounds if unit is not None and r.unit_id == unit.pk), None)
    return render(request, "targets/assessments.html", {
        "year": year, "rounds": rounds, "unit": unit, "unit_choice": choice, "round": current, "page": page, "table": table, "rows": rows,
        "quota_share": _quota_share(), "today": timezone.localdate(),
        "may_propose": unit is not None and (can(request.user, EDIT, unit) or can(request.user, APPROVE, unit)),
        "may_confirm": unit is not None and can(request.user, APPROVE, unit),
        "thresholds": THRESHOLDS,
    })


@login_required
def assessment(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """One assessment: the proposed grade and everything it rests on (the position description's
    standards, met or not; the targets and their outcome), the committee's confirmation or change
    with a reason, and the appeal with its working-day limits."""
    a = selectors.get_assessment_for(request.user, assessment_id)
    today = timezone.localdate()
    if request.method == "POST":
        _assessment_post(request, a)
        return redirect("targets:assessment", assessment_id=a.pk)
    appeal: Appeal | None = getattr(a, "appeal", None)
    cal = get_calendar()
    file_by = actions.appeal_file_by(a)
    decide_left = rules.working_days_to(cal, today, appeal.decide_by) if appeal else None
    return render(request, "targets/assessment.html", {
        "a": a, "basis": BasisView(a.basis or {}), "appeal": appeal, "today": today, "grades": Grade.choices,
        "quota_share": _quota_share(),
        "may_propose": not a.confirmed and (can(request.user, EDIT, a.unit) or can(request.user, APPROVE, a.unit)),
        "may_confirm": not a.confirmed and can(request.user, APPROVE, a.unit),
        "may_decide": appeal is not None and appeal.status == AppealStatus.FILED and can(request.user, APPROVE, a.unit),
        "may_appeal": a.confirmed and appeal is None and _may_appeal(request, a),
        "file_by": file_by, "file_left": rules.working_days_to(cal, today, file_by) if file_by else None,
        "decide_left": decide_left, "decide_over": -decide_left if decide_left is not None else None,
        "thresholds": THRESHOLDS,
    })


def _may_appeal(request: HttpRequest, a: Assessment) -> bool:
    try:
        actions.check_file_appeal(request.user, a)
    except PermissionDenied:
        return False
    return True


def _assessment_post(request: HttpRequest, a: Assessment) -> None:
    post, today = request.POST, timezone.localdate()
    step = post.get("do", "")
    if step == "judge":
        unmet = [int(i) for i in post.getlist("unmet") if i.isdigit()]
        as_of = _date((a.basis or {}).get("as_of"))
        _act(request, lambda: actions.do_propose_assessments(
            actor=request.user, unit=a.unit, year=a.year, as_of=as_of, person_ids=[a.person_id],
            unmet={a.person_id: unmet}), _("已重新评定考核标准并更新建议等次"))
    elif step == "confirm":
        grade = post.get("grade", "")
        _act(request, lambda: actions.do_confirm_assessments(
            actor=request.user, unit=a.unit, year=a.year, notified_on=_date(post.get("notified_on"), today) or today,
            decisions=[actions.Decision(a, grade, reason=post.get("reason", "")[:2000],
                                        comment=post.get("comment", "")[:2000])]), _("考核等次已确定"))
    elif step == "appeal":
        _act(request, lambda: actions.do_file_appeal(
            actor=request.user, assessment=a, reason=post.get("reason", "")[:2000],
            filed_on=_date(post.get("filed_on"), today) or today), _("已提出复核申请"))
    elif step == "decide" and hasattr(a, "appeal"):
        changed_to = post.get("grade") or None
        _act(request, lambda: actions.do_decide_appeal(
            actor=request.user, appeal=a.appeal, grade=changed_to, decision=post.get("decision", "")[:2000],
            decided_on=_date(post.get("decided_on"), today) or today), _("复核决定已作出"))
    else:
        raise Http404


@login_required
def appeals(request: HttpRequest) -> HttpResponse:
    """Appeals against assessments in scope, with the day a decision is due and the working days left."""
    status = request.GET.get("status", AppealStatus.FILED)
    qs = selectors.appeals_for(request.user)
    qs = qs.filter(status=status) if status in AppealStatus.values else qs
    table = APPEALS.page(request, qs)
    page = table.page
    cal, today = get_calendar(), timezone.localdate()
    rows = [(p, left, -left) for p in page for left in [rules.working_days_to(cal, today, p.decide_by)]]
    return render(request, "targets/appeals.html", {"page": page, "table": table, "rows": rows, "status": status,
                                                    "statuses": AppealStatus.choices, "today": today})


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Import targets from the offices' Excel sheet or JSON (all or nothing); the template to download."""
    if request.GET.get("template"):
        return download(exchange.template_bytes(), "目标任务导入模板.xlsx")
    errors = []
    upload = request.FILES.get("file") if request.method == "POST" else None
    if isinstance(upload, UploadedFile):
        try:
            name = upload.name or "upload"
            rows, excel = exchange.read_rows(upload, name)
            specs = exchange.validate_targets(name, rows, excel)
            for spec in specs:
                actions.check_manage_unit(request.user, spec.unit)
            created = actions.do_import_targets(actor=request.user, specs=specs, source_name=name)
            messages.success(request, _("导入目标 %(n)d 个") % {"n": len(created)})
            return redirect("targets:import")
        except exchange.ImportRejected as exc:
            errors = exc.errors
        except PermissionDenied as exc:
            errors = [exchange.RowError(0, "unit", str(exc))]
    return render(request, "targets/import.html", {"errors": errors, "columns": exchange.HEADER.values()},
                  status=422 if errors else 200)


# --- white papers (部门责任白皮书): the workflow ------------------------------------------------------

@login_required
def papers_manage(request: HttpRequest) -> HttpResponse:
    """Which units publish a white paper in a year (set by an administrator) and each one's paper:
    drafted from the catalogue and the targets, approved and published by the unit's head, withdrawn
    with a reason."""
    year = _year(request, timezone.localdate().year)
    if request.method == "POST":
        code = request.POST.get("unit", "").strip()
        unit = _units_for(request).filter(code=code).first()
        step = request.POST.get("do", "")
        if unit is None:
            messages.error(request, _("单位代码 %(code)s 不存在或不在你的权限范围内") % {"code": code})
        elif step == "add_pilot":
            _act(request, lambda: actions.do_set_white_paper_pilots(actor=request.user, year=year, add=[unit]),
                 _("已将 %(unit)s 列入 %(year)d 年发布白皮书的单位") % {"unit": unit.display_name, "year": year})
        elif step == "remove_pilot":
            _act(request, lambda: actions.do_set_white_paper_pilots(actor=request.user, year=year, remove=[unit]),
                 _("已将 %(unit)s 移出 %(year)d 年发布白皮书的单位") % {"unit": unit.display_name, "year": year})
        elif step == "draft":
            paper = _act(request, lambda: actions.do_draft_white_paper(
                actor=request.user, unit=unit, year=year, content=whitepaper.content_for(unit, year)), _("已起草"))
            if paper is not None:
                return redirect("targets:paper_manage", paper_id=paper.pk)
        else:
            raise Http404
        return redirect(f"{reverse('targets:papers_manage')}?year={year}")
    papers = {p.unit_id: p for p in selectors.papers_for(request.user, year=year)}
    pilots = list(selectors.pilots_for(request.user, year).order_by("unit__path"))
    rows = [(pilot.unit, papers.pop(pilot.unit_id, None), True) for pilot in pilots]
    rows += [(p.unit, p, False) for p in sorted(papers.values(), key=lambda p: p.unit.path)]  # no longer a pilot
    drafting = {u.pk for u, _p, _pilot in rows if can(request.user, EDIT, u) or can(request.user, APPROVE, u)}
    return render(request, "targets/papers_manage.html", {
        "year": year, "rows": rows, "drafting": drafting,
        "published": sum(1 for _u, p, _pilot in rows if p and p.state == PaperState.PUBLISHED),
        "may_set_pilots": bool(scope_paths(request.user, ADMINISTER))})


@login_required
def paper_manage(request: HttpRequest, paper_id: int) -> HttpResponse:
    """One white paper in the workflow: its content as drafted, the moves open to the unit's head, and
    its history (each move with who and why)."""
    from zeren.audit.models import AuditEntry

    found = get_object_or_404(selectors.papers_for(request.user), pk=paper_id)
    if request.method == "POST":
        state = request.POST.get("to", "")
        if state not in PaperState.values:
            raise Http404
        _act(request, lambda: actions.do_move_white_paper(actor=request.user, paper=found, state=state,
                                                          reason=request.POST.get("reason", "")[:2000]),
             _("白皮书状态已变为：%(state)s") % {"state": PaperState(state).label})
        return redirect("targets:paper_manage", paper_id=found.pk)
    may_move = can(request.user, APPROVE, found.unit)
    moves = [(s, PAPER_MOVE_LABELS[s]) for s in actions.PAPER_MOVES[PaperState(found.state)]] if may_move else []
    return render(request, "targets/paper_manage.html", {
        "record": found, "paper": found.content, "moves": moves,
        "history": AuditEntry.objects.filter(object_type="targets.whitepaper", object_id=str(found.pk)).order_by("seq")})


PAPER_MOVE_LABELS = {PaperState.APPROVED: gettext_lazy("审核通过"), PaperState.PUBLISHED: gettext_lazy("公开发布"),
                     PaperState.WITHDRAWN: gettext_lazy("撤回（须说明理由）"), PaperState.DRAFT: gettext_lazy("退回草稿")}


@public
def papers(request: HttpRequest) -> HttpResponse:
    """Public: the published white papers (部门责任白皮书)."""
    table = PAPERS.page(request, selectors.published_papers())
    return render(request, "targets/papers.html", {"page": table.page, "table": table})


@public
def paper(request: HttpRequest, unit_code: str, year: int) -> HttpResponse:
    """Public: one published white paper, as a page or (``?format=pdf``) a PDF."""
    found: WhitePaper | None = selectors.published_papers().filter(unit__code=unit_code, year=year).first()
    if found is None:
        raise Http404(_("白皮书未发布"))
    if request.GET.get("format") == "pdf":
        try:
            pdf = whitepaper.render_pdf(found.content)
        except whitepaper.PdfUnavailable as exc:
            return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="white-paper-{unit_code}-{year}.pdf"'
        return response
    return render(request, "targets/paper.html", {"paper": found.content, "record": found})



