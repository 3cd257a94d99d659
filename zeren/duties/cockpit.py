"""The duties catalogue's panel of the leader cockpit (zeren.core.boards): the health of the power and
responsibility list (权责清单) — open analysis findings by kind (多头管理 overlaps, 无人负责 orphans,
有权无责 items without responsibility, near-duplicates, level mismatches) and the units named in most."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from django.db.models import Q
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
from zeren.duties.models import FindingKind, FindingStatus
from zeren.duties.selectors import findings_for
from zeren.org.models import Unit

HEADLINE = (FindingKind.MULTI_HEAD, FindingKind.ORPHAN, FindingKind.NO_RESPONSIBILITY)
TOP_UNITS = 10


def _analysis(kind: str = "", unit: str = "") -> str:
    query = {"status": FindingStatus.OPEN, **({"kind": kind} if kind else {}), **({"unit": unit} if unit else {})}
    return f"{reverse('duties:analysis')}?{urlencode(query)}"


def compute(scope: PanelScope) -> PanelData:
    is_root = scope.unit.parent_id is None
    qs = findings_for(scope.user, status=FindingStatus.OPEN)
    if not is_root:
        qs = qs.filter(Q(unit__path__startswith=scope.path) | Q(unit_codes__icontains=f'"{scope.unit.code}"'))
    rows = list(qs.order_by().values_list("kind", "unit_codes"))
    by_kind = Counter(kind for kind, _codes in rows)
    problems: Counter[str] = Counter(code for _kind, codes in rows for code in set(codes or []))
    unit = "" if is_root else scope.unit.code
    figures = [Figure(_("待处理问题"), len(rows), _analysis(unit=unit), "warn" if rows else "")]
    figures += [Figure(str(kind.label), by_kind[kind], _analysis(kind, unit), "bad" if by_kind[kind] else "")
                for kind in HEADLINE]
    kinds = [k for k in FindingKind if by_kind[k]]
    charts = [Chart(_("待处理问题（按类型）"), "bar", [str(k.label) for k in kinds],
                    [Series(_("问题数"), [by_kind[k] for k in kinds], "#b3261e")],
                    links=[_analysis(k, unit) for k in kinds])] if kinds else []
    paths = dict(Unit.objects.filter(code__in=list(problems)).values_list("code", "path")) if problems else {}
    per_child: Counter[str] = Counter()
    for code, n in problems.items():
        child = child_path(scope.path, paths.get(code, ""))
        if child is not None and child != scope.path:
            per_child[child] += n
    worst = [p for p, _n in sorted(per_child.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_UNITS]]
    if worst:
        names = {p: unit_label(name, name_en) for p, name, name_en in
                 Unit.objects.filter(path__in=worst).values_list("path", "name", "name_en")}
        charts.append(Chart(_("涉及问题最多的单位"), "hbar", [names.get(p, code_of(p)) for p in worst],
                            [Series(_("问题数"), [per_child[p] for p in worst], "#b7791f")],
                            links=[_analysis(unit=code_of(p)) for p in worst]))
    return PanelData(figures=figures, charts=charts, problems=dict(problems),
                     links=[(_("职责分析"), _analysis(unit=unit))], note=_("权责清单分析发现、尚未处理的问题"))


PANELS = [Panel("duties", 10, gettext_lazy("职责体系"), compute, ("duties",))]
