"""Pages of the function catalogue (thin): list, item, batches and diff, analysis with resolution forms, positions,
the import upload and the position description form.

The catalogue list and the item pages are public (权责清单 are published, 中办发〔2015〕21号) and
rate-limited; everything else needs a log-in.
"""

from __future__ import annotations

import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zeren.access.rules import ADMINISTER_DUTIES, path_in_scope
from zeren.access.scope import scope_paths
from zeren.audit.versions import cached, query_key
from zeren.core.exports import download
from zeren.core.importing import MAX_LISTED
from zeren.core.ratelimit import ratelimit
from zeren.core.tables import ByLabel, Column, Table
from zeren.duties import actions, selectors
from zeren.duties.exchange import (
    ImportRejected,
    RowError,
    read_rows,
    validate_rows,
    write_json,
    write_xlsx,
)
from zeren.duties.models import (
    Area,
    Category,
    ChangeKind,
    DraftStatus,
    FindingKind,
    FindingStatus,
    FunctionItem,
    ReformBatch,
)
from zeren.duties.rules import format_legal_basis, highlight, item_content, parse_codes, parse_list
from zeren.org.models import ByUnitName, Level, Unit, display_name_of
from zeren.org.picker import unit_choice

PAGE_SIZE = 50
# An item's fields as the pages name them (the import file's headers stay as the format has them).
FIELD_LABELS = {"code": gettext_lazy("事项编码"), "name": gettext_lazy("事项名称"), "category": gettext_lazy("事项类别"),
                "area": gettext_lazy("职能领域"), "level": gettext_lazy("层级"), "legal_basis": gettext_lazy("设定依据"),
                "lead_units": gettext_lazy("实施主体（牵头）"), "assisting_units": gettext_lazy("协办单位"),
                "responsibility_matters": gettext_lazy("责任事项"), "accountability_situations": gettext_lazy("追责情形"),
                "parent": gettext_lazy("上级事项编码")}
# The lists' sortable columns (zeren.core.tables).
CATALOGUE = Table(
    Column("code", gettext_lazy("事项编码"), "code"), Column("name", gettext_lazy("事项名称"), "name"),
    Column("category", gettext_lazy("事项类别"), ByLabel("category", Category.choices)),
    Column("area", gettext_lazy("职能领域"), ByLabel("area", Area.choices)),
    Column("level", gettext_lazy("层级"), ByLabel("level", Level.choices)),
    Column("valid_from", gettext_lazy("起始日期"), "valid_from", first="desc"),
    default="code", size=PAGE_SIZE)
FINDINGS = Table(
    Column("kind", gettext_lazy("类型"), ByLabel("kind", FindingKind.choices)),
    Column("size", gettext_lazy("事项数"), "size", first="desc", num=True),
    Column("score", gettext_lazy("可信度"), "score", first="desc", num=True),
    Column("status", gettext_lazy("处理"), ByLabel("status", FindingStatus.choices)),
    size=PAGE_SIZE)
COVERAGE = Table(  # figures per unit, computed in Python for the units in scope (hundreds at most)
    Column("unit", gettext_lazy("单位"), ByUnitName("unit__")), Column("items", gettext_lazy("牵头事项"), first="desc", num=True),
    Column("covered", gettext_lazy("已覆盖"), first="desc", num=True), Column("coverage", gettext_lazy("覆盖率")),
    Column("posts", gettext_lazy("职位"), first="desc", num=True),
    Column("described", gettext_lazy("有说明书"), first="desc", num=True), size=25)
POSTS = Table(size=PAGE_SIZE)  # grouped by rank: paged, in the order of the groups
DRAFTS = Table(size=PAGE_SIZE)


