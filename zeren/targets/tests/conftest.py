from __future__ import annotations

from datetime import date

import pytest

from zeren.access.models import Role
from zeren.org.models import Membership, Person, Post, Rank
from zeren.org.testing import make_small_tree, make_user
from zeren.targets.actions import MilestoneSpec, TargetSpec, do_import_targets


def person(code: str, name: str, unit, *, leading: bool = False, start: date = date(2020, 1, 1)) -> Person:
    p = Person.objects.create(code=code, name=name)
    post = Post.objects.create(code=f"{unit.code}-{code}", unit=unit, label="局长" if leading else "科员",
                               rank=Rank.BUREAU_CHIEF if leading else Rank.STAFF, is_leading=leading)
    Membership.objects.create(person=p, post=post, unit=unit, start_date=start)
    return p


@pytest.fixture
def tree(db):
    return make_small_tree()


@pytest.fixture
def people(tree):
    return {
        "mayor": person("P-MAYOR", "王市长", tree["city"], leading=True),
        "market_head": person("P-SCJG", "李局长", tree["market"], leading=True),
        "clerk": person("P-CLERK", "赵科员", tree["market_div"]),
        "housing_head": person("P-ZJ", "陈局长", tree["housing"], leading=True),
    }


@pytest.fixture
def users(tree):
    return {
        "market": make_user("market", Role.STAFF, tree["market"]),
        "market_head": make_user("market_head", Role.UNIT_HEAD, tree["market"]),
        "housing": make_user("housing", Role.STAFF, tree["housing"]),
        "officer": make_user("officer", Role.SUPERVISION_OFFICER, tree["city"]),
        "perf": make_user("perf", Role.PERFORMANCE_OFFICER, tree["city"]),
    }


@pytest.fixture
def targets(tree, people):
    """A city target decomposed to the market bureau (additive 0 → 100 licences) and its division
    (0 → 60), and a qualitative housing target with two milestones — all of 2026."""
    specs = [
        TargetSpec(code="T-1", year=2026, title="新增市场主体", unit=tree["city"], leader=people["mayor"],
                   start=date(2026, 1, 5), deadline=date(2026, 6, 30), baseline=0, target_value=100, additive=True),
        TargetSpec(code="T-1-1", year=2026, title="登记注册提速", unit=tree["market"], leader=people["market_head"],
                   parent_code="T-1", start=date(2026, 1, 5), deadline=date(2026, 6, 30), baseline=0,
                   target_value=100, additive=True),
        TargetSpec(code="T-1-1-1", year=2026, title="窗口办件", unit=tree["market_div"],
                   leader=people["market_head"], person=people["clerk"], parent_code="T-1-1",
                   start=date(2026, 1, 5), deadline=date(2026, 6, 30), baseline=0, target_value=60,
                   milestones=[MilestoneSpec("M1", "一季度", date(2026, 3, 31), expected=20)]),
        TargetSpec(code="T-2", year=2026, title="保障房建设方案", unit=tree["housing"], leader=people["housing_head"],
                   kind="qualitative", start=date(2026, 1, 5), deadline=date(2026, 9, 30),
                   milestones=[MilestoneSpec("M1", "方案报批", date(2026, 3, 31), deliverable="方案"),
                               MilestoneSpec("M2", "开工", date(2026, 9, 30), deliverable="开工令")]),
    ]
    return {t.code: t for t in do_import_targets(actor=None, specs=specs)}
