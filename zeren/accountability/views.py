"""Accountability pages (行政问责): thin — parse input, call one action or selector, render."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zeren.access.scope import scope_queryset
from zeren.accountability import actions, selectors
from zeren.accountability.forms import CaseForm, ComplaintForm, DecisionForm, StaffComplaintForm
from zeren.accountability.models import (
    ApologyMedium,
    AppealOutcome,
    CaseStatus,
    Channel,
    Commendation,
    ComplaintStatus,
    Conclusion,
    FaultType,
    IncidentCategory,
    IncidentReview,
    ReviewStatus,
    SanctionLevel,
    Severity,
    SubjectKind,
)
from zeren.accountability.rules import AGGRAVATING, MITIGATING, case_source, recommend_rank
from zeren.accountability.stats import annual_report, statistics
from zeren.core.exports import download, write_csv, write_xlsx
from zeren.core.ratelimit import ratelimit
from zeren.core.tables import ByLabel, Column, Table
from zeren.core.uploads import UploadRejected, read_upload
from zeren.findings.causes import detail_rows
from zeren.findings.models import FindingStatus
from zeren.findings.selectors import cause_labels, evidence_label, get_finding_for
from zeren.org.models import ByUnitName, Person, Unit
from zeren.org.picker import UnitChoice, unit_choice

PAGE = 50
# The lists' sortable columns (zeren.core.tables).
INBOX = Table(
    Column("raised", gettext_lazy("发现时间"), "raised_at", first="desc"),
    Column("cause", gettext_lazy("问题类型"), ByLabel("cause", lambda: cause_labels().items())),
    Column("title", gettext_lazy("标题"), "title"), Column("unit", gettext_lazy("责任单位"), ByUnitName("unit__")),
    Column("status", gettext_lazy("状态"), ByLabel("status", FindingStatus.choices)), size=PAGE)
CASES = Table(
    Column("number", gettext_lazy("案件编号"), "number"), Column("opened", gettext_lazy("立案日期"), "opened_on", first="desc"),
    Column("subject", gettext_lazy("问责对象"), ByUnitName("unit__"), "person__name"),
    Column("fault", gettext_lazy("过错类型"), ByLabel("fault_type", FaultType.choices)),
    Column("sanction", gettext_lazy("问责方式"), "sanction__rank", first="desc"),
    Column("status", gettext_lazy("状态"), ByLabel("status", CaseStatus.choices)), size=PAGE)
COMPLAINTS = Table(
    Column("tracking", gettext_lazy("查询编号"), "tracking_number"),
    Column("submitted", gettext_lazy("提交时间"), "submitted_at", first="desc"),
    Column("channel", gettext_lazy("渠道"), ByLabel("channel", Channel.choices)),
    Column("category", gettext_lazy("类别"), "category__name"), Column("unit", gettext_lazy("被投诉单位"), ByUnitName("unit__")),
    Column("body", gettext_lazy("受理机关"), ByUnitName("handling_body__")),
    Column("status", gettext_lazy("状态"), ByLabel("status", ComplaintStatus.choices)), size=PAGE)
REVIEWS = Table(
    Column("incident", gettext_lazy("事件"), "incident__code"),
    Column("category", gettext_lazy("类别"), ByLabel("incident__category", IncidentCategory.choices)),
    Column("severity", gettext_lazy("等级"), ByLabel("incident__severity", Severity.choices)),
    Column("occurred", gettext_lazy("发生日期"), "incident__occurred_on", first="desc"),
    Column("unit", gettext_lazy("责任单位"), ByUnitName("unit__")), Column("due", gettext_lazy("检讨期限"), "due"), size=PAGE)
APOLOGIES = Table(size=PAGE)
REPEAT = Table(  # counted per unit and person in SQL, then paged here
    Column("kind", gettext_lazy("对象"), "kind"), Column("name", gettext_lazy("名称"), "name", "code"),
    Column("n", gettext_lazy("线索数"), "n", first="desc", num=True),
    Column("causes", gettext_lazy("问题类型数"), "causes", first="desc", num=True), size=PAGE)
COMMENDATIONS = Table(
    Column("unit", gettext_lazy("单位"), ByUnitName("unit__"), "person__name"),
    Column("created", gettext_lazy("提出日期"), "created_on", first="desc"),
    Column("status", gettext_lazy("状态"), ByLabel("status", Commendation._meta.get_field("status").choices)),
    size=PAGE)


def _act(request: HttpRequest, fn: Callable[[], Any], done: str = "") -> Any:
    """Run one action; a refusal or bad input becomes a message on the page, never a 500."""
    try:
        result = fn()
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("无权执行此操作"))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        if done:
            messages.success(request, done)
        return result
    return None


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _unit_param(request: HttpRequest) -> tuple[UnitChoice, int | None]:
    """The unit the filter names (a name or a code, zeren.org.picker) and its id; ``-1`` when the text
    names no single unit (the list is then empty and the page says why)."""
    choice = unit_choice(request)
    return choice, (choice.unit.pk if choice.unit else -1 if choice.unmatched else None)


@login_required
def units_json(request: HttpRequest) -> JsonResponse:
    """The searchable unit picker's options: units in the user's scope matching ``q`` (name or code)."""
    q = request.GET.get("q", "").strip()
    qs = scope_queryset(request.user, Unit.objects.all(), unit_path_field="path")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(short_name__icontains=q))
    return JsonResponse({"units": [f"{name} · {code}" for name, code in qs.values_list("name", "code")[:30]]})



# --- overview ------------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    inbox = selectors.inbox_for(request.user)
    return render(request, "accountability/index.html", {
        "open_findings": inbox.filter(status=FindingStatus.OPEN).count(),
        "accepted_findings": inbox.filter(status=FindingStatus.ACCEPTED).count(),
        "complaints": selectors.complaints_for(request.user).filter(
            status__in=[ComplaintStatus.RECEIVED, ComplaintStatus.ACCEPTED, ComplaintStatus.APPEALED]).count(),
        "cases": selectors.cases_for(request.user).exclude(status=CaseStatus.CLOSED).count(),
        "reviews": selectors.reviews_for(request.user).filter(submitted_on__isnull=True).count(),
        "commendations": Commendation.objects.filter(status="candidate").count(),
    })


# --- the inbox (问题线索) -------------------------------------------------------------------------


def _inbox_qs(request: HttpRequest):
    _choice, unit_id = _unit_param(request)
    if unit_id == -1:
        return selectors.inbox_for(request.user).none()
    return selectors.inbox_for(request.user, status=request.GET.get("status", "open_all"),
                               cause=request.GET.get("cause", ""), unit_id=unit_id,
                               age=request.GET.get("age", ""))


def _label(findings) -> None:
    labels, kinds = cause_labels(), {}
    for f in findings:
        f.cause_label = labels.get(f.cause, f.cause)
        kinds.setdefault(f.evidence_type, evidence_label(f.evidence_type))
        f.evidence_label = kinds[f.evidence_type]


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    table = INBOX.page(request, _inbox_qs(request))
    page = table.page
    _label(page)
    unit_choice_, _unit_id = _unit_param(request)
    labels = cause_labels()
    found = selectors.inbox_for(request.user).order_by().values_list("cause", flat=True).distinct()
    causes = sorted(((c, labels.get(c, c)) for c in found), key=lambda option: option[1])
    return render(request, "accountability/inbox.html", {
        "page": page, "table": table, "unit_choice": unit_choice_, "status": request.GET.get("status", "open_all"),
        "cause": request.GET.get("cause", ""), "age": request.GET.get("age", ""),
        "statuses": [("open_all", _("待处理和已受理")), *FindingStatus.choices],
        "causes": causes, "ages": [("7", _("超过7天")), ("30", _("超过30天")),
                                                                     ("90", _("超过90天"))],
    })


@login_required
@require_POST
def inbox_bulk(request: HttpRequest) -> HttpResponse:
    """Bulk actions on the checked findings: accept, dismiss (with a reason), or open one case."""
    ids = [int(i) for i in request.POST.getlist("finding") if i.isdigit()]
    findings = list(selectors.inbox_for(request.user).filter(pk__in=ids))
    action = request.POST.get("action")
    if not findings:
        messages.error(request, _("请先勾选问题线索"))
    elif action == "case":
        return redirect(reverse("accountability:case_new") + "?" + "&".join(f"finding={f.pk}" for f in findings))
    elif action == "dismiss":
        n = _act(request, lambda: actions.do_dismiss_findings(actor=request.user, findings=findings,
                                                              reason=request.POST.get("reason", "")))
        if n is not None:
            messages.success(request, _("已不予采纳 %(n)d 条") % {"n": n})
    elif action == "accept":
        n = _act(request, lambda: actions.do_accept_findings(actor=request.user, findings=findings,
                                                             reason=request.POST.get("reason", "")))
        if n is not None:
            messages.success(request, _("已受理 %(n)d 条") % {"n": n})
    else:
        messages.error(request, _("请选择处理方式"))
    return redirect(request.POST.get("next") or reverse("accountability:inbox"))


@login_required
def inbox_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    qs = _inbox_qs(request)[:50_000]
    findings = list(qs)
    _label(findings)
    header = [_("编号"), _("发现时间"), _("问题类型"), _("标题"), _("责任单位"), _("单位代码"), _("证据"), _("状态"),
              _("处理说明")]
    rows = [header] + [[f.pk, timezone.localtime(f.raised_at).strftime("%Y-%m-%d %H:%M"), f.cause_label, f.display_title,
                        f.unit.display_name, f.unit.code, f"{f.evidence_label} {f.evidence_id}", f.get_status_display(),
                        f.display_status_reason] for f in findings]
    if fmt == "csv":
        return download(write_csv(rows), "findings.csv")
    return download(write_xlsx({_("问题线索"): rows}), "findings.xlsx")


@login_required
def finding_detail(request: HttpRequest, finding_id: int) -> HttpResponse:
    finding = get_finding_for(request.user, finding_id)
    _label([finding])
    return render(request, "accountability/finding.html", {
        "finding": finding, "cases": finding.fault_cases.all(), "details": detail_rows(finding.cause, finding.details),
        "siblings": selectors.inbox_for(request.user).filter(unit=finding.unit).exclude(pk=finding.pk)[:10],
    })


# --- fault-liability cases (行政过错责任追究) ------------------------------------------------------


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.GET.getlist("finding") + request.POST.getlist("finding") if str(i).isdigit()]
    findings = list(selectors.inbox_for(request.user).filter(pk__in=ids))
    first = findings[0] if findings else None
    initial = {"unit": f"{first.unit.display_name} · {first.unit.code}" if first else "",
               "summary": "\n".join(f.display_title for f in findings), "subject_kind": SubjectKind.UNIT}
    form = CaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = Person.objects.filter(code=data["person"]).first() if data["person"] else None
        if data["person"] and person is None:
            form.add_error("person", _("未找到该人员"))
        else:
            case = _act(request, lambda: actions.do_open_case(
                actor=request.user, subject_kind=data["subject_kind"], unit=data["unit"], person=person,
                fault_type=data["fault_type"], source=case_source((f.source_app, f.cause) for f in findings), summary=data["summary"],
                findings=findings), _("已立案"))
            if case is not None:
                return redirect("accountability:case", case_id=case.pk)
    return render(request, "accountability/case_new.html", {"form": form, "findings": findings})


@login_required
def cases(request: HttpRequest) -> HttpResponse:
    choice, unit_id = _unit_param(request)
    qs = selectors.cases_for(request.user, status=request.GET.get("status", ""), unit_id=unit_id)
    table = CASES.page(request, qs)
    return render(request, "accountability/cases.html", {
        "page": table.page, "table": table, "statuses": CaseStatus.choices,
        "status": request.GET.get("status", ""), "unit_choice": choice})


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id)
    ladder = actions.sanction_ladder()
    if case.subject_kind == SubjectKind.UNIT:
        ladder = [s for s in ladder if s.for_units]
    if request.method == "POST":
        step, post = request.POST.get("step"), request.POST
        if step == "statement":
            _act(request, lambda: actions.do_record_statement(actor=request.user, case=case,
                                                              statement=post.get("statement", "")), _("已记录陈述申辩"))
        elif step == "decide":
            form = DecisionForm(post)
            sanction = SanctionLevel.objects.filter(code=post.get("sanction", "")).first()
            if form.is_valid() and sanction is not None:
                _act(request, lambda: actions.do_decide_case(
                    actor=request.user, case=case, sanction=sanction, decision=form.cleaned_data["decision"],
                    aggravating=form.cleaned_data["aggravating"], mitigating=form.cleaned_data["mitigating"]),
                    _("已作出问责决定"))
            else:
                messages.error(request, _("请选择问责方式并填写决定理由"))
        elif step == "file":
            _act(request, lambda: actions.do_file_case(actor=request.user, case=case), _("已备案"))
        elif step == "appeal":
            _act(request, lambda: actions.do_appeal_case(actor=request.user, case=case, appeal=post.get("appeal", "")),
                 _("已登记申诉"))
        elif step == "appeal_decision":
            sanction = SanctionLevel.objects.filter(code=post.get("sanction", "")).first()
            _act(request, lambda: actions.do_decide_case_appeal(
                actor=request.user, case=case, outcome=post.get("outcome", ""), decision=post.get("decision", ""),
                sanction=sanction), _("已作出申诉复查决定"))
        elif step == "close":
            _act(request, lambda: actions.do_close_case(actor=request.user, case=case), _("已结案"))
        return redirect("accountability:case", case_id=case.pk)
    findings = list(case.findings.select_related("unit"))
    _label(findings)
    rank = recommend_rank(case.fault_type, case.aggravating, case.mitigating, len(ladder)) if ladder else None
    return render(request, "accountability/case.html", {
        "case": case, "findings": findings, "ladder": ladder, "recommended": ladder[rank] if ladder else None,
        "decision_form": DecisionForm(), "aggravating": [AGGRAVATING.get(f, f) for f in case.aggravating],
        "mitigating": [MITIGATING.get(f, f) for f in case.mitigating],
        "late_filing": case.filing_due and (case.filed_on or timezone.localdate()) > case.filing_due,
        "outcomes": AppealOutcome.choices, "fault_types": FaultType.choices,
    })


# --- complaints (行政过错投诉) ---------------------------------------------------------------------


def _submit(request: HttpRequest, form: ComplaintForm, channel: str, actor: Any):
    data = form.cleaned_data
    upload = data.get("attachment")
    try:
        attachments = [read_upload(upload)[::-1]] if upload else []
    except UploadRejected as exc:
        raise ValidationError({"attachment": str(exc)}) from exc
    person = {"name": data.get("name", ""), "phone": data.get("phone", ""), "email": data.get("email", ""),
              "address": data.get("contact_address", "")}
    return actions.do_submit_complaint(
        actor=actor, channel=channel, category=data["category"], unit=data["unit"], description=data["description"],
        address=data.get("address", ""), complainant=person, client_token=data.get("client_token") or None,
        attachments=attachments)


@ratelimit("public")
def complain(request: HttpRequest) -> HttpResponse:
    """The public complaint form (网上投诉), mobile-friendly; answers with a tracking number."""
    form = ComplaintForm(request.POST or None, request.FILES or None,
                         initial={"client_token": secrets.token_urlsafe(24)})
    if request.method == "POST" and form.is_valid():
        try:
            complaint, _created = _submit(request, form, Channel.WEB, request.user)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("accountability:track", tracking=complaint.tracking_number)
    status = 400 if request.method == "POST" else 200
    return render(request, "accountability/complain.html", {"form": form}, status=status)


@ratelimit("public")
def track(request: HttpRequest, tracking: str = "") -> HttpResponse:
    """The public status page: progress, dates and the reply — never internal notes or the person."""
    tracking = tracking or request.GET.get("tracking", "")
    complaint = selectors.complaint_by_tracking(tracking) if tracking else None
    if tracking and complaint is None:
        messages.error(request, _("未找到该查询编号"))
    if complaint is not None and request.method == "POST":
        _act(request, lambda: actions.do_appeal_complaint(complaint=complaint, reason=request.POST.get("reason", "")),
             _("已提交复查申请"))
        return redirect("accountability:track", tracking=complaint.tracking_number)
    return render(request, "accountability/track.html", {"complaint": complaint, "tracking": tracking})


@login_required
def complaints(request: HttpRequest) -> HttpResponse:
    choice, unit_id = _unit_param(request)
    qs = selectors.complaints_for(request.user, status=request.GET.get("status", ""), unit_id=unit_id,
                                  q=request.GET.get("q", "").strip(), channel=request.GET.get("channel", ""))
    table = COMPLAINTS.page(request, qs)
    return render(request, "accountability/complaints.html", {
        "page": table.page, "table": table, "statuses": ComplaintStatus.choices,
        "channels": Channel.choices, "status": request.GET.get("status", ""), "channel": request.GET.get("channel", ""),
        "q": request.GET.get("q", ""), "unit_choice": choice})


@login_required
def complaints_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Complaints as CSV/Excel: the complaint only — no complainant field leaves by an export."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _choice, unit_id = _unit_param(request)
    qs = selectors.complaints_for(request.user, status=request.GET.get("status", ""), unit_id=unit_id,
                                  q=request.GET.get("q", "").strip())[:50_000]
    rows = [[_("查询编号"), _("渠道"), _("类别"), _("被投诉单位"), _("受理机关"), _("提交时间"), _("状态"), _("受理期限"),
             _("调查期限"), _("调查结论"), _("答复日期")]]
    rows += [[c.tracking_number, c.get_channel_display(), c.category.display_name, c.unit.display_name, c.handling_body.display_name,
              timezone.localtime(c.submitted_at).strftime("%Y-%m-%d %H:%M"), c.get_status_display(), c.acceptance_due,
              c.investigation_due or "", c.get_conclusion_display() if c.conclusion else "", c.replied_on or ""]
             for c in qs]
    if fmt == "csv":
        return download(write_csv(rows), "complaints.csv")
    return download(write_xlsx({_("投诉"): rows}), "complaints.xlsx")


@login_required
def complaint_new(request: HttpRequest) -> HttpResponse:
    """Staff record a complaint received by phone, letter or visit."""
    form = StaffComplaintForm(request.POST or None, request.FILES or None,
                              initial={"client_token": secrets.token_urlsafe(24)})
    if request.method == "POST" and form.is_valid():
        result = _act(request, lambda: _submit(request, form, form.cleaned_data["channel"], request.user),
                      _("已登记投诉"))
        if result is not None:
            return redirect("accountability:complaint", complaint_id=result[0].pk)
    return render(request, "accountability/complaint_new.html", {"form": form})


@login_required
def complaint_detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = selectors.get_complaint_for(request.user, complaint_id)
    handler = actions.may_handle_complaint(request.user, complaint)
    if request.method == "POST":
        step, post = request.POST.get("step"), request.POST
        steps = {
            "accept": lambda: actions.do_accept_complaint(actor=request.user, complaint=complaint, accept=True),
            "reject": lambda: actions.do_accept_complaint(actor=request.user, complaint=complaint, accept=False,
                                                          reason=post.get("reason", "")),
            "note": lambda: actions.do_add_complaint_note(actor=request.user, complaint=complaint,
                                                          note=post.get("note", "")),
            "conclude": lambda: actions.do_conclude_complaint(actor=request.user, complaint=complaint,
                                                              conclusion=post.get("conclusion", ""),
                                                              note=post.get("note", "")),
            "reply": lambda: actions.do_reply_complaint(actor=request.user, complaint=complaint,
                                                        reply=post.get("reply", "")),
            "appeal_decision": lambda: actions.do_decide_complaint_appeal(
                actor=request.user, complaint=complaint, outcome=post.get("outcome", ""),
                reopen=post.get("reopen") == "1"),
            "close": lambda: actions.do_close_complaint(actor=request.user, complaint=complaint),
        }
        if step in steps:
            _act(request, steps[step], _("已保存"))
        return redirect("accountability:complaint", complaint_id=complaint.pk)
    return render(request, "accountability/complaint.html", {
        "complaint": complaint, "handler": handler, "complainant": selectors.complainant_for(request.user, complaint),
        "attachments": complaint.attachments.only("id", "name", "size", "content_type") if handler else [],
        "conclusions": [c for c in Conclusion.choices if c[0]], "cases": complaint.fault_cases.all(),
    })


@login_required
def complaint_attachment(request: HttpRequest, complaint_id: int, attachment_id: int) -> HttpResponse:
    complaint = selectors.get_complaint_for(request.user, complaint_id)
    if not actions.may_handle_complaint(request.user, complaint):
        raise Http404
    attachment = get_object_or_404(complaint.attachments, pk=attachment_id)
    response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="attachment-{attachment.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- incidents and reviews ------------------------------------------------------------------------


@login_required
def incidents(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    reviews = selectors.reviews_for(request.user).order_by("-incident__occurred_on", "unit__code")
    table = REVIEWS.page(request, reviews)
    page = table.page
    for r in page:
        r.state = selectors.review_status(due=r.due, submitted_on=r.submitted_on,
                                          apologised=hasattr(r, "apology"), as_of=today)
    return render(request, "accountability/incidents.html", {"page": page, "table": table})


# The three findings of a responsibility review (责任检讨): each chosen explicitly, none pre-selected.
REVIEW_FLAGS = ("measures_appropriate", "rules_missing", "negligent")


@login_required
def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    review = selectors.get_review_for(request.user, review_id)
    if request.method == "POST":
        step, post = request.POST.get("step"), request.POST
        if step == "submit" and any(post.get(k) not in ("0", "1") for k in REVIEW_FLAGS):
            messages.error(request, _("请对处置措施、制度缺失和是否失职逐项作出认定"))
        elif step == "submit":
            _act(request, lambda: actions.do_submit_review(
                actor=request.user, review=review, measures_appropriate=post.get("measures_appropriate") == "1",
                rules_missing=post.get("rules_missing") == "1", findings_text=post.get("findings_text", ""),
                corrective_actions=post.get("corrective_actions", ""), negligent=post.get("negligent") == "1"),
                _("已提交责任检讨"))
        elif step == "apology":
            _act(request, lambda: actions.do_publish_apology(
                actor=request.user, review=review, statement=post.get("statement", ""), medium=post.get("medium", ""),
                medium_detail=post.get("medium_detail", ""), on=_day(post.get("published_on"))), _("已公开道歉"))
        elif step == "refusal":
            _act(request, lambda: actions.do_record_refusal(actor=request.user, review=review,
                                                            what=post.get("what", ""), note=post.get("note", "")),
                 _("已记录"))
        return redirect("accountability:review", review_id=review.pk)
    review = IncidentReview.objects.select_related("incident", "unit", "escalated_to").get(pk=review.pk)
    state = selectors.review_status(due=review.due, submitted_on=review.submitted_on,
                                    apologised=hasattr(review, "apology"), as_of=timezone.localdate())
    return render(request, "accountability/review.html", {
        "review": review, "state": state, "state_label": ReviewStatus(state).label, "media": ApologyMedium.choices,
        "others": review.incident.reviews.select_related("unit").exclude(pk=review.pk)})


def apologies(request: HttpRequest) -> HttpResponse:
    """The public apologies page (失职道歉公告)."""
    table = APOLOGIES.page(request, selectors.public_apologies())
    return render(request, "accountability/apologies.html", {"page": table.page, "table": table})


# --- repeat findings, commendations, statistics ----------------------------------------------------


@login_required
def repeat(request: HttpRequest) -> HttpResponse:
    """治庸: units and persons with repeated findings over a period."""
    end = _day(request.GET.get("end")) or timezone.localdate()
    start = _day(request.GET.get("start")) or end - timedelta(days=365)
    try:
        minimum = max(2, int(request.GET.get("min", "3")))
    except ValueError:
        minimum = 3
    rows = selectors.repeat_subjects(request.user, start=start, end=end, minimum=minimum)
    table = REPEAT.page(request, rows)
    return render(request, "accountability/repeat.html", {"page": table.page, "table": table, "start": start,
                                                          "end": end, "minimum": minimum})


@login_required
def commendations(request: HttpRequest) -> HttpResponse:
    pending = selectors.inbox_for(request.user, status="open", cause=actions.COMMENDATION_CAUSE).filter(
        commendation__isnull=True)
    if request.method == "POST" and request.POST.get("take"):
        # Excellent results raised by evaluation become candidates here (奖勤), once each.
        _act(request, lambda: actions.do_take_commendation_findings(actor=request.user, findings=list(pending[:500])),
             _("已列为表彰候选"))
        return redirect("accountability:commendations")
    if request.method == "POST":
        row = get_object_or_404(Commendation, pk=request.POST.get("id", 0))
        _act(request, lambda: actions.do_decide_commendation(actor=request.user, commendation=row,
                                                             award=request.POST.get("award") == "1",
                                                             reason=request.POST.get("reason", "")), _("已保存"))
        return redirect("accountability:commendations")
    qs = scope_queryset(request.user, Commendation.objects.select_related("unit", "person", "finding"))
    table = COMMENDATIONS.page(request, qs)
    return render(request, "accountability/commendations.html", {"page": table.page, "table": table,
                                                                 "pending": pending.count()})


@login_required
def stats_page(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("year", "")
    year = int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else timezone.localdate().year
    return render(request, "accountability/statistics.html", {"year": year, "stats": statistics(request.user, year)})


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise Http404("no report for that year")


def report(request: HttpRequest, year: int) -> HttpResponse:
    """The annual accountability report (年度问责报告), public and anonymised as configured."""
    _check_year(year)
    return render(request, "accountability/report.html", {"year": year, "report": annual_report(year)})


def report_pdf(request: HttpRequest, year: int) -> HttpResponse:
    from zeren.accountability.stats import report_pdf as render_pdf

    _check_year(year)
    response = HttpResponse(render_pdf(year), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="accountability-{year}.pdf"'
    return response
