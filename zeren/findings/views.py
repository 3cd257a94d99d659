"""The findings list page (问题线索): thin, scoped through the selector."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zeren.findings.models import FindingStatus
from zeren.findings.selectors import cause_labels, cause_options, evidence_label, findings_for
from zeren.org.picker import unit_choice


@login_required
def index(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    cause = request.GET.get("cause", "")
    unit = unit_choice(request)  # a name or a code (zeren.org.picker)
    qs = findings_for(request.user, status=status, cause=cause, unit_code=unit.code)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    labels = cause_labels()
    kinds: dict[str, str] = {}
    for finding in page:
        # Display-only attributes for the template, set on the page's objects.
        finding.cause_label = labels.get(finding.cause, finding.cause)  # type: ignore[attr-defined]
        if finding.evidence_type not in kinds:
            kinds[finding.evidence_type] = evidence_label(finding.evidence_type)
        finding.evidence_label = kinds[finding.evidence_type]  # type: ignore[attr-defined]
    return render(request, "findings/index.html", {
        "page": page, "status": status, "cause": cause, "unit": unit, "statuses": FindingStatus.choices,
        "causes": cause_options(request.user),
    })