@ratelimit("public")
def index(request: HttpRequest) -> HttpResponse:
    """The catalogue (权责清单), current or as of a date, with search and filters. Public."""
    choice = unit_choice(request)  # the unit filter takes a name or a code (zeren.org.picker)
    flt = selectors.CatalogueFilter.from_query(request.GET).model_copy(update={"unit": choice.code})
    table = CATALOGUE.page(request, selectors.catalogue_for(request.user, flt).only(
        "code", "name", "category", "area", "level", "unit_codes", "valid_from"))
    page = table.page
    codes = {c for v in page for c in v.unit_list}
    names = dict(Unit.objects.filter(code__in=codes).values_list("code", display_name_of())) if codes else {}
    for v in page:
        v.units = [(c, names.get(c, c)) for c in v.unit_list]
    return render(request, "duties/index.html", {
        "page": page, "table": table, "flt": flt, "categories": Category.choices, "areas": Area.choices,
        "levels": Level.choices, "may_import": bool(actions.catalogue_scope(request.user)), "unit_choice": choice,
    })


index.public = True  # the permission matrix (zeren/access/tests/test_matrix_api.py) reads this


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered catalogue in the published layout (xlsx) or as JSON."""
    flt = selectors.CatalogueFilter.from_query(request.GET)
    qs = selectors.catalogue_for(request.user, flt)
    if fmt == "json":
        out = io.StringIO()
        write_json(list(qs.values_list("content", flat=True)), out)
        response = HttpResponse(out.getvalue(), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="duties.json"'
        return response

    def workbook() -> bytes:
        buffer = io.BytesIO()
        write_xlsx(list(qs.values_list("content", flat=True)), buffer)
        return buffer.getvalue()
    # Writing the city's list (10,000 items) takes openpyxl seconds: the file is kept until the catalogue changes.
    return download(cached(f"duties:xlsx:{get_language()}:{query_key(qs)}", ("duties",), workbook), "duties.xlsx")


@ratelimit("public")
def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One item as it stands, or as it stood at the end of ``?as_of=``, with its history. Public; the
    analysis findings and the posts performing it are shown only to signed-in users in scope."""
    item = selectors.get_item_for(request.user, code)
    as_of = selectors.parse_day(request.GET.get("as_of"))
    version = selectors.item_version(item, as_of)
    content = version.content if version else {}
    unit_codes = content.get("lead_units", []) + content.get("assisting_units", [])
    names = dict(Unit.objects.filter(code__in=unit_codes).values_list("code", display_name_of())) if unit_codes else {}
    parent = FunctionItem.objects.filter(code=content["parent"]).first() if content.get("parent") else None
    internal = request.user.is_authenticated
    return render(request, "duties/item.html", {
        "item": item, "version": version, "content": content, "as_of": as_of,
        "basis": format_legal_basis(content.get("legal_basis", [])), "parent": parent,
        "labels": {key: dict(choices.choices).get(content.get(key), content.get(key, ""))
                   for key, choices in (("category", Category), ("area", Area), ("level", Level))},
        "units": [(u, names.get(u, u), _("牵头")) for u in content.get("lead_units", [])]
        + [(u, names.get(u, u), _("协办")) for u in content.get("assisting_units", [])],
        "history": selectors.item_history(item),
        "children": item.children.filter(is_active=True) if as_of is None else [],
        "findings": selectors.findings_for(request.user).filter(items=item) if internal else [],
        "positions": selectors.positions_for(request.user).filter(items=item) if internal else [],
    })


item_detail.public = True


@login_required
def batches(request: HttpRequest) -> HttpResponse:
    """Reform batches and the diff between two of them (added, removed, transferred, changed)."""
    all_batches = list(ReformBatch.objects.order_by("date", "pk"))
    by_pk = {str(b.pk): b for b in all_batches}
    old, new = by_pk.get(request.GET.get("old", "")), by_pk.get(request.GET.get("new", ""))
    if old is None and new is None and len(all_batches) >= 2:
        old, new = all_batches[-2], all_batches[-1]
    elif old is None and new is not None and all_batches.index(new) > 0:  # ?new= alone: against the batch before
        old = all_batches[all_batches.index(new) - 1]
    diff = selectors.batch_diff(old, new) if old and new else None
    for rows in (diff or {}).values():
        for row in rows:
            row["field_labels"] = [str(FIELD_LABELS.get(f, f)) for f in row["fields"]]
    sections = [(kind, ChangeKind(kind).label, diff[kind]) for kind in ("added", "removed", "transferred", "changed")] \
        if diff else []
    return render(request, "duties/batches.html", {"batches": all_batches, "old": old, "new": new,
                                                   "sections": sections})


