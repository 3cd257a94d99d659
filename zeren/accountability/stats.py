"""Statistics and the annual accountability report (问责统计、年度问责报告), on the portal and as PDF."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from zeren.accountability import rules
from zeren.accountability.models import (
    Apology,
    CaseStatus,
    Complaint,
    Conclusion,
    FaultCase,
    FaultType,
    IncidentReview,
    SubjectKind,
)
from zeren.accountability.selectors import cases_for, complaints_for, repeat_subjects
from zeren.org.models import Level, display_name_of


def _counts(qs: QuerySet, field: str, labels: dict[str, str] | None = None) -> list[tuple[str, int]]:
    rows = qs.order_by().values_list(field).annotate(n=Count("id")).order_by("-n")
    return [(str((labels or {}).get(key, key)) if key is not None else "—", n) for key, n in rows]


def response_times(complaints: QuerySet[Complaint]) -> dict[str, Any]:
    """Working days from submission to the acceptance decision and to the reply (投诉响应时间)."""
    from zeren.workcal.selectors import get_calendar

    cal = get_calendar()
    accept, reply, within = [], [], 0
    rows = complaints.values_list("submitted_at", "accepted_on", "concluded_on", "status", "replied_on",
                                  "acceptance_due")
    for submitted, accepted, concluded, status, replied, due in rows:
        received = timezone.localtime(submitted).date()
        decided = accepted or (concluded if status == "rejected" else None)
        if decided:
            accept.append(cal.workdays_between(received, decided))
            within += decided <= due
        if replied:
            reply.append(cal.workdays_between(received, replied))
    return {"decided": len(accept), "within_limit": within,
            "accept_days": round(sum(accept) / len(accept), 1) if accept else None,
            "replied": len(reply), "reply_days": round(sum(reply) / len(reply), 1) if reply else None}


def statistics(user: Any, year: int) -> dict[str, Any]:
    """The statistics page for a user's scope and a year: cases by unit, level, fault type, sanction
    and year; repeat subjects; complaint response times."""
    all_cases = cases_for(user)
    cases = all_cases.filter(opened_on__year=year)
    complaints = complaints_for(user).filter(submitted_at__year=year)
    return {
        "cases": cases.count(),
        "by_unit": _counts(cases.annotate(unit_label=display_name_of("unit__")), "unit_label")[:20],
        "by_level": _counts(cases, "unit__level", dict(Level.choices)),
        "by_fault": _counts(cases, "fault_type", dict(FaultType.choices)),
        "by_sanction": _counts(cases.exclude(sanction__isnull=True).annotate(
            sanction_label=display_name_of("sanction__")), "sanction_label"),
        "by_year": sorted(((y.year, n) for y, n in Counter(
            d.replace(month=1, day=1) for d in all_cases.values_list("opened_on", flat=True)).items())),
        "repeat": repeat_subjects(user, start=date(year, 1, 1), end=date(year, 12, 31))[:20],
        "complaints": complaints.count(),
        "substantiated": complaints.filter(conclusion__in=[Conclusion.SUBSTANTIATED, Conclusion.PARTLY]).count(),
        "response": response_times(complaints),
    }


def subject_label(case: FaultCase, anonymise: bool) -> str:
    """How a case's subject appears in the public report: the unit, or the person (anonymised to
    their role when so configured)."""
    if case.subject_kind == SubjectKind.UNIT or case.person is None:
        return case.unit.display_name
    if anonymise:
        role = _("行政首长") if case.subject_kind == SubjectKind.ADMIN_HEAD else _("工作人员")
        return _("%(unit)s %(role)s（%(initial)s某）") % {"unit": case.unit.display_name, "role": role,
                                                       "initial": case.person.name[:1]}
    return f"{case.unit.display_name} {case.person.name}"


def annual_report(year: int) -> dict[str, Any]:
    """The public annual report: decided cases and their sanctions, complaints, incidents, apologies."""
    anonymise = rules.setting("anonymise_persons")
    decided = (FaultCase.objects.filter(decided_on__year=year).exclude(sanction__isnull=True)
               .select_related("unit", "person", "sanction").order_by("decided_on", "number"))
    complaints = Complaint.objects.filter(submitted_at__year=year)
    reviews = IncidentReview.objects.filter(incident__occurred_on__year=year)
    return {
        "year": year,
        "opened": FaultCase.objects.filter(opened_on__year=year).count(),
        "decided": decided.count(),
        "filed": decided.filter(status__in=[CaseStatus.FILED, CaseStatus.APPEALED, CaseStatus.CLOSED]).count(),
        "by_fault": _counts(decided, "fault_type", dict(FaultType.choices)),
        "by_sanction": _counts(decided.annotate(sanction_label=display_name_of("sanction__")), "sanction_label"),
        "by_level": _counts(decided, "unit__level", dict(Level.choices)),
        "cases": [{"number": c.number, "subject": subject_label(c, anonymise), "fault": c.get_fault_type_display(),
                   "sanction": c.sanction.display_name, "decided_on": c.decided_on} for c in decided[:200]],
        "complaints": complaints.count(),
        "substantiated": complaints.filter(conclusion__in=[Conclusion.SUBSTANTIATED, Conclusion.PARTLY]).count(),
        "response": response_times(complaints),
        "reviews": reviews.count(),
        "reviews_late": sum(1 for due, sub in reviews.values_list("due", "submitted_on")
                            if (sub or timezone.localdate()) > due),  # submitted late, or overdue now
        "apologies": Apology.objects.filter(published_on__year=year).select_related("review__unit", "review__incident"),
        "anonymise": anonymise,
        "generated": timezone.localdate(),
    }


def report_pdf(year: int) -> bytes:
    """The annual report as an A4 PDF (WeasyPrint; Noto CJK for the Chinese text)."""
    from weasyprint import HTML

    html = render_to_string("accountability/report_pdf.html", {"report": annual_report(year), "year": year})
    return HTML(string=html).write_pdf()
