"""A small city with the oversight network: city and district supervision bodies, a finance and an
audit bureau, and log-ins for each side."""

from __future__ import annotations

from datetime import date

import pytest

from zeren.access.models import Role
from zeren.org.models import Level, UnitKind
from zeren.org.testing import make_small_tree, make_unit, make_user
from zeren.oversight.actions import do_register_body
from zeren.oversight.models import BodyKind

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Wednesday before National Day 2026: five working days later is Tuesday 13 October.
REFERRED_ON = date(2026, 9, 30)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Eight log-ins per test: a fast hasher keeps the fixture from spending seconds on PBKDF2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def net(db):
    units = make_small_tree()
    units["finance"] = make_unit("SZ-CZ", units["city"], name="深圳市财政局")
    units["audit"] = make_unit("SZ-SJ", units["city"], name="深圳市审计局")
    units["district_jc"] = make_unit("SZ-FT-JC", units["district"], kind=UnitKind.SUPERVISION, level=Level.DISTRICT,
                                     name="福田区监察局")
    root = make_user("root", is_superuser=True)
    bodies = {
        "city": do_register_body(actor=root, unit=units["supervision"], kind=BodyKind.SUPERVISION,
                                 jurisdiction=units["city"]),
        "district": do_register_body(actor=root, unit=units["district_jc"], kind=BodyKind.SUPERVISION,
                                     jurisdiction=units["district"]),
        "finance": do_register_body(actor=root, unit=units["finance"], kind=BodyKind.FINANCE,
                                    jurisdiction=units["city"]),
        "audit": do_register_body(actor=root, unit=units["audit"], kind=BodyKind.AUDIT, jurisdiction=units["city"]),
    }
    users = {
        "root": root,
        "officer": make_user("officer", Role.SUPERVISION_OFFICER, units["city"], unit=units["supervision"]),
        "district_officer": make_user("ft_officer", Role.SUPERVISION_OFFICER, units["district"],
                                      unit=units["district_jc"]),
        "finance": make_user("cz_staff", Role.STAFF, units["finance"]),
        "audit": make_user("sj_staff", Role.STAFF, units["audit"]),
        "market_staff": make_user("scjg_staff", Role.STAFF, units["market"]),
        "market_head": make_user("scjg_head", Role.UNIT_HEAD, units["market"]),
        "street_head": make_user("j01_head", Role.UNIT_HEAD, units["street"]),
    }
    return {"units": units, "bodies": bodies, "users": users}
