"""Pages of target management: the target tree of a unit, a target, letters, the follow-up inbox,
assessments, the import page, and the public white papers. Thin: selectors read, actions write."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from zeren.access.rules import EDIT, SUPERVISE
from zeren.access.scope import can, scope_queryset
from zeren.core.exports import download
from zeren.org.models import Unit
from zeren.targets import actions, exchange, rules, selectors, whitepaper
from zeren.targets.models import Grade, NoticeStatus, Target, WhitePaper
from zeren.targets.selectors import MAX_CHILDREN

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
    tree = selectors.tree_for(request.user, unit, year, as_of, request.GET.get("page"))
    rows = _shown(list(tree.page), tree.computed)
    for row in rows:
        kids = tree.kids.get(row.t.pk, [])
        row.kids, row.more = _shown(kids[:MAX_CHILDREN], tree.computed), max(0, len(kids) - MAX_CHILDREN)
    counts = Counter(s.status for s in tree.computed.values())
    return render(request, "targets/index.html", {
        "unit": unit, "page": tree.page, "rows": rows, "year": year, "as_of": as_of,
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
    computed = selectors.statuses(Target.objects.filter(pk=t.pk), as_of)
    children = list(t.children.select_related("unit", "person").order_by("unit__path", "code")[:100])
    return render(request, "targets/target.html", {
        "t": t, "n": Shown(t, computed.get(t.pk)), "as_of": as_of, "children": _shown(children, computed),
        "chart": selectors.chart_series(t, as_of),
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


@login_required
def letters(request: HttpRequest) -> HttpResponse:
    qs = selectors.letters_for(request.user).filter(year=_year(request, timezone.localdate().year))
    return render(request, "targets/letters.html", {"page": Paginator(qs, 50).get_page(request.GET.get("page")),
                                                    "year": _year(request, timezone.localdate().year)})


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    """The follow-up inbox (督办): the supervision office's notices in its scope, a unit's own."""
    status = request.GET.get("status", "open")
    qs = selectors.notices_for(request.user)
    qs = qs.filter(status=status) if status in NoticeStatus.values else qs
    page = Paginator(qs.order_by("due_on", "id"), 50).get_page(request.GET.get("page"))
    closable = {n.pk for n in page if can(request.user, SUPERVISE, n.unit)}
    return render(request, "targets/notices.html", {"page": page, "status": status, "statuses": NoticeStatus.choices,
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


@login_required
def assessments(request: HttpRequest) -> HttpResponse:
    year = _year(request, timezone.localdate().year - 1)
    qs = selectors.assessments_for(request.user, year=year)
    grades = Counter(qs.values_list("grade", flat=True))
    return render(request, "targets/assessments.html", {
        "page": Paginator(qs, 50).get_page(request.GET.get("page")), "year": year,
        "grades": [(label, grades.get(value, 0)) for value, label in Grade.choices],
        "quota_share": f"{float(rules.Fraction(actions.excellent_share())) * 100:g}%",
    })


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


@public
def papers(request: HttpRequest) -> HttpResponse:
    """Public: the published white papers (部门责任白皮书)."""
    page = Paginator(selectors.published_papers(), 50).get_page(request.GET.get("page"))
    return render(request, "targets/papers.html", {"page": page})


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



