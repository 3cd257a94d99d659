"""Demo step: the synthetic city's organisation (组织机构), deterministic from the seed.

``small``: the city government, ~8 departments with divisions, the supervision bureau (监察局),
the performance office (绩效办), the people's congress (人大常委会) and CPPCC (政协), 2 districts
with 4 departments and 3 streets each, ~500 persons. ``city``: 38 municipal departments with 3–8
divisions each plus those four bodies, 10 districts with ~21 departments each, 74 streets,
~30,000 persons. Everything is built in memory as one :class:`RegistryData` and written by
:func:`zeren.org.actions.do_import_registry` (one write path, one audit entry).

Notes left in ``ctx.notes`` for later steps:

- ``city_code`` — the city government root (``"SZ"``)
- ``district_codes`` — the district governments (``"SZ-FT"``…)
- ``street_codes`` — all street offices (``"SZ-FT-J01"``…)
- ``city_department_codes`` — municipal departments incl. 监察局 and 绩效办 (not their divisions)
- ``district_department_codes`` — ``{district code: [its department codes]}``
- ``department_codes`` — ``{"market": "SZ-SCJG", "supervision": "SZ-JC", "performance": "SZ-JXB",
  "congress": "SZ-RD", "cppcc": "SZ-ZX", "housing": "SZ-ZJ", "development": "SZ-FGW", "finance": "SZ-CZ",
  "emergency": "SZ-YJ", "environment": "SZ-HJ", "services": "SZ-ZSJ", "establishment": "SZ-BB"}`` (SZ-BB: the
  city's 编办, a root of the tree, whose ``bianban`` log-in resolves duty findings)
- ``division_codes`` — ``{unit code: [its divisions/sections]}`` for every department and street
- ``login_persons`` — ``{username: person code}`` of the demo log-ins
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password

from zeren.access.models import Role
from zeren.demo.context import DemoContext
from zeren.org import demo_names as names
from zeren.org.actions import do_create_login, do_import_registry
from zeren.org.models import Gender, Level, Person, Rank, Unit, UnitKind
from zeren.org.registry import MembershipRow, PersonRow, PostRow, RegistryData, UnitRow

ORDER = 10
CITY, CITY_NAME = "SZ", "深圳市"
FOUNDED = date(2019, 3, 1)  # the municipal institutional reform (机构改革) of 2019
STAFF_POSTS = [  # (label, rank, weight)
    ("一级调研员", Rank.INSPECTOR, 5), ("四级主任科员", Rank.PRINCIPAL_STAFF, 30),
    ("一级科员", Rank.STAFF, 55), ("办事员", Rank.CLERK, 10),
]
SMALL_DISTRICT = ("ZFB", "FGJ", "SCJG", "ZJ")
NAMED = {"market": "SCJG", "housing": "ZJ", "development": "FGW", "finance": "CZ", "emergency": "YJ",
         "environment": "HJ", "services": "ZSJ"}
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def head_title(name: str, default: str) -> str:
    """The usual title of a unit's head (正职) from its name: 主任 of a 委员会/办公室, 队长 of a 队…"""
    for suffix, title in (("委员会", "主任"), ("办公厅", "主任"), ("办公室", "主任"), ("室", "主任"),
                          ("办", "主任"), ("队", "队长"), ("署", "署长"), ("科", "科长"), ("处", "处长")):
        if name.endswith(suffix):
            return title
    return default


def street_populations(district: int, count: int, seed: str) -> list[int]:
    """The district's population shared among its ``count`` streets, unevenly (0.6–1.4 a share),
    rounded to hundreds; drawn from its own generator so the rest of the demo stays as it was."""
    rng = random.Random(seed)
    weights = [rng.uniform(0.6, 1.4) for _ in range(count)]
    return [int(round(district * w / sum(weights), -2)) for w in weights]


