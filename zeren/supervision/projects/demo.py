"""Demo step: major investment projects (重大投资项目) whose approvals run through e-supervision.

Small: 5 projects; city: 40. Each needs the usual approvals of Shenzhen's construction-project
reform (工程建设项目审批制度改革) from the departments that grant them — land pre-examination and
site selection and the planning permit (规划和自然资源), project approval (发展改革), energy review
(发展改革), environmental impact assessment (生态环境), hazardous-chemicals safety review (应急管理),
soil and water conservation (水务), fire-protection design review and the construction permit
(住房和建设) — with their real prerequisites. A stage whose department the demo city lacks is left
out and its prerequisites pass through to the stages that needed it.

Each stage's approval item is a 行政许可 item of the 权责清单: the demo lists the stages in the
catalogue (one reform batch, under their laws) and loads the approval items naming them with
``do_load_items``, which checks the link. Every filed stage is a real case pushed
through ``do_ingest_events`` by the city's investment-project platform (投资项目在线审批监管平台),
then scanned, so the projects' late stages are red cards on the supervision board too. Departments
mostly decide within the promised limit; some take up to the statutory limit and a few overrun it
— more often planning and environmental assessment, so the bottleneck view has something to show.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

from zeren.demo.context import DemoContext
from zeren.org.models import Unit
from zeren.supervision.actions import do_create_source, do_ingest_events, do_load_items, do_scan
from zeren.supervision.catalog import get_catalog
from zeren.supervision.projects.actions import do_add_stage, do_create_project, do_set_dependency
from zeren.supervision.projects.rules import topological_order
from zeren.supervision.rules import LOCAL_TZ

ORDER = 35
# code, name, department suffix, statutory days, promised days, prerequisites, share of projects needing it
STAGES = [
    ("land", "建设项目用地预审与选址意见书核发", "GH", 20, 12, (), 1.0),
    ("approval", "企业投资项目核准", "FGW", 20, 10, ("land",), 1.0),
    ("energy", "固定资产投资项目节能审查", "FGW", 20, 10, (), 0.7),
    ("eia", "建设项目环境影响报告书审批", "HJ", 60, 30, (), 1.0),
    ("safety", "危险化学品建设项目安全条件审查", "YJ", 45, 20, (), 0.3),
    ("water", "生产建设项目水土保持方案审批", "SW", 20, 10, (), 0.5),
    ("planning", "建设工程规划许可证核发", "GH", 20, 10, ("approval",), 1.0),
    ("fire", "建设工程消防设计审查", "ZJ", 15, 10, ("planning",), 1.0),
    ("construction", "建筑工程施工许可证核发", "ZJ", 7, 5, ("planning", "fire", "eia", "energy", "safety", "water"),
     1.0),
]
# Each stage's licence in the 权责清单: the law and article that set it, its function area, and the
# subject matter (对象) of the catalogue's own item for it when the duties generator lists one.
STAGE_DUTY = {
    "land": ("中华人民共和国土地管理法", "第五十二条", "economic_regulation", ""),
    "approval": ("企业投资项目核准和备案管理条例", "第三条", "economic_regulation", "企业投资项目核准"),
    "energy": ("中华人民共和国节约能源法", "第十五条", "economic_regulation", "固定资产投资项目节能审查"),
    "eia": ("中华人民共和国环境影响评价法", "第二十二条", "social_management", "建设项目环境影响评价"),
    "safety": ("危险化学品安全管理条例", "第十二条", "social_management", ""),
    "water": ("中华人民共和国水土保持法", "第二十五条", "social_management", "生产建设项目水土保持方案"),
    "planning": ("中华人民共和国城乡规划法", "第四十条", "economic_regulation", "建设工程规划"),
    "fire": ("中华人民共和国消防法", "第十一条", "social_management", ""),
    "construction": ("中华人民共和国建筑法", "第七条", "market_supervision", "建筑工程施工"),
}
SLOW = {"planning": 0.3, "eia": 0.3}  # chance of overrunning the statutory limit; others OVERRUN
OVERRUN = 0.08
PLACES = ["前海", "光明科学城", "坪山", "龙华", "宝安机场东", "大空港", "西丽湖", "深圳湾", "大运", "河套", "留仙洞",
          "坂雪岗", "盐田港", "大鹏", "观澜", "平湖"]
SUBJECTS = [("新能源汽车零部件产业园", 44), ("集成电路封装测试基地", 39), ("生物医药产业化项目", 27),
            ("数据中心（一期）", 65), ("综合交通枢纽", 54), ("人才住房项目", 70), ("总部经济综合体", 72),
            ("智能制造产业园", 35), ("污水处理厂扩建工程", 46), ("三甲医院新院区", 84), ("高中园建设工程", 83),
            ("冷链物流中心", 59), ("氢能装备产业基地", 38), ("会展配套商业综合体", 72)]
COMPANIES = ["投资发展", "城市建设", "产业园开发", "科技", "实业", "基础设施投资", "置业"]


def _at(day: date, hour: int) -> str:
    return datetime.combine(day, time(hour, 30), LOCAL_TZ).isoformat()


def _items(departments: dict[str, Unit], day: date) -> list[dict]:
    """The approval items of the stages the city's departments grant, each naming its 行政许可 item of
    the 权责清单: the department's own item for the licence when the catalogue has one, else one
    listed here (same code as the approval item) in a reform batch dated ``day``."""
    from zeren.duties.models import ItemResponsibility

    held: dict[str, list[tuple[str, str]]] = {}
    for unit_code, code, name in ItemResponsibility.objects.filter(
            unit__in=departments.values(), role="lead", item__category="licensing",
            item__is_active=True).values_list("unit__code", "item__code", "item__name").order_by("item__code"):
        held.setdefault(unit_code, []).append((code, name))
    seen, items, missing = set(), [], []
    for code, name, suffix, statutory, promised, *_ in STAGES:
        unit = departments.get(suffix)
        if unit is None or (suffix, code) in seen:
            continue
        seen.add((suffix, code))
        subject = STAGE_DUTY[code][3]
        duty = next((c for c, n in held.get(unit.code, []) if subject and n == f"{subject}许可"), "")
        item = {"code": f"{unit.code}-TZ-{code}", "name": name, "unit_code": unit.code,
                "duty_code": duty or f"{unit.code}-TZ-{code}", "statutory_days": statutory,
                "promised_days": promised, "required_steps": ["review"]}
        items.append(item)
        if not duty:
            missing.append((item, unit, code))
    if missing:
        _list_in_catalogue(missing, day)
    return items


def _list_in_catalogue(missing: list[tuple[dict, Unit, str]], day: date) -> None:
    """Stages' licences the catalogue lacks, as 行政许可 items under their laws, in one reform batch."""
    from zeren.duties.actions import do_get_or_create_batch, do_import_items
    from zeren.duties.generator import MATTERS, SITUATIONS

    contents = []
    for item, unit, stage in missing:
        law, article, area, _subject = STAGE_DUTY[stage]
        contents.append({
            "code": item["duty_code"], "name": item["name"], "category": "licensing", "area": area,
            "level": unit.level, "legal_basis": [{"law": law, "article": article, "text": ""}],
            "lead_units": [unit.code], "assisting_units": [], "parent": "",
            "responsibility_matters": list(MATTERS["licensing"]), "accountability_situations": list(SITUATIONS)})
    batch = do_get_or_create_batch(actor=None, name="工程建设项目审批事项纳入权责清单", day=day,
                                   document_number="深府办函〔2025〕21号")
    do_import_items(actor=None, contents=contents, batch=batch, source="demo")


