"""Pages of the oversight network (监督网络) and the public sunshine pages (阳光工程, served through
``zeren.portal`` at ``/sunshine/``). Thin: forms parse, one action writes, selectors read."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zeren.access.rules import APPROVE, EDIT, SUPERVISE
from zeren.access.scope import can
from zeren.core.exports import download, write_csv
from zeren.core.tables import ByLabel, Column, Table
from zeren.org.models import ByUnitName, Level, Unit
from zeren.oversight import actions, forms, report, selectors
from zeren.oversight.models import (
    Attachment,
    Body,
    BodyKind,
    EvaluatorKind,
    InspectionIssue,
    InspectionStatus,
    IssueStatus,
    MeetingTask,
    PublicationCategory,
    PublicationStatus,
    Rating,
    ReferralStatus,
    ReferralType,
)
from zeren.oversight.rules import late

PAGE = 30


def _columns_of_publications(when: Column) -> Table:
    return Table(when, Column("category", gettext_lazy("类别"), ByLabel("category", PublicationCategory.choices)),
                 Column("title", gettext_lazy("标题"), "title"), Column("unit", gettext_lazy("单位"), ByUnitName("unit__")),
                 Column("status", gettext_lazy("状态"), ByLabel("status", PublicationStatus.choices)), size=PAGE)


# The lists' sortable columns (zeren.core.tables).
SUNSHINE = _columns_of_publications(Column("published", gettext_lazy("公开日期"), "published_at", first="desc"))
PUBLICATIONS = _columns_of_publications(Column("created", gettext_lazy("创建时间"), "created_at", first="desc"))
REQUIREMENTS = Table(
    Column("unit", gettext_lazy("单位"), ByUnitName("unit__")),
    Column("category", gettext_lazy("类别"), ByLabel("category", PublicationCategory.choices)),
    Column("title", gettext_lazy("应公开事项"), "title"), Column("due", gettext_lazy("公开期限"), "due_on"),
    Column("met", gettext_lazy("公开日期"), "met_on", first="desc"), size=PAGE)
REFERRALS = Table(
    Column("number", gettext_lazy("编号"), "number"), Column("referred", gettext_lazy("移送日期"), "referred_on", first="desc"),
    Column("from", gettext_lazy("移送机关"), ByUnitName("from_body__unit__")), Column("to", gettext_lazy("受理机关"), ByUnitName("to_body__unit__")),
    Column("unit", gettext_lazy("被移送单位"), ByUnitName("unit__")), Column("title", gettext_lazy("标题"), "title"),
    Column("status", gettext_lazy("状态"), ByLabel("status", ReferralStatus.choices)), size=PAGE)
MEETINGS = Table(
    Column("held", gettext_lazy("会议日期"), "held_on", first="desc"), Column("title", gettext_lazy("会议名称"), "title"),
    Column("convener", gettext_lazy("召集单位"), ByUnitName("convener__unit__")), size=PAGE)
INSPECTIONS = Table(
    Column("title", gettext_lazy("检查名称"), "title"), Column("lead", gettext_lazy("牵头单位"), ByUnitName("lead__unit__")),
    Column("starts", gettext_lazy("时间"), "starts_on", "ends_on", first="desc"),
    Column("status", gettext_lazy("状态"), ByLabel("status", InspectionStatus.choices)), size=PAGE)
ADOPTIONS = Table(
    Column("unit", gettext_lazy("政府"), ByUnitName("unit__")),
    Column("level", gettext_lazy("层级"), ByLabel("unit__level", Level.choices, declared=True)),
    Column("title", gettext_lazy("制度名称"), "title"), Column("document", gettext_lazy("文号"), "document_no"),
    Column("adopted", gettext_lazy("印发日期"), "adopted_on", first="desc"), size=PAGE)
EXTERNAL = Table(
    Column("visited", gettext_lazy("视察日期"), "visited_on", first="desc"), Column("unit", gettext_lazy("被评议单位"), ByUnitName("unit__")),
    Column("evaluator", gettext_lazy("评议人"), ByLabel("evaluator_kind", EvaluatorKind.choices), "evaluator"),
    Column("rating", gettext_lazy("评议结果"), ByLabel("rating", Rating.choices)), size=PAGE)


def _errors(exc: ValidationError | PermissionDenied) -> list[str]:
    return exc.messages if isinstance(exc, ValidationError) else [str(exc) or _("无权进行此操作")]


def _act(request: HttpRequest, action: Callable[[], Any], done: str) -> Any:
    """Run one action and return what it made; a refusal becomes an error message on the page
    (and ``None``), never a 500."""
    try:
        result = action()
    except (ValidationError, PermissionDenied) as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return None
    messages.success(request, done)
    return result


def _unit(code: str) -> Unit:
    unit = Unit.objects.filter(code=code.strip()).first()
    if unit is None:
        raise ValidationError(_("单位代码 %(code)s 不存在") % {"code": code})
    return unit


def _body(pk: int | None) -> Body:
    body = Body.objects.select_related("unit", "jurisdiction").filter(pk=pk).first()
    if body is None:
        raise ValidationError(_("监督主体不存在"))
    return body


def _int(value: str | None) -> int:
    """A query or form id as an integer; anything else is 0 (matches nothing) rather than a 500."""
    return int(value) if value and value.isdigit() else 0


def _lead_body(request: HttpRequest, param: str) -> tuple[Body, Any, Any]:
    """The supervision body the user acts for (chosen by ``param``, else the highest in scope),
    the bodies they may choose from, and the other member bodies of its jurisdiction."""
    bodies = selectors.supervision_bodies_for(request.user)
    body = bodies.filter(pk=_int(request.GET.get(param) or request.POST.get(param))).first() \
        or bodies.order_by("jurisdiction__path").first()
    if body is None:
        raise PermissionDenied
    mates = Body.objects.filter(jurisdiction=body.jurisdiction).exclude(pk=body.pk).select_related("unit")
    return body, bodies, mates


def _form_errors(request: HttpRequest, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


# --- 阳光工程: public pages ------------------------------------------------------------------------

def _public_filters(request: HttpRequest) -> dict[str, Any]:
    year = request.GET.get("year", "")
    return {"q": request.GET.get("q", "").strip()[:100], "category": request.GET.get("category", ""),
            "unit": request.GET.get("unit", "").strip()[:64], "year": int(year) if year.isdigit() else None}


def sunshine_index(request: HttpRequest) -> HttpResponse:
    """The public register (阳光公开): published and withdrawn items, searchable."""
    filters = _public_filters(request)
    table = SUNSHINE.page(request, selectors.public_publications(**filters))
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return render(request, "oversight/sunshine_index.html", {
        "page": table.page, "table": table, "filters": filters, "query": query,
        "categories": PublicationCategory.choices})


def sunshine_item(request: HttpRequest, pk: int) -> HttpResponse:
    publication = selectors.get_public_publication(pk)
    return render(request, "oversight/sunshine_item.html", {
        "p": publication, "attachments": selectors.attachments_of(publication)})


def sunshine_attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    publication = selectors.get_public_publication(pk)
    attachment = get_object_or_404(selectors.attachments_of(publication).defer(None), pk=attachment_id)
    return _file(attachment)


def _file(attachment: Attachment) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(bytes(attachment.content), content_type=attachment.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(attachment.name, safe='')}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def sunshine_feed(request: HttpRequest) -> HttpResponse:
    """Atom 1.0 (RFC 4287) of the 50 latest public items; a withdrawal updates its entry."""
    items = list(selectors.public_publications()[:50])
    feed = Atom1Feed(title=_("阳光工程 · 政务公开"), link=request.build_absolute_uri(reverse("portal:sunshine")),
                     description=_("发展规划、重大决策、工作目标、突发事件及处置情况"),
                     language=get_language() or settings.LANGUAGE_CODE,
                     feed_url=request.build_absolute_uri(), author_name="zeren",
                     feed_guid=request.build_absolute_uri(reverse("portal:sunshine")))
    for p in items:
        url = request.build_absolute_uri(reverse("portal:sunshine_item", args=[p.pk]))
        withdrawn = p.status == PublicationStatus.WITHDRAWN
        text = (_("【已撤回】撤回理由：%(reason)s") % {"reason": p.withdrawal_reason} + "\n\n" if withdrawn else "") + p.body
        feed.add_item(title=(_("【已撤回】%(title)s") % {"title": p.title}) if withdrawn else p.title, link=url,
                      description=text, unique_id=url, pubdate=p.published_at,
                      updateddate=p.withdrawn_at or p.published_at, author_name=p.unit.display_name,
                      categories=[p.get_category_display()])
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


OPEN_DATA_FIELDS = ["id", "unit_code", "unit_name", "category", "category_label", "title", "issued_on",
                    "published_at", "status", "withdrawn_at", "withdrawal_reason", "url", "body"]


def _open_data_rows(request: HttpRequest) -> list[dict[str, Any]]:
    categories = dict(PublicationCategory.choices)
    base = request.build_absolute_uri(reverse("portal:sunshine"))
    rows = selectors.public_publications(**_public_filters(request)).values_list(
        "id", "unit__code", "unit__name", "category", "title", "issued_on", "published_at", "status",
        "withdrawn_at", "withdrawal_reason", "body")
    return [{"id": pk, "unit_code": code, "unit_name": name, "category": cat, "category_label": str(categories[cat]),
             "title": title, "issued_on": issued.isoformat(), "published_at": published.isoformat(), "status": status,
             "withdrawn_at": withdrawn.isoformat() if withdrawn else None, "withdrawal_reason": reason,
             "url": f"{base}{pk}/", "body": body}
            for pk, code, name, cat, title, issued, published, status, withdrawn, reason, body in rows]


def sunshine_json(request: HttpRequest) -> HttpResponse:
    """Open data (开放数据): every public item as JSON, same filters as the page."""
    rows = _open_data_rows(request)
    payload = {"generated_at": timezone.now().isoformat(), "count": len(rows), "fields": OPEN_DATA_FIELDS,
               "items": rows}
    return HttpResponse(json.dumps(payload, ensure_ascii=False), content_type="application/json; charset=utf-8")


def sunshine_csv(request: HttpRequest) -> HttpResponse:
    """Open data as CSV, UTF-8 with a byte-order mark so Excel shows the Chinese intact."""
    rows = _open_data_rows(request)
    content = write_csv([OPEN_DATA_FIELDS, *([row[f] for f in OPEN_DATA_FIELDS] for row in rows)])
    return download(content, "sunshine.csv")


# --- 内部页面 -------------------------------------------------------------------------------------

@login_required
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    user = request.user
    return render(request, "oversight/index.html", {
        "loads": selectors.network_loads(user, today)[:12],
        "referrals": selectors.referrals_for(user)[:10],
        "meetings": selectors.meetings_for(user)[:5],
        "inspections": selectors.inspections_for(user)[:5],
        "overdue_requirements": selectors.requirements_for(user, overdue_on=today).count(),
        "today": today,
    })


# 阳光工程: the register for staff

@login_required
def publications(request: HttpRequest) -> HttpResponse:
    status, q = request.GET.get("status", ""), request.GET.get("q", "").strip()[:100]
    form = forms.PublicationForm(request.POST or None, request.FILES or None,
                                 initial={"unit": request.user.unit_code, "issued_on": timezone.localdate()})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data

            created = _act(request, lambda: actions.do_create_publication(
                actor=request.user, unit=_unit(data["unit"]), category=data["category"], title=data["title"],
                body=data["body"], issued_on=data["issued_on"], attachments=data["attachments"]), _("已保存为草稿"))
            if created:
                return redirect("oversight:publication", pk=created.pk)
        else:
            _form_errors(request, form)
    table = PUBLICATIONS.page(request, selectors.publications_for(request.user, status=status, q=q))
    return render(request, "oversight/publications.html", {
        "page": table.page, "table": table, "form": form, "status": status, "q": q, "statuses": PublicationStatus.choices})


@login_required
def publication(request: HttpRequest, pk: int) -> HttpResponse:
    p = selectors.get_publication_for(request.user, pk)
    if request.method == "POST":
        step, reason = request.POST.get("step", ""), request.POST.get("reason", "")
        moves = {"approve": (lambda: actions.do_approve_publication(actor=request.user, publication=p), _("已审核")),
                 "publish": (lambda: actions.do_publish_publication(actor=request.user, publication=p), _("已公开")),
                 "return": (lambda: actions.do_return_publication(actor=request.user, publication=p, reason=reason),
                            _("已退回草稿")),
                 "withdraw": (lambda: actions.do_withdraw_publication(actor=request.user, publication=p, reason=reason),
                              _("已撤回，公开页面保留并显示撤回理由"))}
        if step not in moves:
            raise Http404
        _act(request, *moves[step])
        return redirect("oversight:publication", pk=pk)
    return render(request, "oversight/publication.html", {
        "p": p, "attachments": selectors.attachments_of(p), "may_approve": can(request.user, APPROVE, p.unit)})


@login_required
def checklist(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    only_overdue = request.GET.get("overdue") == "1"
    qs = selectors.requirements_for(request.user, overdue_on=today if only_overdue else None)
    table = REQUIREMENTS.page(request, qs)
    for r in table.page:
        r.overdue = late(r.due_on, r.met_on, today)
    return render(request, "oversight/checklist.html", {"page": table.page, "table": table, "only_overdue": only_overdue, "today": today})


# 移送处理

@login_required
def referrals(request: HttpRequest) -> HttpResponse:
    status, rtype, body = request.GET.get("status", ""), request.GET.get("type", ""), request.GET.get("body", "")
    qs = selectors.referrals_for(request.user, status=status, type=rtype, body=int(body) if body.isdigit() else None)
    table = REFERRALS.page(request, qs)
    page = table.page
    today = timezone.localdate()
    for r in page:
        r.overdue = (r.status == ReferralStatus.REFERRED and late(r.register_due, r.registered_on, today)) or (
            r.status == ReferralStatus.REGISTERED and late(r.report_due, r.reported_on, today))
    return render(request, "oversight/referrals.html", {
        "page": page, "table": table, "status": status, "type": rtype, "statuses": ReferralStatus.choices,
        "types": ReferralType.choices, "stats": selectors.referral_statistics(request.user),
        "may_refer": selectors.referring_bodies_of(request.user).exists()})


@login_required
def referral_new(request: HttpRequest) -> HttpResponse:
    bodies = selectors.referring_bodies_of(request.user).select_related("unit")
    receivers = Body.objects.filter(kind=BodyKind.SUPERVISION).select_related("unit", "jurisdiction")
    form = forms.ReferralForm(request.POST or None, request.FILES or None,
                              initial={"referred_on": timezone.localdate()})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data

            created = _act(request, lambda: actions.do_refer_case(
                actor=request.user, from_body=_body(data["from_body"]), to_body=_body(data["to_body"]),
                unit=_unit(data["unit"]), type=data["type"], title=data["title"], facts=data["facts"],
                attachments=data["attachments"], referred_on=data["referred_on"]), _("已移送"))
            if created:
                return redirect("oversight:referral", pk=created.pk)
        else:
            _form_errors(request, form)
    return render(request, "oversight/referral_new.html", {"form": form, "bodies": bodies, "receivers": receivers})


@login_required
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    r, view = selectors.get_referral_for(request.user, pk)
    if request.method == "POST" and view != "full":  # the referring body follows the status, it does not handle
        raise PermissionDenied
    if request.method == "POST":
        step = request.POST.get("step", "")
        handlers = {"register": (forms.RegisterForm, lambda d: actions.do_register_referral(
                        actor=request.user, referral=r, registered_on=d["registered_on"]), _("已登记受理")),
                    "note": (forms.NoteForm, lambda d: actions.do_add_referral_note(
                        actor=request.user, referral=r, body=d["body"]), _("已记录")),
                    "report": (forms.ReportForm, lambda d: actions.do_report_referral(
                        actor=request.user, referral=r, outcome=d["outcome"], summary=d["summary"],
                        reported_on=d["reported_on"]), _("已向移送机关反馈结果"))}
        if step not in handlers:
            raise Http404
        form_class, run, done = handlers[step]
        form = form_class(request.POST)
        if form.is_valid():
            _act(request, lambda: run(form.cleaned_data), done)
        else:
            _form_errors(request, form)
        return redirect("oversight:referral", pk=pk)
    today = timezone.localdate()
    context = {"r": r, "view": view, "today": today,
               "register_late": late(r.register_due, r.registered_on, today),
               "report_late": late(r.report_due, r.reported_on, today)}
    if view == "full":
        context.update(notes=r.notes.select_related("author"), attachments=selectors.attachments_of(r),
                       register_form=forms.RegisterForm(initial={"registered_on": today}), note_form=forms.NoteForm(),
                       report_form=forms.ReportForm(initial={"reported_on": today}))
    return render(request, "oversight/referral.html", context)


@login_required
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """An internal attachment, served only to who may see its owner in full."""
    a = get_object_or_404(Attachment, pk=attachment_id)
    if a.owner_type == "oversight.referral":
        r, view = selectors.get_referral_for(request.user, a.owner_id)
        if view != "full":
            raise Http404
    elif a.owner_type == "oversight.publication":
        selectors.get_publication_for(request.user, a.owner_id)
    elif a.owner_type == "oversight.inspectionissue":
        issue = get_object_or_404(InspectionIssue, pk=a.owner_id)
        selectors.get_inspection_for(request.user, issue.inspection_id)
    else:
        raise Http404
    return _file(a)


# 垂直网络

@login_required
def network(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    loads = selectors.network_loads(request.user, today)
    return render(request, "oversight/network.html", {
        "loads": loads, "table": ADOPTIONS.page(request, selectors.rule_adoptions_for(request.user)), "today": today})


# 联席会议

@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    table = MEETINGS.page(request, selectors.meetings_for(request.user))
    return render(request, "oversight/meetings.html", {"page": table.page, "table": table})


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    convener, conveners, members = _lead_body(request, "convener")
    today = timezone.localdate()
    choices = [(str(b.pk), b.unit.display_name) for b in members]
    draft = selectors.draft_agenda(convener, today)
    form = forms.MeetingForm(request.POST or None, member_choices=choices, initial={
        "title": _("%(body)s联席会议") % {"body": convener.jurisdiction.display_name}, "held_on": today,
        "agenda": draft.as_text(today), "members": [c for c, _label in choices]})
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data

            created = _act(request, lambda: actions.do_hold_meeting(
                actor=request.user, convener=convener, members=list(members.filter(pk__in=d["members"])),
                title=d["title"], held_on=d["held_on"], agenda=d["agenda"], minutes=d["minutes"]), _("已记录会议"))
            if created:
                return redirect("oversight:meeting", pk=created.pk)
        else:
            _form_errors(request, form)
    return render(request, "oversight/meeting_new.html", {
        "form": form, "convener": convener, "conveners": conveners, "draft": draft})


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    m = selectors.get_meeting_for(request.user, pk)
    if request.method == "POST":
        if request.POST.get("step") == "task":
            form = forms.TaskForm(request.POST)
            if form.is_valid():
                d = form.cleaned_data
                _act(request, lambda: actions.do_add_meeting_task(
                    actor=request.user, meeting=m, decision=d["decision"], owner=_body(d["owner"]),
                    workdays=d["workdays"]), _("已添加议定事项"))
            else:
                _form_errors(request, form)
        elif request.POST.get("step") == "done":
            task = get_object_or_404(MeetingTask, pk=_int(request.POST.get("task")), meeting=m)
            form = forms.TaskDoneForm(request.POST)
            if form.is_valid():
                d = form.cleaned_data
                _act(request, lambda: actions.do_complete_meeting_task(
                    actor=request.user, task=task, report=d["report"], done_on=d["done_on"]), _("已办结"))
            else:
                _form_errors(request, form)
        return redirect("oversight:meeting", pk=pk)
    today = timezone.localdate()
    tasks = list(selectors.tasks_of(m))
    for t in tasks:
        t.late = late(t.due_on, t.done_on, today)
    return render(request, "oversight/meeting.html", {
        "m": m, "tasks": tasks, "members": m.members.select_related("unit"), "today": today,
        "task_form": forms.TaskForm(), "done_form": forms.TaskDoneForm(initial={"done_on": today}),
        "may_manage": can(request.user, SUPERVISE, m.convener.jurisdiction)})


# 联合检查

@login_required
def inspections(request: HttpRequest) -> HttpResponse:
    table = INSPECTIONS.page(request, selectors.inspections_for(request.user))
    return render(request, "oversight/inspections.html", {"page": table.page, "table": table})


@login_required
def inspection_new(request: HttpRequest) -> HttpResponse:
    lead, leads, team = _lead_body(request, "lead")
    today = timezone.localdate()
    form = forms.InspectionForm(request.POST or None, team_choices=[(str(b.pk), b.unit.display_name) for b in team],
                                initial={"lead": lead.pk, "starts_on": today, "ends_on": today})
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data

            codes = [c for c in d["targets"].replace("，", ",").split(",") if c.strip()]
            created = _act(request, lambda: actions.do_plan_inspection(
                actor=request.user, lead=lead, team=list(team.filter(pk__in=d["team"])),
                targets=[_unit(c) for c in codes], title=d["title"], plan=d["plan"],
                starts_on=d["starts_on"], ends_on=d["ends_on"]), _("已制定检查计划"))
            if created:
                return redirect("oversight:inspection", pk=created.pk)
        else:
            _form_errors(request, form)
    return render(request, "oversight/inspection_new.html", {"form": form, "lead": lead, "leads": leads})


@login_required
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    i = selectors.get_inspection_for(request.user, pk)
    if request.method == "POST":
        step = request.POST.get("step", "")
        issue = None
        if step in ("rectify", "accept"):
            issue = get_object_or_404(InspectionIssue, pk=_int(request.POST.get("issue")), inspection=i)
        handlers = {
            "issue": (forms.IssueForm, lambda d: actions.do_record_inspection_issue(
                actor=request.user, inspection=i, unit=_unit(d["unit"]), description=d["description"],
                found_on=d["found_on"], workdays=d["workdays"]), _("已下达整改通知")),
            "rectify": (forms.RectificationForm, lambda d: actions.do_report_rectification(
                actor=request.user, issue=issue, report=d["report"], reported_on=d["reported_on"],
                attachments=d["attachments"]), _("已报送整改报告")),
            "accept": (forms.AcceptForm, lambda d: actions.do_accept_rectification(
                actor=request.user, issue=issue, accepted_on=d["accepted_on"]), _("整改已验收")),
            "close": (forms.CloseForm, lambda d: actions.do_close_inspection(
                actor=request.user, inspection=i, conclusion=d["conclusion"], closed_on=d["closed_on"]),
                _("检查已结束")),
        }
        if step not in handlers:
            raise Http404
        form_class, run, done = handlers[step]
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            _act(request, lambda: run(form.cleaned_data), done)
        else:
            _form_errors(request, form)
        return redirect("oversight:inspection", pk=pk)
    today = timezone.localdate()
    user = request.user
    issues = list(i.issues.select_related("unit"))
    for issue in issues:
        issue.late = late(issue.rectify_due, issue.reported_on, today)
        issue.may_report = issue.status != IssueStatus.ACCEPTED and can(user, EDIT, issue.unit)
        issue.may_accept = issue.status == IssueStatus.REPORTED and can(user, SUPERVISE, issue.unit)
    return render(request, "oversight/inspection.html", {
        "i": i, "issues": issues, "team": i.team.select_related("unit"), "targets": i.targets.all(),
        "today": today, "may_manage": can(user, SUPERVISE, i.lead.jurisdiction) and i.status != InspectionStatus.CLOSED,
        "issue_form": forms.IssueForm(initial={"found_on": today}),
        "rectify_form": forms.RectificationForm(initial={"reported_on": today}),
        "accept_form": forms.AcceptForm(initial={"accepted_on": today}),
        "close_form": forms.CloseForm(initial={"closed_on": today})})


# 外部监督

@login_required
def external(request: HttpRequest) -> HttpResponse:
    form = forms.ExternalEvaluationForm(request.POST or None, initial={"visited_on": timezone.localdate()})
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            if _act(request, lambda: actions.do_record_external_evaluation(
                    actor=request.user, unit=_unit(d["unit"]), evaluator_kind=d["evaluator_kind"],
                    evaluator=d["evaluator"], visited_on=d["visited_on"], rating=d["rating"],
                    comments=d["comments"]), _("已记录评议")):
                return redirect("oversight:external")
        else:
            _form_errors(request, form)
    table = EXTERNAL.page(request, selectors.external_evaluations_for(request.user))
    return render(request, "oversight/external.html", {"page": table.page, "table": table, "form": form})


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    year = int(value) if value.isdigit() else timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise Http404
    return year


@login_required
def congress_report(request: HttpRequest) -> HttpResponse:
    """The yearly report to the People's Congress (向人大报告), built from the system's own data."""
    data = report.build_report(request.user, _year(request))
    return render(request, "oversight/congress_report.html", {"r": data, "pdf": False})


@login_required
def congress_report_pdf(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    pdf = report.render_pdf(report.build_report(request.user, year))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="congress-report-{year}.pdf"'
    return response


@require_POST
@login_required
def run_checks(request: HttpRequest) -> HttpResponse:
    """Run the overdue checks now (the daily task does the same): disclosures and meeting follow-ups."""
    if not selectors.can_supervise_somewhere(request.user):
        raise PermissionDenied
    found = actions.do_check_overdue(actor=request.user)
    messages.success(request, _("新发现逾期未公开 %(n)s 项，逾期议定事项升级督办 %(m)s 项") % {
        "n": found.disclosures, "m": found.follow_ups})
    return redirect("oversight:index")