class CityBuilder:
    """Builds the whole registry in memory from ``ctx.rng``."""

    def __init__(self, ctx: DemoContext):
        self.ctx, self.rng = ctx, ctx.rng
        self.data = RegistryData()
        self.staffable: list[str] = []
        self.post_numbers: dict[str, int] = {}
        self.holders: dict[str, str] = {}  # post code -> current person code
        self.notes: dict = {"city_code": CITY, "district_codes": [], "street_codes": [], "city_department_codes": [],
                            "district_department_codes": {}, "division_codes": {}}

    # --- records ---
    def unit(self, code: str, name: str, parent: str | None, kind: str, level: str, **extra) -> str:
        self.data.units.append(UnitRow(code=code, name=name, parent_code=parent, kind=kind, level=level,
                                       valid_from=extra.pop("valid_from", FOUNDED), **extra))
        return code

    def person(self, age_range: tuple[int, int] = (24, 58)) -> PersonRow:
        rng = self.rng
        number = len(self.data.persons) + 1
        gender = Gender.MALE if rng.random() < 0.58 else Gender.FEMALE
        chars = names.GIVEN_MALE if gender == Gender.MALE else names.GIVEN_FEMALE
        given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
        born = self.ctx.today - timedelta(days=rng.randint(age_range[0] * 365, age_range[1] * 365))
        code = f"P{number:06d}"
        row = PersonRow(code=code, name=rng.choice(names.SURNAMES) + given, gender=gender, birth_date=born,
                        email=f"{code.lower()}@demo.zeren.example", phone=f"13{rng.randrange(10**9):09d}",
                        id_number=_id_number(born, rng.randrange(1000)))
        self.data.persons.append(row)
        return row

    def post(self, unit: str, label: str, rank: str, leading: bool = False, filled: bool = True) -> str:
        number = self.post_numbers[unit] = self.post_numbers.get(unit, 0) + 1
        code = f"{unit}-P{number:03d}"
        self.data.posts.append(PostRow(code=code, unit_code=unit, label=label, rank=rank, is_leading=leading,
                                       valid_from=FOUNDED))
        if filled:
            senior = rank in (Rank.MINISTERIAL, Rank.BUREAU_CHIEF, Rank.BUREAU_DEPUTY)
            holder = self.person((42, 58) if senior else (24, 58))
            start = self.ctx.today - timedelta(days=self.rng.randint(30, 9 * 365))
            self.data.memberships.append(MembershipRow(person_code=holder.code, post_code=code, start_date=start))
            self.holders[code] = holder.code
            if leading and self.rng.random() < 0.25:  # the previous holder (前任), now retired or transferred
                before = self.person((50, 64))
                self.data.memberships.append(MembershipRow(
                    person_code=before.code, post_code=code, end_date=start - timedelta(days=1),
                    start_date=start - timedelta(days=self.rng.randint(2 * 365, 6 * 365))))
        return code

    def leaders(self, unit: str, name: str | None, head: tuple[str, str], deputy: tuple[str, str],
                deputies: int) -> str:
        """The head (正职) and ``deputies`` deputies (副职); titles follow the unit ``name`` when given."""
        title = head_title(name, head[0]) if name else head[0]
        first = self.post(unit, title, head[1], leading=True)
        deputy_title = "副" + title if name else deputy[0]
        for _ in range(deputies):
            self.post(unit, deputy_title, deputy[1], leading=True)
        return first

    def divisions(self, parent: str, labels: list[str], count: int, level: str,
                  head: tuple[str, str], deputy: tuple[str, str]) -> list[str]:
        codes = []
        for i, label in enumerate(self.rng.sample(labels, min(count, len(labels))), start=1):
            code = self.unit(f"{parent}-{i:02d}", label, parent, UnitKind.DIVISION, level, sort_order=i,
                             name_en=names.DIVISIONS_EN.get(label, ""))
            self.leaders(code, label, head, deputy, self.rng.randint(0, 2))
            self.staffable.append(code)
            codes.append(code)
        self.notes["division_codes"][parent] = codes
        return codes

    # --- the city ---
    def build(self) -> RegistryData:
        ctx, rng = self.ctx, self.rng
        self.unit(CITY, f"{CITY_NAME}人民政府", None, UnitKind.GOVERNMENT, Level.CITY,
                  name_en="Shenzhen Municipal People's Government", short_name="市政府", valid_from=date(1979, 3, 5),
                  population=names.CITY_POPULATION)
        self.post(CITY, "市长", Rank.MINISTERIAL, leading=True)
        self.notes["leader_post"] = self.post(CITY, "常务副市长", Rank.BUREAU_CHIEF, leading=True)
        for _ in range(ctx.scaled(2, 6)):
            self.post(CITY, "副市长", Rank.BUREAU_CHIEF, leading=True)
        self.post(CITY, "秘书长", Rank.BUREAU_CHIEF, leading=True)
        chosen = names.SMALL_CITY_DEPARTMENTS if not ctx.is_city else [d[0] for d in names.CITY_DEPARTMENTS]
        divisions = (3, 8) if ctx.is_city else (2, 4)
        for order, (suffix, name, name_en, functions) in enumerate(names.CITY_DEPARTMENTS, start=1):
            if suffix not in chosen:
                continue
            full = CITY_NAME + name.removeprefix("市")
            code = self.unit(f"{CITY}-{suffix}", full, CITY, UnitKind.DEPARTMENT, Level.CITY, name_en=name_en,
                             functions=functions, sort_order=order)
            self.notes["city_department_codes"].append(code)
            self.notes.setdefault("heads", {})[code] = self.leaders(
                code, full, ("局长", Rank.BUREAU_CHIEF), ("副局长", Rank.BUREAU_DEPUTY), rng.randint(2, 4))
            self.divisions(code, names.CITY_DIVISIONS, rng.randint(*divisions), Level.CITY,
                           ("处长", Rank.DIVISION_CHIEF), ("副处长", Rank.DIVISION_DEPUTY))
        self.unit(f"{CITY}-JMW", f"{CITY_NAME}经济贸易和信息化委员会", CITY, UnitKind.DEPARTMENT, Level.CITY,
                  name_en="Economy, Trade and Information Commission", valid_from=date(2009, 8, 1), valid_until=date(2019, 2, 28), sort_order=900)  # merged in 2019
        self._special_bodies()
        self._districts()
        self._staff()
        self._establishment_office()
        self.notes["department_codes"] = {
            **{key: f"{CITY}-{suffix}" for key, suffix in NAMED.items() if f"{CITY}-{suffix}" in self.notes["heads"]},
            "supervision": f"{CITY}-JC", "performance": f"{CITY}-JXB", "congress": f"{CITY}-RD", "cppcc": f"{CITY}-ZX",
            "establishment": f"{CITY}-BB"}
        return self.data

    def _establishment_office(self) -> None:
        """The city's 编办 (中共市委机构编制委员会办公室): the owner of the duty catalogue, who resolves duty
        findings (``administer_duties``). A party organ, so a root of the tree like the congress and the CPPCC.
        Drawn from its own seeded RNG and built last, so adding it changed nothing else of the demo."""
        main, self.rng = self.rng, random.Random(f"{self.ctx.seed}-bianban")
        try:
            code = self.unit(f"{CITY}-BB", f"中共{CITY_NAME}委机构编制委员会办公室", None, UnitKind.OTHER, Level.CITY,
                             name_en="Shenzhen Municipal Commission Office for Public Sector Reform",
                             short_name="市委编办", sort_order=110)
            self.notes["heads"][code] = self.leaders(code, None, ("主任", Rank.BUREAU_CHIEF),
                                                     ("副主任", Rank.BUREAU_DEPUTY), 1)
            self.divisions(code, ["综合处", "行政机构编制处", "事业机构编制处", "监督检查处"], 2, Level.CITY,
                           ("处长", Rank.DIVISION_CHIEF), ("副处长", Rank.DIVISION_DEPUTY))
            for division in self.notes["division_codes"][code]:
                self.post(division, "四级主任科员", Rank.PRINCIPAL_STAFF)
        finally:
            self.rng = main

    def _special_bodies(self) -> None:
        rng = self.rng
        bodies = [
            ("JC", f"{CITY_NAME}监察局", "Shenzhen Municipal Supervision Bureau", CITY, UnitKind.SUPERVISION,
             ("局长", "副局长"),
             ["执法监察处", "效能监察处", "纠风室", "案件审理处", "电子监察处", "行政审批监督处"]),
            ("JXB", f"{CITY_NAME}绩效管理办公室", "Shenzhen Municipal Performance Management Office", CITY,
             UnitKind.PERFORMANCE_OFFICE, ("主任", "副主任"),
             ["综合处", "指标体系处", "评估处", "督查考评处"]),
            ("RD", f"{CITY_NAME}人民代表大会常务委员会", "Standing Committee of the Shenzhen Municipal People's Congress",
             None, UnitKind.PEOPLES_CONGRESS, ("主任", "副主任"),
             ["办公厅", "法制工作委员会", "财政经济委员会", "代表工作委员会"]),
            ("ZX", f"中国人民政治协商会议{CITY_NAME}委员会", "Shenzhen Municipal Committee of the CPPCC", None,
             UnitKind.CPPCC, ("主席", "副主席"),
             ["办公厅", "提案委员会", "社会和法制委员会"]),
        ]
        for suffix, name, name_en, parent, kind, (head, deputy), labels in bodies:
            code = self.unit(f"{CITY}-{suffix}", name, parent, kind, Level.CITY, sort_order=100, name_en=name_en)
            if parent:
                self.notes["city_department_codes"].append(code)
            self.notes["heads"][code] = self.leaders(code, None, (head, Rank.BUREAU_CHIEF),
                                                     (deputy, Rank.BUREAU_DEPUTY), rng.randint(2, 3))
            self.divisions(code, labels, self.ctx.scaled(2, len(labels)), Level.CITY,
                           ("处长", Rank.DIVISION_CHIEF), ("副处长", Rank.DIVISION_DEPUTY))

    def _districts(self) -> None:
        ctx, rng = self.ctx, self.rng
        chosen = names.DISTRICTS if ctx.is_city else [names.DISTRICTS[0], names.DISTRICTS[2]]
        streets = iter(rng.sample(names.STREET_NAME_PARTS, len(names.STREET_NAME_PARTS)))
        for suffix, dname in chosen:
            dname_en = names.DISTRICTS_EN[suffix]
            district = self.unit(f"{CITY}-{suffix}", f"{dname}人民政府", CITY, UnitKind.GOVERNMENT, Level.DISTRICT,
                                 name_en=f"{dname_en} People's Government",
                                 sort_order=200 + names.DISTRICTS.index((suffix, dname)),
                                 population=names.DISTRICT_POPULATION[suffix])
            self.notes["district_codes"].append(district)
            self.post(district, "区长", Rank.BUREAU_CHIEF, leading=True)
            for _ in range(rng.randint(3, 6) if ctx.is_city else 2):
                self.post(district, "副区长", Rank.BUREAU_DEPUTY, leading=True)
            departments = [d for d in names.DISTRICT_DEPARTMENTS if ctx.is_city or d[0] in SMALL_DISTRICT]
            codes = self.notes["district_department_codes"][district] = []
            for order, (dsuffix, name) in enumerate(departments, start=1):
                full = dname + name.removeprefix("区")
                code = self.unit(f"{district}-{dsuffix}", full, district, UnitKind.DEPARTMENT, Level.DISTRICT,
                                 name_en=f"{dname_en} {names.DISTRICT_DEPARTMENTS_EN[dsuffix]}", sort_order=order)
                codes.append(code)
                self.leaders(code, full, ("局长", Rank.DIVISION_CHIEF), ("副局长", Rank.DIVISION_DEPUTY),
                             rng.randint(1, 3))
                self.divisions(code, names.DISTRICT_SECTIONS, rng.randint(2, 4), Level.DISTRICT,
                               ("科长", Rank.SECTION_CHIEF), ("副科长", Rank.SECTION_DEPUTY))
            count = names.STREETS_PER_DISTRICT[names.DISTRICTS.index((suffix, dname))] if ctx.is_city else 3
            populations = street_populations(names.DISTRICT_POPULATION[suffix], count, f"{ctx.seed}:{suffix}")
            for i in range(1, count + 1):
                part = next(streets)
                street = self.unit(f"{district}-J{i:02d}", f"{part}街道办事处", district, UnitKind.STREET_OFFICE,
                                   Level.STREET, sort_order=500 + i, population=populations[i - 1],
                                   name_en=f"{names.STREETS_EN[part]} Subdistrict Office")
                self.notes["street_codes"].append(street)
                self.leaders(street, None, ("主任", Rank.DIVISION_CHIEF), ("副主任", Rank.DIVISION_DEPUTY),
                             rng.randint(2, 4))
                self.divisions(street, names.STREET_SECTIONS, rng.randint(3, 5), Level.STREET,
                               ("科长", Rank.SECTION_CHIEF), ("副科长", Rank.SECTION_DEPUTY))

    def _staff(self) -> None:
        """Non-leading posts (非领导职务) until the city has its target head count; a few stay vacant."""
        rng = self.rng
        target = self.ctx.scaled(500, 30000)
        remaining = max(target - len(self.data.persons), len(self.staffable))
        mean = remaining / len(self.staffable)
        labels = [(label, rank) for label, rank, _ in STAFF_POSTS]
        weights = [w for _, _, w in STAFF_POSTS]
        for unit in self.staffable:
            count = max(1, round(rng.uniform(0.5, 1.5) * mean))
            for label, rank in rng.choices(labels, weights, k=count):
                self.post(unit, label, rank)
            if rng.random() < 0.05:
                self.post(unit, "一级科员", Rank.STAFF, filled=False)  # 职位空缺


