"""Demo step: approval items for the demo city's departments and a year of approvals (电子监察).

Items: two to four per department (city and district) that holds 行政许可 items in the duties
catalogue (step 20): each approval item is one of those items, named after it and linked to it by
``duty_code``, loaded through ``do_load_item_rows`` (which checks the link). Departments without
licensing items in the catalogue have no approval items.
Approvals: a year of simulated cases with planted violations of every alert type, through the
real ingestion path, then a scan on ``ctx.today``. Small: ~6 cases a working day; city: ~60. A few
cases (6 / 40) are left undecided with their deadline just ahead of ``ctx.today``: yellow cards.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import F

from zeren.demo.context import DemoContext
from zeren.org.models import Unit
from zeren.supervision.actions import do_create_source, do_ingest_events, do_load_item_rows, do_scan
from zeren.supervision.catalog import get_catalog
from zeren.supervision.simulate import ItemSpec, generate, pending_near_deadline

ORDER = 30
SKIP = {"supervision", "performance", "congress", "cppcc"}
STEPS = [("review",), ("review", "approve"), ("review", "inspect", "approve")]


def licensing_names(unit_codes: list[str]) -> dict[str, list[tuple[str, str]]]:
    """``unit code -> [(function item code, name)]`` of the 行政许可 items in force each unit leads
    (top-level items first, then their sub-items), from the duties catalogue."""
    from zeren.duties.models import ItemResponsibility

    found: dict[str, list[tuple[str, str]]] = {}
    rows = ItemResponsibility.objects.filter(
        unit__code__in=unit_codes, role="lead", item__category="licensing", item__is_active=True,
    ).values_list("unit__code", "item__code", "item__name").order_by(F("item__parent").asc(nulls_first=True),
                                                                      "item__code")
    for unit_code, code, name in rows:
        found.setdefault(unit_code, []).append((code, name))
    return found


def build(ctx: DemoContext) -> None:
    notes = ctx.notes
    skip = {notes.get("department_codes", {}).get(k) for k in SKIP}
    codes = [c for c in notes.get("city_department_codes", []) if c not in skip]
    for district_codes in notes.get("district_department_codes", {}).values():
        codes += district_codes[: ctx.scaled(2, 6)]
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    duties = licensing_names(list(units))
    rng = ctx.rng
    rows, specs = [], []
    for code in codes:
        unit = units.get(code)
        if unit is None:
            continue
        named = duties.get(code, [])[:4]
        for i, (duty_code, name) in enumerate(named[: rng.randint(2, 4)]):
            statutory = rng.choice([20, 20, 15, 10, 30])
            fee = rng.choice(["0", "0", "0", "50", "200"])
            steps = STEPS[rng.randrange(len(STEPS))]
            rows.append({"code": f"{code}-XK{i + 1:02d}", "name": name[:200], "unit_code": code,
                         "duty_code": duty_code, "statutory_days": statutory, "promised_days": max(1, statutory // 2),
                         "fee_standard": fee, "required_steps": list(steps),
                         "step_limits": {"review": max(2, statutory // 3)}})
            specs.append(ItemSpec(rows[-1]["code"], code, statutory, rows[-1]["promised_days"], Decimal(fee), steps))
    do_load_item_rows(actor=None, rows=rows, source="演示数据")
    if not specs:
        return
    source, _ = do_create_source(actor=None, code="sz-zwfw", name="市政务服务一体化平台", unit=None)
    events = list(generate(specs, end=ctx.today, days=365, per_day=ctx.scaled(6, 60), violations=0.04,
                           seed=ctx.seed, prefix="SZ"))
    # A few cases whose statutory deadline is 0–2 working days after ctx.today, so the board has
    # yellow cards (黄牌预警) on the day the demo is shown.
    events += pending_near_deadline(specs, as_of=ctx.today, count=ctx.scaled(6, 40), seed=ctx.seed, prefix="SZ-Y")
    events.sort(key=lambda e: e["at"])
    catalog = get_catalog()
    for start in ctx.progress(range(0, len(events), 20_000), "supervision: approvals"):
        do_ingest_events(source=source, events=events[start:start + 20_000], catalog=catalog)
    do_scan(as_of=ctx.today - timedelta(days=1))
    do_scan(as_of=ctx.today)
    notes["supervision_items"] = len(specs)
    notes["supervision_events"] = len(events)
