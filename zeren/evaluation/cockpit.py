"""Performance evaluation's panel of the leader cockpit (zeren.core.boards): the latest published
ranking of each indicator system among the units of the subtree, and the biggest movers since the
system's round before (纵向比较) — places gained or lost among the units ranked in both rounds, so a pilot
of 16 departments and the full round of 38 compare like with like. The units ranked in the bottom
quarter, or falling three places or more, are the panel's problem list."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zeren.core.boards import Chart, Figure, Panel, PanelData, PanelScope, Series, unit_label
from zeren.evaluation.models import Result, Round, RoundStatus
from zeren.evaluation.selectors import results_for
from zeren.org.models import displayed_name_key

SHOWN = 12  # units per ranking chart: the best and the worst
MOVERS = 5
FALL = 3  # places lost that put a unit on the problem list
BOTTOM_SHARE = 0.25


def _latest_rounds(scope: PanelScope) -> list[tuple[Round, Round | None]]:
    """Per indicator system, its latest published round with results in the subtree, and the one before."""
    rounds = list(Round.objects.filter(status=RoundStatus.PUBLISHED, results__unit__path__startswith=scope.path)
                  .distinct().select_related("system").order_by("-period_end", "-pk"))
    out: dict[int, list[Round]] = {}
    for rnd in rounds:
        out.setdefault(rnd.system_id, [])
        if len(out[rnd.system_id]) < 2:
            out[rnd.system_id].append(rnd)
    return [(pair[0], pair[1] if len(pair) > 1 else None) for pair in out.values()]


def compute(scope: PanelScope) -> PanelData:
    figures, charts, problems, links = [], [], {}, []
    movers: list[tuple[int, str, str]] = []
    for rnd, before in _latest_rounds(scope):
        results = list(results_for(scope.user, rnd).filter(unit__path__startswith=scope.path, rank__gt=0)
                       .values_list("unit__code", "unit__name", "unit__name_en", "score", "rank"))
        if not results:
            continue
        ranked = rnd.results.filter(rank__gt=0).count()
        url = reverse("evaluation:round", args=[rnd.pk])
        links.append((rnd.name, url))
        previous = dict(Result.objects.filter(round=before, rank__gt=0).values_list("unit__code", "rank")) if before else {}
        shown = results if len(results) <= SHOWN else results[:SHOWN // 2] + results[-SHOWN // 2:]
        charts.append(Chart(
            _("%(round)s：名次与得分") % {"round": rnd.name}, "hbar",
            [f"{rank}. {unit_label(name, name_en)}" for _c, name, name_en, _s, rank in shown],
            [Series(_("综合得分"), [None if s is None else round(s, 1) for *_x, s, _r in shown], "#1f5fa8")],
            links=[reverse("evaluation:unit", args=[rnd.pk, code]) for code, *_rest in shown], max=100))
        common = [r for r in results if r[0] in previous]
        now = {code: i for i, (code, *_rest) in enumerate(common)}  # positions among the units in both rounds
        then = {code: i for i, code in enumerate(sorted(now, key=lambda c: previous[c]))}
        for code, name, name_en, _score, rank in results:
            if rank > ranked * (1 - BOTTOM_SHARE):
                problems[code] = problems.get(code, 0) + 1
            if code in now:
                change = then[code] - now[code]  # places gained among the units ranked both times
                movers.append((change, unit_label(name, name_en), reverse("evaluation:unit", args=[rnd.pk, code])))
                if change <= -FALL:
                    problems[code] = problems.get(code, 0) + 1
        figures.append(Figure(_("%(round)s 参评单位") % {"round": rnd.name}, len(results), url))
    if movers:
        movers.sort(key=lambda m: (-abs(m[0]), displayed_name_key(m[1])))  # ties by name, in pinyin order in Chinese
        top = [m for m in movers if m[0]][:MOVERS * 2]
        if top:
            charts.append(Chart(_("排名变化最大的单位（与上一轮相比的名次变化，正为上升）"), "hbar", [m[1] for m in top],
                                [Series(_("名次变化"), [m[0] for m in top], "#5b2ea6")], links=[m[2] for m in top]))
    links.append((_("评估轮次"), reverse("evaluation:index")))
    return PanelData(figures=figures, charts=charts, problems=problems, links=links,
                     note=_("最近发布的评估轮次；排名后四分之一或下降 %(n)d 名以上的单位列入问题清单") % {"n": FALL})


PANELS = [Panel("evaluation", 40, gettext_lazy("绩效评估"), compute, ("evaluation",))]
