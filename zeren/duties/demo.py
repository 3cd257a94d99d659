"""Demo step: the city's 权责清单 (about 10,000 items at ``--size city``) with planted problems,
two reform batches, the analysis run, and position descriptions for the posts the org step made."""

from __future__ import annotations

import copy
from datetime import timedelta

from django.db.models import Case, Value, When

from zeren.demo.context import DemoContext
from zeren.duties.actions import (
    do_get_or_create_batch,
    do_import_items,
    do_import_position_descriptions,
    do_record_findings,
    do_remove_items,
)
from zeren.duties.analysis import analyse
from zeren.duties.generator import GenUnit, generate
from zeren.duties.models import FunctionItem, PlantedProblem, PositionDescription
from zeren.org.models import Level, Post, Unit

ORDER = 20


def build(ctx: DemoContext) -> None:
    units = [GenUnit(u.code, u.name, u.kind, u.level, u.path, bool(u.functions))
             for u in Unit.objects.filter(kind__in=["government", "department", "street_office"]).order_by("path")]
    catalogue = generate(units, target=ctx.scaled(400, 10_000), seed=ctx.seed)
    first = do_get_or_create_batch(actor=None, name="权责清单首次公布", day=ctx.today - timedelta(days=400),
                                   document_number="深府办〔2025〕8号")
    for _ in ctx.progress([None], "权责清单"):
        do_import_items(actor=None, contents=catalogue.contents, batch=first, source="demo")
    PlantedProblem.objects.bulk_create([
        PlantedProblem(kind=p["kind"], item_codes=p["items"], unit_codes=p["units"], note=p["note"][:300])
        for p in catalogue.planted
    ])
    _second_batch(ctx, catalogue.contents, {c for p in catalogue.planted for c in p["items"]})
    do_record_findings(actor=None, report=analyse())
    _positions(ctx)
    ctx.notes["duties_items"] = len(catalogue.contents)
    ctx.notes["duties_planted"] = len(catalogue.planted)


def _second_batch(ctx: DemoContext, contents: list[dict], planted: set[str]) -> None:
    """A later reform batch: a few items transferred, renamed, added and cancelled (for the diff page)."""
    rng = ctx.rng
    pool = [c for c in contents if c["code"] not in planted and not c["parent"] and c["lead_units"]]
    chosen = rng.sample(pool, min(len(pool), ctx.scaled(8, 40)))
    if len(chosen) < 4:
        return
    batch = do_get_or_create_batch(actor=None, name="2026年第一批权责清单调整", day=ctx.today - timedelta(days=60),
                                   document_number="深编〔2026〕5号")
    quarter = len(chosen) // 4
    changed = []
    parent = {code: (up, level) for code, up, level in Unit.objects.values_list("code", "parent__code", "level")}
    leads = sorted({c["lead_units"][0] for c in pool})
    for c in chosen[:quarter]:  # transferred to another department of the same government
        new = copy.deepcopy(c)
        siblings = [u for u in leads if u != c["lead_units"][0] and parent[u] == parent[c["lead_units"][0]]]
        if siblings:
            new["lead_units"] = [rng.choice(siblings)]
            changed.append(new)
    for c in chosen[quarter:2 * quarter]:  # reworded
        new = copy.deepcopy(c)
        new["name"] = new["name"] + "（含事中事后监管）"
        changed.append(new)
    for n, c in enumerate(chosen[2 * quarter:3 * quarter]):  # new sub-items
        new = copy.deepcopy(c)
        new.update(code=f"{c['code']}-X{n:02d}", name=f"{c['name']}（告知承诺制）", parent=c["code"])
        changed.append(new)
    do_import_items(actor=None, contents=changed, batch=batch, source="demo")
    do_remove_items(actor=None, codes=[c["code"] for c in chosen[3 * quarter:]], batch=batch,
                    reason="依法取消或下放")


def _positions(ctx: DemoContext) -> None:
    """Position descriptions (职位说明书) for most posts of list-holding units: each post takes a share
    of its unit's items; a few posts are left without duties, so the coverage check has something to flag.
    The city's own departments come first (they wrote theirs first), so the annual assessment of the
    targets demo, held in city departments, has standards to judge against."""
    city_first = Case(When(unit__level=Level.CITY, then=Value(0)), default=Value(1))
    posts = list(Post.objects.filter(unit__kind__in=["department", "division", "street_office"])
                 .select_related("unit").order_by(city_first, "code")[: ctx.scaled(60, 600)])
    if not posts:
        return
    items_by_unit: dict[int, list[int]] = {}
    for item_id, unit_id in FunctionItem.objects.filter(is_active=True, responsibilities__role="lead").values_list(
            "pk", "responsibilities__unit_id"):
        items_by_unit.setdefault(unit_id, []).append(item_id)
    rows = []
    for n, post in enumerate(posts):
        if n % 9 == 8:
            continue  # left without a description
        unit_items = items_by_unit.get(post.unit_id) or items_by_unit.get(post.unit.parent_id) or []
        rows.append((PositionDescription(
            post=post, duties=[f"承担{post.unit.name}{post.label}岗位职责", "完成领导交办的其他工作"],
            qualifications=["大学本科及以上学历", "具有相关专业背景"],
            assessment_criteria=["年度考核：德、能、勤、绩、廉", "事项办理按时办结率不低于95%"],
            training_requirements=["每年参加不少于12天的业务培训"]), unit_items[n % 3::3]))
    do_import_position_descriptions(actor=None, rows=rows, source="demo")
