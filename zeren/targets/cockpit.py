"""Target management's panel of the leader cockpit (zeren.core.boards): this year's targets of the
unit's subtree by status (the same status rules as the target tree), their roll-up progress against
the expected, and the units with targets at risk or overdue."""

from __future__ import annotations

from collections import Counter, defaultdict
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zeren.core.boards import (
    Chart,
    Figure,
    Panel,
    PanelData,
    PanelScope,
    Series,
    child_path,
    code_of,
    unit_label,
)
from zeren.org.models import Unit
from zeren.targets import rules, selectors
from zeren.targets.models import TargetState
from zeren.targets.views import STATUS_LABELS

COLOURS = {rules.COMPLETED: "#1e7d3a", rules.ON_TRACK: "#1f5fa8", rules.NOT_STARTED: "#8a94a3",
           rules.AT_RISK: "#b7791f", rules.OVERDUE: "#b3261e"}
TOP_UNITS = 10


def _tree_url(code: str, year: int) -> str:
    return f"{reverse('targets:index')}?{urlencode({'unit': code, 'year': year})}"


def compute(scope: PanelScope) -> PanelData:
    year = scope.today.year
    qs = selectors.targets_for(scope.user, year=year, unit=scope.unit).exclude(state=TargetState.WITHDRAWN)
    rows = list(qs.values_list("id", "parent_id", "unit__code", "unit__path", "weight"))
    computed = selectors.statuses(qs, scope.today) if rows else {}
    ids = {r[0] for r in rows}
    by_status: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    per_child: dict[str, Counter[str]] = defaultdict(Counter)
    tops: list[tuple[float, rules.Status]] = []
    for target_id, parent_id, code, path, weight in rows:
        status = computed.get(target_id)
        if status is None:
            continue
        by_status[status.status] += 1
        if status.status in rules.FOLLOW_UP_STATUSES:
            problems[code] += 1
            child = child_path(scope.path, path)
            if child is not None:
                per_child[child][status.status] += 1
        if parent_id not in ids:
            tops.append((weight, status))
    progress = rules.weighted_progress([(w, s.progress) for w, s in tops]) if tops else None
    expected = rules.weighted_progress([(w, s.expected) for w, s in tops]) if tops else None
    url = _tree_url(scope.unit.code, year)
    figures = [
        Figure(_("本年度目标"), len(rows), url),
        Figure(_("总体进度"), None if progress is None else round(progress * 100), url, suffix="%"),
        Figure(_("应达进度"), None if expected is None else round(expected * 100), url, suffix="%"),
        Figure(str(STATUS_LABELS[rules.AT_RISK]), by_status[rules.AT_RISK], url, "warn" if by_status[rules.AT_RISK] else ""),
        Figure(str(STATUS_LABELS[rules.OVERDUE]), by_status[rules.OVERDUE], url, "bad" if by_status[rules.OVERDUE] else ""),
    ]
    statuses = [s for s in rules.STATUSES if by_status[s]]
    charts = [Chart(_("目标状态"), "pie", [str(STATUS_LABELS[s]) for s in statuses],
                    [Series(_("目标数"), [by_status[s] for s in statuses])], links=[url] * len(statuses),
                    colours=[COLOURS[s] for s in statuses])] if statuses else []
    worst = sorted(per_child, key=lambda p: (-per_child[p][rules.OVERDUE] - per_child[p][rules.AT_RISK], p))[:TOP_UNITS]
    if worst:
        names = {path: unit_label(name, name_en) for path, name, name_en in
                 Unit.objects.filter(path__in=worst).values_list("path", "name", "name_en")}
        charts.append(Chart(
            _("有风险和逾期目标最多的单位"), "hbar", [names.get(p, code_of(p)) for p in worst],
            [Series(str(STATUS_LABELS[rules.OVERDUE]), [per_child[p][rules.OVERDUE] for p in worst],
                    COLOURS[rules.OVERDUE], "n"),
             Series(str(STATUS_LABELS[rules.AT_RISK]), [per_child[p][rules.AT_RISK] for p in worst],
                    COLOURS[rules.AT_RISK], "n")],
            links=[_tree_url(code_of(p), year) for p in worst]))
    return PanelData(figures=figures, charts=charts, problems=dict(problems),
                     links=[(_("目标树"), url), (_("督办通知"), reverse("targets:notices"))],
                     note=_("%(year)d 年度，截至 %(day)s") % {"year": year, "day": scope.today.isoformat()})


PANELS = [Panel("targets", 20, gettext_lazy("目标管理"), compute, ("targets",))]