@login_required
def analysis(request: HttpRequest) -> HttpResponse:
    """Findings of the analysis, filtered; near-duplicate pairs with their matching parts marked."""
    kind, status, choice = request.GET.get("kind", ""), request.GET.get("status", "open"), unit_choice(request)
    unit = choice.code
    area = request.GET.get("area", "")
    qs = selectors.findings_for(request.user, kind=kind, status=status, unit=unit, area=area)
    table = FINDINGS.page(request, qs)
    page = table.page
    for finding in page:
        _decorate(finding)
    counts = dict(selectors.finding_counts(request.user, status))
    return render(request, "duties/analysis.html", {
        "page": page, "kinds": [(k, label, counts.get(k, 0)) for k, label in FindingKind.choices],
        "statuses": FindingStatus.choices, "kind": kind, "status": status, "unit_choice": choice, "area": area,
        "areas": Area.choices, "table": table,
    })


def _decorate(finding) -> None:
    """A cluster's items with their names; a pair of two has its matching parts marked."""
    names = finding.evidence.get("names")
    if not isinstance(names, dict):
        return
    finding.members = [(code, names.get(code, ""), finding.evidence.get("lead_units", {}).get(code, []))
                       for code in finding.item_codes]
    if finding.kind == FindingKind.NEAR_DUPLICATE and len(finding.members) == 2:
        finding.left, finding.right = highlight(finding.members[0][1], finding.members[1][1])


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.get_finding_for(request.user, pk)
    _decorate(finding)
    links = [{**link, "row": [link["contributions"].get(k, 0) for k in ("object", "name", "action", "basis", "category")]}
             for link in finding.evidence.get("links", []) if "contributions" in link]
    return render(request, "duties/finding.html", {"finding": finding, "links": links,
                                                   "may_resolve": actions.may_resolve(request.user, finding),
                                                   "evidence": selectors.finding_evidence_fields(finding.evidence)})


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """The resolution forms (htmx): assign a lead unit, merge, split, or mark as intended. The 编办 only
    (``administer_duties``); the actions check every item and unit against the user's scope."""
    finding = selectors.get_finding_for(request.user, pk)
    if not actions.may_resolve(request.user, finding):
        raise PermissionDenied
    how, reason, p = request.POST.get("how", ""), request.POST.get("reason", "").strip(), request.POST
    error = ""
    try:
        if how == "intended":
            actions.do_mark_intended(actor=request.user, finding=finding, reason=reason)
        elif how == "assign_lead":
            actions.do_assign_lead(actor=request.user, finding=finding, item_code=p.get("item", ""),
                                   unit_code=p.get("unit", ""), reason=reason)
        elif how == "merge":
            keep = p.get("keep", "")
            actions.do_merge_items(actor=request.user, finding=finding, keep_code=keep,
                                   merge_codes=[c for c in finding.item_codes if c != keep], reason=reason)
        elif how == "split":
            parts = [tuple(line.split(maxsplit=2)) for line in p.get("parts", "").splitlines() if line.strip()]
            if any(len(part) != 3 for part in parts):
                raise actions.CatalogueError(_("每行须为：编码 单位代码 名称"))
            actions.do_split_item(actor=request.user, finding=finding, item_code=p.get("item", ""),
                                  parts=[(c, n, u) for c, u, n in parts], reason=reason)
        else:
            error = _("未知的处理方式")
    except actions.CatalogueError as exc:
        error = str(exc)
    except PermissionDenied:  # an item or unit outside the user's scope; 200 so that htmx shows the message
        error = _("无权处理：所涉单位超出本人的职责管理范围")
    finding.refresh_from_db()
    _decorate(finding)
    return render(request, "duties/_resolution.html", {"finding": finding, "error": error,
                                                       "may_resolve": actions.may_resolve(request.user, finding)})