def _id_number(born: date, serial: int) -> str:
    """A synthetic 18-digit resident ID (身份证号) with a valid GB 11643 check digit."""
    body = f"440304{born:%Y%m%d}{serial:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


LOGINS = [  # username, role, home unit key, scope key, which person
    ("admin", Role.ADMIN, "services", "city", "staff"),
    ("leader", Role.LEADER, "city", "city", "leader"),
    ("officer", Role.SUPERVISION_OFFICER, "supervision", "city", "staff"),
    ("perf", Role.PERFORMANCE_OFFICER, "performance", "city", "staff"),
    ("head", Role.UNIT_HEAD, "market", "market", "head"),
    ("staff", Role.STAFF, "market", "market", "staff"),
    ("bianban", Role.ESTABLISHMENT_OFFICER, "establishment", "city", "staff"),
]


def build(ctx: DemoContext) -> None:
    builder = CityBuilder(ctx)
    registry = builder.build()
    notes = builder.notes
    do_import_registry(None, registry, source=f"zeren demo --size {ctx.size} --seed {ctx.seed}",
                       reason="demo city (演示数据)")
    units = {u.code: u for u in Unit.objects.filter(code__in=[CITY, *notes["department_codes"].values()])}
    key_units = {"city": units[CITY], **{k: units[c] for k, c in notes["department_codes"].items()}}
    password = make_password(settings.ZEREN_DEMO_PASSWORD)  # hashed once for all the log-ins
    notes["login_persons"] = {}
    for username, role, home, scope, who in LOGINS:
        unit = key_units[home]
        if who == "leader":
            post = notes["leader_post"]
        elif who == "head":
            post = notes["heads"][unit.code]
        else:  # a staff member of the first division of the home unit
            division = notes["division_codes"][unit.code][0]
            post = next(p.code for p in registry.posts if p.unit_code == division and not p.is_leading
                        and p.code in builder.holders)
        person = Person.objects.get(code=builder.holders[post])
        do_create_login(actor=None, username=username, password_hash=password, person=person, unit=unit,
                        roles=[(role, key_units[scope])], superuser=role == Role.ADMIN, reason="演示登录账号")
        notes["login_persons"][username] = person.code
    ctx.notes.update(notes)
