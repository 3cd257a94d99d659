"""The organisation registry (组织机构), modelled on Popolo: Organization, Post, Person, Membership.

A unit's ``code`` is stable: it is the Popolo ``id`` in export and import and the way every
other module and API refers to a unit. Validity dates keep history across reorganisations
(机构改革): a unit that is abolished gets ``valid_until``; a new one gets a new code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

MAX_POPULATION = 2_000_000_000  # a unit's population: fits PostgreSQL's integer, more than any area has


class UnitKind(models.TextChoices):
    """What kind of body a unit is (Popolo ``classification``)."""

    GOVERNMENT = "government", _("人民政府")
    DEPARTMENT = "department", _("政府工作部门")
    DIVISION = "division", _("内设机构")
    SUPERVISION = "supervision", _("监察机关")
    PERFORMANCE_OFFICE = "performance_office", _("绩效管理办公室")
    STREET_OFFICE = "street_office", _("街道办事处")
    PEOPLES_CONGRESS = "peoples_congress", _("人民代表大会常务委员会")
    CPPCC = "cppcc", _("政协委员会")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    OTHER = "other", _("其他")


class Level(models.TextChoices):
    """Government level (市/区/街道事权)."""

    CITY = "city", _("市级")
    DISTRICT = "district", _("区级")
    STREET = "street", _("街道")


def english_ui() -> bool:
    """Whether the active language is English (zh-Hans is the default and the language of the data)."""
    return (get_language() or "").startswith("en")


def localized_name(name: str, name_en: str = "") -> str:
    """A unit's name in the active language: its English name in the English UI when it has one, else its
    Chinese name. The one place that chooses (:attr:`Unit.display_name`, :func:`display_name_of`)."""
    return name_en if name_en and english_ui() else name


class NamedInBothLanguages:
    """A model with ``name`` (Chinese) and ``name_en``: :attr:`display_name` is the one the UI shows."""

    name: str
    name_en: str

    @property
    def display_name(self) -> str:
        """The name in the active language (``name_en`` in the English UI, the Chinese name without one)."""
        return localized_name(self.name, self.name_en)


def display_name_of(prefix: str = "") -> Any:
    """A query expression for the name of the unit at ``prefix`` (``"unit__"``, ``""`` for the unit
    itself) in the active language, for ``values()``/``annotate()`` that build labels:
    ``qs.values(unit_label=display_name_of("unit__"))``."""
    if not english_ui():
        return F(f"{prefix}name")
    return Coalesce(NullIf(F(f"{prefix}name_en"), Value("")), F(f"{prefix}name"))


def name_order(prefix: str = "") -> Any:
    """A query expression that orders units (at ``prefix``: ``"unit__"``, ``""`` for the unit itself) by
    name as the reader expects: in Chinese by pinyin (:attr:`Unit.name_sort`, 拼音排序), in English by the
    name shown (:attr:`Unit.display_name`) without regard to case — a unit without an English name takes
    its place by its pinyin among the English names. Sorts in SQL, on SQLite and PostgreSQL alike."""
    if not english_ui():
        return F(f"{prefix}name_sort")
    return Lower(Coalesce(NullIf(F(f"{prefix}name_en"), Value("")), F(f"{prefix}name_sort")))


def unit_name_key(unit: Unit) -> str:
    """:func:`name_order` of one unit, in Python (from its names: a unit read with ``only()`` may lack
    ``name_sort``)."""
    from zeren.org.rules import name_sort_key

    return unit.name_en.lower() if english_ui() and unit.name_en else name_sort_key(unit.name)


_HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]")


def displayed_name_key(text: str) -> str:
    """:func:`name_order` of a name as a page shows it (``display_name``), for the few lists built in
    Python (figures per unit): pinyin for a Chinese name, lower case for an English one."""
    from zeren.org.rules import name_sort_key

    return name_sort_key(text) if not english_ui() or _HAN.search(text) else text.lower()


class ByUnitName:
    """A column of :mod:`zeren.core.tables` that sorts by a unit's name in the reader's order
    (:func:`name_order`): ``Column("unit", _("单位"), ByUnitName("unit__"))``. A list of rows built in
    Python is sorted by the unit at ``prefix`` (``row.unit``), or else by the row's ``<prefix>name``
    (the name shown)."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix

    def expression(self) -> Any:
        return name_order(self.prefix)

    def row_key(self, row: Any) -> str | None:
        target = row
        for part in self.prefix.split("__")[:-1]:
            target = target.get(part) if isinstance(target, dict) else getattr(target, part, None)
        if isinstance(target, Unit):
            return unit_name_key(target)
        name = row.get(f"{self.prefix}name") if isinstance(row, dict) else getattr(row, f"{self.prefix}name", None)
        return None if name is None else displayed_name_key(str(name))


