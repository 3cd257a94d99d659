"""The yearly report to the People's Congress (政府向人大报告工作), generated from the system's own data.

The seed: the government reports to the People's Congress and the CPPCC and accepts their
supervision. Each section reads an element's records for the year within the reader's scope;
an element whose app holds no models yet is named as "not yet in the system", never invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zeren.access.scope import scope_paths, scope_queryset
from zeren.findings.models import Finding
from zeren.findings.selectors import cause_labels
from zeren.org.models import Level, Unit, UnitKind, display_name_of, name_order
from zeren.oversight.models import (
    ExternalEvaluation,
    InspectionIssue,
    IssueStatus,
    JointInspection,
    JointMeeting,
    MeetingTask,
    Publication,
    PublicationCategory,
    PublicationStatus,
    Rating,
    Referral,
    ReferralOutcome,
    RuleAdoption,
)
from zeren.oversight.rules import on_time_rate

ELEMENT_APPS = [("targets", _("目标管理")), ("evaluation", _("绩效评估")), ("accountability", _("行政问责"))]
SOURCE_APPS = {"duties": _("职责设定"), "targets": _("目标管理"), "supervision": _("电子监察"), "oversight": _("监督网络"),
               "evaluation": _("绩效评估"), "accountability": _("行政问责")}


@dataclass
class Report:
    year: int
    scope: str
    generated_at: Any
    approvals: dict[str, Any] = field(default_factory=dict)
    elements: list[dict[str, Any]] = field(default_factory=list)
    findings: list[tuple[str, str, int, int]] = field(default_factory=list)
    referrals: dict[str, Any] = field(default_factory=dict)
    inspections: dict[str, Any] = field(default_factory=dict)
    meetings: dict[str, Any] = field(default_factory=dict)
    disclosure: dict[str, Any] = field(default_factory=dict)
    external: dict[str, Any] = field(default_factory=dict)
    adoptions: list[RuleAdoption] = field(default_factory=list)
    coverage: list[tuple[str, int, int]] = field(default_factory=list)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _approvals(user: Any, start: date, end: date) -> dict[str, Any]:
    if not apps.is_installed("zeren.supervision"):
        return {}
    from zeren.supervision.models import Alert, AlertType, ApprovalCase

    decided = scope_queryset(user, ApprovalCase.objects.filter(decided_date__range=(start, end)))
    counts = decided.aggregate(n=Count("id"), on_time=Count("id", filter=Q(decided_date__lte=F("statutory_deadline"))))
    red = scope_queryset(user, Alert.objects.filter(type=AlertType.RED_CARD, since__range=(start, end))).count()
    received = scope_queryset(user, ApprovalCase.objects.filter(received_date__range=(start, end))).count()
    return {"received": received, "decided": counts["n"], "on_time": counts["on_time"],
            "rate": _pct(on_time_rate(counts["on_time"], counts["n"])), "red_cards": red}


def _elements(citywide: bool) -> list[dict[str, Any]]:
    """What each later element holds so far: its models and row counts, or that it is not built yet.
    The counts are of the whole city's tables, so only a reader whose scope is the whole city gets them."""
    sections = []
    for label, title in ELEMENT_APPS:
        try:
            models = list(apps.get_app_config(label).get_models())
        except LookupError:
            models = []
        sections.append({"title": title, "available": bool(models),
                         "rows": [(str(m._meta.verbose_name_plural), m.objects.count()) for m in models] if citywide
                         else []})
    return sections


