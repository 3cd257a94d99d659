"""Accountability's panel of the leader cockpit (zeren.core.boards): open findings awaiting a decision
(问题线索) by the element that raised them, fault cases under way, responsibility reviews due within
their 20 working days (and overdue), and apologies made this year. Units with an open fault case, an
overdue review or a refusal to review or apologise are its problem list."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zeren.accountability.models import Apology, CaseStatus, Refusal
from zeren.accountability.selectors import cases_for, inbox_for, reviews_for
from zeren.core.boards import Chart, Figure, Panel, PanelData, PanelScope, Series
from zeren.findings.models import OPEN_STATUSES

SOURCES = {  # the apps that raise findings, labelled as the elements they are
    "duties": gettext_lazy("职责"), "targets": gettext_lazy("目标"), "supervision": gettext_lazy("监督"),
    "oversight": gettext_lazy("监督网络"), "evaluation": gettext_lazy("评估"),
    "accountability": gettext_lazy("问责"),
}


def _url(name: str, **query: str) -> str:
    query = {k: v for k, v in query.items() if v}
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


def compute(scope: PanelScope) -> PanelData:
    unit = "" if scope.unit.parent_id is None else scope.unit.code
    findings = inbox_for(scope.user).filter(unit__path__startswith=scope.path, status__in=OPEN_STATUSES).order_by()
    by_source = dict(findings.values_list("source_app").annotate(n=Count("id")))
    cases = cases_for(scope.user).filter(unit__path__startswith=scope.path).exclude(status=CaseStatus.CLOSED).order_by()
    by_status = dict(cases.values_list("status").annotate(n=Count("id")))
    reviews = reviews_for(scope.user).filter(unit__path__startswith=scope.path).order_by()
    due = reviews.filter(submitted_on__isnull=True)
    overdue = due.filter(due__lt=scope.today)
    apologies = Apology.objects.filter(review__in=reviews, published_on__year=scope.today.year).count()
    problems: Counter[str] = Counter(dict(cases.values_list("unit__code").annotate(n=Count("id"))))
    problems.update(dict(reviews.filter(Q(submitted_on__isnull=True, due__lt=scope.today) | ~Q(refusal=Refusal.NONE))
                         .values_list("unit__code").annotate(n=Count("id"))))
    n_due, n_overdue = due.count(), overdue.count()
    figures = [
        Figure(_("待处理问题线索"), sum(by_source.values()), _url("accountability:inbox", status="open_all", unit=unit),
               "warn" if by_source else ""),
        Figure(_("在办问责案件"), sum(by_status.values()), _url("accountability:cases", unit=unit)),
        Figure(_("待检讨"), n_due, _url("accountability:incidents"), "warn" if n_due else ""),
        Figure(_("逾期未检讨"), n_overdue, _url("accountability:incidents"), "bad" if n_overdue else ""),
        Figure(_("本年失职道歉"), apologies, _url("accountability:apologies")),
    ]
    charts = []
    sources = [s for s in SOURCES if by_source.get(s)] + sorted(s for s in by_source if s not in SOURCES)
    if sources:
        charts.append(Chart(_("待处理问题线索（按来源）"), "bar", [str(SOURCES.get(s, s)) for s in sources],
                            [Series(_("问题线索"), [by_source[s] for s in sources], "#b7791f")],
                            links=[_url("accountability:inbox", status="open_all", unit=unit)] * len(sources)))
    statuses = [s for s in CaseStatus if by_status.get(s)]
    if statuses:
        charts.append(Chart(_("在办问责案件（按阶段）"), "bar", [str(s.label) for s in statuses],
                            [Series(_("案件数"), [by_status[s] for s in statuses], "#b3261e")],
                            links=[_url("accountability:cases", status=s, unit=unit) for s in statuses]))
    return PanelData(figures=figures, charts=charts, problems=dict(problems),
                     links=[(_("问题线索"), _url("accountability:inbox", unit=unit)),
                            (_("问责案件"), _url("accountability:cases", unit=unit)),
                            (_("重大事件与责任检讨"), _url("accountability:incidents"))],
                     note=_("在办案件、待检讨（20 个工作日内）和本年道歉"))


PANELS = [Panel("accountability", 50, gettext_lazy("行政问责"), compute, ("accountability", "findings"))]