@login_required
def positions(request: HttpRequest) -> HttpResponse:
    """Position descriptions (职位说明书) and the coverage check of the units in the user's scope, as figures
    per unit (paginated); with ``?unit=CODE``, that unit's posts grouped by rank (paginated)."""
    choice = unit_choice(request)  # a name or a code (zeren.org.picker); one naming no unit matches none
    code = choice.code
    rows = selectors.coverage_for(request.user, code)
    totals = {"units": len(rows), "items": sum(r.items for r in rows), "covered": sum(r.covered for r in rows),
              "posts": sum(r.posts for r in rows), "described": sum(r.described for r in rows)}
    totals["coverage"] = totals["covered"] / totals["items"] if totals["items"] else None
    context = {"unit": code, "unit_choice": choice, "totals": totals}
    if code and len(rows) == 1:
        row = rows[0]
        row.may_edit = path_in_scope(row.unit.path, actions.catalogue_scope(request.user))
        table = POSTS.page(request, selectors.posts_of_unit_for(request.user, row.unit))
        context.update(row=row, page=table.page, table=table, groups=_by_rank(table.page))
        return render(request, "duties/positions_unit.html", context)
    table = COVERAGE.page(request, rows)
    context.update(page=table.page, table=table)
    return render(request, "duties/positions.html", context)


def _by_rank(posts) -> list[tuple[str, list]]:
    groups: dict[str, list] = {}
    for post in posts:
        groups.setdefault(post.get_rank_display(), []).append(post)
    return list(groups.items())


@login_required
def position_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pd = get_object_or_404(selectors.positions_for(request.user).prefetch_related("items"), pk=pk)
    return render(request, "duties/position.html", {"pd": pd,
                                                    "may_edit": actions.may_manage_unit(request.user, pd.post.unit)})


# --- import upload (导入权责清单) -------------------------------------------------------------


@login_required
def import_items(request: HttpRequest) -> HttpResponse:
    """Upload an Excel or JSON list with its reform batch: the same all-or-nothing import as
    ``zeren duties import``. Administrators, and unit heads for the items of their own units."""
    if not actions.catalogue_scope(request.user):
        raise PermissionDenied
    if request.GET.get("template") in ("xlsx", "json"):
        return _import_template(request.GET["template"])
    form = {"batch": "", "batch_date": timezone.localdate().isoformat(), "document": ""}
    context: dict = {"errors": [], "result": None, "source": ""}
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        context.update(_import(request, form))
    errors = context["errors"]
    result = context["result"]
    context.update(form=form, more=max(0, len(errors) - MAX_LISTED), errors=errors[:MAX_LISTED],
                   summary=[(label, result.counts[code]) for code, label in ChangeKind.choices] if result else [])
    # htmx swaps the result box only (a 200 either way: htmx does not swap error statuses by default).
    template = "duties/_import_result.html" if request.headers.get("HX-Request") else "duties/import.html"
    return render(request, template, context)


