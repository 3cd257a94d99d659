"""Electronic supervision's panel of the leader cockpit (zeren.core.boards): the statutory on-time rate
of approvals decided in the last year and its monthly trend, the yellow and red cards in force, and the
units with the most red cards and the lowest on-time rates.

On time = decided on or before the statutory deadline (行政许可法 第四十二条、第八十二条), as the
board's rates (:func:`zeren.supervision.selectors.unit_statistics`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import Count, F, Q
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
from zeren.supervision.models import AlertType
from zeren.supervision.selectors import alerts_for, cases_for

TOP_UNITS = 10
MIN_DECIDED = 20  # a unit's rate is ranked only over this many decided cases


def _board(code: str, kind: str = "") -> str:
    return f"{reverse('supervision:index')}?{urlencode({'unit': code, **({'type': kind} if kind else {})})}"


def _rate(on_time: int, decided: int) -> float | None:
    return round(100 * on_time / decided, 1) if decided else None


def compute(scope: PanelScope) -> PanelData:
    start = scope.today - timedelta(days=365)
    decided = (cases_for(scope.user).filter(unit__path__startswith=scope.path, decided_date__isnull=False,
                                            received_date__gte=start, received_date__lte=scope.today)
               .order_by())
    on_time = Count("id", filter=Q(decided_date__lte=F("statutory_deadline")))
    per_unit = decided.values_list("unit__path").annotate(n=Count("id"), ok=on_time)
    children: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    total = [0, 0]
    for path, n, ok in per_unit:
        total[0] += n
        total[1] += ok
        child = child_path(scope.path, path)
        if child is not None:
            children[child][0] += n
            children[child][1] += ok
    by_month: dict[str, list[int]] = {}  # counted per day and summed here: TruncMonth is Python per row on SQLite
    for day, n, ok in decided.values_list("received_date").annotate(n=Count("id"), ok=on_time).order_by("received_date"):
        month = by_month.setdefault(day.strftime("%Y-%m"), [0, 0])
        month[0] += n
        month[1] += ok
    months = [(m, n, ok) for m, (n, ok) in by_month.items()]
    cards = (alerts_for(scope.user, as_of=scope.today).filter(unit__path__startswith=scope.path,
                                                            type__in=[AlertType.YELLOW_CARD, AlertType.RED_CARD])
             .order_by().values_list("type", "unit__path", "unit__code").annotate(n=Count("id")))
    by_type: Counter[str] = Counter()
    red_by_child: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    for kind, path, code, n in cards:
        by_type[kind] += n
        if kind == AlertType.RED_CARD:
            problems[code] += n
            child = child_path(scope.path, path)
            if child is not None:
                red_by_child[child] += n
    rate = _rate(total[1], total[0])
    code = scope.unit.code
    figures = [
        Figure(_("法定时限内办结率"), rate, _board(code), "" if rate is None or rate >= 95 else "warn" if rate >= 85 else "bad",
               suffix="%"),
        Figure(_("近一年办结"), total[0], _board(code)),
        Figure(str(AlertType.YELLOW_CARD.label), by_type[AlertType.YELLOW_CARD], _board(code, AlertType.YELLOW_CARD),
               "warn" if by_type[AlertType.YELLOW_CARD] else ""),
        Figure(str(AlertType.RED_CARD.label), by_type[AlertType.RED_CARD], _board(code, AlertType.RED_CARD),
               "bad" if by_type[AlertType.RED_CARD] else ""),
    ]
    charts = []
    if months:
        labels = [m for m, _n, _ok in months]
        charts.append(Chart(_("按时办结率月度走势"), "line", labels,
                            [Series(_("按时办结率"), [_rate(ok, n) for _m, n, ok in months], "#1e7d3a")],
                            links=[_board(code)] * len(labels), unit="%", max=100))
    worst = sorted(red_by_child, key=lambda p: (-red_by_child[p], p))[:TOP_UNITS]
    slow = sorted((p for p, (n, _ok) in children.items() if n >= MIN_DECIDED),
                  key=lambda p: (_rate(children[p][1], children[p][0]) or 0, p))[:TOP_UNITS]
    names = {p: unit_label(name, name_en) for p, name, name_en in
             Unit.objects.filter(path__in=worst + slow).values_list("path", "name", "name_en")} if worst or slow else {}
    if worst:
        charts.append(Chart(_("有效红牌最多的单位"), "hbar", [names.get(p, code_of(p)) for p in worst],
                            [Series(str(AlertType.RED_CARD.label), [red_by_child[p] for p in worst], "#b3261e")],
                            links=[_board(code_of(p), AlertType.RED_CARD) for p in worst]))
    if slow:
        charts.append(Chart(_("按时办结率最低的单位"), "hbar", [names.get(p, code_of(p)) for p in slow],
                            [Series(_("按时办结率"), [_rate(children[p][1], children[p][0]) for p in slow], "#b7791f")],
                            links=[_board(code_of(p)) for p in slow], unit="%", max=100))
    return PanelData(figures=figures, charts=charts, problems=dict(problems),
                     links=[(_("电子监察看板"), _board(code))],
                     note=_("%(start)s 至 %(end)s 受理的办件；告警为今日有效") % {"start": start.isoformat(),
                                                                         "end": scope.today.isoformat()})


PANELS = [Panel("supervision", 30, gettext_lazy("行政监督"), compute, ("supervision",))]
