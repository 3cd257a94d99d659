"""The findings list page (问题线索): thin, scoped through the selector."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from zeren.core.tables import ByLabel, Column, Table
from zeren.findings.models import FindingStatus
from zeren.findings.selectors import cause_labels, cause_options, evidence_label, findings_for
from zeren.org.models import ByUnitName
from zeren.org.picker import unit_choice

FINDINGS = Table(  # sortable columns (zeren.core.tables)
    Column("raised", gettext_lazy("发现时间"), "raised_at", first="desc"),
    Column("cause", gettext_lazy("问题类型"), ByLabel("cause", lambda: cause_labels().items())),
    Column("title", gettext_lazy("标题"), "title"), Column("unit", gettext_lazy("责任单位"), ByUnitName("unit__")),
    Column("status", gettext_lazy("状态"), ByLabel("status", FindingStatus.choices)), size=50)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    cause = request.GET.get("cause", "")
    unit = unit_choice(request)  # a name or a code (zeren.org.picker)
    qs = findings_for(request.user, status=status, cause=cause, unit_code=unit.code)
    table = FINDINGS.page(request, qs)
    page = table.page
    labels = cause_labels()
    kinds: dict[str, str] = {}
    for finding in page:
        # Display-only attributes for the template, set on the page's objects.
        finding.cause_label = labels.get(finding.cause, finding.cause)  # type: ignore[attr-defined]
        if finding.evidence_type not in kinds:
            kinds[finding.evidence_type] = evidence_label(finding.evidence_type)
        finding.evidence_label = kinds[finding.evidence_type]  # type: ignore[attr-defined]
    return render(request, "findings/index.html", {
        "page": page, "table": table, "status": status, "cause": cause, "unit": unit, "statuses": FindingStatus.choices,
        "causes": cause_options(request.user),
    })
