"""A city with a development-and-reform commission, an environment bureau and a housing bureau, and
two investment projects whose filed stages are real supervised cases (through ingestion)."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.utils import timezone

from zeren.org.testing import make_small_tree, make_unit
from zeren.supervision.actions import cli_source, do_ingest_events, do_scan
from zeren.supervision.models import ApprovalItem
from zeren.supervision.projects.actions import do_add_stage, do_create_project, do_set_dependency
from zeren.supervision.rules import LOCAL_TZ
from zeren.workcal.selectors import get_calendar


def at(day):
    return datetime.combine(day, time(10), LOCAL_TZ).isoformat()


@pytest.fixture
def city(db):
    units = make_small_tree()
    units["development"] = make_unit("SZ-FGW", units["city"], name="深圳市发展和改革委员会")
    units["environment"] = make_unit("SZ-HJ", units["city"], name="深圳市生态环境局")
    for code, name, unit, days in [("FGW-HZ", "企业投资项目核准", "development", 20),
                                   ("HJ-HP", "建设项目环境影响报告书审批", "environment", 60),
                                   ("ZJ-SG", "建筑工程施工许可证核发", "housing", 7)]:
        ApprovalItem.objects.create(code=code, name=name, unit=units[unit], statutory_days=days,
                                    promised_days=days // 2)
    return units


@pytest.fixture
def projects(city):
    """P1: approval decided in 5 of its 20 days, EIA filed 30 working days ago and still held,
    construction waiting for both. P2: only approval and construction, nothing at the environment bureau."""
    cal = get_calendar()
    # The last working day on or before today: counted from a weekend, '30 working days ago' is held 29 (the
    # test failed on Saturdays).
    today = cal.add_workdays(cal.add_workdays(timezone.localdate(), 1), -1)
    start = cal.add_workdays(today, -40)
    filed = cal.add_workdays(start, 2)
    decided = cal.add_workdays(filed, 5)
    eia = cal.add_workdays(today, -30)

    def ev(n, case, item, unit, kind, day, **extra):
        return {"event_id": f"{case}-{n}", "case_id": case, "item_code": item, "unit_code": unit, "type": kind,
                "at": at(day), **extra}

    result = do_ingest_events(source=cli_source(), events=[
        ev(1, "P1-approval", "FGW-HZ", "SZ-FGW", "received", filed),
        ev(2, "P1-approval", "FGW-HZ", "SZ-FGW", "decided", decided, outcome="approved"),
        ev(1, "P1-eia", "HJ-HP", "SZ-HJ", "received", eia),
        ev(1, "P2-approval", "FGW-HZ", "SZ-FGW", "received", cal.add_workdays(today, -3)),
    ])
    assert result.rejected == 0, result.rejections
    do_scan(as_of=today)
    made = {}
    for code, name in [("P1", "前海数据中心"), ("P2", "光明智能制造产业园")]:
        project = do_create_project(actor=None, code=code, name=name, lead_unit=city["development"],
                                    started_on=start, applicant="深圳市前海投资有限公司", investment=120000)
        approval = do_add_stage(actor=None, project=project, code="approval", name="企业投资项目核准",
                                unit=city["development"], case_id=f"{code}-approval")
        construction = do_add_stage(actor=None, project=project, code="construction", name="建筑工程施工许可证核发",
                                    unit=city["housing"], limit_days=7)
        do_set_dependency(actor=None, stage=construction, requires=approval)
        if code == "P1":
            eia_stage = do_add_stage(actor=None, project=project, code="eia", name="建设项目环境影响报告书审批",
                                     unit=city["environment"], case_id="P1-eia")
            do_set_dependency(actor=None, stage=construction, requires=eia_stage)
        made[code] = project
    return made