def build_report(user: Any, year: int) -> Report:
    """Everything the report says, for units in the user's scope, for calendar ``year``."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    paths = scope_paths(user)
    scope = _("、").join(u.display_name for u in Unit.objects.filter(path__in=paths).order_by("path"))
    report = Report(year=year, scope=str(_("全市")) if "/" in paths else scope, generated_at=timezone.now())
    report.approvals = _approvals(user, start, end)
    roots = Unit.objects.filter(parent__isnull=True).values_list("path", flat=True)
    report.elements = _elements(all(any(root.startswith(p) for p in paths) for root in roots))

    findings = scope_queryset(user, Finding.objects.filter(raised_at__date__range=(start, end))).order_by()
    labels = cause_labels()
    report.findings = [(SOURCE_APPS.get(app, app), labels.get(cause, cause), n, open_)
                       for app, cause, n, open_ in findings.values("source_app", "cause").annotate(
        n=Count("id"), open=Count("id", filter=Q(status__in=["open", "accepted"]))).values_list(
        "source_app", "cause", "n", "open").order_by("source_app", "-n")]

    referrals = scope_queryset(user, Referral.objects.filter(referred_on__range=(start, end))).order_by()
    ref = referrals.aggregate(n=Count("id"), registered=Count("id", filter=Q(registered_on__isnull=False)),
                              on_time=Count("id", filter=Q(registered_on__lte=F("register_due"))),
                              reported=Count("id", filter=Q(reported_on__isnull=False)))
    outcomes = dict(referrals.exclude(outcome="").values_list("outcome").annotate(n=Count("id")))
    report.referrals = {**ref, "rate": _pct(on_time_rate(ref["on_time"], ref["registered"])),
                        "outcomes": [(label, outcomes.get(value, 0)) for value, label in ReferralOutcome.choices]}

    inspections = scope_queryset(user, JointInspection.objects.filter(starts_on__range=(start, end)),
                                 unit_path_field="lead__jurisdiction__path")
    issues = scope_queryset(user, InspectionIssue.objects.filter(inspection__starts_on__range=(start, end)))
    iss = issues.aggregate(issues=Count("id"), accepted=Count("id", filter=Q(status=IssueStatus.ACCEPTED)),
                           on_time=Count("id", filter=Q(reported_on__lte=F("rectify_due"))))
    report.inspections = {"n": inspections.count(), "closed": inspections.filter(closed_on__isnull=False).count(),
                          **iss, "rate": _pct(on_time_rate(iss["on_time"], iss["issues"]))}

    meetings = scope_queryset(user, JointMeeting.objects.filter(held_on__range=(start, end)),
                              unit_path_field="convener__jurisdiction__path")
    tasks = MeetingTask.objects.filter(meeting__in=meetings)
    tk = tasks.aggregate(n=Count("id"), done=Count("id", filter=Q(done_on__isnull=False)),
                         on_time=Count("id", filter=Q(done_on__lte=F("due_on"))),
                         escalated=Count("id", filter=Q(escalated_on__isnull=False)))
    report.meetings = {"n": meetings.count(), **tk, "rate": _pct(on_time_rate(tk["on_time"], tk["n"]))}

    published = scope_queryset(user, Publication.objects.filter(
        published_at__date__range=(start, end), status__in=[PublicationStatus.PUBLISHED, PublicationStatus.WITHDRAWN]))
    by_category = dict(published.order_by().values_list("category").annotate(n=Count("id")))
    report.disclosure = {"n": published.count(), "withdrawn": published.filter(status=PublicationStatus.WITHDRAWN).count(),
                         "categories": [(label, by_category.get(v, 0)) for v, label in PublicationCategory.choices]}

    evaluations = scope_queryset(user, ExternalEvaluation.objects.filter(visited_on__range=(start, end))).order_by()
    ratings = dict(evaluations.values_list("rating").annotate(n=Count("id")))
    total = sum(ratings.values())
    worst = list(evaluations.values(unit_label=display_name_of("unit__")).annotate(
        n=Count("id"), bad=Count("id", filter=Q(rating=Rating.DISSATISFIED))).filter(bad__gt=0)
        .order_by("-bad", name_order("unit__")).values_list("unit_label", "bad", "n")[:5])
    report.external = {"n": total, "ratings": [(label, ratings.get(v, 0)) for v, label in Rating.choices],
                       "satisfied": _pct(on_time_rate(ratings.get(Rating.SATISFIED, 0), total)), "worst": worst}
    adoptions = scope_queryset(user, RuleAdoption.objects.filter(adopted_on__lte=end).select_related("unit"))
    report.adoptions = [a for a in adoptions if a.unit.level != Level.STREET]
    adopted = {a.unit_id for a in adoptions}
    governments = scope_queryset(user, Unit.objects.filter(kind__in=[UnitKind.GOVERNMENT, UnitKind.STREET_OFFICE]),
                                 unit_path_field="path").valid_on(end)
    for level, label in Level.choices:
        ids = [pk for pk, lvl in governments.values_list("pk", "level") if lvl == level]
        if ids:
            report.coverage.append((str(label), sum(pk in adopted for pk in ids), len(ids)))
    return report


def render_pdf(report: Report) -> bytes:
    """The report as an A4 PDF (WeasyPrint; Chinese in Noto CJK, which the page's CSS names)."""
    from weasyprint import HTML

    html = render_to_string("oversight/congress_report.html", {"r": report, "pdf": True})
    return HTML(string=html).write_pdf()