def _path_and_ancestors(path: str) -> list[str]:
    """``/SZ/SZ-FT/SZ-FT-SCJG/`` → itself, ``/SZ/SZ-FT/``, ``/SZ/`` (nearest first)."""
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[:n]) + "/" for n in range(len(codes), 0, -1)]


def _with_sort_keys(units: Iterable[Unit]) -> list[Unit]:
    from zeren.org.rules import name_sort_key

    units = list(units)
    for unit in units:
        unit.name_sort = name_sort_key(unit.name)
    return units


class UnitQuerySet(models.QuerySet):
    # The writes that skip Unit.save() keep name_sort right too (the registry import creates and renames
    # units in bulk): bulk_create and bulk_update compute it, update() of a name sets it.
    def bulk_create(self, objs: Iterable[Unit], *args: Any, **kwargs: Any) -> list[Unit]:
        return super().bulk_create(_with_sort_keys(objs), *args, **kwargs)

    def bulk_update(self, objs: Iterable[Unit], fields: Iterable[str], *args: Any, **kwargs: Any) -> int:
        fields = list(fields)
        if "name" in fields:
            objs = _with_sort_keys(objs)
            fields = fields if "name_sort" in fields else [*fields, "name_sort"]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        if "name" in kwargs and "name_sort" not in kwargs:  # bulk_update gives both (as expressions)
            from zeren.org.rules import name_sort_key

            if not isinstance(kwargs["name"], str):
                raise TypeError("a unit's name is updated with a text: name_sort is computed in Python")
            kwargs["name_sort"] = name_sort_key(kwargs["name"])
        return super().update(**kwargs)

    def valid_on(self, day: date) -> UnitQuerySet:
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )

    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        """The unit and everything below it (materialised path prefix)."""
        return self.filter(path__startswith=unit.path)

    def served_populations(self, codes: Iterable[str]) -> dict[str, int]:
        """``code → population`` of the area each unit serves (服务人口): its own ``population``, else
        that of the nearest unit above it that has one — a city department serves the city, a
        district bureau its district, a division its department's area. A unit with none on itself
        or above is left out. Two queries."""
        paths = dict(self.filter(code__in=list(codes)).values_list("code", "path"))
        chains = {code: _path_and_ancestors(path) for code, path in paths.items()}
        known = dict(self.filter(path__in={p for chain in chains.values() for p in chain}, population__isnull=False)
                     .values_list("path", "population"))
        return {code: next(known[p] for p in chain if p in known)
                for code, chain in chains.items() if any(p in known for p in chain)}