def _chosen(rng, departments: dict[str, Unit]) -> tuple[list[str], dict[str, list[str]]]:
    """The stages one project needs, and each one's prerequisites with left-out stages passed through."""
    spec = {s[0]: s for s in STAGES}
    kept = [s[0] for s in STAGES if s[2] in departments and rng.random() < s[6]]

    def needs(code: str) -> list[str]:
        out: list[str] = []
        for before in spec[code][5]:
            for item in ([before] if before in kept else needs(before)):
                if item not in out:
                    out.append(item)
        return out

    return kept, {code: needs(code) for code in kept}


def _simulate(rng, cal, kept, requires, started: date, today: date, case_prefix: str, units: dict[str, Unit]):
    """Dates of each stage as it would have gone, and the events of those up to ``today``."""
    spec = {s[0]: s for s in STAGES}
    decided: dict[str, date] = {}
    events: list[dict] = []
    filed: dict[str, str] = {}
    for code in topological_order(kept, requires):
        if any(r not in decided for r in requires[code]):
            continue
        ready = max([started, *(decided[r] for r in requires[code])])
        received = cal.add_workdays(ready, rng.randint(1, 6 if requires[code] else 12))
        if received > today:
            continue
        _, _, suffix, statutory, promised, *_ = spec[code]
        roll = rng.random()
        if roll < SLOW.get(code, OVERRUN):
            used = statutory + rng.randint(2, 15)
        elif roll < 0.45:
            used = rng.randint(promised, statutory)
        else:
            used = rng.randint(max(1, promised // 2), promised)
        unit = units[suffix]
        case_id = f"{case_prefix}-{code}"
        item_code = f"{unit.code}-TZ-{code}"
        extension = 0
        timeline: list[tuple[str, date, dict]] = [("received", received, {})]
        if code in ("eia", "safety") and rng.random() < 0.5:  # expert review stops the clock (第四十五条)
            stop = cal.add_workdays(received, rng.randint(2, 5))
            extension = rng.randint(5, 15)
            timeline += [("suspended", stop, {"reason": "专家评审"}),
                         ("resumed", cal.add_workdays(stop, extension), {})]
        decision = cal.add_workdays(received, used + extension)
        timeline += [("step_completed", cal.add_workdays(received, max(1, (used + extension) // 2)),
                      {"step": "review"}),
                     ("decided", decision, {"outcome": "approved"}),
                     ("delivered", cal.add_workdays(decision, 1), {})]
        for n, (kind, day, extra) in enumerate(timeline, 1):
            if day <= today:
                events.append({"event_id": f"{case_id}-{n}", "case_id": case_id, "item_code": item_code,
                               "unit_code": unit.code, "type": kind, "at": _at(day, 8 + n),
                               "recorded_at": _at(day, 8 + n), **extra})
        filed[code] = case_id
        if decision <= today:
            decided[code] = decision
    return events, filed


def build(ctx: DemoContext) -> None:
    from zeren.workcal.selectors import get_calendar

    city = ctx.notes.get("city_code", "SZ")
    wanted = {s[2] for s in STAGES}
    departments = {u.code.removeprefix(f"{city}-"): u
                   for u in Unit.objects.filter(code__in=[f"{city}-{s}" for s in wanted])}
    if "FGW" not in departments:
        return
    items = _items(departments, ctx.today - timedelta(days=380))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "investment-project-items.json"
        path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        do_load_items(actor=None, path=path)
    source, _ = do_create_source(actor=None, code="sz-tzxm", name="投资项目在线审批监管平台", unit=None)
    cal = get_calendar()
    rng = ctx.rng
    today = ctx.today
    count = ctx.scaled(5, 40)
    plans = []
    events: list[dict] = []
    for number in range(1, count + 1):
        # Spread the starts over ten months, a couple of projects only just begun.
        started = cal.add_workdays(today, -rng.randint(3, 8) if number <= max(1, count // 12)
                                   else -rng.randint(25, 210))
        kept, requires = _chosen(rng, departments)
        place = rng.choice(PLACES)
        subject, industry = rng.choice(SUBJECTS)
        code = f"{started.year}-440300-{industry:02d}-02-{number:06d}"
        new, filed = _simulate(rng, cal, kept, requires, started, today, f"TZ{started:%Y}{number:04d}", departments)
        events += new
        plans.append((code, f"{place}{subject}", started, kept, requires, filed))
    events.sort(key=lambda e: e["at"])
    do_ingest_events(source=source, events=events, catalog=get_catalog())
    spec = {s[0]: s for s in STAGES}
    for code, name, started, kept, requires, filed in ctx.progress(plans, "projects: investment projects"):
        project = do_create_project(
            actor=None, code=code, name=name, lead_unit=departments["FGW"], started_on=started,
            applicant=f"深圳市{rng.choice(PLACES)}{rng.choice(COMPANIES)}有限公司",
            investment=rng.choice([8, 12, 20, 35, 60, 120, 250]) * 10_000)
        stages = {}
        for order, stage_code in enumerate(kept):
            _, stage_name, suffix, statutory, *_ = spec[stage_code]
            stages[stage_code] = do_add_stage(actor=None, project=project, code=stage_code, name=stage_name,
                                              unit=departments[suffix], limit_days=statutory,
                                              case_id=filed.get(stage_code, ""), sort_order=order)
        for stage_code, needs in requires.items():
            for before in needs:
                do_set_dependency(actor=None, stage=stages[stage_code], requires=stages[before])
    do_scan(as_of=today)
    ctx.notes["projects"] = len(plans)