def _import_template(fmt: str) -> HttpResponse:
    """The import layout with one example row to replace (模板): the Excel columns or the JSON keys."""
    example = [item_content({
        "code": "SZ-XXX-0001", "name": _("（示例）食品经营许可"), "category": "licensing", "area": "market_supervision",
        "level": "city", "legal_basis": "《中华人民共和国食品安全法》第三十五条：国家对食品生产经营实行许可制度。",
        "lead_units": ["SZ-XXX"], "assisting_units": [],
        "responsibility_matters": ["受理责任：依法受理或不予受理申请", "审查责任：对申请材料进行审查"],
        "accountability_situations": ["对符合法定条件的申请不予受理的"], "parent": ""})]
    if fmt == "json":
        out = io.StringIO()
        write_json(example, out)
        response = HttpResponse(out.getvalue(), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote(_("权责清单导入模板") + ".json")
        return response
    buffer = io.BytesIO()
    write_xlsx(example, buffer)
    return download(buffer.getvalue(), _("权责清单导入模板") + ".xlsx")


def _import(request: HttpRequest, form: dict[str, str]) -> dict:
    upload = request.FILES.get("file")
    if upload is None:
        return {"errors": [RowError(0, "—", _("请选择文件"))], "source": ""}
    day = selectors.parse_day(form["batch_date"])
    if day is None:
        return {"errors": [RowError(0, "批次", _("生效日期无效"))], "source": upload.name}
    try:
        rows, excel = read_rows(upload, upload.name)
        contents = validate_rows(upload.name, rows, excel,
                                 check=lambda valid: actions.import_denials(request.user, valid))
        batch = actions.do_get_or_create_batch(actor=request.user, name=form["batch"] or f"导入 {upload.name} {day}",
                                               day=day, document_number=form["document"])
        result = actions.do_import_items(actor=request.user, contents=contents, batch=batch, source=upload.name)
    except ImportRejected as exc:
        return {"errors": exc.errors, "source": upload.name}
    except actions.CatalogueError as exc:
        return {"errors": [RowError(0, "—", str(exc))], "source": upload.name}
    return {"result": result, "rows": len(contents), "source": upload.name}


# --- position descriptions (职位说明书) --------------------------------------------------------


@login_required
def position_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    """Write a post's position description: the unit head of the post's unit, or an administrator."""
    post = get_object_or_404(selectors.posts_for(request.user), pk=post_id)
    if not actions.may_manage_unit(request.user, post.unit):
        raise PermissionDenied
    pd = selectors.position_of(post)
    fields = ("duties", "qualifications", "assessment_criteria", "training_requirements")
    chosen = sorted(pd.items.values_list("code", flat=True)) if pd else []
    texts = {f: "\n".join(getattr(pd, f)) if pd else "" for f in fields}
    error = ""
    if request.method == "POST":
        chosen = sorted(set(request.POST.getlist("items")) | set(parse_codes(request.POST.get("other_items", ""))))
        texts = {f: request.POST.get(f, "") for f in fields}
        try:
            pd = actions.check_save_position_description(actor=request.user, post=post, item_codes=chosen,
                                                         **{f: parse_list(texts[f]) for f in fields})
        except actions.CatalogueError as exc:
            error = str(exc)
        else:
            messages.success(request, _("职位说明书已保存"))
            return redirect("duties:position", pk=pd.pk)
    offered = selectors.items_of_post_unit(post)
    offered_codes = {i.code for i in offered}
    return render(request, "duties/position_edit.html", {
        "post": post, "pd": pd, "texts": texts, "chosen": set(chosen), "offered": offered, "error": error,
        "other_items": "、".join(c for c in chosen if c not in offered_codes),
    })


@login_required
def drafts(request: HttpRequest) -> HttpResponse:
    """Draft adjustment batches (调整批次草案): proposed changes with what they change, where they came
    from and why; the 编办 approves or rejects each with its opinion."""
    status = request.GET.get("status", DraftStatus.PENDING)
    table = DRAFTS.page(request, selectors.draft_changes_for(request.user, status=status))
    page = table.page
    labels = {"name": _("事项名称"), "category": _("事项类别"), "area": _("职能领域"), "level": _("层级"),
              "legal_basis": _("设定依据"), "parent": _("上级事项"), "lead_units": _("牵头单位"),
              "assisting_units": _("协办单位"), "responsibility_matters": _("责任事项"),
              "accountability_situations": _("追责情形")}
    for change in page:
        change.rows = [(labels.get(key, key), _shown(now), _shown(proposed))
                       for key, now, proposed in selectors.draft_rows(change)]
    return render(request, "duties/drafts.html", {
        "page": page, "status": status, "statuses": DraftStatus.choices,
        "may_decide": bool(scope_paths(request.user, ADMINISTER_DUTIES)), "table": table,
    })


@login_required
@require_POST
def draft_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve (applied to the catalogue at once) or reject a proposed change, with the 编办's opinion."""
    change = get_object_or_404(selectors.draft_changes_for(request.user), pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        actions.do_decide_change(actor=request.user, change=change, approve=approve,
                                 reason=request.POST.get("reason", ""))
        messages.success(request, _("已批准，清单已更新") if approve else _("已不予批准"))
    except actions.CatalogueError as exc:
        messages.error(request, str(exc))
    except PermissionDenied:
        messages.error(request, _("无权审核：所涉单位超出本人的职责管理范围"))
    return redirect(f"{reverse('duties:drafts')}?status={DraftStatus.PENDING}")


def _shown(value: object) -> str:
    """A content value as one line for the review table."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return "；".join(f"{v.get('law', '')}{v.get('article', '')}" if isinstance(v, dict) else str(v)
                        for v in value) or "—"
    return str(value) or "—"