class Unit(NamedInBothLanguages, models.Model):
    """A unit of the government tree (单位): government, department, division, street office…"""

    code = models.CharField(max_length=64, unique=True, verbose_name=_("单位代码"))
    name = models.CharField(max_length=200, verbose_name=_("名称"))
    name_en = models.CharField(max_length=200, blank=True, verbose_name=_("英文名称"))
    # The name's pinyin sort key (zeren.org.rules.name_sort_key, 12 characters a character), set by save()
    # and by UnitQuerySet's bulk writes; lists sort by it in Chinese (name_order).
    name_sort = models.CharField(max_length=200 * 12, editable=False, default="", verbose_name=_("拼音排序码"))
    short_name = models.CharField(max_length=64, blank=True, verbose_name=_("简称"))
    kind = models.CharField(max_length=32, choices=UnitKind.choices, verbose_name=_("类别"))
    level = models.CharField(max_length=16, choices=Level.choices, verbose_name=_("层级"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级单位")
    )
    # "/CITY/CITY-FT/CITY-FT-J01/": the codes from the root down; subtree = prefix match.
    path = models.CharField(max_length=512, db_index=True, editable=False, verbose_name=_("路径"))
    functions = models.JSONField(default=list, blank=True, verbose_name=_("法定职责（三定）"))
    valid_from = models.DateField(null=True, blank=True, verbose_name=_("成立日期"))
    valid_until = models.DateField(null=True, blank=True, verbose_name=_("撤销日期"))
    sort_order = models.IntegerField(default=0, verbose_name=_("排序"))
    # 常住人口: the resident population of the area a government (city, district) or street office
    # governs, from the statistical yearbook or census; empty for departments, which serve the area of
    # the nearest unit above them that has one (:meth:`UnitQuerySet.served_populations`).
    population = models.PositiveIntegerField(null=True, blank=True, validators=[MaxValueValidator(MAX_POPULATION)],
                                             verbose_name=_("常住人口"),
                                             help_text=_("所辖区域常住人口（人）；工作部门不填，按上级区域计"))

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_from__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="org_unit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        from zeren.org.rules import name_sort_key  # rules imports this module

        self.name_sort = name_sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields and "name_sort" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "name_sort"]
        super().save(*args, **kwargs)

    @property
    def display_short_name(self) -> str:
        """A short name in the active language: the short name in Chinese, the English name in English."""
        return self.display_name if english_ui() and self.name_en else (self.short_name or self.name)

    @staticmethod
    def path_for(code: str, parent_path: str | None) -> str:
        return f"{parent_path or '/'}{code}/"

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def ancestor_codes(self) -> list[str]:
        return [c for c in self.path.strip("/").split("/") if c][:-1]


class Rank(models.TextChoices):
    """Civil-service post rank (职务职级), from the 公务员职务与职级并行规定."""

    MINISTERIAL = "ministerial", _("省部级")
    BUREAU_CHIEF = "bureau_chief", _("厅局级正职")
    BUREAU_DEPUTY = "bureau_deputy", _("厅局级副职")
    DIVISION_CHIEF = "division_chief", _("县处级正职")
    DIVISION_DEPUTY = "division_deputy", _("县处级副职")
    SECTION_CHIEF = "section_chief", _("乡科级正职")
    SECTION_DEPUTY = "section_deputy", _("乡科级副职")
    INSPECTOR = "inspector", _("巡视员/调研员")
    PRINCIPAL_STAFF = "principal_staff", _("主任科员")
    STAFF = "staff", _("科员")
    CLERK = "clerk", _("办事员")


class Post(models.Model):
    """A position in a unit (职位), leading (领导职务) or non-leading (非领导职务)."""

    code = models.CharField(max_length=80, unique=True, verbose_name=_("职位代码"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="posts", verbose_name=_("单位"))
    label = models.CharField(max_length=200, verbose_name=_("职位名称"))
    rank = models.CharField(max_length=32, choices=Rank.choices, verbose_name=_("职级"))
    is_leading = models.BooleanField(default=False, verbose_name=_("领导职务"))
    valid_from = models.DateField(null=True, blank=True, verbose_name=_("设立日期"))
    valid_until = models.DateField(null=True, blank=True, verbose_name=_("撤销日期"))

    class Meta:
        ordering = ["unit__path", "-is_leading", "code"]
        verbose_name = _("职位")
        verbose_name_plural = _("职位")

    def __str__(self) -> str:
        return f"{self.unit.display_name} {self.label}"


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Person(models.Model):
    """A person (人员). Phone and ID number are protected fields (see ``zeren.access.fields``)."""

    code = models.CharField(max_length=64, unique=True, verbose_name=_("人员编号"))
    name = models.CharField(max_length=100, verbose_name=_("姓名"))
    gender = models.CharField(max_length=8, choices=Gender.choices, blank=True, verbose_name=_("性别"))
    birth_date = models.DateField(null=True, blank=True, verbose_name=_("出生日期"))
    email = models.EmailField(blank=True, verbose_name=_("电子邮箱"))
    phone = models.CharField(max_length=32, blank=True, verbose_name=_("电话"))
    id_number = models.CharField(max_length=32, blank=True, verbose_name=_("身份证号"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """Who holds which post, from when to when (任职)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("人员"))
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("职位"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("单位"))
    start_date = models.DateField(null=True, blank=True, verbose_name=_("任职日期"))
    end_date = models.DateField(null=True, blank=True, verbose_name=_("离任日期"))

    class Meta:
        ordering = ["unit__path", "post__code", "start_date"]
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="org_membership_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.post}"
